/**
 * The TableStore over a KvStore: DynamoDB tables laid out as described in layout.ts.
 *
 * The catalog is loaded once at open and cached (the router's metadata cache); every change to it
 * goes through a store transaction first and reaches the cache only once committed. Item reads go
 * straight to the KvStore (committed state); item writes are one KvStore transaction each: read
 * the item, run the pure mutation, write or delete the item, append the partition's ChangeRecord,
 * rewrite the table's statistics.
 */
import type { Clock } from '../clock.js';
import { assert, resourceInUse, resourceNotFound } from '../errors.js';
import type { Item, KeyShape } from '../model/attribute-value.js';
import { attributeValuesEqual } from '../model/compare.js';
import { encodeKey } from '../model/key-codec.js';
import { itemSize } from '../model/item-size.js';
import type { KvReader, KvStore, KvWriteTxn } from '../storage/kv-store.js';
import {
  catalogKey,
  catalogRange,
  decodeCounter,
  decodeStats,
  encodeCounter,
  encodeStats,
  itemKey,
  itemRange,
  logHeadKey,
  logKey,
  logRange,
  max_sequence_number,
  max_table_ordinal,
  metaKey,
  statsKey,
  tableLogHeadRange,
  tableLogRange,
} from './layout.js';
import { queryKeyRange, readItems, scanKeyRange } from './item-ranges.js';
import { assertPartitionMap, routePartition } from './partition-map.js';
import { keyOf } from './table-store.js';
import type {
  ChangeKind,
  ChangeRecord,
  ItemMutation,
  QueryRange,
  ScanRange,
  TableRecord,
  TableStats,
  TableStore,
  WriteOptions,
  WriteOutcome,
} from './table-store.js';

/** Bumped when the layout changes incompatibly; a store written by another version is refused. */
const layout_format_version = 1;
/** Sequence numbers are printed with this many digits (DynamoDB's are 21 to 40 characters). */
const sequence_number_digits = 21;

/** Formats a sequence number as Streams expose it: fixed width, so string order is numeric order. */
export function formatSequenceNumber(sequence: number): string {
  return String(sequence).padStart(sequence_number_digits, '0');
}

export function parseSequenceNumber(text: string): number {
  assert(/^[0-9]{1,40}$/.test(text), `sequence number ${text} is decimal`);
  const sequence = Number(text);
  assert(sequence <= max_sequence_number, `sequence number ${text} is within range`);
  return sequence;
}

/**
 * How many dropped table ids the store remembers, so that a late saveTable carrying a dropped
 * table's record (an UpdateTable racing a DeleteTable) fails instead of re-creating the table.
 * The race lasts milliseconds; the bound keeps a long-lived server's memory flat.
 */
const remembered_dropped_tables = 4096;

/** A table as the store knows it: its record and its keyspace ordinal. */
interface CatalogEntry {
  readonly record: TableRecord;
  readonly ordinal: number;
}

/** The catalog record as stored. */
interface StoredCatalogEntry {
  readonly ordinal: number;
  readonly record: TableRecord;
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

function toJsonBytes(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function parseCatalogEntry(bytes: Uint8Array): StoredCatalogEntry {
  const parsed = JSON.parse(utf8(bytes)) as StoredCatalogEntry;
  assert(Number.isInteger(parsed.ordinal) && parsed.ordinal > 0, 'catalog entry has an ordinal');
  assert(typeof parsed.record?.name === 'string' && typeof parsed.record.id === 'string', 'catalog entry has a table record');
  return parsed;
}

/** Same attributes with equal values (DynamoDB semantics: sets in any order, numbers by value). */
function sameItem(a: Item, b: Item): boolean {
  let count = 0;
  for (const name in a) {
    const other = b[name];
    if (other === undefined || !attributeValuesEqual(a[name]!, other)) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}

function sameKey(shape: KeyShape, a: Item, b: Item): boolean {
  if (!attributeValuesEqual(a[shape.hashName]!, b[shape.hashName]!)) return false;
  return shape.rangeName === undefined || attributeValuesEqual(a[shape.rangeName]!, b[shape.rangeName]!);
}

function byUtf8Name(a: TableRecord, b: TableRecord): number {
  return Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8'));
}

function readCounter(reader: KvReader, key: Uint8Array): number {
  const value = reader.get(key);
  return value === undefined ? 0 : decodeCounter(value);
}

/** Deletes every key in [start, end); collects first so no iterator runs over its own deletes. */
function deleteRange(txn: KvWriteTxn, range: { readonly start: Uint8Array; readonly end: Uint8Array }): void {
  const keys: Uint8Array[] = [];
  for (const entry of txn.range(range)) keys.push(entry.key);
  for (const key of keys) txn.delete(key);
}

class KvTableStore implements TableStore {
  private readonly byName = new Map<string, CatalogEntry>();
  private readonly byId = new Map<string, CatalogEntry>();
  private sorted: readonly TableRecord[] = [];
  /** Ids of recently dropped tables, oldest first (a Set iterates in insertion order). */
  private readonly dropped = new Set<string>();
  private closed = false;

  constructor(
    private readonly kv: KvStore,
    private readonly clock: Clock,
  ) {}

  /** Loads the catalog (each record's checksum is verified by the KvStore as it is read). */
  load(): void {
    for (const { value } of this.kv.range(catalogRange)) {
      const { ordinal, record } = parseCatalogEntry(value);
      assert(this.kv.get(statsKey(ordinal)) !== undefined, `table ${record.name} has its statistics`);
      this.remember({ record, ordinal });
    }
  }

  // ---- catalog -------------------------------------------------------------------------------

  getTable(name: string): TableRecord | undefined {
    return this.byName.get(name)?.record;
  }

  listTables(): readonly TableRecord[] {
    return this.sorted;
  }

  async saveTable(record: TableRecord): Promise<void> {
    this.assertOpen();
    const known = this.byId.get(record.id) ?? (this.dropped.has(record.id) ? 'dropped' : undefined);
    const entry = await this.kv.write((txn): CatalogEntry => {
      const storedBytes = txn.get(catalogKey(record.name));
      const stored = storedBytes === undefined ? undefined : parseCatalogEntry(storedBytes);
      if (stored !== undefined && stored.record.id !== record.id) throw resourceInUse(`Table already exists: ${record.name}`);
      if (stored === undefined && known !== undefined) throw resourceNotFound();
      if (stored !== undefined) {
        // An existing table: the store's partition map wins (see TableStore.saveTable).
        const next: CatalogEntry = { record: { ...record, partitions: stored.record.partitions }, ordinal: stored.ordinal };
        txn.put(catalogKey(record.name), toJsonBytes(next));
        return next;
      }
      assertPartitionMap(record.partitions);
      const ordinal = readCounter(txn, metaKey('next-ordinal')) || 1;
      assert(ordinal < max_table_ordinal, 'table ordinals are not exhausted');
      txn.put(metaKey('next-ordinal'), encodeCounter(ordinal + 1));
      const next: CatalogEntry = { record, ordinal };
      txn.put(catalogKey(record.name), toJsonBytes(next));
      txn.put(statsKey(ordinal), encodeStats(0, 0));
      return next;
    });
    this.remember(entry);
  }

  async dropTable(name: string): Promise<void> {
    this.assertOpen();
    const entry = this.byName.get(name);
    if (entry === undefined) throw resourceNotFound();
    const { ordinal } = entry;
    await this.kv.write((txn) => {
      const storedBytes = txn.get(catalogKey(name));
      if (storedBytes === undefined || parseCatalogEntry(storedBytes).ordinal !== ordinal) throw resourceNotFound();
      txn.delete(catalogKey(name));
      txn.delete(statsKey(ordinal));
      // One transaction however large the table: simple and atomic. A table of millions of items
      // would hold the write lock for seconds; bounded batches behind a tombstone can come later.
      deleteRange(txn, itemRange(ordinal));
      deleteRange(txn, tableLogRange(ordinal));
      deleteRange(txn, tableLogHeadRange(ordinal));
    });
    this.forget(entry);
    this.dropped.add(entry.record.id);
    if (this.dropped.size > remembered_dropped_tables) this.dropped.delete(this.dropped.values().next().value!);
  }

  // ---- items ---------------------------------------------------------------------------------

  getItem(table: TableRecord, key: Item): Item | undefined {
    const json = this.getItemJson(table, key);
    return json === undefined ? undefined : (JSON.parse(json) as Item);
  }

  getItemJson(table: TableRecord, key: Item): string | undefined {
    const entry = this.entryOf(table);
    const encoded = encodeKey(entry.record.key, key);
    const value = this.kv.get(itemKey(entry.ordinal, encoded.hash, encoded.bytes));
    return value === undefined ? undefined : utf8(value);
  }

  async writeItem(table: TableRecord, key: Item, mutation: ItemMutation, options?: WriteOptions): Promise<WriteOutcome> {
    const entry = this.entryOf(table);
    const shape = entry.record.key;
    const { ordinal } = entry;
    const encoded = encodeKey(shape, key);
    const storageKey = itemKey(ordinal, encoded.hash, encoded.bytes);
    const byService = options?.byService === true;
    return this.kv.write((txn): WriteOutcome => {
      const statsBytes = txn.get(statsKey(ordinal));
      // The stats record goes with the catalog record: its absence means a DeleteTable won the race.
      if (statsBytes === undefined) throw resourceNotFound();
      const previousBytes = txn.get(storageKey);
      const previous = previousBytes === undefined ? undefined : (JSON.parse(utf8(previousBytes)) as Item);
      const next = mutation(previous);
      if (next === undefined ? previous === undefined : previous !== undefined && sameItem(previous, next)) {
        return { previous, next };
      }
      if (next !== undefined) assert(sameKey(shape, next, key), 'a mutation keeps the key attributes');

      let kind: ChangeKind;
      if (next === undefined) {
        txn.delete(storageKey);
        kind = 'REMOVE';
      } else {
        txn.put(storageKey, toJsonBytes(next));
        kind = previous === undefined ? 'INSERT' : 'MODIFY';
      }

      const stats = decodeStats(statsBytes);
      const previousSize = previous === undefined ? 0 : itemSize(previous);
      const nextSize = next === undefined ? 0 : itemSize(next);
      const countDelta = (next === undefined ? 0 : 1) - (previous === undefined ? 0 : 1);
      txn.put(statsKey(ordinal), encodeStats(stats.itemCount + countDelta, stats.sizeBytes + nextSize - previousSize));

      // The current map, read now: a split that committed before this transaction routes it.
      const partition = routePartition(this.entryOf(table).record.partitions, encoded.hash);
      const headKey = logHeadKey(ordinal, partition.id);
      const sequence = readCounter(txn, headKey) + 1;
      assert(sequence <= max_sequence_number, 'sequence numbers are not exhausted');
      txn.put(headKey, encodeCounter(sequence));
      const change: ChangeRecord = {
        sequenceNumber: formatSequenceNumber(sequence),
        partitionId: partition.id,
        kind,
        time_ms: this.clock.now(),
        keys: keyOf(shape, next ?? previous!),
        ...(previous === undefined ? {} : { oldImage: previous }),
        ...(next === undefined ? {} : { newImage: next }),
        ...(byService ? { byService: true } : {}),
      };
      txn.put(logKey(ordinal, partition.id, sequence), toJsonBytes(change));
      return { previous, next };
    });
  }

  queryItems(table: TableRecord, range: QueryRange): Iterable<Item> {
    const entry = this.entryOf(table);
    return readItems(this.kv, queryKeyRange(entry.ordinal, entry.record.key, range));
  }

  scanItems(table: TableRecord, range: ScanRange): Iterable<Item> {
    const entry = this.entryOf(table);
    return readItems(this.kv, scanKeyRange(entry.ordinal, entry.record.key, range));
  }

  stats(table: TableRecord): TableStats {
    const entry = this.entryOf(table);
    const value = this.kv.get(statsKey(entry.ordinal));
    if (value === undefined) throw resourceNotFound();
    return decodeStats(value);
  }

  // ---- change logs ---------------------------------------------------------------------------

  readChanges(table: TableRecord, partitionId: string, afterSequence?: string, limit?: number): readonly ChangeRecord[] {
    const entry = this.entryOf(table);
    const first = afterSequence === undefined ? 0 : parseSequenceNumber(afterSequence) + 1;
    const range = logRange(entry.ordinal, partitionId, first);
    const changes: ChangeRecord[] = [];
    for (const { value } of this.kv.range(limit === undefined ? range : { ...range, limit })) {
      changes.push(JSON.parse(utf8(value)) as ChangeRecord);
    }
    return changes;
  }

  changeLogHead(table: TableRecord, partitionId: string): number {
    const entry = this.entryOf(table);
    return readCounter(this.kv, logHeadKey(entry.ordinal, partitionId));
  }

  trimChanges(table: TableRecord, partitionId: string, before_ms: number, limit: number): Promise<number> {
    const entry = this.entryOf(table);
    const range = { ...logRange(entry.ordinal, partitionId, 0), limit };
    return this.kv.write((txn): number => {
      // Collected first so no iterator runs over its own deletes; records are in time order.
      const expired: Uint8Array[] = [];
      for (const { key, value } of txn.range(range)) {
        if ((JSON.parse(utf8(value)) as ChangeRecord).time_ms >= before_ms) break;
        expired.push(key);
      }
      for (const key of expired) txn.delete(key);
      return expired.length;
    });
  }

  close(): Promise<void> {
    // The KvStore belongs to whoever opened it (the service closes it after this).
    this.closed = true;
    return Promise.resolve();
  }

  // ---- internals -----------------------------------------------------------------------------

  /** The store's entry for a table an action holds; a dropped or unknown table is not found. */
  private entryOf(table: TableRecord): CatalogEntry {
    this.assertOpen();
    const entry = this.byId.get(table.id);
    if (entry === undefined) throw resourceNotFound();
    return entry;
  }

  private remember(entry: CatalogEntry): void {
    const previous = this.byName.get(entry.record.name);
    if (previous !== undefined) this.byId.delete(previous.record.id);
    this.byName.set(entry.record.name, entry);
    this.byId.set(entry.record.id, entry);
    this.sorted = [...this.byName.values()].map((e) => e.record).sort(byUtf8Name);
  }

  private forget(entry: CatalogEntry): void {
    if (this.byName.get(entry.record.name) === entry) this.byName.delete(entry.record.name);
    if (this.byId.get(entry.record.id) === entry) this.byId.delete(entry.record.id);
    this.sorted = [...this.byName.values()].map((e) => e.record).sort(byUtf8Name);
  }

  private assertOpen(): void {
    assert(!this.closed, 'table store used after close');
  }
}

/**
 * Opens the table store over `kv`: initialises an empty store, or checks the layout version of an
 * existing one and loads its catalog.
 */
export async function openTableStore(kv: KvStore, clock: Clock): Promise<TableStore> {
  const format = kv.get(metaKey('format'));
  if (format === undefined) {
    const empty = [...kv.range({ limit: 1 })].length === 0;
    assert(empty, 'a store without a layout version holds no data');
    await kv.write((txn) => txn.put(metaKey('format'), encodeCounter(layout_format_version)));
  } else {
    const version = decodeCounter(format);
    assert(version === layout_format_version, `store layout version ${version} is ${layout_format_version}`);
  }
  const store = new KvTableStore(kv, clock);
  store.load();
  return store;
}
