import type { Bus, BusHandler, BusMessage } from './bus.js';

/** One instance: delivery is a function call, nothing can be lost in transit. */
export function createMemoryBus(): Bus {
  const handlers = new Set<BusHandler>();
  let closed = false;
  return {
    kind: 'memory',
    async publish(message: BusMessage) {
      for (const handler of handlers) handler(message);
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    // One instance: every message is already here.
    follow: () => undefined,
    unfollow: () => {},
    onResync: () => () => {},
    healthy: () => !closed,
    async close() {
      closed = true;
      handlers.clear();
    },
  };
}
