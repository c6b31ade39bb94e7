import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type Transport = 'http' | 'ws';

/** One registry per app (tests build many apps in one process). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let hubStats: () => Record<string, number> = () => ({});
  let busReceived: () => { chat: number; other: number; bytes: number } = () => ({
    chat: 0,
    other: 0,
    bytes: 0,
  });
  new Counter({
    name: 'chatsockets_bus_received_total',
    help: 'Messages this instance received from other instances over the bus, by kind (chat events or the rest)',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      const r = busReceived();
      this.inc({ kind: 'chat' }, r.chat);
      this.inc({ kind: 'other' }, r.other);
    },
  });
  new Counter({
    name: 'chatsockets_bus_received_bytes_total',
    help: 'Bytes this instance received from other instances over the bus',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(busReceived().bytes);
    },
  });
  const outbound = { frames: 0, bytes: 0 };
  new Counter({
    name: 'chatsockets_ws_frames_out_total',
    help: 'Frames sent to clients',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(outbound.frames);
    },
  });
  new Counter({
    name: 'chatsockets_ws_bytes_out_total',
    help: 'Bytes sent to clients',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(outbound.bytes);
    },
  });
  new Gauge({
    name: 'chatsockets_hub_entries',
    help: 'Entries in the realtime hub indexes (must return to zero when sockets close)',
    labelNames: ['index'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [index, n] of Object.entries(hubStats())) this.set({ index }, n);
    },
  });
  const messagesSent = new Counter({
    name: 'chatsockets_messages_sent_total',
    help: 'Sends acknowledged (stored, or an idempotent repeat), by transport',
    labelNames: ['transport'],
    registers: [registry],
  });
  const sendLatency = new Histogram({
    name: 'chatsockets_send_latency_seconds',
    help: 'Time from receiving a send to its durable ack',
    labelNames: ['transport'],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    /** A send acknowledged, on either transport; `startedAt` is performance.now() on receipt. */
    sendAcked(transport: Transport, startedAt: number) {
      messagesSent.inc({ transport });
      sendLatency.observe({ transport }, (performance.now() - startedAt) / 1000);
    },
    /** The hub reports its index sizes on each scrape. */
    observeHub(stats: () => Record<string, number>) {
      hubStats = stats;
    },
    /** The bus reports what it received from other instances on each scrape. */
    observeBus(received: () => { chat: number; other: number; bytes: number }) {
      busReceived = received;
    },
    connections: new Gauge({
      name: 'chatsockets_ws_connections',
      help: 'Open WebSocket connections',
      registers: [registry],
    }),
    framesIn: new Counter({
      name: 'chatsockets_ws_frames_in_total',
      help: 'Client frames received, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    /**
     * Counted as plain numbers on the hot path (a fanout writes to every socket) and handed
     * to Prometheus on scrape: one addition per frame instead of two counter updates.
     */
    outbound,
    slowReaders: new Counter({
      name: 'chatsockets_ws_slow_reader_closes_total',
      help: 'Sockets closed with 1013 because their send buffer passed the cap',
      registers: [registry],
    }),
    sendBatchSize: new Histogram({
      name: 'chatsockets_send_batch_size',
      help: 'Sends stored per transaction (group commit): above 1 only while the database is busy',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [registry],
    }),
    errors: new Counter({
      name: 'chatsockets_errors_total',
      help: 'Errors answered, by code and transport',
      labelNames: ['code', 'transport'],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
