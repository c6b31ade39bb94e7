import type { ErrorInfo } from '@chatsockets/protocol';
import { loggableError, toErrorInfo } from '../errors.js';
import type { Metrics, Transport } from './metrics.js';

export interface ErrorLog {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * Every error a client is answered with passes here exactly once, whichever transport carried
 * it, so /metrics and the logs agree on what failed: counted by code and transport; logged when
 * it is ours (INTERNAL, with what loggableError keeps) or a dependency's (UNAVAILABLE, which
 * an operator must see even though the client only has to retry). Client mistakes are counted,
 * not logged: a misbehaving client must not be able to flood the log.
 */
export function observeError(metrics: Metrics, transport: Transport, log: ErrorLog, err: unknown): ErrorInfo {
  const info = toErrorInfo(err);
  metrics.errors.inc({ code: info.code, transport });
  if (info.code === 'INTERNAL') log.error({ err: loggableError(err), transport }, 'unhandled error');
  else if (info.code === 'UNAVAILABLE') {
    // No stack (an outage would print one per request), and the message as loggableError cuts
    // it: a driver's message may carry the query's parameters.
    const { stack: _, ...summary } = loggableError(err);
    log.warn({ err: summary, transport }, 'dependency unavailable');
  }
  return info;
}
