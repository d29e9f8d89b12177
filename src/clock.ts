/**
 * Time reaches the core only through a `Clock`, so tests (and later `--clock manual`) can move it
 * explicitly and every time-driven behaviour (table state delays, TTL, stream retention, buckets)
 * follows the same clock.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
