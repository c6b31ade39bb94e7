import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/**
 * Frames written to one socket in one turn of the event loop leave in one system call.
 *
 * A batch of sends to one chat commits together and is published in the same turn, so each
 * subscriber gets its events back to back. `ws` writes every frame on its own (a `writev` of
 * header and payload each), and those system calls were most of the server's CPU per delivery
 * (docs/BENCHMARKS.md › Issue #16, 2026-12-01, third session). Corked for the rest of the turn,
 * the frames go out together when it ends (`process.nextTick`, which runs after the turn's
 * promise continuations and before the loop polls for I/O again), so nothing waits longer than
 * it did. A frame alone in its turn costs one cork and uncork more.
 *
 * `ws` does not expose its socket: `_socket` is its own field, and `ws` corks it around every
 * frame itself, so an outer cork only holds the writes until the turn ends. Compression is off
 * (ws.routes.ts), so every frame is written as it is sent, in order.
 */
const corked: Socket[] = [];

function uncorkAll() {
  for (const socket of corked.splice(0)) socket.uncork();
}

export function coalesceWrites(ws: WebSocket): void {
  const socket = (ws as unknown as { _socket?: Socket })._socket;
  if (!socket || socket.writableCorked > 0 || socket.destroyed) return;
  socket.cork();
  if (corked.push(socket) === 1) process.nextTick(uncorkAll);
}
