/**
 * Holds a GSI backfill still after its first batch, so a test can look at (or write during) a
 * backfill in progress: `holding` resolves once the first batch is done, and the backfill goes
 * on when the test calls `release`.
 */
import type { TableStore } from '../../src/partition/table-store.js';

export interface BackfillHold {
  readonly holding: Promise<void>;
  release(): void;
}

export function holdBackfillAfterFirstBatch(store: TableStore): BackfillHold {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  store.afterBackfillBatch = async () => {
    store.afterBackfillBatch = undefined;
    held();
    await released;
  };
  return { holding, release };
}
