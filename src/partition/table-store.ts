/**
 * The contract between the actions (api/) and the data layer (partition/ over storage/).
 *
 * A table's data is split by the hash of its partition key into contiguous hash ranges
 * (partitions). Each partition owns its items and its change log. The catalog (table records and
 * their partition maps) is persisted in the same store, so it survives restarts.
 */
import { setOwnMember, type AttributeValue, type Item, type KeyShape } from '../model/attribute-value.js';

/** One partition: the half-open range [hashStart, hashEnd) of the 64-bit key-hash space. */
export interface PartitionRange {
  readonly id: string;
  /** Inclusive start, 16 lower-case hex digits. */
  readonly hashStart: string;
  /** Exclusive end, 16 lower-case hex digits; 'ffffffffffffffff' + 1 is written as '' (end of space). */
  readonly hashEnd: string;
  /** The partition this one was split from, if any. */
  readonly parentId?: string;
}

/** What a secondary index holds of an item besides the table and index keys (DynamoDB's Projection). */
export type IndexProjection =
  | { readonly kind: 'ALL' }
  | { readonly kind: 'KEYS_ONLY' }
  | { readonly kind: 'INCLUDE'; readonly nonKeyAttributes: readonly string[] };

/**
 * A secondary index as the store maintains it. An LSI shares the table's partition key and is
 * updated in the item's own transaction; a GSI is updated from the partition's change record.
 * Items lacking an index key attribute are not in the index (sparse indexes).
 */
export interface SecondaryIndex {
  readonly name: string;
  readonly kind: 'local' | 'global';
  readonly key: KeyShape;
  readonly projection: IndexProjection;
}

/**
 * A table as the catalog keeps it. `description` is DynamoDB's TableDescription in wire form
 * (what DescribeTable returns), minus the live figures (ItemCount, TableSizeBytes, index sizes)
 * which the store computes. Actions own its content; the store persists it as given.
 */
export interface TableRecord {
  readonly name: string;
  /** DynamoDB's TableId (a UUID); also names the table's keyspace in storage. */
  readonly id: string;
  readonly key: KeyShape;
  readonly description: Readonly<Record<string, unknown>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly timeToLive?: { readonly attributeName: string; readonly enabled: boolean; readonly changedAt_ms: number };
  readonly partitions: readonly PartitionRange[];
  /**
   * The partitions split so far, in the order they were split: their change logs are final, and
   * Streams lists them as closed shards that their children name as parent. Owned by the store
   * like `partitions`.
   */
  readonly closedPartitions?: readonly PartitionRange[];
  /**
   * The table's streams, oldest first (see streams/stream-epochs.ts): a disabled stream stays
   * readable for 24 hours, and re-enabling creates a new one, so several may be listed at once.
   */
  readonly streams?: readonly StreamEpoch[];
  /**
   * The secondary indexes the store maintains (derived by the actions from `description`). An
   * index added to an existing table is backfilled from its items in the background; an index
   * removed has its entries deleted in the same transaction as the record.
   */
  readonly indexes?: readonly SecondaryIndex[];
  /**
   * When the table was switched to on-demand within the last 24 hours (UpdateTable allows four
   * such switches in a rolling day; api/throughput-limits.ts).
   */
  readonly onDemandSwitches_ms?: readonly number[];
}

/** One stream of a table: the change-log records written while it was enabled. */
export interface StreamEpoch {
  /** LatestStreamLabel: the creation time, ISO 8601 without the zone. */
  readonly label: string;
  readonly viewType: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
  readonly enabledAt_ms: number;
  /** Set once the stream is disabled: records written from then on are not part of it. */
  readonly disabledAt_ms?: number;
}

/** What a change did; appended to the partition's change log in the same transaction. */
export type ChangeKind = 'INSERT' | 'MODIFY' | 'REMOVE';

export interface ChangeRecord {
  /**
   * Increasing per partition, a decimal string as Streams expose it: 21 digits, zero-padded, so
   * string order is numeric order (DynamoDB's SequenceNumber is 21 to 40 characters).
   */
  readonly sequenceNumber: string;
  readonly partitionId: string;
  readonly kind: ChangeKind;
  readonly time_ms: number;
  readonly keys: Item;
  /**
   * The images are stored only as the table's enabled stream's view type needs them (none for
   * KEYS_ONLY or without a stream; OLD_IMAGE the old, NEW_IMAGE the new, NEW_AND_OLD_IMAGES both).
   */
  readonly oldImage?: Item;
  readonly newImage?: Item;
  /** Set for deletions made by the service itself (TTL). */
  readonly byService?: boolean;
  /**
   * Stored by versions before 2026-11-30 for a change made while the table had no enabled stream
   * (part of no stream; such changes are no longer stored). Data directories may still hold some.
   */
  readonly noStream?: boolean;
}

/**
 * A pure read-modify-write step: given the current item (or undefined), return the item to store,
 * `undefined` to delete it, or throw a DynamoError (e.g. ConditionalCheckFailedException) to
 * abort with nothing written. It may run again on retry, so it must not have side effects.
 */
export type ItemMutation = (previous: Item | undefined) => Item | undefined;

export interface WriteOutcome {
  readonly previous: Item | undefined;
  readonly next: Item | undefined;
  /** DynamoDB's sizes of `previous` and `next` (0 for none), measured once by the write. */
  readonly previousSize_bytes: number;
  readonly nextSize_bytes: number;
  /**
   * For a table with LSIs: the size of the written item's collection (its partition-key value's
   * items and their LSI entries) after the write, for ItemCollectionMetrics (absent when the
   * write left it unchanged and the caller said it needs no metrics, `WriteOptions`).
   */
  readonly itemCollectionSize_bytes?: number;
  /**
   * For a write that changed the item of a table with indexes: the write units each index
   * consumed (`entryWriteUnits`), worked out while its entries were maintained, in the order of
   * `indexes` (the table record's `indexes` the write maintained).
   */
  readonly indexWriteUnits?: { readonly indexes: readonly SecondaryIndex[]; readonly units: readonly number[] };
}

/** Options of one item write. */
export interface WriteOptions {
  /** The service itself deletes the item (TTL expiry): the ChangeRecord says `byService`. */
  readonly byService?: boolean;
  /**
   * False: the caller answers no ItemCollectionMetrics, so a write that leaves its item
   * collection's size as it was need not read it (the outcome then has no
   * `itemCollectionSize_bytes`). A write that changes it reads it anyway, for the size limit.
   */
  readonly itemCollectionMetrics?: boolean;
  /**
   * The item the mutation returns and its size, when the caller has both (PutItem sizes its item
   * for the 400 KB limit): the write takes the size from here rather than walking the item again.
   * Only for this very object: a mutation returning any other item has it sized.
   */
  readonly sizedNext?: SizedItem;
}

/** An item and its size (`itemSize`). */
export interface SizedItem {
  readonly item: Item;
  readonly size_bytes: number;
}

/**
 * How `writeItems` fails when one of its writes throws (its mutation, or the store refusing the
 * write, e.g. an item collection over its limit): which write, and what it threw. Nothing is
 * written.
 */
export class ItemWriteFailed extends Error {
  constructor(
    readonly index: number,
    readonly failure: unknown,
  ) {
    super(`write ${index} of a multi-item write failed`);
    this.name = 'ItemWriteFailed';
  }
}

/** One item write of a TransactWriteItems: `mutation` as for `writeItem`. */
export interface ItemWrite {
  readonly table: TableRecord;
  readonly key: Item;
  readonly mutation: ItemMutation;
}

/**
 * A committed TransactWriteItems remembered under its ClientRequestToken, so that a retry within
 * the token's lifetime (10 minutes) answers the same without applying the writes again.
 */
export interface TransactionTokenRecord {
  readonly token: string;
  readonly expiresAt_ms: number;
  /** Identifies the request's parameters: a retry with other parameters is refused. */
  readonly fingerprint: string;
  /**
   * What a retry answers again from the first answer (ItemCollectionMetrics); ConsumedCapacity is
   * not in it, as a retry reports what reading the items costs.
   */
  readonly response: Readonly<Record<string, unknown>>;
}

/**
 * A ClientRequestToken to store with a transaction's writes: its record, whose `response` is
 * made from the writes' outcomes inside the commit (the item collection sizes the first answer
 * reports exist only there).
 */
export interface TransactionTokenToStore extends Omit<TransactionTokenRecord, 'response'> {
  responseOf(outcomes: readonly WriteOutcome[]): Readonly<Record<string, unknown>>;
}

/** One end of a Query's sort-key range. */
export interface SortKeyBound {
  /** A value of the table's sort-key type (validated). */
  readonly value: AttributeValue;
  readonly inclusive: boolean;
}

/**
 * The items of one partition key, in sort-key order (S by UTF-8 bytes, N numerically, B by
 * unsigned bytes), optionally narrowed to a sort-key range: what a Query reads.
 */
export interface QueryRange {
  /** The partition key's value (validated, of the table's partition-key type). */
  readonly partitionKey: AttributeValue;
  readonly lower?: SortKeyBound;
  readonly upper?: SortKeyBound;
  /** begins_with: only sort keys (S or B) whose bytes start with this value's bytes. */
  readonly prefix?: AttributeValue;
  /** ScanIndexForward: ascending when true, descending when false. */
  readonly forward: boolean;
  /** ExclusiveStartKey: resume strictly after this table key, in the direction of the read. */
  readonly after?: Item;
}

/**
 * A slice [hashStart, hashEnd) of the partition-key hash space (16 lower-case hex digits; '' as
 * hashEnd is the end of the space), in hash order then sort-key order: what a Scan segment reads,
 * whatever the partitions are.
 */
export interface ScanRange {
  readonly hashStart: string;
  readonly hashEnd: string;
  /** ExclusiveStartKey: resume strictly after this table key (which must lie in the slice). */
  readonly after?: Item;
}

/**
 * How a read sees the table. Strongly consistent (the default) sees every acknowledged write. An
 * eventually consistent read (ConsistentRead false, and every GSI read) may, with
 * `--eventual-lag-ms`, see the state as of that long ago, as a DynamoDB replica that has not yet
 * applied the latest writes would answer.
 */
export interface ReadOptions {
  readonly eventual?: boolean;
}

const eventual_read: ReadOptions = { eventual: true };

/** The read options of a request's ConsistentRead (absent or false: eventually consistent). */
export function readOptionsFor(consistentRead: boolean | undefined): ReadOptions | undefined {
  return consistentRead === true ? undefined : eventual_read;
}

export interface TableStats {
  readonly itemCount: number;
  readonly sizeBytes: number;
}

export interface IndexStats extends TableStats {
  /** The index is still being filled from the table's existing items. */
  readonly backfilling: boolean;
  /**
   * While backfilling: how many of the table's items the backfill has read (and indexed, when
   * they belong in the index) so far, in key order; items written since are indexed by their
   * writes. Its progress is this out of the table's item count.
   */
  readonly backfillReadItems?: number;
}

export interface TableStore {
  // The catalog.
  getTable(name: string): TableRecord | undefined;
  /** All tables, ordered by name (ListTables order: by UTF-8 bytes of the name). */
  listTables(): readonly TableRecord[];
  /**
   * Creates or replaces a table's record; resolves once durable. A new table (an id the store
   * has not seen) takes `record.partitions` as its partition map (see partition-map.ts
   * `initialPartitions`). Replacing a record keeps the store's own partition map: the store owns
   * splits, so a stale copy held by an action cannot undo one. Throws ResourceInUseException if
   * another table of that name exists, ResourceNotFoundException if the table was dropped.
   */
  saveTable(record: TableRecord): Promise<void>;
  /**
   * Removes the table's record and all of its data in one transaction; resolves once durable.
   * Throws ResourceNotFoundException if there is no such table.
   */
  dropTable(name: string): Promise<void>;

  // Items. `key` holds exactly the table's key attributes, already validated.
  getItem(table: TableRecord, key: Item, options?: ReadOptions): Item | undefined;
  /** The stored item as its JSON text (wire form), to splice into a response without re-serialising. */
  getItemJson(table: TableRecord, key: Item, options?: ReadOptions): string | undefined;
  /**
   * Applies `mutation` to the item at `key` atomically, serialised with every other write to the
   * table, appending a ChangeRecord when the item changed; resolves once durable. A mutation
   * that leaves the item as it was (same attributes, equal values) writes nothing and appends no
   * ChangeRecord: DynamoDB Streams writes no stream record for a PutItem or UpdateItem that does
   * not change the item (developer guide, "Change data capture for DynamoDB Streams").
   * The mutation must keep the key attributes. Operations on a table that is not (or no longer)
   * in the catalog throw ResourceNotFoundException.
   */
  writeItem(table: TableRecord, key: Item, mutation: ItemMutation, options?: WriteOptions): Promise<WriteOutcome>;
  /**
   * Applies every write in ONE storage transaction, each exactly as `writeItem` would (items,
   * index entries, change records, statistics): all of them or, if any mutation throws, none.
   * A write that throws fails the whole with `ItemWriteFailed`, naming it.
   * The writes must name distinct items. `token`, when given, is stored in the same transaction,
   * so a transaction and the memory of its ClientRequestToken (with the response made from the
   * outcomes) commit together, and expired token records are purged. Resolves once durable, with
   * one outcome per write in order.
   */
  writeItems(writes: readonly ItemWrite[], token?: TransactionTokenToStore): Promise<readonly WriteOutcome[]>;
  /** The remembered transaction of a ClientRequestToken, unless it has expired. */
  readTransactionToken(token: string): TransactionTokenRecord | undefined;
  /**
   * The items of a Query's range over committed state, lazily: the caller stops iterating at its
   * Limit or page size and nothing further is read.
   */
  queryItems(table: TableRecord, range: QueryRange, options?: ReadOptions): Iterable<Item>;
  /**
   * `queryItems` as each item's stored JSON text (what `JSON.stringify` writes for the item), so
   * a page can splice it into its response without re-serialising it.
   */
  queryItemsJson(table: TableRecord, range: QueryRange, options?: ReadOptions): Iterable<string>;
  /** The items of a Scan's hash slice over committed state, lazily (see `queryItems`). */
  scanItems(table: TableRecord, range: ScanRange, options?: ReadOptions): Iterable<Item>;
  scanItemsJson(table: TableRecord, range: ScanRange, options?: ReadOptions): Iterable<string>;
  /** Live item count and size (DynamoDB refreshes these every ~6 hours; we are exact). */
  stats(table: TableRecord): TableStats;

  // Partitions. The store owns the partition map: it splits a partition that grows past the
  // size limit by itself; these let the control plane and admission control split too.
  /** Exact item count and size of one current partition. */
  partitionStats(table: TableRecord, partitionId: string): TableStats;
  /**
   * Splits a current partition in two, in one storage transaction: at `atHash`, or where not
   * given at the hash boundary that balances its data. The children take over the parent's
   * change-log head (sequence numbers keep increasing) and its items (none moves); the parent
   * becomes a closed partition. Resolves to the children, or undefined when the partition is no
   * longer current or has no boundary to split at (all its items share one partition key).
   */
  splitPartition(table: TableRecord, partitionId: string, atHash?: string): Promise<readonly [PartitionRange, PartitionRange] | undefined>;
  /**
   * Splits the widest partitions at their hash midpoints until the table has at least `count`
   * (what its provisioned throughput needs). Partitions never merge, as in DynamoDB.
   */
  ensurePartitionCount(table: TableRecord, count: number): Promise<void>;

  // Secondary indexes. `indexName` names one of `table.indexes` (checked by the caller).
  /**
   * The entries of an index for a Query's range, as projected items, in index sort-key order.
   * `range.partitionKey` and the bounds are index key values; `range.after` holds the index keys
   * and the table keys of the entry to resume after (a LastEvaluatedKey).
   */
  queryIndex(table: TableRecord, indexName: string, range: QueryRange, options?: ReadOptions): Iterable<Item>;
  queryIndexJson(table: TableRecord, indexName: string, range: QueryRange, options?: ReadOptions): Iterable<string>;
  /** The entries of an index in a slice of the index partition-key hash space (Scan). */
  scanIndex(table: TableRecord, indexName: string, range: ScanRange, options?: ReadOptions): Iterable<Item>;
  scanIndexJson(table: TableRecord, indexName: string, range: ScanRange, options?: ReadOptions): Iterable<string>;
  /** Live entry count and size of an index, and whether its backfill is still running. */
  indexStats(table: TableRecord, indexName: string): IndexStats;
  /**
   * Tests only: awaited between two batches of a backfill, so a test can hold one in progress
   * (e.g. to watch `dynabase indexes` report it).
   */
  afterBackfillBatch: ((indexName: string) => Promise<void>) | undefined;

  /** The change log of one partition from a sequence number on (streams, GSIs, replication). */
  readChanges(table: TableRecord, partitionId: string, afterSequence?: string, limit?: number): readonly ChangeRecord[];
  /** The last sequence number a partition's change log has used (0 when none), trimmed or not. */
  changeLogHead(table: TableRecord, partitionId: string): number;
  /**
   * Deletes the oldest records of the partition's change log, at most `limit` of them, while they
   * were written before `before_ms` (24-hour retention) or belong to no stream (`noStream`, from
   * an earlier version: no reader will ever return them); resolves to how many went. Only a prefix of the log goes, so
   * readers see a trimmed log as they see one trimmed by age. The log head is kept, so sequence
   * numbers never go back.
   */
  trimChanges(table: TableRecord, partitionId: string, before_ms: number, limit: number): Promise<number>;

  close(): Promise<void>;
}

/** Extracts the key attributes of `item` for `shape` (item assumed validated). */
export function keyOf(shape: KeyShape, item: Item): Item {
  const key: Record<string, AttributeValue> = { [shape.hashName]: item[shape.hashName]! };
  if (shape.rangeName !== undefined) setOwnMember(key, shape.rangeName, item[shape.rangeName]!);
  return key;
}
