/**
 * Table state transitions (CREATING -> ACTIVE, UPDATING -> ACTIVE, DELETING -> gone) that
 * DynamoDB completes some time after answering. The delay comes from config.tableStateDelays;
 * with 0 ms the transition completes before the action answers, so a DescribeTable right after a
 * CreateTable already sees ACTIVE (the CreateTable answer itself still says CREATING, as
 * DynamoDB's always does).
 *
 * Pending timers are tracked per store so the service can cancel them when it closes
 * (`cancelTableTransitions`), and they do not keep the process alive.
 */
import type { TableStore } from '../partition/table-store.js';
import type { ServiceContext } from './action.js';

const pendingByStore = new WeakMap<TableStore, Map<string, ReturnType<typeof setTimeout>>>();

function pendingOf(store: TableStore): Map<string, ReturnType<typeof setTimeout>> {
  let pending = pendingByStore.get(store);
  if (pending === undefined) {
    pending = new Map();
    pendingByStore.set(store, pending);
  }
  return pending;
}

/**
 * Completes a table's transition after `delay_ms`: at once (awaited) when the delay is 0,
 * otherwise on a timer. At most one transition per table is pending, because DynamoDB refuses
 * to change a table that is not ACTIVE; `complete` reads the table afresh when it runs.
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
  if (previous !== undefined) clearTimeout(previous);
  const timer = setTimeout(() => {
    if (pending.get(tableName) === timer) pending.delete(tableName);
    complete().catch((error: unknown) => {
      // A transition that fails after the answer was sent has no client to tell; the table
      // stays in its transitional state and the next control-plane call settles it.
      console.error(`dynabase: table ${tableName}: state transition failed:`, error);
    });
  }, delay_ms);
  timer.unref();
  pending.set(tableName, timer);
}

/** Whether a transition of this table is waiting on a timer in this process. */
export function hasPendingTransition(store: TableStore, tableName: string): boolean {
  return pendingByStore.get(store)?.has(tableName) === true;
}

/** Cancels every pending transition of `store` (call before closing it). */
export function cancelTableTransitions(store: TableStore): void {
  const pending = pendingByStore.get(store);
  if (pending === undefined) return;
  for (const timer of pending.values()) clearTimeout(timer);
  pending.clear();
}
