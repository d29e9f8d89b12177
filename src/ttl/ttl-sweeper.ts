/**
 * The TTL sweeper: deletes items whose TTL attribute, a Number of epoch seconds, lies in the past
 * (developer guide, "Time to Live"). As in DynamoDB:
 * - an attribute that is not a Number, or whose time is more than five years in the past, is
 *   ignored (such items are never deleted by TTL);
 * - expired items stay readable until the sweeper reaches them;
 * - each deletion is an ordinary delete (so it leaves every index) recorded in the change log as
 *   the service's own (`byService`), which Streams shows as a REMOVE with the service identity.
 *
 * Work is bounded per pass (items examined and items deleted), and each deletion is its own
 * write transaction, so foreground writes interleave with a long sweep instead of waiting behind
 * it. A cursor per table carries the scan over from one pass to the next. Time is the service's
 * clock, so tests move it instead of sleeping.
 */
import type { ServiceContext } from '../api/action.js';
import { DynamoError } from '../errors.js';
import type { Item } from '../model/attribute-value.js';
import { hash_space_end, hash_space_start } from '../partition/partition-map.js';
import { keyOf, type TableRecord } from '../partition/table-store.js';
import { assertItemNotInTransaction } from '../txn/transaction-coordinator.js';

/** Items whose TTL time is more than five years old are not deleted (DynamoDB's rule). */
export const ttl_max_age_s = 5 * 365 * 24 * 60 * 60;
/** At most this many items examined per table per pass. */
export const ttl_scan_items_per_pass = 1000;
/** At most this many deletions per pass over all tables. */
export const ttl_deletes_per_pass = 100;

export type TimeToLiveStatus = 'ENABLING' | 'ENABLED' | 'DISABLING' | 'DISABLED';

/**
 * DescribeTimeToLive's status: a change passes through ENABLING or DISABLING for
 * `transition_ms` (DynamoDB takes up to an hour; Dynabase's default is 0, as DynamoDB Local).
 */
export function timeToLiveStatus(ttl: TableRecord['timeToLive'], now_ms: number, transition_ms: number): TimeToLiveStatus {
  if (ttl === undefined) return 'DISABLED';
  const settling = now_ms - ttl.changedAt_ms < transition_ms;
  if (ttl.enabled) return settling ? 'ENABLING' : 'ENABLED';
  return settling ? 'DISABLING' : 'DISABLED';
}

/** The expiry time of an item, in epoch seconds, if its TTL attribute makes it expirable. */
export function expiryOf(item: Item, attributeName: string): number | undefined {
  const value = item[attributeName];
  if (value === undefined || !('N' in value)) return undefined;
  const seconds = Number(value.N);
  return Number.isFinite(seconds) ? seconds : undefined;
}

/** Whether the item is due for deletion at `now_ms`: expired, and not more than five years ago. */
export function isExpired(item: Item, attributeName: string, now_ms: number): boolean {
  const expiry_s = expiryOf(item, attributeName);
  if (expiry_s === undefined) return false;
  const now_s = now_ms / 1000;
  return expiry_s <= now_s && expiry_s >= now_s - ttl_max_age_s;
}

export class TtlSweeper {
  /** Per table id: the key of the last item examined (the next pass resumes after it). */
  private readonly cursors = new Map<string, Item>();

  constructor(private readonly context: ServiceContext) {}

  /** One bounded pass over every table with TTL enabled; resolves to the number of deletions. */
  async sweep(): Promise<number> {
    let deleted = 0;
    const seen = new Set<string>();
    for (const table of this.context.store.listTables()) {
      seen.add(table.id);
      const ttl = table.timeToLive;
      const now_ms = this.context.config.clock.now();
      if (ttl === undefined || timeToLiveStatus(ttl, now_ms, this.context.config.tableStateDelays.updateTimeToLive_ms ?? 0) !== 'ENABLED') continue;
      deleted += await this.sweepTable(table, ttl.attributeName, ttl_deletes_per_pass - deleted);
      if (deleted >= ttl_deletes_per_pass) break;
    }
    for (const id of this.cursors.keys()) if (!seen.has(id)) this.cursors.delete(id);
    return deleted;
  }

  private async sweepTable(table: TableRecord, attributeName: string, maxDeletes: number): Promise<number> {
    const store = this.context.store;
    const now_ms = this.context.config.clock.now();
    const after = this.cursors.get(table.id);
    const expired: Item[] = [];
    let examined = 0;
    let last: Item | undefined;
    for (const item of store.scanItems(table, { hashStart: hash_space_start, hashEnd: hash_space_end, ...(after === undefined ? {} : { after }) })) {
      last = item;
      examined++;
      if (isExpired(item, attributeName, now_ms)) expired.push(keyOf(table.key, item));
      if (examined >= ttl_scan_items_per_pass || expired.length >= maxDeletes) break;
    }
    // The end of the table starts the next pass from the beginning.
    if (examined < ttl_scan_items_per_pass && expired.length < maxDeletes) this.cursors.delete(table.id);
    else if (last !== undefined) this.cursors.set(table.id, keyOf(table.key, last));

    let deleted = 0;
    for (const key of expired) {
      try {
        // Checked again inside the write: a foreground write may have renewed the item since. An
        // item a transaction holds is left to a later pass, as a single-item write would be refused.
        const outcome = await store.writeItem(
          table,
          key,
          (previous) => {
            if (previous === undefined || !isExpired(previous, attributeName, this.context.config.clock.now())) return previous;
            assertItemNotInTransaction(store, table, key);
            return undefined;
          },
          { byService: true },
        );
        if (outcome.previous !== undefined && outcome.next === undefined) deleted++;
      } catch (error) {
        // The table was deleted under the sweep: nothing left to expire.
        if (error instanceof DynamoError && error.errorName === 'ResourceNotFoundException') return deleted;
        if (error instanceof DynamoError && error.errorName === 'TransactionConflictException') continue;
        throw error;
      }
    }
    return deleted;
  }
}
