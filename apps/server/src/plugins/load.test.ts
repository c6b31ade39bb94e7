import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { ErrorBodySchema } from '@chatsockets/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../../test/build-test-app.js';
import { drivers } from '../../test/drivers.js';

/** A raw connection that collects what the server writes and says when the server closed it. */
async function open(base: string) {
  const { hostname, port } = new URL(base);
  const socket: Socket = connect(Number(port), hostname);
  socket.setEncoding('utf8');
  let received = '';
  socket.on('data', (d) => (received += d));
  socket.on('error', () => {});
  // Not `once(socket, 'close')`: it rejects on an 'error' first, and a reset is a close here.
  const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now())));
  await once(socket, 'connect');
  return { socket, closed, received: () => received };
}

function expectErrorBody(raw: string, status: number, code: string) {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  expect(Number(head.split(' ')[1]), raw.slice(0, 200)).toBe(status);
  expect(ErrorBodySchema.parse(JSON.parse(body)).error.code).toBe(code);
}

describe.each(drivers())('request timeouts and load shedding on %s', (driver) => {
  let t: TestContext;
  let url: string;
  beforeAll(async () => {
    t = await buildTestApp(driver, { HTTP_REQUEST_TIMEOUT_MS: '400', HTTP_CONNECTION_TIMEOUT_MS: '5000' });
    url = await t.listen();
  });
  afterAll(() => t.close());

  it('[timeout] a body dribbled a byte at a time is cut off at the request timeout', async () => {
    const c = await open(url);
    const start = Date.now();
    c.socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
    );
    // Never idle, so only a whole-request deadline (not an idle timeout) can end it.
    // Stops once the answer is in: a write after the server's FIN would be answered with a reset,
    // which can discard the answer before it is read (seen on a loaded machine).
    const drip = setInterval(() => c.socket.writable && !c.received() && c.socket.write(' '), 50);
    const closedAt = await Promise.race([
      c.closed,
      new Promise<number>((r) => setTimeout(() => r(Number.NaN), 10_000)),
    ]);
    clearInterval(drip);
    c.socket.destroy();
    expect(closedAt - start, 'the server never closed the connection').toBeLessThan(10_000);
    expectErrorBody(c.received(), 400, 'BAD_REQUEST');
  });

  it('[timeout] headers that never finish are cut off too', async () => {
    const c = await open(url);
    c.socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => c.socket.writable && !c.received() && c.socket.write('X-a: b\r\n'), 50);
    const closedAt = await Promise.race([
      c.closed,
      new Promise<number>((r) => setTimeout(() => r(Number.NaN), 10_000)),
    ]);
    clearInterval(drip);
    c.socket.destroy();
    expect(Number.isNaN(closedAt), 'the server never closed the connection').toBe(false);
    expectErrorBody(c.received(), 400, 'BAD_REQUEST');
  });

  it('[load] past the memory bound every request is shed with 503 UNAVAILABLE and Retry-After', async () => {
    // A 1-byte heap bound is always exceeded: the app sheds from its first sample on.
    const app = await t.rebuild({ LOAD_MAX_HEAP_USED_BYTES: '1', LOAD_SAMPLE_MS: '20' });
    const deadline = Date.now() + 5000;
    let res = await app.inject({ url: '/api/health' });
    while (res.statusCode !== 503 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      res = await app.inject({ url: '/api/health' });
    }
    expect(res.statusCode).toBe(503);
    expect(ErrorBodySchema.parse(res.json()).error.code).toBe('UNAVAILABLE');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'someone', password: 'password123' },
    });
    expect(login.statusCode).toBe(503);
    expect(ErrorBodySchema.parse(login.json()).error.code).toBe('UNAVAILABLE');
    const fresh = await t.rebuild({ HTTP_REQUEST_TIMEOUT_MS: '400' });
    expect((await fresh.inject({ url: '/api/health' })).statusCode).toBe(200);
  });
});
