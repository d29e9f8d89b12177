/**
 * A token bucket over explicit time: pure arithmetic, no timers, so a test that moves a manual
 * clock sees exactly the same tokens every run.
 *
 * Tokens are capacity units. The bucket gains `rate_per_s` units per second of clock time, never
 * holding more than `capacity` (for a partition's share, 300 seconds of its rate: DynamoDB's
 * burst bank). `take` may drive the tokens below zero: a request whose exact cost is only known
 * after it ran (a write's old image, a read's item size) is admitted while the bucket is not in
 * debt and then charged what it actually consumed; the debt is repaid by later refills before the
 * next request is admitted.
 */
export class TokenBucket {
  /** Units available now; negative while in debt. */
  tokens: number;
  rate_per_s: number;
  capacity: number;
  private last_ms: number;

  constructor(rate_per_s: number, capacity: number, initial: number, now_ms: number) {
    this.rate_per_s = rate_per_s;
    this.capacity = capacity;
    this.tokens = initial > capacity ? capacity : initial;
    this.last_ms = now_ms;
  }

  /**
   * Adds what the time since the last refill earned, up to `capacity`. A clock that goes back
   * (a manual clock set backwards) earns nothing and does not move the reference point back.
   */
  refill(now_ms: number): void {
    if (now_ms <= this.last_ms) return;
    const earned = (this.rate_per_s * (now_ms - this.last_ms)) / 1000;
    this.last_ms = now_ms;
    const tokens = this.tokens + earned;
    this.tokens = tokens > this.capacity ? this.capacity : tokens;
  }

  /** New rate and bank size from `now_ms` on (UpdateTable, a split, an on-demand scale-up). */
  reconfigure(rate_per_s: number, capacity: number, now_ms: number): void {
    this.refill(now_ms);
    this.rate_per_s = rate_per_s;
    this.capacity = capacity;
    if (this.tokens > capacity) this.tokens = capacity;
  }

  /** Whether a request may start now: the bucket is not empty and not in debt. */
  hasTokens(): boolean {
    return this.tokens > 0;
  }

  take(units: number): void {
    this.tokens -= units;
  }
}
