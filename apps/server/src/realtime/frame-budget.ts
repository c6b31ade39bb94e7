/**
 * A socket's frame budget, a token bucket: it holds up to `capacity` points and refills
 * continuously at `perSec`, so a client may burst after a pause and is then held to the
 * average rate, never locked out for a whole window. Kept here rather than taken from
 * rate-limiter-flexible, which has fixed windows only (its BurstyRateLimiter is two of them)
 * and arms a timer per key; this is two numbers per socket and no timer.
 */
export class FrameBudget {
  private points: number;
  private at: number;
  private readonly perMs: number;

  constructor(
    private readonly capacity: number,
    perSec: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.points = capacity;
    this.at = now();
    this.perMs = perSec / 1000;
  }

  /** Takes `cost` points and returns 0, or takes nothing and returns the ms until it could. */
  take(cost: number): number {
    const t = this.now();
    // The clock is the app's wall clock: one set back must not put every socket in debt for as
    // long as it went back (an hour back refused an hour of frames). Time only ever adds points.
    this.points = Math.min(this.capacity, this.points + Math.max(0, t - this.at) * this.perMs);
    this.at = t;
    if (this.points >= cost) {
      this.points -= cost;
      return 0;
    }
    return Math.ceil((cost - this.points) / this.perMs);
  }
}
