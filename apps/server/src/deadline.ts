import { unavailable } from './errors.js';

/**
 * Answers UNAVAILABLE if `work` has not settled within `ms`: a database that accepts
 * connections and then hangs must not hang the client too. The work itself goes on; a send
 * that commits after its deadline is safe, because the client retries with the same clientId.
 */
export function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  if (ms <= 0) return work;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable('The request took too long; retry later')), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
