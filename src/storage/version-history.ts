/**
 * Recent versions of every key, so that eventually consistent reads can see the store as it was a
 * little while ago (`--eventual-lag-ms N`). DynamoDB answers an eventually consistent read from
 * any replica of the partition, which may not have applied the latest writes yet ("Read
 * consistency", developer guide); a local store always has, so code that wrongly relies on
 * reading its own write eventually consistently would pass every local test. With a lag, such a
 * read sees the state as of exactly `lag_ms` ago, the worst case DynamoDB allows for it, on the
 * service's clock (so a manual clock decides when the write becomes visible).
 *
 * It wraps a KvStore: every write transaction also records, for each key it changes, the value
 * the key had before and when it changed; `readerAsOf(time_ms)` answers `get` and `range` by
 * taking the current committed state and putting back the earlier value of every key changed
 * after `time_ms`. Only the changes of the last `lag_ms` are kept (pruned oldest first as new
 * ones arrive), so memory follows the write rate times the lag. Values come from the underlying
 * store's reads, so their checksums have been verified.
 */
import type { Clock } from '../clock.js';
import type { KvEntry, KvReader, KvStore, KvWriteTxn, RangeOptions } from './kv-store.js';

/** A change of one key: when it happened and the value before it (undefined: the key was absent). */
interface KeyChange {
  readonly at_ms: number;
  readonly before: Uint8Array | undefined;
}

/** One recorded change, in the order changes happened (for pruning oldest first). */
interface ChangeInOrder {
  readonly at_ms: number;
  readonly keyId: string;
}

export interface VersionedKvStore extends KvStore {
  /** How long changes are kept: eventually consistent reads look this far back. */
  readonly lag_ms: number;
  /** Reads of the committed state as it was at `time_ms` (at least `now - lag_ms`). */
  readerAsOf(time_ms: number): KvReader;
}

/** A key's bytes as a string usable as a Map key (one char per byte). */
function keyIdOf(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1');
}

function keyOfId(keyId: string): Uint8Array {
  return Buffer.from(keyId, 'latin1');
}

export function withVersionHistory(kv: KvStore, clock: Clock, lag_ms: number): VersionedKvStore {
  const changesByKey = new Map<string, KeyChange[]>();
  const changesInOrder: ChangeInOrder[] = [];
  let oldest = 0;

  function prune(now_ms: number): void {
    const horizon_ms = now_ms - lag_ms;
    while (oldest < changesInOrder.length && changesInOrder[oldest]!.at_ms <= horizon_ms) {
      const { keyId } = changesInOrder[oldest++]!;
      const changes = changesByKey.get(keyId)!;
      changes.shift();
      if (changes.length === 0) changesByKey.delete(keyId);
    }
    // Compact the queue once its dead head outweighs its live tail.
    if (oldest > 1024 && oldest * 2 > changesInOrder.length) {
      changesInOrder.splice(0, oldest);
      oldest = 0;
    }
  }

  /** The value `keyId` had at `time_ms`, if it has changed since; `changed: false` otherwise. */
  function valueAt(keyId: string, time_ms: number): { readonly changed: boolean; readonly value?: Uint8Array } {
    const changes = changesByKey.get(keyId);
    if (changes === undefined) return { changed: false };
    for (const change of changes) if (change.at_ms > time_ms) return { changed: true, value: change.before };
    return { changed: false };
  }

  function write<T>(work: (txn: KvWriteTxn) => T): Promise<T> {
    return kv.write((txn) => {
      // The committed value of each key this transaction changes, captured before its first change.
      const before = new Map<string, Uint8Array | undefined>();
      const remember = (key: Uint8Array): void => {
        const keyId = keyIdOf(key);
        if (!before.has(keyId)) before.set(keyId, txn.get(key));
      };
      const recording: KvWriteTxn = {
        get: (key) => txn.get(key),
        range: (options) => txn.range(options),
        put(key, value) {
          remember(key);
          txn.put(key, value);
        },
        delete(key) {
          remember(key);
          txn.delete(key);
        },
      };
      const result = work(recording);
      // Recorded before the commit: should the commit fail, the recorded "before" values are still
      // the current ones, so a lagging read is unaffected.
      const now_ms = clock.now();
      prune(now_ms);
      for (const [keyId, value] of before) {
        let changes = changesByKey.get(keyId);
        if (changes === undefined) changesByKey.set(keyId, (changes = []));
        changes.push({ at_ms: now_ms, before: value });
        changesInOrder.push({ at_ms: now_ms, keyId });
      }
      return result;
    });
  }

  function readerAsOf(time_ms: number): KvReader {
    return {
      get(key) {
        const past = valueAt(keyIdOf(key), time_ms);
        return past.changed ? past.value : kv.get(key);
      },
      range: (options) => rangeAsOf(options, time_ms),
    };
  }

  function* rangeAsOf(options: RangeOptions, time_ms: number): Iterable<KvEntry> {
    const reverse = options.reverse === true;
    // The keys in range changed since `time_ms`, with the value each had then, in read order.
    const changed: { key: Uint8Array; value: Uint8Array | undefined }[] = [];
    // Key ids are latin1 strings, one char per byte, so string order is byte order: filter on the
    // ids and make bytes only for the keys in range.
    const startId = options.start === undefined ? undefined : keyIdOf(options.start);
    const endId = options.end === undefined ? undefined : keyIdOf(options.end);
    for (const keyId of changesByKey.keys()) {
      if ((startId !== undefined && keyId < startId) || (endId !== undefined && keyId >= endId)) continue;
      const past = valueAt(keyId, time_ms);
      if (past.changed) changed.push({ key: keyOfId(keyId), value: past.value });
    }
    if (changed.length === 0) {
      yield* kv.range(options);
      return;
    }
    const direction = reverse ? -1 : 1;
    changed.sort((a, b) => direction * Buffer.compare(a.key, b.key));
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    let emitted = 0;
    let next = 0;
    // Merge the current entries with the past values of the changed keys, in read order.
    const current = kv.range({ ...(options.start === undefined ? {} : { start: options.start }), ...(options.end === undefined ? {} : { end: options.end }), reverse });
    for (const entry of current) {
      while (next < changed.length && direction * Buffer.compare(changed[next]!.key, entry.key) < 0) {
        const past = changed[next++]!;
        if (past.value === undefined) continue;
        if (emitted++ >= limit) return;
        yield { key: past.key, value: past.value };
      }
      if (next < changed.length && Buffer.compare(changed[next]!.key, entry.key) === 0) {
        const past = changed[next++]!;
        if (past.value === undefined) continue;
        if (emitted++ >= limit) return;
        yield { key: past.key, value: past.value };
        continue;
      }
      if (emitted++ >= limit) return;
      yield entry;
    }
    for (; next < changed.length; next++) {
      const past = changed[next]!;
      if (past.value === undefined) continue;
      if (emitted++ >= limit) return;
      yield { key: past.key, value: past.value };
    }
  }

  return {
    get: (key) => kv.get(key),
    range: (options) => kv.range(options),
    write,
    close: () => kv.close(),
    lag_ms,
    readerAsOf,
  };
}
