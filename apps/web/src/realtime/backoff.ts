export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15_000 };

/**
 * Exponential backoff with "equal jitter": half the window fixed, half random, so a server
 * restart does not get every client back in the same millisecond (partysocket does the same).
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random = Math.random) {
  const window = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(window / 2 + random() * (window / 2));
}

export interface ReconnectBackoff {
  baseMs: number;
  /**
   * Cap while the tab is visible. Someone is looking at it, so a server that is back must be
   * found within about 2 s (#15: clients took 10.6 s): every attempt lands in [cap/2, cap].
   */
  visibleMaxMs: number;
  /** Cap in a hidden tab: nobody is waiting on it, and thousands of them should not hammer a recovering server. */
  hiddenMaxMs: number;
}

export const DEFAULT_RECONNECT: ReconnectBackoff = { baseMs: 500, visibleMaxMs: 1_500, hiddenMaxMs: 30_000 };

/** The wait before reconnect attempt `attempt`, by whether the tab is hidden. */
export function reconnectDelay(
  attempt: number,
  hidden: boolean,
  opts: ReconnectBackoff = DEFAULT_RECONNECT,
  random = Math.random,
): number {
  return backoffDelay(
    attempt,
    { baseMs: opts.baseMs, maxMs: hidden ? opts.hiddenMaxMs : opts.visibleMaxMs },
    random,
  );
}
