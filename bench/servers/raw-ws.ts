// Reference server for bench/ws.ts: the least a server can do for the same job, on bare `ws`.
// Rooms in memory, each message stamped with a per-room seq and broadcast (serialized once) to
// every socket in the room, the sender's included, then acked to the sender. No auth, no DB,
// no validation beyond JSON.parse. It speaks the Chatsockets frames (PROTOCOL.md › WebSocket),
// so the load generator drives it with the same client as the real server.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

const PORT = Number(process.env.PORT ?? 3101);
const HOST = process.env.HOST ?? '127.0.0.1';
const HEARTBEAT_MS = 30_000;

interface Room {
  seq: number;
  members: Set<WebSocket>;
}
const rooms = new Map<string, Room>();
const roomsOf = new Map<WebSocket, Set<Room>>();

const http = createServer((req, res) => {
  if (req.url === '/stats') {
    const mem = process.memoryUsage();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ heapUsed: mem.heapUsed, rss: mem.rss, connections: wss.clients.size }));
    return;
  }
  res.statusCode = 404;
  res.end();
});
const wss = new WebSocketServer({
  server: http,
  path: '/ws',
  perMessageDeflate: false,
  maxPayload: 64 * 1024,
});

wss.on('connection', (ws, req) => {
  const username = new URL(req.url ?? '/', 'http://x').searchParams.get('user') ?? 'anon';
  const user = { id: username, username };
  roomsOf.set(ws, new Set());
  ws.on('error', () => {});
  ws.on('close', () => {
    for (const room of roomsOf.get(ws) ?? []) room.members.delete(ws);
    roomsOf.delete(ws);
  });
  ws.on('message', (data) => {
    let frame: { type?: string; id?: number | string; chatId?: string; clientId?: string; body?: string };
    try {
      frame = JSON.parse(data.toString());
    } catch {
      ws.send(JSON.stringify({ type: 'error', error: { code: 'BAD_REQUEST', message: 'bad JSON' } }));
      return;
    }
    const reply = (payload: unknown) =>
      ws.send(JSON.stringify({ type: 'reply', id: frame.id, ok: true, data: payload }));
    if (frame.type === 'subscribe' && frame.chatId) {
      let room = rooms.get(frame.chatId);
      if (!room) {
        room = { seq: 0, members: new Set() };
        rooms.set(frame.chatId, room);
      }
      room.members.add(ws);
      roomsOf.get(ws)?.add(room);
      reply({ chatId: frame.chatId, lastSeq: room.seq, missed: [], hasMore: false });
    } else if (frame.type === 'message.send' && frame.chatId && frame.body) {
      const room = rooms.get(frame.chatId);
      if (!room) {
        ws.send(
          JSON.stringify({
            type: 'reply',
            id: frame.id,
            ok: false,
            error: { code: 'NOT_FOUND', message: 'no room' },
          }),
        );
        return;
      }
      const message = {
        id: randomUUID(),
        chatId: frame.chatId,
        seq: ++room.seq,
        author: user,
        body: frame.body,
        clientId: frame.clientId ?? '',
        createdAt: new Date().toISOString(),
        editedAt: null,
        deletedAt: null,
      };
      const event = JSON.stringify({ type: 'message.created', message });
      for (const member of room.members) if (member.readyState === WebSocket.OPEN) member.send(event);
      reply({ message });
    } else if (frame.id !== undefined) {
      reply({});
    }
  });
  ws.send(
    JSON.stringify({
      type: 'hello',
      user: { ...user, createdAt: new Date().toISOString() },
      protocolVersion: 1,
      heartbeatMs: HEARTBEAT_MS,
      serverTime: new Date().toISOString(),
    }),
  );
});

// The same heartbeat as the real server: one timer for all sockets.
const alive = new WeakMap<WebSocket, boolean>();
wss.on('connection', (ws) => {
  alive.set(ws, true);
  ws.on('pong', () => alive.set(ws, true));
});
const heartbeat = setInterval(() => {
  for (const ws of wss.clients) {
    if (!alive.get(ws)) ws.terminate();
    else {
      alive.set(ws, false);
      ws.ping();
    }
  }
}, HEARTBEAT_MS);

function shutdown() {
  clearInterval(heartbeat);
  for (const ws of wss.clients) ws.close(1001, 'server shutting down');
  wss.close();
  http.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

http.listen(PORT, HOST);
