import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { waitFor } from '../../test/wait.js';
import { coalesceWrites } from './coalesce-writes.js';

/** A real `ws` server and client on loopback; answers the server's side of the connection. */
async function pair() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const accepted = new Promise<WebSocket>((r) => server.once('connection', (ws) => r(ws)));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on('message', (data) => received.push(String(data)));
  await new Promise<void>((r) => client.once('open', () => r()));
  const ws = await accepted;
  // Counts the writes that reach the socket's handle: one per system call, or per `writev`.
  const socket = (ws as unknown as { _socket: Socket })._socket as Socket & {
    _write: (...args: unknown[]) => void;
    _writev: (...args: unknown[]) => void;
  };
  const writes = { count: 0 };
  for (const name of ['_write', '_writev'] as const) {
    const original = socket[name].bind(socket);
    socket[name] = (...args: unknown[]) => {
      writes.count++;
      original(...args);
    };
  }
  cleanups.push(async () => {
    client.terminate();
    await new Promise((r) => server.close(r));
  });
  return { ws, socket, received, writes };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('coalesceWrites', () => {
  it('[coalesce] frames sent to one socket in one turn leave in one write, in order', async () => {
    const { ws, received, writes } = await pair();
    for (const n of [1, 2, 3, 4, 5]) {
      coalesceWrites(ws);
      ws.send(`frame ${n}`);
    }
    await waitFor('5 frames', () => received.length === 5);
    expect(received).toEqual(['frame 1', 'frame 2', 'frame 3', 'frame 4', 'frame 5']);
    expect(writes.count).toBe(1);
  });

  it('[coalesce] without it, ws writes each frame on its own (what the test above would see)', async () => {
    const { ws, received, writes } = await pair();
    for (const n of [1, 2, 3]) ws.send(`frame ${n}`);
    await waitFor('3 frames', () => received.length === 3);
    expect(writes.count).toBe(3);
  });

  it('[coalesce] nothing is held past the turn: the socket is uncorked before the loop polls again', async () => {
    const { ws, socket, received } = await pair();
    coalesceWrites(ws);
    ws.send('now');
    expect(socket.writableCorked).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(socket.writableCorked).toBe(0);
    await waitFor('the frame', () => received.length === 1);
    // A socket closed within the turn is not written to, and nothing throws.
    coalesceWrites(ws);
    ws.send('late');
    socket.destroy();
    await new Promise((r) => setImmediate(r));
    expect(socket.destroyed).toBe(true);
  });
});
