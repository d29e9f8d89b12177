/**
 * The keyspace layout: how tables, items, change logs and statistics map onto the ordered byte
 * keys of one KvStore. Every key starts with a one-byte section tag.
 *
 *   0x00 meta      0x00 + ASCII name                         → format version, next ordinal
 *   0x01 catalog   0x01 + UTF-8 table name                   → JSON { ordinal, record: TableRecord }
 *   0x02 items     0x02 + ordinal (u32 BE) + key hash (8 bytes) + encodeKey bytes
 *                                                            → the item as UTF-8 JSON (wire form)
 *   0x03 logs      0x03 + ordinal + partition id (u8 length + ASCII) + sequence number (u64 BE)
 *                                                            → the ChangeRecord as UTF-8 JSON
 *   0x04 (retired in layout 2: table stats, now the sum of its partitions' states)
 *   0x05 (retired in layout 2: log heads, now part of the partition state)
 *   0x06 index     0x06 + ordinal + index name (u8 length + ASCII) + index partition-key hash
 *                  (8 bytes) + index-key bytes + table-key bytes → the projected item as JSON
 *   0x07 index stats 0x07 + ordinal + index name             → entry count, size bytes (2 × f64 BE)
 *   0x08 backfills 0x08 + ordinal + index name               → items read so far + storage key of the last one
 *   0x09 partition state 0x09 + ordinal + partition id       → item count, size bytes (2 × f64 BE),
 *                                                              last sequence number used (u64 BE)
 *   0x0a collections 0x0a + ordinal + key hash (8 bytes) + partition-key part
 *                                                            → item-collection size bytes (u64 BE)
 *
 * Why this shape:
 * - Tables are named in keys by a 4-byte ordinal (allocated from meta, never reused), not by their
 *   36-character TableId, so item keys stay short. The catalog maps name → ordinal.
 * - An item key is (table, partition-key hash, partition-key part, sort-key tail). So a partition,
 *   being a contiguous range of the hash space, is a contiguous range of keys; all items of one
 *   partition key are adjacent and ordered by sort key (the model's key codec makes the sort-key
 *   tail order-preserving); a full table scan walks hash order, then sort-key order. Splitting a
 *   partition therefore moves no item: only the partition map changes.
 * - Item values are the item's JSON as DynamoDB sends it, so GetItem can splice the stored text
 *   into a response without parsing and re-serialising it.
 * - A change log is per partition, ordered by sequence number, so a Streams shard (= partition) is
 *   one contiguous range read from any position.
 * - A partition's state (its item count, its size and the last sequence number of its change
 *   log) is one record, rewritten in the same transaction as the item: one read and one write
 *   per item write, however the state is used. Statistics are exact; the table's are the sum
 *   over its current partitions, and a partition that grows past its size limit is split. The
 *   record's presence also marks the table as live: a write that finds it gone lost a race with
 *   DeleteTable. The last sequence number survives the trimming of old log records (24-hour
 *   retention), so sequence numbers never go back; a split parent keeps its state, frozen, for
 *   its closed shard.
 *
 * - An index entry is keyed like an item, by the index's partition-key hash first, so a Query on
 *   an index is one contiguous range and an index Scan walks hash order; the table key closes
 *   the entry key, so items sharing index keys have distinct entries. An LSI has the table's
 *   partition key, so its entries hash like their items.
 * - A table with LSIs keeps, per partition-key value, the size of its item collection (its items
 *   plus their LSI entries), rewritten with each write, so the 10 GB limit and
 *   ItemCollectionMetrics need no scan. No record means an empty collection.
 * - A backfill record exists while an index added to a populated table is being filled; it holds
 *   the position reached, so a restart resumes there, and how many items it has read (its
 *   progress, `dynabase indexes`).
 *
 * Key lengths: the longest item key is 13 bytes of prefix plus the key codec's
 * `max_encoded_key_bytes` (partition keys longer than 512 bytes are stored as a digest); asserted
 * below against the KvStore's key limit.
 */
import { assert } from '../errors.js';
import { max_encoded_key_bytes, partition_key_hash_bytes } from '../model/key-codec.js';
import { max_key_bytes } from '../storage/kv-store.js';

const meta_tag = 0x00;
const catalog_tag = 0x01;
const item_tag = 0x02;
const log_tag = 0x03;
const retired_stats_tag = 0x04;
const retired_log_head_tag = 0x05;
const index_tag = 0x06;
const index_stats_tag = 0x07;
const backfill_tag = 0x08;
const partition_state_tag = 0x09;
const collection_tag = 0x0a;

const ordinal_bytes = 4;
/** A partition-key hash: 8 bytes, as the key codec writes them. */
const hash_bytes = partition_key_hash_bytes;
const sequence_bytes = 8;
/** Partition ids and index names are length-prefixed by one byte. */
export const max_partition_id_bytes = 255;
/** Tag + ordinal + hash: the bytes an item key adds before the key codec's bytes. */
export const item_key_prefix_bytes = 1 + ordinal_bytes + hash_bytes;
/** Table ordinals are u32; 0 is never allocated. */
export const max_table_ordinal = 0xffffffff;
/** Stored sequence numbers are u64 in keys but kept within exact JavaScript integers. */
export const max_sequence_number = Number.MAX_SAFE_INTEGER;

assert(item_key_prefix_bytes + max_encoded_key_bytes <= max_key_bytes, 'the longest item key fits the storage key limit');
assert(1 + ordinal_bytes + 1 + max_partition_id_bytes + sequence_bytes <= max_key_bytes, 'the longest log key fits the storage key limit');

const encoder = new TextEncoder();

function tagged(tag: number, length: number): Uint8Array {
  const key = new Uint8Array(length);
  key[0] = tag;
  return key;
}

function writeU32(target: Uint8Array, at: number, value: number): void {
  target[at] = value >>> 24;
  target[at + 1] = (value >>> 16) & 0xff;
  target[at + 2] = (value >>> 8) & 0xff;
  target[at + 3] = value & 0xff;
}

function readU32(source: Uint8Array, at: number): number {
  return ((source[at]! << 24) | (source[at + 1]! << 16) | (source[at + 2]! << 8) | source[at + 3]!) >>> 0;
}

/** Writes a non-negative safe integer as 8 bytes big-endian. */
export function writeU64(target: Uint8Array, at: number, value: number): void {
  assert(Number.isSafeInteger(value) && value >= 0, 'u64 value is a non-negative safe integer');
  writeU32(target, at, Math.floor(value / 0x100000000));
  writeU32(target, at + 4, value >>> 0);
}

export function readU64(source: Uint8Array, at: number): number {
  return readU32(source, at) * 0x100000000 + readU32(source, at + 4);
}

// ---- meta ----------------------------------------------------------------------------------

export function metaKey(name: 'format' | 'next-ordinal'): Uint8Array {
  const bytes = encoder.encode(name);
  const key = tagged(meta_tag, 1 + bytes.length);
  key.set(bytes, 1);
  return key;
}

// ---- catalog -------------------------------------------------------------------------------

export function catalogKey(tableName: string): Uint8Array {
  const name = encoder.encode(tableName);
  const key = tagged(catalog_tag, 1 + name.length);
  key.set(name, 1);
  return key;
}

/** The [start, end) range of every catalog record. */
export const catalogRange = { start: Uint8Array.of(catalog_tag), end: Uint8Array.of(catalog_tag + 1) } as const;

// ---- items ---------------------------------------------------------------------------------

/** The value of one lower-case hex digit's char code, or -1. */
function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

/** Writes the 16 lower-case hex digits of a partition-key hash as 8 bytes at `at`. */
function writeHash(target: Uint8Array, at: number, hash: string): void {
  assert(hash.length === 2 * hash_bytes, 'a key hash has 16 hex digits');
  for (let i = 0; i < hash_bytes; i++) {
    const high = hexValue(hash.charCodeAt(2 * i));
    const low = hexValue(hash.charCodeAt(2 * i + 1));
    assert(high >= 0 && low >= 0, 'a key hash is lower-case hexadecimal');
    target[at + i] = (high << 4) | low;
  }
}

/** The storage key of an item: table ordinal, partition-key hash, then the key codec's bytes. */
export function itemKey(ordinal: number, hash: string, encodedKey: Uint8Array): Uint8Array {
  return hashedKey(item_tag, ordinal, hash, encodedKey);
}

/** A key of a section laid out like items: tag, table ordinal, partition-key hash, then `tail`. */
function hashedKey(tag: number, ordinal: number, hash: string, tail: Uint8Array): Uint8Array {
  const key = tagged(tag, item_key_prefix_bytes + tail.length);
  writeU32(key, 1, ordinal);
  writeHash(key, 1 + ordinal_bytes, hash);
  key.set(tail, item_key_prefix_bytes);
  return key;
}

function ordinalPrefix(tag: number, ordinal: number): Uint8Array {
  const key = tagged(tag, 1 + ordinal_bytes);
  writeU32(key, 1, ordinal);
  return key;
}

function ordinalRange(tag: number, ordinal: number): { readonly start: Uint8Array; readonly end: Uint8Array } {
  const start = ordinalPrefix(tag, ordinal);
  // Ordinals are at most u32 max, and the next ordinal's prefix (or the next tag) ends the range.
  const end = ordinal === max_table_ordinal ? Uint8Array.of(tag + 1) : ordinalPrefix(tag, ordinal + 1);
  return { start, end };
}

/** The [start, end) range of all of a table's items, in hash then sort-key order. */
export function itemRange(ordinal: number): { readonly start: Uint8Array; readonly end: Uint8Array } {
  return ordinalRange(item_tag, ordinal);
}

/** The partition-key hash of an item key, as 16 lower-case hex digits. */
export function itemKeyHash(itemStorageKey: Uint8Array): string {
  return Buffer.from(itemStorageKey.buffer, itemStorageKey.byteOffset + 1 + ordinal_bytes, hash_bytes).toString('hex');
}

/** The encodeKey bytes of an item key (after the table and hash prefix). */
export function encodedKeyOf(itemStorageKey: Uint8Array): Uint8Array {
  return itemStorageKey.subarray(item_key_prefix_bytes);
}

// ---- change logs ---------------------------------------------------------------------------

/**
 * A key naming a table's partition: tag, ordinal, the id's length, the id's ASCII bytes (ids are
 * digits, partition-map.ts), then `extra` bytes. Written char by char: every write makes two
 * such keys, and an encoder call per key costs more than the copy.
 */
function partitionKeyOf(tag: number, ordinal: number, partitionId: string, extra: number): Uint8Array {
  const length = partitionId.length;
  assert(length > 0 && length <= max_partition_id_bytes, `partition id length ${length}`);
  const at = 1 + ordinal_bytes + 1;
  const key = tagged(tag, at + length + extra);
  writeU32(key, 1, ordinal);
  key[1 + ordinal_bytes] = length;
  for (let i = 0; i < length; i++) {
    const code = partitionId.charCodeAt(i);
    assert(code < 0x80, 'partition ids are ASCII');
    key[at + i] = code;
  }
  return key;
}

/** The key of one change-log record. */
export function logKey(ordinal: number, partitionId: string, sequence: number): Uint8Array {
  const key = partitionKeyOf(log_tag, ordinal, partitionId, sequence_bytes);
  writeU64(key, key.length - sequence_bytes, sequence);
  return key;
}

/** The [start, end) range of one partition's change log from sequence number `first` on. */
export function logRange(ordinal: number, partitionId: string, first: number): { readonly start: Uint8Array; readonly end: Uint8Array } {
  const start = logKey(ordinal, partitionId, first);
  // Sequence numbers stay below 2^53, so all-0xff sequence bytes end the partition's log.
  const end = start.slice();
  end.fill(0xff, end.length - sequence_bytes);
  return { start, end };
}

/** The [start, end) range of every change log of a table. */
export function tableLogRange(ordinal: number): { readonly start: Uint8Array; readonly end: Uint8Array } {
  return ordinalRange(log_tag, ordinal);
}

// ---- layout 1's retired records, read only to upgrade a store ------------------------------

/** Layout 1 kept each partition's last sequence number in a record of its own. */
export function retiredLogHeadKey(ordinal: number, partitionId: string): Uint8Array {
  return partitionKeyOf(retired_log_head_tag, ordinal, partitionId, 0);
}

/** Layout 1 kept the table's statistics in a record of their own. */
export function retiredStatsKey(ordinal: number): Uint8Array {
  return ordinalPrefix(retired_stats_tag, ordinal);
}

// ---- stats ---------------------------------------------------------------------------------

const stats_value_bytes = 16;

/**
 * Doubles pass through one scratch word: a small Uint8Array lives on V8's heap, and viewing its
 * `.buffer` would move it off the heap, costing an allocation on every read and write.
 */
const scratch = new DataView(new ArrayBuffer(8));

function writeF64(target: Uint8Array, at: number, value: number): void {
  scratch.setFloat64(0, value);
  for (let i = 0; i < 8; i++) target[at + i] = scratch.getUint8(i);
}

function readF64(source: Uint8Array, at: number): number {
  for (let i = 0; i < 8; i++) scratch.setUint8(i, source[at + i]!);
  return scratch.getFloat64(0);
}

export function encodeStats(itemCount: number, sizeBytes: number): Uint8Array {
  const value = new Uint8Array(stats_value_bytes);
  writeF64(value, 0, itemCount);
  writeF64(value, 8, sizeBytes);
  return value;
}

export function decodeStats(value: Uint8Array): { readonly itemCount: number; readonly sizeBytes: number } {
  assert(value.length === stats_value_bytes, 'stats record length');
  return { itemCount: readF64(value, 0), sizeBytes: readF64(value, 8) };
}

/** A u64 counter value (the next ordinal, item-collection sizes). */
export function encodeCounter(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  writeU64(bytes, 0, value);
  return bytes;
}

export function decodeCounter(value: Uint8Array): number {
  assert(value.length === 8, 'counter record length');
  return readU64(value, 0);
}

export function partitionStateKey(ordinal: number, partitionId: string): Uint8Array {
  return partitionKeyOf(partition_state_tag, ordinal, partitionId, 0);
}

/** The [start, end) range of every partition's state of a table. */
export function tablePartitionStateRange(ordinal: number): { readonly start: Uint8Array; readonly end: Uint8Array } {
  return ordinalRange(partition_state_tag, ordinal);
}

export interface PartitionState {
  readonly itemCount: number;
  readonly sizeBytes: number;
  /** The last sequence number its change log used (0: none yet). */
  readonly logHead: number;
}

export const partition_state_value_bytes = stats_value_bytes + sequence_bytes;

export function encodePartitionState(itemCount: number, sizeBytes: number, logHead: number): Uint8Array {
  const value = new Uint8Array(partition_state_value_bytes);
  writeF64(value, 0, itemCount);
  writeF64(value, 8, sizeBytes);
  writeU64(value, stats_value_bytes, logHead);
  return value;
}

export function decodePartitionState(value: Uint8Array): PartitionState {
  assert(value.length === partition_state_value_bytes, 'partition state record length');
  return { itemCount: readF64(value, 0), sizeBytes: readF64(value, 8), logHead: readU64(value, stats_value_bytes) };
}

// ---- secondary indexes ---------------------------------------------------------------------

/** Tag + ordinal + the longest index name with its length byte + the hash. */
export const max_index_entry_prefix_bytes = 1 + ordinal_bytes + 1 + max_partition_id_bytes + hash_bytes;

/**
 * The key of an index entry, or of a range bound inside one index: table ordinal, index name,
 * the index partition-key hash, then `tail` (index-key bytes and table-key bytes, or a prefix of
 * them). Index names are ASCII ([A-Za-z0-9_.-]), at most 255 characters.
 */
export function indexEntryKey(ordinal: number, indexName: string, hash: string, tail: Uint8Array): Uint8Array {
  const key = partitionKeyOf(index_tag, ordinal, indexName, hash_bytes + tail.length);
  const at = key.length - hash_bytes - tail.length;
  writeHash(key, at, hash);
  key.set(tail, at + hash_bytes);
  return key;
}

/** What every entry key of one index starts with (the hash and `tail` of `indexEntryKey` follow). */
export function indexEntryPrefix(ordinal: number, indexName: string): Uint8Array {
  return partitionKeyOf(index_tag, ordinal, indexName, 0);
}

/** The [start, end) range of one index's entries. */
export function indexRange(ordinal: number, indexName: string): { readonly start: Uint8Array; readonly end: Uint8Array } {
  const start = indexEntryPrefix(ordinal, indexName);
  // Name bytes are ASCII (< 0xff), so incrementing the last one ends the range.
  const end = start.slice();
  end[end.length - 1] = end[end.length - 1]! + 1;
  return { start, end };
}

/** The [start, end) range of every index entry of a table. */
export function tableIndexRange(ordinal: number): { readonly start: Uint8Array; readonly end: Uint8Array } {
  return ordinalRange(index_tag, ordinal);
}

export function indexStatsKey(ordinal: number, indexName: string): Uint8Array {
  return partitionKeyOf(index_stats_tag, ordinal, indexName, 0);
}

export function tableIndexStatsRange(ordinal: number): { readonly start: Uint8Array; readonly end: Uint8Array } {
  return ordinalRange(index_stats_tag, ordinal);
}

export function backfillKey(ordinal: number, indexName: string): Uint8Array {
  return partitionKeyOf(backfill_tag, ordinal, indexName, 0);
}

export function tableBackfillRange(ordinal: number): { readonly start: Uint8Array; readonly end: Uint8Array } {
  return ordinalRange(backfill_tag, ordinal);
}

/** Every backfill record of the store: [start, end). */
export const backfillsRange = { start: Uint8Array.of(backfill_tag), end: Uint8Array.of(backfill_tag + 1) } as const;

/** The table ordinal and index name of a backfill record's key. */
export function parseBackfillKey(key: Uint8Array): { readonly ordinal: number; readonly indexName: string } {
  assert(key[0] === backfill_tag && key.length === 1 + ordinal_bytes + 1 + key[1 + ordinal_bytes]!, 'backfill key shape');
  const nameStart = 1 + ordinal_bytes + 1;
  return { ordinal: readU32(key, 1), indexName: Buffer.from(key.buffer, key.byteOffset + nameStart, key.length - nameStart).toString('latin1') };
}

// ---- item collections ----------------------------------------------------------------------

/** The key of an item collection's size: table ordinal, partition-key hash, partition-key part. */
export function collectionKey(ordinal: number, hash: string, partitionKeyPart: Uint8Array): Uint8Array {
  return hashedKey(collection_tag, ordinal, hash, partitionKeyPart);
}

export function tableCollectionRange(ordinal: number): { readonly start: Uint8Array; readonly end: Uint8Array } {
  return ordinalRange(collection_tag, ordinal);
}
