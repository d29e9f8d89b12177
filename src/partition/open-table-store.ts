/**
 * The TableStore over a KvStore: DynamoDB tables laid out as described in layout.ts.
 *
 * The catalog is loaded once at open and cached (the router's metadata cache); every change to it
 * goes through a store transaction first and reaches the cache only once committed. Item reads go
 * straight to the KvStore (committed state); item writes are one KvStore transaction each: read
 * the item, run the pure mutation, write or delete the item, append the partition's ChangeRecord,
 * rewrite the partition's state (statistics and log head).
 */
import type { Clock } from '../clock.js';
import { assert, DynamoError, resourceInUse, resourceNotFound } from '../errors.js';
import { max_item_collection_bytes, max_partition_size_bytes } from '../limits.js';
import type { Item, KeyShape } from '../model/attribute-value.js';
import { attributeMapsEqual, attributeValuesEqual } from '../model/compare.js';
import { encodeKey, type EncodedKey } from '../model/key-codec.js';
import { itemSize } from '../model/item-size.js';
import { keyAfter } from '../storage/bytes.js';
import type { KvReader, KvStore, KvWriteTxn } from '../storage/kv-store.js';
import {
  backfillKey,
  backfillsRange,
  catalogKey,
  catalogRange,
  collectionKey,
  decodeCounter,
  decodePartitionState,
  decodeStats,
  encodeCounter,
  encodePartitionState,
  encodeStats,
  indexRange,
  indexStatsKey,
  itemKey,
  itemKeyHash,
  itemRange,
  logKey,
  logRange,
  max_sequence_number,
  max_table_ordinal,
  metaKey,
  parseBackfillKey,
  partition_state_value_bytes,
  partitionStateKey,
  retiredLogHeadKey,
  retiredStatsKey,
  readU64,
  tableBackfillRange,
  tableCollectionRange,
  tableIndexRange,
  tableIndexStatsRange,
  tableLogRange,
  tablePartitionStateRange,
  writeU64,
} from './layout.js';
import {
  entryKeyOfValues,
  entryKeyTail,
  entryWriteUnits,
  indexKeyValues,
  indexQueryRange,
  indexScanRange,
  projectedEntryJson,
  projectedSize,
  sameEntry,
  sameIndexKey,
} from './index-entries.js';
import { queryKeyRange, readItems, readItemTexts, scanKeyRange } from './item-ranges.js';
import {
  assertPartitionMap,
  balancedSplitPoint,
  divideContents,
  hashMidpoint,
  partitionHolds,
  rangeWidth,
  routePartition,
  splitPartition,
  type PartitionContents,
  type SizedItem,
} from './partition-map.js';
import { putTransactionToken, readTransactionToken } from './transaction-tokens.js';
import { ItemWriteFailed, keyOf } from './table-store.js';
import type {
  ChangeKind,
  ChangeRecord,
  IndexStats,
  ItemMutation,
  ItemWrite,
  PartitionRange,
  QueryRange,
  ReadOptions,
  ScanRange,
  SecondaryIndex,
  TableRecord,
  TableStats,
  TableStore,
  TransactionTokenRecord,
  TransactionTokenToStore,
  WriteOptions,
  WriteOutcome,
} from './table-store.js';

/**
 * Bumped when the layout changes; a store of the previous version is upgraded when opened
 * (`upgradeLayout`), any other is refused. 2: partition states replaced table stats and log heads.
 */
const layout_format_version = 2;
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
 * A backfill indexes this many items per write transaction, so writes to the table interleave
 * with it instead of waiting behind one long transaction.
 */
const backfill_batch_items = 256;
/** A running backfill logs its progress every this many batches (about 25,000 items). */
const backfill_progress_batches = 100;

export interface TableStoreOptions {
  /** A partition whose items grow past this many bytes is split (a quota; tests set a few KB). */
  readonly partitionMaxSize_bytes?: number;
  /** The largest item collection of a table with LSIs (DynamoDB: 10 GB; a quota, for tests). */
  readonly itemCollectionMax_bytes?: number;
  /** Set with --eventual-lag-ms: where eventually consistent reads read. */
  readonly eventualReads?: EventualReads;
}

/**
 * How many dropped table ids the store remembers, so that a late saveTable carrying a dropped
 * table's record (an UpdateTable racing a DeleteTable) fails instead of re-creating the table.
 * The race lasts milliseconds; the bound keeps a long-lived server's memory flat.
 */
const remembered_dropped_tables = 4096;

/** What a split committed: the new map, the closed partitions, the children and their sizes. */
interface SplitResult {
  readonly partitions: readonly PartitionRange[];
  readonly closedPartitions: readonly PartitionRange[];
  readonly children: readonly [PartitionRange, PartitionRange];
  readonly childSizes_bytes: readonly [number, number];
}

/** A partition with no boundary to split at (one partition key), and its size then. */
interface Unsplittable {
  readonly unsplittableAt_bytes: number;
}

/**
 * A partition's items, hashed and sized (item-size rules) in one pass: what rebuilding its
 * statistics and splitting it both need.
 */
function readPartitionContents(reader: KvReader, ordinal: number, shape: KeyShape, partition: PartitionRange): PartitionContents {
  const items: SizedItem[] = [];
  let size_bytes = 0;
  for (const { key, value } of reader.range(scanKeyRange(ordinal, shape, partition))) {
    const size = itemSize(JSON.parse(utf8(value)) as Item);
    items.push({ hash: itemKeyHash(key), size_bytes: size });
    size_bytes += size;
  }
  return { items, size_bytes };
}

function statsOfContents(contents: PartitionContents): TableStats {
  return { itemCount: contents.items.length, sizeBytes: contents.size_bytes };
}

/** DynamoDB's text for a write that would grow an item collection past its limit. */
const item_collection_too_large_message = 'Collection size exceeded.';

/** The partition-key part of an item's encoded key: what names its item collection. */
function partitionKeyPartOf(encoded: EncodedKey): Uint8Array {
  return encoded.bytes.subarray(0, encoded.partitionPartBytes);
}

/** A `writeItems` storage transaction, the outcomes of its writes so far, and the first error one threw. */
interface JoinedWrite {
  readonly txn: KvWriteTxn;
  readonly outcomes: WriteOutcome[];
  error: unknown;
}

/**
 * What a table's change records store besides kind, keys, time and sequence number: the images
 * its enabled stream's view type carries (API reference, StreamSpecification.StreamViewType), and
 * nothing else. A change made while no stream is enabled is not stored at all: no stream will
 * ever return it (DynamoDB: a stream holds the changes made after it was enabled), and the
 * partition's log head still counts it, so a stream enabled later continues the numbering. GSIs
 * use the write's images in memory, so they need none stored.
 */
interface StoredImages {
  readonly streamed: boolean;
  readonly old: boolean;
  readonly new: boolean;
}

const no_stream: StoredImages = { streamed: false, old: false, new: false };
const keys_only: StoredImages = { streamed: true, old: false, new: false };
const new_image: StoredImages = { streamed: true, old: false, new: true };
const old_image: StoredImages = { streamed: true, old: true, new: false };
const both_images: StoredImages = { streamed: true, old: true, new: true };

function storedImagesOf(record: TableRecord): StoredImages {
  const streams = record.streams;
  const last = streams === undefined ? undefined : streams[streams.length - 1];
  if (last === undefined || last.disabledAt_ms !== undefined) return no_stream;
  switch (last.viewType) {
    case 'KEYS_ONLY':
      return keys_only;
    case 'NEW_IMAGE':
      return new_image;
    case 'OLD_IMAGE':
      return old_image;
    case 'NEW_AND_OLD_IMAGES':
      return both_images;
  }
}

/** A table as the store knows it: its record and its keyspace ordinal. */
interface CatalogEntry {
  readonly record: TableRecord;
  readonly ordinal: number;
  /** The record's LSIs and GSIs, split once here rather than on every write. */
  readonly locals: readonly SecondaryIndex[];
  readonly globals: readonly SecondaryIndex[];
  /** Where each of `locals` and `globals` is in the record's `indexes`. */
  readonly localPositions: readonly number[];
  readonly globalPositions: readonly number[];
  /** What its change records store, worked out once here rather than on every write. */
  readonly images: StoredImages;
}

function catalogEntry(record: TableRecord, ordinal: number): CatalogEntry {
  const indexes = record.indexes ?? [];
  const positionsOf = (kind: SecondaryIndex['kind']): number[] => indexes.flatMap((index, position) => (index.kind === kind ? [position] : []));
  return {
    record,
    ordinal,
    locals: indexes.filter((index) => index.kind === 'local'),
    globals: indexes.filter((index) => index.kind === 'global'),
    localPositions: positionsOf('local'),
    globalPositions: positionsOf('global'),
    images: storedImagesOf(record),
  };
}

/**
 * A backfill record's value: 0x00 to start at the table's first item, or 0x02 + the number of
 * items read so far (u64) + the last item key read. (0x01 + the last key, without the count, is
 * what stores written before the count existed hold; the count is then worked out once.)
 */
const backfill_from_start = Uint8Array.of(0x00);
const backfill_after_tag = 0x01;
const backfill_progress_tag = 0x02;
const backfill_count_bytes = 8;

/** Where a backfill stands: the key to read from and how many items it has read before it. */
interface BackfillPosition {
  readonly start: Uint8Array;
  readonly readItems: number;
}

/** Reads a backfill record (`cursor`) of the table at `ordinal`. */
function backfillPosition(reader: KvReader, ordinal: number, cursor: Uint8Array): BackfillPosition {
  const items = itemRange(ordinal);
  switch (cursor[0]) {
    case backfill_progress_tag:
      return { start: keyAfter(cursor.subarray(1 + backfill_count_bytes)), readItems: readU64(cursor, 1) };
    case backfill_after_tag: {
      const start = keyAfter(cursor.subarray(1));
      let readItems = 0;
      for (const _ of reader.range({ start: items.start, end: start })) readItems++;
      return { start, readItems };
    }
    default:
      assert(cursor.length === 1 && cursor[0] === backfill_from_start[0], 'backfill record tag');
      return { start: items.start, readItems: 0 };
  }
}

function addIndexStats(txn: KvWriteTxn, key: Uint8Array, countDelta: number, sizeDelta: number): void {
  const bytes = txn.get(key);
  assert(bytes !== undefined, 'an index has its statistics');
  const stats = decodeStats(bytes);
  txn.put(key, encodeStats(stats.itemCount + countDelta, stats.sizeBytes + sizeDelta));
}

/**
 * What an item write already knows of its two images, so its index entries need not work it out
 * again: their sizes, the JSON just stored, and the tail every entry key of the item ends with.
 */
interface ImageFacts {
  readonly previousSize_bytes: number;
  readonly nextSize_bytes: number;
  /** The next item as stored: an ALL-projected entry is the same JSON. */
  readonly nextJson: string | undefined;
  /** `entryKeyTail` of the item's table key. */
  readonly tail: Uint8Array;
}

/**
 * Brings the entries of `indexes` from the item's `previous` state to its `next` one, in the
 * write's transaction: an item leaving an index (or moving its index key) loses its entry, an
 * item in the index gets its projected entry, and an entry whose projection did not change is
 * not rewritten. For an index still being backfilled an old entry may not exist yet, so its
 * presence is read rather than assumed. Returns how many bytes the entries grew by in all.
 * An ALL projection is the item itself: its entry reuses the item's JSON and sizes.
 * The write units each index consumes (`entryWriteUnits`, by DynamoDB's rule, whether or not a
 * backfill has reached the item) go to `units` at the index's `positions` entry: the sizes and
 * comparisons they need are the ones made here.
 */
function maintainIndexes(
  txn: KvWriteTxn,
  ordinal: number,
  tableKey: KeyShape,
  indexes: readonly SecondaryIndex[],
  positions: readonly number[],
  previous: Item | undefined,
  next: Item | undefined,
  facts: ImageFacts,
  backfilling: ReadonlySet<string> | undefined,
  units: number[],
): number {
  const tail = facts.tail;
  let totalSizeDelta = 0;
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i]!;
    const oldValues = previous === undefined ? undefined : indexKeyValues(index, previous);
    const newValues = next === undefined ? undefined : indexKeyValues(index, next);
    if (oldValues === undefined && newValues === undefined) continue;
    const newKey = newValues === undefined ? undefined : entryKeyOfValues(ordinal, index, tail, newValues);
    let countDelta = 0;
    let sizeDelta = 0;
    let sameKey = false;
    let charged = true;
    let oldSize: number | undefined;
    let newSize: number | undefined;
    if (oldValues !== undefined) {
      sameKey = newValues !== undefined && sameIndexKey(oldValues, newValues);
      const oldKey = sameKey ? newKey! : entryKeyOfValues(ordinal, index, tail, oldValues);
      const unchanged = sameKey && sameEntry(index, tableKey, previous!, next!);
      const exists = backfilling?.has(index.name) === true ? txn.get(oldKey) !== undefined : true;
      if (unchanged && exists) continue;
      // Unchanged but not yet backfilled: the entry is written below, and costs nothing.
      charged = !unchanged;
      oldSize = projectedSize(index, tableKey, previous!, facts.previousSize_bytes);
      if (exists) {
        if (!sameKey) txn.delete(oldKey);
        countDelta--;
        sizeDelta -= oldSize;
      }
    }
    if (newKey !== undefined) {
      const all = index.projection.kind === 'ALL';
      txn.put(newKey, all ? (facts.nextJson ?? JSON.stringify(next)) : projectedEntryJson(index, tableKey, next!));
      newSize = projectedSize(index, tableKey, next!, facts.nextSize_bytes);
      countDelta++;
      sizeDelta += newSize;
    }
    if (charged) units[positions[i]!] = entryWriteUnits(oldSize, newSize, sameKey);
    // An entry moved or rewritten at the same size (an `updatedAt` sort key, a changed status)
    // leaves the statistics as they are: no read and rewrite of the record.
    if (countDelta !== 0 || sizeDelta !== 0) addIndexStats(txn, indexStatsKey(ordinal, index.name), countDelta, sizeDelta);
    totalSizeDelta += sizeDelta;
  }
  return totalSizeDelta;
}

/**
 * GSIs are maintained from the partition's change log: this consumes one ChangeRecord with both
 * images (in memory: the stored record keeps only what the table's stream needs) and what the
 * write already knows of them (a log applier elsewhere would work the facts out from the
 * images). On a single node it runs in the transaction that appends
 * the record, so the index never lags; a replicated deployment would run it where the log is
 * applied, from records that keep both images.
 */
function applyChangeToGlobalIndexes(
  txn: KvWriteTxn,
  ordinal: number,
  tableKey: KeyShape,
  indexes: readonly SecondaryIndex[],
  positions: readonly number[],
  change: ChangeRecord,
  facts: ImageFacts,
  backfilling: ReadonlySet<string> | undefined,
  units: number[],
): void {
  maintainIndexes(txn, ordinal, tableKey, indexes, positions, change.oldImage, change.newImage, facts, backfilling, units);
}

/** The catalog record as stored. */
interface StoredCatalogEntry {
  readonly ordinal: number;
  readonly record: TableRecord;
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

/** A change record without its images. */
type ChangeRecordHeader = Omit<ChangeRecord, 'oldImage' | 'newImage'>;

/**
 * A change record's stored JSON, written member by member (JSON.stringify of the header object
 * was ~1 µs of every write, mostly its generic walk), with the images it keeps spliced in from
 * the item JSON already at hand (the previous item as stored, the next as just written) rather
 * than serialised again. Readers parse the record, so member order carries no meaning. The
 * sequence number (decimal digits) and the kind (a keyword) need no escaping.
 */
function changeRecordJson(header: ChangeRecordHeader, oldImageJson: string | undefined, newImageJson: string | undefined): string {
  let json =
    `{"sequenceNumber":"${header.sequenceNumber}","partitionId":${JSON.stringify(header.partitionId)},"kind":"${header.kind}",` +
    `"time_ms":${header.time_ms},"keys":${JSON.stringify(header.keys)}`;
  if (header.byService === true) json += ',"byService":true';
  if (oldImageJson !== undefined) json += `,"oldImage":${oldImageJson}`;
  if (newImageJson !== undefined) json += `,"newImage":${newImageJson}`;
  return `${json}}`;
}

function parseCatalogEntry(bytes: Uint8Array): StoredCatalogEntry {
  const parsed = JSON.parse(utf8(bytes)) as StoredCatalogEntry;
  assert(Number.isInteger(parsed.ordinal) && parsed.ordinal > 0, 'catalog entry has an ordinal');
  assert(typeof parsed.record?.name === 'string' && typeof parsed.record.id === 'string', 'catalog entry has a table record');
  return parsed;
}

function sameKey(shape: KeyShape, a: Item, b: Item): boolean {
  if (!attributeValuesEqual(a[shape.hashName]!, b[shape.hashName]!)) return false;
  return shape.rangeName === undefined || attributeValuesEqual(a[shape.rangeName]!, b[shape.rangeName]!);
}

/** `record` with the partition map (current and closed) of `owner`: the store's, which wins. */
function withPartitionsOf(record: TableRecord, owner: TableRecord): TableRecord {
  const { closedPartitions: _ignored, ...rest } = record;
  return owner.closedPartitions === undefined ? { ...rest, partitions: owner.partitions } : { ...rest, partitions: owner.partitions, closedPartitions: owner.closedPartitions };
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
  /** Index names being backfilled, by table ordinal. */
  private readonly backfilling = new Map<number, Set<string>>();
  private readonly runningBackfills = new Set<Promise<void>>();
  /** Tests only (TableStore.afterBackfillBatch): awaited between two backfill batches. */
  afterBackfillBatch: ((indexName: string) => Promise<void>) | undefined;
  private closed = false;
  /** The storage transaction of a `writeItems` in progress, which its writes join. */
  private joined: JoinedWrite | undefined;
  /**
   * A table's partition map as a split left it, from the split's storage transaction until the
   * catalog cache has it: writes that follow the split in the same group commit route by it.
   * Stream readers keep the committed map until then, so a closed parent's log is complete
   * before any reader treats it as closed.
   */
  private readonly pendingRoutes = new Map<string, readonly PartitionRange[]>();
  /** Partitions (table id + ' ' + partition id) past the size limit, waiting for a split. */
  private readonly oversized = new Set<string>();
  /** Partitions found unsplittable (one partition key): the size they had, not retried until it doubles. */
  private readonly unsplittable = new Map<string, number>();
  private splitting: Promise<void> | undefined;
  private readonly partitionMaxSize_bytes: number;
  private readonly itemCollectionMax_bytes: number;
  /** Eventually consistent reads see the store as of `lag_ms` ago (--eventual-lag-ms). */
  private readonly eventualReads: EventualReads | undefined;
  /**
   * Tables whose record is being saved with other stream settings (count of saves in flight):
   * between that save's transaction and its commit the cache still holds the old record.
   */
  private readonly streamChanges = new Map<string, number>();
  /**
   * Catalog entries a `saveTable` has written in a storage transaction that is not yet
   * committed, by table id. Storage transactions run one after another but commit in groups
   * (lmdb-store.ts), so a write queued behind a catalog change runs before `saveTable` resolves
   * and updates the cache; it reads its table's indexes through `latest`.
   */
  private readonly staged = new Map<string, CatalogEntry>();

  constructor(
    private readonly kv: KvStore,
    private readonly clock: Clock,
    options: TableStoreOptions = {},
  ) {
    this.partitionMaxSize_bytes = options.partitionMaxSize_bytes ?? max_partition_size_bytes;
    this.eventualReads = options.eventualReads;
    this.itemCollectionMax_bytes = options.itemCollectionMax_bytes ?? max_item_collection_bytes;
  }

  /** Loads the catalog (each record's checksum is verified by the KvStore as it is read). */
  load(): void {
    for (const { value } of this.kv.range(catalogRange)) {
      const { ordinal, record } = parseCatalogEntry(value);
      this.remember(catalogEntry(record, ordinal));
    }
  }

  /**
   * Upgrades a layout-1 store, one table per transaction: each partition's statistics and log
   * head become one partition state (a closed partition keeps only its head), computed from the
   * items where a store from before partition statistics lacks them; the table's own statistics
   * record goes. A table already upgraded (its states have the new length) is skipped, so an
   * upgrade cut short by a crash resumes.
   */
  async upgradeLayout(): Promise<void> {
    for (const entry of this.byId.values()) {
      const { ordinal, record } = entry;
      await this.kv.write((txn) => {
        for (const partition of [...record.partitions, ...(record.closedPartitions ?? [])]) {
          const stateKey = partitionStateKey(ordinal, partition.id);
          const headKey = retiredLogHeadKey(ordinal, partition.id);
          const stored = txn.get(stateKey);
          if (stored !== undefined && stored.length === partition_state_value_bytes) continue;
          const stats =
            stored !== undefined
              ? decodeStats(stored)
              : record.partitions.includes(partition)
                ? statsOfContents(readPartitionContents(txn, ordinal, record.key, partition))
                : { itemCount: 0, sizeBytes: 0 };
          const head = readCounter(txn, headKey);
          txn.put(stateKey, encodePartitionState(stats.itemCount, stats.sizeBytes, head));
          txn.delete(headKey);
        }
        txn.delete(retiredStatsKey(ordinal));
      });
    }
    await this.kv.write((txn) => txn.put(metaKey('format'), encodeCounter(layout_format_version)));
  }


  /** Restarts the backfills a previous run left unfinished, from the position each reached. */
  resumeBackfills(): void {
    const pending: { ordinal: number; indexName: string }[] = [];
    for (const { key } of this.kv.range(backfillsRange)) pending.push(parseBackfillKey(key));
    for (const { ordinal, indexName } of pending) {
      const entry = [...this.byId.values()].find((candidate) => candidate.ordinal === ordinal);
      assert(entry !== undefined, `backfill of index ${indexName} belongs to a table`);
      this.startBackfill(entry.record.id, ordinal, indexName);
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
    const cached = this.byId.get(record.id);
    const streamChange = cached !== undefined && cached.images !== storedImagesOf(record);
    if (streamChange) this.streamChanges.set(record.id, (this.streamChanges.get(record.id) ?? 0) + 1);
    try {
      await this.saveTableRecord(record);
    } finally {
      if (streamChange) {
        const left = this.streamChanges.get(record.id)! - 1;
        if (left === 0) this.streamChanges.delete(record.id);
        else this.streamChanges.set(record.id, left);
      }
    }
  }

  private async saveTableRecord(record: TableRecord): Promise<void> {
    const known = this.byId.get(record.id) ?? (this.dropped.has(record.id) ? 'dropped' : undefined);
    const added: string[] = [];
    let staged: CatalogEntry | undefined;
    try {
      const entry = await this.kv.write((txn): CatalogEntry => {
        const storedBytes = txn.get(catalogKey(record.name));
        const stored = storedBytes === undefined ? undefined : parseCatalogEntry(storedBytes);
        if (stored !== undefined && stored.record.id !== record.id) throw resourceInUse(`Table already exists: ${record.name}`);
        if (stored === undefined && known !== undefined) throw resourceNotFound();
        if (stored !== undefined) {
          // An existing table: the store's partition map wins (see TableStore.saveTable).
          const next = catalogEntry(withPartitionsOf(record, stored.record), stored.ordinal);
          txn.put(catalogKey(record.name), JSON.stringify({ ordinal: next.ordinal, record: next.record }));
          const before = stored.record.indexes ?? [];
          const after = record.indexes ?? [];
          for (const index of before) {
            if (after.some((other) => other.name === index.name)) continue;
            deleteRange(txn, indexRange(stored.ordinal, index.name));
            txn.delete(indexStatsKey(stored.ordinal, index.name));
            txn.delete(backfillKey(stored.ordinal, index.name));
          }
          for (const index of after) {
            if (before.some((other) => other.name === index.name)) continue;
            txn.put(indexStatsKey(stored.ordinal, index.name), encodeStats(0, 0));
            txn.put(backfillKey(stored.ordinal, index.name), backfill_from_start);
            added.push(index.name);
          }
          // Writes committed in the same group commit run after this work but before the catalog
          // cache learns the new record: they must already maintain the new set of indexes, or a
          // write would add an entry to a removed index (whose statistics are gone) or count an
          // entry a backfill has not yet added. An added index is marked backfilling for them.
          staged = next;
          this.staged.set(record.id, next);
          if (added.length > 0) {
            let names = this.backfilling.get(stored.ordinal);
            if (names === undefined) this.backfilling.set(stored.ordinal, (names = new Set()));
            for (const name of added) names.add(name);
          }
          return next;
        }
        assertPartitionMap(record.partitions);
        const ordinal = readCounter(txn, metaKey('next-ordinal')) || 1;
        assert(ordinal < max_table_ordinal, 'table ordinals are not exhausted');
        txn.put(metaKey('next-ordinal'), encodeCounter(ordinal + 1));
        const next = catalogEntry(record, ordinal);
        txn.put(catalogKey(record.name), JSON.stringify({ ordinal, record }));
        for (const partition of record.partitions) txn.put(partitionStateKey(ordinal, partition.id), encodePartitionState(0, 0, 0));
        // A new table has no items: its indexes start complete.
        for (const index of record.indexes ?? []) txn.put(indexStatsKey(ordinal, index.name), encodeStats(0, 0));
        return next;
      });
      // A split that committed after this transaction read the map may already be cached: keep it.
      const cached = this.byId.get(entry.record.id);
      const splitsSince = (cached?.record.closedPartitions?.length ?? 0) > (entry.record.closedPartitions?.length ?? 0);
      this.remember(splitsSince ? catalogEntry(withPartitionsOf(entry.record, cached!.record), entry.ordinal) : entry);
      const running = this.backfilling.get(entry.ordinal);
      if (running !== undefined) for (const name of running) if (!entry.record.indexes?.some((index) => index.name === name)) running.delete(name);
      for (const name of added) this.startBackfill(entry.record.id, entry.ordinal, name);
    } catch (error) {
      if (staged !== undefined) for (const name of added) this.backfilling.get(staged.ordinal)?.delete(name);
      throw error;
    } finally {
      if (staged !== undefined && this.staged.get(record.id) === staged) this.staged.delete(record.id);
    }
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
      // One transaction however large the table: simple and atomic. A table of millions of items
      // would hold the write lock for seconds; bounded batches behind a tombstone can come later.
      deleteRange(txn, itemRange(ordinal));
      deleteRange(txn, tableLogRange(ordinal));
      deleteRange(txn, tableIndexRange(ordinal));
      deleteRange(txn, tableIndexStatsRange(ordinal));
      deleteRange(txn, tableBackfillRange(ordinal));
      deleteRange(txn, tablePartitionStateRange(ordinal));
      deleteRange(txn, tableCollectionRange(ordinal));
    });
    this.backfilling.delete(ordinal);
    this.forget(entry);
    this.dropped.add(entry.record.id);
    if (this.dropped.size > remembered_dropped_tables) this.dropped.delete(this.dropped.values().next().value!);
  }

  // ---- items ---------------------------------------------------------------------------------

  getItem(table: TableRecord, key: Item, options?: ReadOptions): Item | undefined {
    const json = this.getItemJson(table, key, options);
    return json === undefined ? undefined : (JSON.parse(json) as Item);
  }

  getItemJson(table: TableRecord, key: Item, options?: ReadOptions): string | undefined {
    const entry = this.entryOf(table);
    const encoded = encodeKey(entry.record.key, key);
    const value = this.readerFor(options).get(itemKey(entry.ordinal, encoded.hash, encoded.bytes));
    return value === undefined ? undefined : utf8(value);
  }

  async writeItem(table: TableRecord, key: Item, mutation: ItemMutation, options?: WriteOptions): Promise<WriteOutcome> {
    const entry = this.entryOf(table);
    const shape = entry.record.key;
    const { ordinal } = entry;
    const encoded = encodeKey(shape, key);
    const storageKey = itemKey(ordinal, encoded.hash, encoded.bytes);
    const byService = options?.byService === true;
    let crossedSizeLimit = false;
    const outcome = await this.writeOrJoin((txn): WriteOutcome => {
      // The current record routes the write: a split whose transaction ran before this one has
      // moved the key, and a stream change that committed before it decides what its change
      // record keeps.
      const current = this.latest(table.id) ?? entry;
      const partition = routePartition(this.pendingRoutes.get(table.id) ?? current.record.partitions, encoded.hash);
      const stateKey = partitionStateKey(ordinal, partition.id);
      const stateBytes = txn.get(stateKey);
      // The state goes with the catalog record: its absence means a DeleteTable won the race.
      if (stateBytes === undefined) throw this.tableGone(txn, entry);
      const previousBytes = txn.get(storageKey);
      const previousJson = previousBytes === undefined ? undefined : utf8(previousBytes);
      const previous = previousJson === undefined ? undefined : (JSON.parse(previousJson) as Item);
      const next = mutation(previous);
      if (next === undefined ? previous === undefined : previous !== undefined && attributeMapsEqual(previous, next)) {
        const size_bytes = previous === undefined ? 0 : itemSize(previous);
        const unchanged = { previous, next, previousSize_bytes: size_bytes, nextSize_bytes: size_bytes };
        if (current.locals.length === 0 || options?.itemCollectionMetrics === false) return unchanged;
        return { ...unchanged, itemCollectionSize_bytes: readCounter(txn, collectionKey(ordinal, encoded.hash, partitionKeyPartOf(encoded))) };
      }
      if (next !== undefined) assert(sameKey(shape, next, key), 'a mutation keeps the key attributes');

      let kind: ChangeKind;
      let nextJson: string | undefined;
      if (next === undefined) {
        txn.delete(storageKey);
        kind = 'REMOVE';
      } else {
        nextJson = JSON.stringify(next);
        txn.put(storageKey, nextJson);
        kind = previous === undefined ? 'INSERT' : 'MODIFY';
      }

      const state = decodePartitionState(stateBytes);
      const previousSize = previous === undefined ? 0 : itemSize(previous);
      const sizedNext = options?.sizedNext;
      const nextSize = next === undefined ? 0 : sizedNext !== undefined && sizedNext.item === next ? sizedNext.size_bytes : itemSize(next);
      const countDelta = (next === undefined ? 0 : 1) - (previous === undefined ? 0 : 1);
      const partitionSize = state.sizeBytes + nextSize - previousSize;
      const sequence = state.logHead + 1;
      assert(sequence <= max_sequence_number, 'sequence numbers are not exhausted');
      txn.put(stateKey, encodePartitionState(state.itemCount + countDelta, partitionSize, sequence));
      if (partitionSize > this.partitionMaxSize_bytes) crossedSizeLimit = this.noteOversized(table.id, partition.id, partitionSize);
      // While a save of the table's stream settings is in flight, keep everything: the record may
      // fall in the stream about to open.
      const images = this.streamChanges.has(table.id) ? both_images : current.images;
      // The change record, made only for a stream to store or GSIs to consume: a change no stream
      // will return is not stored (the log head above still counts it, so a stream enabled later
      // continues the partition's numbering). Every member present, in one order: objects of one
      // shape share one hidden class (a spread of a header whose members varied made V8 a new
      // hidden class per write, two per indexed write, and left the readers megamorphic).
      const change: ChangeRecord | undefined =
        images.streamed || current.globals.length > 0
          ? {
              sequenceNumber: formatSequenceNumber(sequence),
              partitionId: partition.id,
              kind,
              time_ms: this.clock.now(),
              keys: keyOf(shape, next ?? previous!),
              byService: byService ? true : undefined,
              oldImage: previous,
              newImage: next,
            }
          : undefined;
      if (images.streamed) {
        txn.put(logKey(ordinal, partition.id, sequence), changeRecordJson(change!, images.old ? previousJson : undefined, images.new ? nextJson : undefined));
      }

      const written: { -readonly [K in keyof WriteOutcome]: WriteOutcome[K] } = { previous, next, previousSize_bytes: previousSize, nextSize_bytes: nextSize };
      const indexes = current.record.indexes;
      if (indexes !== undefined && indexes.length > 0) {
        const backfilling = this.backfilling.get(ordinal);
        const facts: ImageFacts = { previousSize_bytes: previousSize, nextSize_bytes: nextSize, nextJson, tail: entryKeyTail(encoded.bytes) };
        const units = new Array<number>(indexes.length).fill(0);
        if (current.locals.length > 0) {
          const entriesDelta = maintainIndexes(txn, ordinal, shape, current.locals, current.localPositions, previous, next, facts, backfilling, units);
          const collectionDelta_bytes = nextSize - previousSize + entriesDelta;
          if (collectionDelta_bytes !== 0 || options?.itemCollectionMetrics !== false) {
            written.itemCollectionSize_bytes = this.resizeCollection(txn, ordinal, encoded.hash, partitionKeyPartOf(encoded), collectionDelta_bytes);
          }
        }
        if (current.globals.length > 0) {
          applyChangeToGlobalIndexes(txn, ordinal, shape, current.globals, current.globalPositions, change!, facts, backfilling, units);
        }
        written.indexWriteUnits = { indexes, units };
      }
      return written;
    });
    // The write that took its partition past the size limit answers once the split is done, so
    // what follows it (a DescribeStream, a test) sees the split; other writes never wait for it.
    if (crossedSizeLimit) await this.splitsSettled();
    return outcome;
  }

  /**
   * The error for a write that found its partition's state missing: the table is gone (a
   * DeleteTable committed first). Anything else would be a routing bug, never the client's fault.
   */
  private tableGone(txn: KvWriteTxn, entry: CatalogEntry): Error {
    const stored = txn.get(catalogKey(entry.record.name));
    assert(stored === undefined || parseCatalogEntry(stored).ordinal !== entry.ordinal, 'a current partition has its state');
    return resourceNotFound();
  }

  /**
   * Adds `delta_bytes` to an item collection's size (a table with LSIs: the items of one
   * partition-key value plus their LSI entries) and returns the new size. A write that grows a
   * collection past its limit (10 GB in DynamoDB) fails with ItemCollectionSizeLimitExceededException,
   * its transaction writing nothing; one that shrinks or keeps it is always allowed.
   */
  private resizeCollection(txn: KvWriteTxn, ordinal: number, hash: string, partitionKeyPart: Uint8Array, delta_bytes: number): number {
    const key = collectionKey(ordinal, hash, partitionKeyPart);
    const size_bytes = readCounter(txn, key) + delta_bytes;
    assert(size_bytes >= 0, 'an item collection size is not negative');
    if (delta_bytes > 0 && size_bytes > this.itemCollectionMax_bytes) throw new DynamoError('ItemCollectionSizeLimitExceededException', item_collection_too_large_message);
    if (size_bytes === 0) txn.delete(key);
    else if (delta_bytes !== 0) txn.put(key, encodeCounter(size_bytes));
    return size_bytes;
  }

  /**
   * A transaction's writes reuse `writeItem` whole (index entries, change records, statistics):
   * each joins the one storage transaction opened here (see `writeOrJoin`). `writeItem` reaches
   * its storage transaction synchronously, so every write has run when the loop ends (asserted).
   */
  async writeItems(writes: readonly ItemWrite[], token?: TransactionTokenToStore): Promise<readonly WriteOutcome[]> {
    for (const write of writes) this.entryOf(write.table);
    // Each joined write settles its promise within the storage transaction (see `writeOrJoin`),
    // so once the transaction has committed every one holds its outcome.
    const outcomes: Promise<WriteOutcome>[] = [];
    await this.kv.write((txn): void => {
      let ran = 0;
      const join: JoinedWrite = { txn, outcomes: [], error: undefined };
      this.joined = join;
      try {
        for (let i = 0; i < writes.length; i++) {
          const write = writes[i]!;
          const { mutation } = write;
          const outcome = this.writeItem(write.table, write.key, (previous) => {
            ran++;
            return mutation(previous);
          });
          outcome.catch(() => {
            // The error is rethrown below, from the storage transaction, which aborts it.
          });
          if (join.error !== undefined) throw new ItemWriteFailed(i, join.error);
          outcomes.push(outcome);
        }
      } finally {
        this.joined = undefined;
      }
      assert(ran === writes.length && join.outcomes.length === writes.length, 'every write of a transaction ran in its storage transaction');
      if (token !== undefined) {
        const { responseOf, ...record } = token;
        putTransactionToken(txn, { ...record, response: responseOf(join.outcomes) }, this.clock.now());
      }
    });
    return Promise.all(outcomes);
  }

  readTransactionToken(token: string): TransactionTokenRecord | undefined {
    this.assertOpen();
    return readTransactionToken(this.kv, token, this.clock.now());
  }

  /** Runs `work` in its own storage transaction, or in the one `writeItems` has open. */
  private writeOrJoin(work: (txn: KvWriteTxn) => WriteOutcome): Promise<WriteOutcome> {
    const join = this.joined;
    if (join === undefined) return this.kv.write(work);
    try {
      const outcome = work(join.txn);
      join.outcomes.push(outcome);
      return Promise.resolve(outcome);
    } catch (error) {
      join.error = error;
      return Promise.reject(error);
    }
  }

  queryItems(table: TableRecord, range: QueryRange, options?: ReadOptions): Iterable<Item> {
    const entry = this.entryOf(table);
    return readItems(this.readerFor(options), queryKeyRange(entry.ordinal, entry.record.key, range));
  }

  queryItemsJson(table: TableRecord, range: QueryRange, options?: ReadOptions): Iterable<string> {
    const entry = this.entryOf(table);
    return readItemTexts(this.readerFor(options), queryKeyRange(entry.ordinal, entry.record.key, range));
  }

  scanItems(table: TableRecord, range: ScanRange, options?: ReadOptions): Iterable<Item> {
    const entry = this.entryOf(table);
    return readItems(this.readerFor(options), scanKeyRange(entry.ordinal, entry.record.key, range));
  }

  scanItemsJson(table: TableRecord, range: ScanRange, options?: ReadOptions): Iterable<string> {
    const entry = this.entryOf(table);
    return readItemTexts(this.readerFor(options), scanKeyRange(entry.ordinal, entry.record.key, range));
  }

  /** The sum of its current partitions' statistics. */
  stats(table: TableRecord): TableStats {
    const entry = this.entryOf(table);
    let itemCount = 0;
    let sizeBytes = 0;
    for (const partition of entry.record.partitions) {
      const value = this.kv.get(partitionStateKey(entry.ordinal, partition.id));
      if (value === undefined) throw resourceNotFound();
      const state = decodePartitionState(value);
      itemCount += state.itemCount;
      sizeBytes += state.sizeBytes;
    }
    return { itemCount, sizeBytes };
  }

  // ---- partitions ----------------------------------------------------------------------------

  partitionStats(table: TableRecord, partitionId: string): TableStats {
    const entry = this.entryOf(table);
    const value = this.kv.get(partitionStateKey(entry.ordinal, partitionId));
    if (value === undefined) throw resourceNotFound();
    const { itemCount, sizeBytes } = decodePartitionState(value);
    return { itemCount, sizeBytes };
  }

  async splitPartition(table: TableRecord, partitionId: string, atHash?: string): Promise<readonly [PartitionRange, PartitionRange] | undefined> {
    const split = await this.split(table, partitionId, atHash, undefined);
    return split === undefined || 'unsplittableAt_bytes' in split ? undefined : split.children;
  }

  /**
   * Runs a split transaction and caches its map. With `overSize_bytes`, splits only if the
   * partition holds more than that, as read inside the transaction: it then sees every write
   * that committed before it, including the one that crossed the limit.
   */
  private async split(
    table: TableRecord,
    partitionId: string,
    atHash: string | undefined,
    overSize_bytes: number | undefined,
  ): Promise<SplitResult | Unsplittable | undefined> {
    const { ordinal } = this.entryOf(table);
    const split = await this.kv.write((txn) => this.splitInTransaction(txn, table.id, ordinal, partitionId, atHash, overSize_bytes));
    if (split === undefined || 'unsplittableAt_bytes' in split) return split;
    const cached = this.byId.get(table.id);
    // Cache the new map on the newest record (a saveTable may have replaced it meanwhile).
    if (cached !== undefined && (cached.record.closedPartitions?.length ?? 0) < split.closedPartitions.length) {
      this.remember(catalogEntry({ ...cached.record, partitions: split.partitions, closedPartitions: split.closedPartitions }, cached.ordinal));
    }
    if (this.pendingRoutes.get(table.id) === split.partitions) this.pendingRoutes.delete(table.id);
    return split;
  }

  /**
   * The split itself. It reads the parent's items (to place a balanced boundary and count each
   * child exactly), so it holds the write lock for one pass over one partition: bounded by the
   * partition size limit for size splits.
   */
  private splitInTransaction(
    txn: KvWriteTxn,
    tableId: string,
    ordinal: number,
    partitionId: string,
    atHash: string | undefined,
    overSize_bytes: number | undefined,
  ): SplitResult | Unsplittable | undefined {
    const entry = this.byId.get(tableId);
    if (entry === undefined || entry.ordinal !== ordinal) return undefined;
    const storedBytes = txn.get(catalogKey(entry.record.name));
    if (storedBytes === undefined) return undefined;
    const stored = parseCatalogEntry(storedBytes);
    if (stored.ordinal !== ordinal) return undefined;
    const parent = stored.record.partitions.find((partition) => partition.id === partitionId);
    if (parent === undefined) return undefined;
    if (overSize_bytes !== undefined) {
      const state = txn.get(partitionStateKey(ordinal, parent.id));
      if (state === undefined || decodePartitionState(state).sizeBytes <= overSize_bytes) return undefined;
    }
    const contents = readPartitionContents(txn, ordinal, stored.record.key, parent);
    const at = atHash ?? balancedSplitPoint(contents);
    if (at === undefined) return { unsplittableAt_bytes: contents.size_bytes };
    if (at <= parent.hashStart || !partitionHolds(parent, at)) return undefined;
    const children = splitPartition(parent, at);
    const [low, high] = children;
    const [lowStats, highStats] = divideContents(contents, at);
    // The children continue the parent's numbering, so every item's history keeps increasing
    // sequence numbers across the split; the parent's log is final, and its state stays, frozen,
    // for the head of its closed shard.
    const parentState = txn.get(partitionStateKey(ordinal, parent.id));
    assert(parentState !== undefined, 'a current partition has its state');
    const { logHead } = decodePartitionState(parentState);
    txn.put(partitionStateKey(ordinal, low.id), encodePartitionState(lowStats.itemCount, lowStats.sizeBytes, logHead));
    txn.put(partitionStateKey(ordinal, high.id), encodePartitionState(highStats.itemCount, highStats.sizeBytes, logHead));
    const partitions = stored.record.partitions.flatMap((partition) => (partition.id === parent.id ? children : [partition]));
    assertPartitionMap(partitions);
    const closedPartitions = [...(stored.record.closedPartitions ?? []), parent];
    txn.put(catalogKey(stored.record.name), JSON.stringify({ ordinal, record: { ...stored.record, partitions, closedPartitions } }));
    this.pendingRoutes.set(tableId, partitions);
    return { partitions, closedPartitions, children, childSizes_bytes: [lowStats.sizeBytes, highStats.sizeBytes] };
  }

  async ensurePartitionCount(table: TableRecord, count: number): Promise<void> {
    for (;;) {
      const entry = this.entryOf(table);
      const partitions = entry.record.partitions;
      if (partitions.length >= count) return;
      let widest = partitions[0]!;
      for (const partition of partitions) if (rangeWidth(partition) > rangeWidth(widest)) widest = partition;
      const middle = hashMidpoint(widest);
      if (middle === undefined) return;
      await this.splitPartition(table, widest.id, middle);
    }
  }

  /**
   * Called from a write's transaction: the partition grew past the size limit. Schedules its
   * split (after the write commits); false when it is known unsplittable at about this size.
   */
  private noteOversized(tableId: string, partitionId: string, size_bytes: number): boolean {
    const key = `${tableId} ${partitionId}`;
    const failedAt = this.unsplittable.get(key);
    if (failedAt !== undefined && size_bytes < 2 * failedAt) return false;
    this.oversized.add(key);
    this.splitting ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.splitOversized());
    return true;
  }

  /**
   * Splits the partitions past the size limit, one transaction each, right after the writes that
   * crossed it; writes to the table wait at most one split (one partition's pass).
   */
  private async splitOversized(): Promise<void> {
    try {
      while (this.oversized.size > 0 && !this.closed) {
        const key = this.oversized.values().next().value!;
        this.oversized.delete(key);
        const [tableId, partitionId] = key.split(' ') as [string, string];
        const entry = this.byId.get(tableId);
        if (entry === undefined || !entry.record.partitions.some((partition) => partition.id === partitionId)) continue;
        try {
          const split = await this.split(entry.record, partitionId, undefined, this.partitionMaxSize_bytes);
          if (split === undefined) continue;
          if ('unsplittableAt_bytes' in split) {
            // One partition key holds the data: retry only once the partition has doubled.
            this.unsplittable.set(key, split.unsplittableAt_bytes);
            continue;
          }
          split.children.forEach((child, i) => {
            if (split.childSizes_bytes[i]! > this.partitionMaxSize_bytes) this.oversized.add(`${tableId} ${child.id}`);
          });
        } catch (error) {
          // The table was dropped meanwhile: nothing to split.
          if (!(error instanceof DynamoError && error.errorName === 'ResourceNotFoundException')) throw error;
        }
      }
    } catch (error) {
      console.error('dynabase: partition split failed:', error);
    } finally {
      this.splitting = undefined;
    }
  }

  /** Resolves once no size split is pending (the write that crossed the limit, and close). */
  private async splitsSettled(): Promise<void> {
    while (this.splitting !== undefined) await this.splitting;
  }

  // ---- secondary indexes ---------------------------------------------------------------------

  queryIndex(table: TableRecord, indexName: string, range: QueryRange, options?: ReadOptions): Iterable<Item> {
    const entry = this.entryOf(table);
    return readItems(this.readerFor(options), indexQueryRange(entry.ordinal, this.indexOf(entry, indexName), entry.record.key, range));
  }

  queryIndexJson(table: TableRecord, indexName: string, range: QueryRange, options?: ReadOptions): Iterable<string> {
    const entry = this.entryOf(table);
    return readItemTexts(this.readerFor(options), indexQueryRange(entry.ordinal, this.indexOf(entry, indexName), entry.record.key, range));
  }

  scanIndex(table: TableRecord, indexName: string, range: ScanRange, options?: ReadOptions): Iterable<Item> {
    const entry = this.entryOf(table);
    return readItems(this.readerFor(options), indexScanRange(entry.ordinal, this.indexOf(entry, indexName), entry.record.key, range));
  }

  scanIndexJson(table: TableRecord, indexName: string, range: ScanRange, options?: ReadOptions): Iterable<string> {
    const entry = this.entryOf(table);
    return readItemTexts(this.readerFor(options), indexScanRange(entry.ordinal, this.indexOf(entry, indexName), entry.record.key, range));
  }

  indexStats(table: TableRecord, indexName: string): IndexStats {
    const entry = this.entryOf(table);
    this.indexOf(entry, indexName);
    const value = this.kv.get(indexStatsKey(entry.ordinal, indexName));
    if (value === undefined) throw resourceNotFound();
    const { itemCount, sizeBytes } = decodeStats(value);
    // One literal of every member (a spread with members added made V8 a new hidden class per
    // call, and a Query on an index asks for these).
    if (this.backfilling.get(entry.ordinal)?.has(indexName) !== true) return { itemCount, sizeBytes, backfilling: false, backfillReadItems: undefined };
    const cursor = this.kv.get(backfillKey(entry.ordinal, indexName));
    // No record: the backfill has read every item and is finishing.
    const backfillReadItems = cursor === undefined ? this.stats(entry.record).itemCount : backfillPosition(this.kv, entry.ordinal, cursor).readItems;
    return { itemCount, sizeBytes, backfilling: true, backfillReadItems };
  }

  private indexOf(entry: CatalogEntry, indexName: string): SecondaryIndex {
    const index = entry.record.indexes?.find((candidate) => candidate.name === indexName);
    assert(index !== undefined, `table ${entry.record.name} has index ${indexName}`);
    return index;
  }

  /**
   * Fills an index added to a populated table from the table's items, in bounded batches (one
   * transaction each) so that writes interleave. Each batch reads the items' current state and
   * adds the entries not yet there; writes maintain the index from the moment it was added, so
   * every item ends up indexed exactly once. The position reached is stored with each batch.
   */
  private startBackfill(tableId: string, ordinal: number, indexName: string): void {
    let names = this.backfilling.get(ordinal);
    if (names === undefined) {
      names = new Set();
      this.backfilling.set(ordinal, names);
    }
    names.add(indexName);
    const run = (async () => {
      let indexed = 0;
      let batches = 0;
      for (;;) {
        if (this.closed) return;
        const batch = await this.kv.write((txn) => this.backfillBatch(txn, tableId, ordinal, indexName));
        indexed += batch.indexed;
        if (batch.done) break;
        if (this.afterBackfillBatch !== undefined) await this.afterBackfillBatch(indexName);
        if (++batches % backfill_progress_batches === 0) console.log(`dynabase: index ${indexName}: backfill in progress, ${indexed} entries added`);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (this.backfilling.get(ordinal)?.delete(indexName) === true) {
        console.log(`dynabase: index ${indexName}: backfill complete, ${indexed} entries added`);
      }
    })();
    this.runningBackfills.add(run);
    run
      .catch((error: unknown) => console.error(`dynabase: index ${indexName}: backfill failed:`, error))
      .finally(() => this.runningBackfills.delete(run));
  }

  private backfillBatch(txn: KvWriteTxn, tableId: string, ordinal: number, indexName: string): { readonly done: boolean; readonly indexed: number } {
    const cursorKey = backfillKey(ordinal, indexName);
    const cursor = txn.get(cursorKey);
    const entry = this.latest(tableId);
    const index = entry?.record.indexes?.find((candidate) => candidate.name === indexName);
    // No cursor: the index or its table was removed, or the backfill finished.
    if (cursor === undefined || entry === undefined || index === undefined) return { done: true, indexed: 0 };
    const items = itemRange(ordinal);
    const { start, readItems } = backfillPosition(txn, ordinal, cursor);
    const batch: { key: Uint8Array; value: Uint8Array }[] = [];
    for (const found of txn.range({ start, end: items.end, limit: backfill_batch_items })) batch.push({ key: found.key, value: found.value });
    let countDelta = 0;
    let sizeDelta = 0;
    for (const { value } of batch) {
      const json = utf8(value);
      const item = JSON.parse(json) as Item;
      const values = indexKeyValues(index, item);
      if (values === undefined) continue;
      const key = entryKeyOfValues(ordinal, index, entryKeyTail(encodeKey(entry.record.key, item).bytes), values);
      if (txn.get(key) !== undefined) continue;
      // The entry a write would store (`maintainIndexes`): an ALL entry is the item's JSON.
      txn.put(key, index.projection.kind === 'ALL' ? json : projectedEntryJson(index, entry.record.key, item));
      countDelta++;
      sizeDelta += projectedSize(index, entry.record.key, item);
    }
    if (countDelta !== 0) addIndexStats(txn, indexStatsKey(ordinal, indexName), countDelta, sizeDelta);
    if (batch.length < backfill_batch_items) {
      txn.delete(cursorKey);
      return { done: true, indexed: countDelta };
    }
    const last = batch[batch.length - 1]!.key;
    const next = new Uint8Array(1 + backfill_count_bytes + last.length);
    next[0] = backfill_progress_tag;
    writeU64(next, 1, readItems + batch.length);
    next.set(last, 1 + backfill_count_bytes);
    txn.put(cursorKey, next);
    return { done: false, indexed: countDelta };
  }

  // ---- change logs ---------------------------------------------------------------------------

  readChanges(table: TableRecord, partitionId: string, afterSequence?: string, limit?: number): readonly ChangeRecord[] {
    const entry = this.entryOf(table);
    const first = afterSequence === undefined ? 0 : parseSequenceNumber(afterSequence) + 1;
    const range = logRange(entry.ordinal, partitionId, first);
    const changes: ChangeRecord[] = [];
    for (const { value } of this.kv.range({ start: range.start, end: range.end, limit })) {
      changes.push(JSON.parse(utf8(value)) as ChangeRecord);
    }
    return changes;
  }

  changeLogHead(table: TableRecord, partitionId: string): number {
    const entry = this.entryOf(table);
    const value = this.kv.get(partitionStateKey(entry.ordinal, partitionId));
    return value === undefined ? 0 : decodePartitionState(value).logHead;
  }

  trimChanges(table: TableRecord, partitionId: string, before_ms: number, limit: number): Promise<number> {
    const entry = this.entryOf(table);
    const log = logRange(entry.ordinal, partitionId, 0);
    const range = { start: log.start, end: log.end, limit };
    return this.kv.write((txn): number => {
      // Collected first so no iterator runs over its own deletes; records are in time order.
      const expired: Uint8Array[] = [];
      for (const { key, value } of txn.range(range)) {
        const change = JSON.parse(utf8(value)) as ChangeRecord;
        // `noStream`: a record stored outside any stream by an earlier version (changes made with
        // no stream enabled are no longer stored); no reader returns it.
        if (change.noStream !== true && change.time_ms >= before_ms) break;
        expired.push(key);
      }
      for (const key of expired) txn.delete(key);
      return expired.length;
    });
  }

  async close(): Promise<void> {
    // The KvStore belongs to whoever opened it (the service closes it after this). A running
    // backfill finishes its current batch; its stored position lets the next open resume.
    this.closed = true;
    await Promise.allSettled([...this.runningBackfills, this.splitsSettled()]);
  }

  // ---- internals -----------------------------------------------------------------------------

  /** Committed state, or for an eventual read with a lag configured, the state that long ago. */
  private readerFor(options: ReadOptions | undefined): KvReader {
    if (options?.eventual !== true || this.eventualReads === undefined) return this.kv;
    return this.eventualReads.readerAsOf(this.clock.now() - this.eventualReads.lag_ms);
  }

  /** A table's entry as the storage transaction running now sees it (see `staged`). */
  private latest(tableId: string): CatalogEntry | undefined {
    return this.staged.get(tableId) ?? this.byId.get(tableId);
  }

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
 * Lagging eventually consistent reads (`--eventual-lag-ms`): `kv` must then be the same
 * VersionedKvStore, so that every write is recorded in the history these reads consult.
 */
export interface EventualReads {
  readonly lag_ms: number;
  readerAsOf(time_ms: number): KvReader;
}

/**
 * Opens the table store over `kv`: initialises an empty store, or checks the layout version of an
 * existing one and loads its catalog.
 */
export async function openTableStore(kv: KvStore, clock: Clock, options: TableStoreOptions = {}): Promise<TableStore> {
  const format = kv.get(metaKey('format'));
  if (format === undefined) {
    const empty = [...kv.range({ limit: 1 })].length === 0;
    assert(empty, 'a store without a layout version holds no data');
    await kv.write((txn) => txn.put(metaKey('format'), encodeCounter(layout_format_version)));
  }
  const version = format === undefined ? layout_format_version : decodeCounter(format);
  assert(version === layout_format_version || version === layout_format_version - 1, `store layout version ${version} is ${layout_format_version}`);
  const store = new KvTableStore(kv, clock, options);
  store.load();
  if (version < layout_format_version) await store.upgradeLayout();
  store.resumeBackfills();
  return store;
}
