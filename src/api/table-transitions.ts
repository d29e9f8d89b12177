/**
 * Table state transitions (CREATING -> ACTIVE, UPDATING -> ACTIVE, DELETING -> gone) that
 * DynamoDB completes some time after answering. The delay comes from config.tableStateDelays;
 * with 0 ms the transition completes before the action answers, so a DescribeTable right after a
 * CreateTable already sees ACTIVE (the CreateTable answer itself still says CREATING, as
 * DynamoDB's always does).
 *
 * The delay runs on the service's clock (`startTimer`): real time on the system clock, and on a
 * manual clock (`--clock manual`) the transition completes when the clock is moved past it.
 * Pending timers are tracked per store so the service can cancel them when it closes
 * (`cancelTableTransitions`), and they do not keep the process alive.
 */
import type { CancelTimer } from '../clock.js';
import { startTimer } from '../clock.js';
import type { TableStore } from '../partition/table-store.js';
import type { ServiceContext } from './action.js';

const pendingByStore = new WeakMap<TableStore, Map<string, CancelTimer>>();

function pendingOf(store: TableStore): Map<string, CancelTimer> {
  let pending = pendingByStore.get(store);
  if (pending === undefined) {
    pending = new Map();
    pendingByStore.set(store, pending);
  }
  return pending;
}

/**
 * Completes a table's transition after `delay_ms`: at once (awaited) when the delay is 0,
 * otherwise on a timer of the service's clock. At most one transition per table is pending,
 * because DynamoDB refuses to change a table that is not ACTIVE; `complete` reads the table
 * afresh when it runs.
 */
export async function completeTransition(
  context: ServiceContext,
  tableName: string,
  delay_ms: number,
  complete: () => Promise<void>,
): Promise<void> {
  if (delay_ms <= 0) {
    await complete();
    return;
  }
  const pending = pendingOf(context.store);
  const previous = pending.get(tableName);
  if (previous !== undefined) previous();
  const cancel = startTimer(context.config.clock, delay_ms, () => {
    if (pending.get(tableName) === cancel) pending.delete(tableName);
    complete().catch((error: unknown) => {
      // A transition that fails after the answer was sent has no client to tell; the table
      // stays in its transitional state and the next control-plane call settles it.
      console.error(`dynabase: table ${tableName}: state transition failed:`, error);
    });
  });
  pending.set(tableName, cancel);
}

/** Whether a transition of this table is waiting on a timer in this process. */
export function hasPendingTransition(store: TableStore, tableName: string): boolean {
  return pendingByStore.get(store)?.has(tableName) === true;
}

/** Cancels every pending transition of `store` (call before closing it). */
export function cancelTableTransitions(store: TableStore): void {
  const pending = pendingByStore.get(store);
  if (pending === undefined) return;
  for (const cancel of pending.values()) cancel();
  pending.clear();
}
