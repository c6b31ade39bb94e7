import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { waitFor } from '../../test/wait.js';
import type { Actor } from '../auth/auth.service.js';
import { Connection } from './connection.js';

/** A real `ws` server and client on loopback; the server's side wrapped in a Connection. */
async function pair(inboundMax: number) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const accepted = new Promise<WebSocket>((r) => server.once('connection', (ws) => r(ws)));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await new Promise<void>((r) => client.once('open', () => r()));
  const ws = await accepted;
  const actor = { user: { id: 'u1' }, sessionId: 's1' } as unknown as Actor;
  const conn = new Connection(ws, actor, 1 << 20, { sent() {}, slowReader() {} }, inboundMax);
  cleanups.push(async () => {
    client.terminate();
    await new Promise((r) => server.close(r));
  });
  return { ws, conn, client };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('Connection', () => {
  it('[backpressure] stops reading the socket while too many frames wait their turn, and reads on once they are handled', async () => {
    const { ws, conn, client } = await pair(3);
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const handled: string[] = [];
    // Every frame waits behind the first, as they do behind a stalled database.
    ws.on('message', (data) =>
      conn.enqueue(async () => {
        await gate;
        handled.push(String(data));
      }),
    );
    for (const n of [1, 2, 3]) client.send(`frame ${n}`);
    await waitFor('the server to stop reading', () => ws.isPaused);
    release();
    await conn.drained();
    expect(handled).toEqual(['frame 1', 'frame 2', 'frame 3']);
    expect(ws.isPaused).toBe(false);
    // Reading again: a later frame arrives and is handled.
    client.send('frame 4');
    await waitFor('frame 4', () => handled.length === 4);
    expect(handled.at(-1)).toBe('frame 4');
  });
});
