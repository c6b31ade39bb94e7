// Reference server for bench/ws.ts: the same job on Socket.IO 4. Rooms are Socket.IO rooms;
// `subscribe` joins one, `message.send` stamps a per-room seq, broadcasts `message.created` to the
// room (the sender included: io.to, not socket.to) and acks the sender. No auth, no DB.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const PORT = Number(process.env.PORT ?? 3102);
const HOST = process.env.HOST ?? '127.0.0.1';

const http = createServer((req, res) => {
  if (req.url === '/stats') {
    const mem = process.memoryUsage();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ heapUsed: mem.heapUsed, rss: mem.rss, connections: io.engine.clientsCount }));
    return;
  }
  // Socket.IO answers /socket.io/ itself and hands everything else to this listener.
  res.statusCode = 404;
  res.end();
});
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  maxHttpBufferSize: 64 * 1024,
});

const seqs = new Map<string, number>();
type Ack = (answer: unknown) => void;
interface SendFrame {
  chatId?: string;
  clientId?: string;
  body?: string;
}

io.on('connection', (socket) => {
  const username = String(socket.handshake.auth.username ?? 'anon');
  const user = { id: username, username };
  socket.on('subscribe', (frame: { chatId?: string }, ack: Ack) => {
    if (!frame?.chatId) return ack({ ok: false, error: { code: 'BAD_REQUEST', message: 'chatId' } });
    void socket.join(frame.chatId);
    ack({
      ok: true,
      data: { chatId: frame.chatId, lastSeq: seqs.get(frame.chatId) ?? 0, missed: [], hasMore: false },
    });
  });
  socket.on('message.send', (frame: SendFrame, ack: Ack) => {
    if (!frame?.chatId || !frame.body)
      return ack({ ok: false, error: { code: 'BAD_REQUEST', message: 'frame' } });
    const seq = (seqs.get(frame.chatId) ?? 0) + 1;
    seqs.set(frame.chatId, seq);
    const message = {
      id: randomUUID(),
      chatId: frame.chatId,
      seq,
      author: user,
      body: frame.body,
      clientId: frame.clientId ?? '',
      createdAt: new Date().toISOString(),
      editedAt: null,
      deletedAt: null,
    };
    io.to(frame.chatId).emit('message.created', message);
    ack({ ok: true, data: { message } });
  });
});

function shutdown() {
  void io.close();
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

http.listen(PORT, HOST);
