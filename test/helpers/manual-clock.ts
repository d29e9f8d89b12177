/**
 * Tests move time by hand with the service's own manual clock (src/clock.ts), handed to the
 * service (`startDynabase({ clock })`, `openTableStore(kv, clock)`, the config's `clock`), so
 * time-driven behaviour runs without sleeping and always the same way. Unless told otherwise a
 * test clock starts at a fixed date, so that answers holding times are reproducible.
 */
import { ManualClock as ServiceManualClock } from '../../src/clock.js';

/** 2026-01-15T12:00:00Z, the fixed start of test clocks. */
export const test_clock_start_ms = Date.UTC(2026, 0, 15, 12);

export class ManualClock extends ServiceManualClock {
  constructor(start_ms: number = test_clock_start_ms) {
    super(start_ms);
  }
}
