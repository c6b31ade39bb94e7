import { once } from 'node:events';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { registerUser, type TestUser } from '../../test/factories.js';
import { RawWs } from '../../test/raw-ws.js';
import { WsClient } from '../../test/ws-client.js';

// Protocol-level abuse is handled by ws before any database work: one driver is enough.
describe('hostile sockets', () => {
  let t: TestContext;
  let url: string;
  let user: TestUser;
  let bystander: WsClient;

  beforeAll(async () => {
    t = await buildTestApp('pglite', { WS_MAX_SOCKETS_PER_USER: '100' });
    url = await t.listen();
    user = await registerUser(t.app, 'mallory');
    bystander = await WsClient.connect(url, { token: (await registerUser(t.app, 'bystander')).token });
  });
  afterAll(async () => {
    await bystander.close();
    await t.close();
  });

  const cases: Array<[string, (ws: RawWs) => void, number]> = [
    ['a frame over 64 KiB', (ws) => ws.write(ws.frame(Buffer.alloc(70_000, 0x61))), 1009],
    [
      'fragments adding up past 64 KiB',
      (ws) => {
        for (let i = 0; i < 20; i++)
          ws.write(ws.frame(Buffer.alloc(4000, 0x61), { opcode: i ? 0 : 1, fin: false }));
      },
      1009,
    ],
    [
      '200 000 tiny fragments',
      (ws) => {
        const chunk = Buffer.concat(
          Array.from({ length: 1000 }, () => ws.frame(Buffer.from('a'), { opcode: 0, fin: false })),
        );
        ws.write(ws.frame(Buffer.from('a'), { opcode: 1, fin: false }));
        for (let i = 0; i < 200; i++) ws.write(chunk);
      },
      1008, // ws caps the number of fragments before the byte limit is reached: a policy violation
    ],
    ['invalid UTF-8 in a text frame', (ws) => ws.write(ws.frame(Buffer.from([0xc3, 0x28, 0xff]))), 1007],
    [
      'RSV bits set (no extension negotiated)',
      (ws) => ws.write(ws.frame(Buffer.from('{}'), { rsv: 0b100 })),
      1002,
    ],
    [
      'an unmasked client frame',
      (ws) => ws.write(ws.frame(Buffer.from('{"type":"ping"}'), { masked: false })),
      1002,
    ],
    ['an unknown opcode', (ws) => ws.write(ws.frame(Buffer.from('x'), { opcode: 3 })), 1002],
  ];

  // Node hands an upgrade's socket over for good; answered by anything but the gateway and left
  // open, it held a graceful shutdown for the whole grace period.
  for (const path of ['/nope', '/ws/', '/api/health']) {
    it(`[hostile] an upgrade to ${path} is answered, then its connection ends`, async () => {
      const { port } = new URL(url);
      const socket = connect(Number(port), '127.0.0.1');
      let answer = '';
      socket.on('data', (d) => {
        answer += d;
      });
      const ended = once(socket, 'end');
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
      await ended;
      socket.destroy();
      expect(answer).toMatch(/^HTTP\/1\.1 (404|200) /);
    });
  }

  for (const [name, attack, code] of cases) {
    it(`[hostile] ${name} → closed with ${code}; the process keeps serving others`, async () => {
      const ws = await RawWs.open(url, user.token);
      attack(ws);
      const timer = setTimeout(() => ws.destroy(), 10_000);
      expect(await ws.closed).toBe(code);
      clearTimeout(timer);
      expect(await bystander.ok({ type: 'ping' })).toHaveProperty('serverTime');
      expect((await t.app.inject({ url: '/api/health' })).statusCode).toBe(200);
    });
  }
});
