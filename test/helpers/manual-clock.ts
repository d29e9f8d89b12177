/**
 * A clock the test moves by hand, handed to the service (`startDynabase({ clock })`,
 * `openTableStore(kv, clock)`, the config's `clock`) so time-driven behaviour runs without
 * sleeping and always the same way.
 */
import type { Clock } from '../../src/clock.js';

export class ManualClock implements Clock {
  constructor(public time_ms: number = Date.UTC(2026, 0, 15, 12)) {}

  now(): number {
    return this.time_ms;
  }

  advance(delta_ms: number): void {
    this.time_ms += delta_ms;
  }
}
