// The fanout scenario, shared by bench/ws.ts (one server against the reference servers) and
// bench/scale-out.ts (one instance against two behind Redis), so the two measure the same thing.
import type { BenchClient } from './clients.js';
import { histogramPercentile, mapLimit, Samples, sleep } from './stats.js';
import { chatOfSocket, type Layout, type Prepared, socketsPerChat } from './targets.js';

export interface FanoutConfig {
  sockets: number;
  chats: number;
  ratePerSender: number;
  warmupS: number;
  durationS: number;
}

export const FANOUT_CONFIG: Record<'quick' | 'full', FanoutConfig> = {
  quick: { sockets: 200, chats: 4, ratePerSender: 20, warmupS: 1, durationS: 5 },
  full: { sockets: 1000, chats: 10, ratePerSender: 20, warmupS: 2, durationS: 20 },
};

export const fanoutLayout = (cfg: FanoutConfig): Layout => ({
  chats: cfg.chats,
  sockets: cfg.sockets,
  socketsPerUser: 1,
});

/** A chat message of a typical length; the first fields carry what the receiver needs. */
export const PADDING = ' lorem ipsum dolor sit amet, consectetur adipiscing elit';

export async function connectAll(prepared: Prepared, layout: Layout): Promise<BenchClient[]> {
  const indices = Array.from({ length: layout.sockets }, (_, i) => i);
  const clients = await mapLimit(indices, 100, (i) => prepared.connect(i));
  await mapLimit(indices, 100, (i) => clients[i]!.subscribe(prepared.chatIds[chatOfSocket(layout, i)]!));
  return clients;
}

export async function waitUntil(cond: () => boolean, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while (!cond() && performance.now() < deadline) await sleep(20);
}

export interface FanoutResult<Cpu> {
  sent: number;
  errors: number;
  deliveries: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  ackP50: number;
  ackP99: number;
  cpu: Cpu;
  /** Chatsockets only: its own send-handler latency histogram over the run (bucket bounds). */
  serverSendP50?: string;
  serverSendP99?: string;
}

export interface FanoutOptions<Cpu> {
  cfg: FanoutConfig;
  prepared: Prepared;
  /** Opened when the warm-up ends; its result is the run's CPU window. */
  startMeter: () => { result(): Promise<Cpu> };
  /** The sending server's `message.send` histogram, where it has one. */
  sendLatencyBuckets?: () => Promise<Map<number, number>>;
}

/**
 * Open loop: one sender per chat at a fixed rate, on a schedule that does not wait for acks.
 * Latency is from the scheduled send time to each receipt by the chat's other sockets (the
 * generator's clock on both ends), so a stalled server shows up instead of slowing the load.
 */
export async function runFanout<Cpu>(opts: FanoutOptions<Cpu>): Promise<FanoutResult<Cpu>> {
  const { cfg, prepared } = opts;
  const layout = fanoutLayout(cfg);
  const clients = await connectAll(prepared, layout);
  const perChat = socketsPerChat(layout);
  const senders = prepared.chatIds.map((_, c) => clients[c * perChat]!);
  const histogramBefore = await opts.sendLatencyBuckets?.();
  const latency = new Samples();
  const ackLatency = new Samples();
  let measuredDeliveries = 0;
  clients.forEach((client, i) => {
    if (i % perChat === 0) return; // the sender's own echo is not a delivery to someone else
    client.onDelivery = (body) => {
      if (body[0] !== 'm') return;
      measuredDeliveries++;
      latency.add(performance.now() - Number(body.slice(2, body.indexOf(' ', 2))));
    };
  });

  const intervalMs = 1000 / cfg.ratePerSender;
  const perSender = Math.round((cfg.warmupS + cfg.durationS) * cfg.ratePerSender);
  const warmupCount = Math.round(cfg.warmupS * cfg.ratePerSender);
  const t0 = performance.now() + 100;
  let sent = 0;
  let measuredSent = 0;
  let errors = 0;
  let inFlight = 0;
  let meter: { result(): Promise<Cpu> } | undefined;
  const meterAt = t0 + warmupCount * intervalMs;

  // One pump for all senders: fire whatever is due, sleep until the next one. Bounded by count.
  const next = prepared.chatIds.map(() => 0);
  await new Promise<void>((done) => {
    const pump = () => {
      const now = performance.now();
      if (!meter && now >= meterAt) meter = opts.startMeter();
      let nextDue = Number.POSITIVE_INFINITY;
      for (let c = 0; c < senders.length; c++) {
        for (;;) {
          const n = next[c]!;
          if (n >= perSender) break;
          const due = t0 + (c / senders.length) * intervalMs + n * intervalMs;
          if (due > now) {
            nextDue = Math.min(nextDue, due);
            break;
          }
          next[c] = n + 1;
          const measured = n >= warmupCount;
          sent++;
          if (measured) measuredSent++;
          inFlight++;
          senders[c]!.send(prepared.chatIds[c]!, `${measured ? 'm' : 'w'} ${due.toFixed(3)}${PADDING}`).then(
            () => {
              inFlight--;
              if (measured) ackLatency.add(performance.now() - due);
            },
            () => {
              inFlight--;
              errors++;
            },
          );
        }
      }
      if (nextDue === Number.POSITIVE_INFINITY) done();
      else setTimeout(pump, Math.max(0, nextDue - performance.now()));
    };
    setTimeout(pump, Math.max(0, t0 - performance.now()));
  });
  const expected = measuredSent * (perChat - 1);
  await waitUntil(() => inFlight === 0 && measuredDeliveries >= expected, 10_000);
  if (!meter) throw new Error('measurement window never opened');
  const cpu = await meter.result();
  const histogramAfter = await opts.sendLatencyBuckets?.();
  for (const c of clients) c.close();
  const server =
    histogramBefore && histogramAfter
      ? {
          serverSendP50: histogramPercentile(histogramBefore, histogramAfter, 50),
          serverSendP99: histogramPercentile(histogramBefore, histogramAfter, 99),
        }
      : {};
  return {
    ...server,
    sent,
    errors,
    deliveries: measuredDeliveries,
    expected,
    p50: latency.percentile(50),
    p99: latency.percentile(99),
    max: latency.max(),
    ackP50: ackLatency.percentile(50),
    ackP99: ackLatency.percentile(99),
    cpu,
  };
}
