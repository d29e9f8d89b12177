/**
 * Secondary-index entries: which items an index holds, what it holds of them (the projection),
 * and where the entry lives in the keyspace (layout.ts, section 0x06).
 *
 * An entry key is the index partition-key hash, then the index partition-key part (the key
 * codec's self-delimiting prefix), the index sort key as a self-delimiting, order-preserving value
 * (`encodeKeyValue`), and last the table key: so one index partition key's entries are a
 * contiguous range ordered by index sort key, and items sharing index keys still have distinct
 * entries. A table key whose encoding is long is replaced by its SHA-256 digest there (the entry
 * value always holds the full table key), which keeps entry keys within the storage key limit.
 */
import { assert, validationError } from '../errors.js';
import { nodeCrypto } from '../lazy-builtins.js';
import { max_partition_key_bytes, max_sort_key_bytes } from '../limits.js';
import { setOwnMember, scalarOf, type AttributeValue, type Item, type KeyShape } from '../model/attribute-value.js';
import { attributeMapsEqual, attributeValuesEqual } from '../model/compare.js';
import { writeCapacityUnits } from '../model/capacity.js';
import { attributeValueSize, itemSize, utf8Length } from '../model/item-size.js';
import {
  encodeKey,
  encodeKeyValue,
  encodePartitionKeyPart,
  maxKeyValueBytes,
  maxPartitionKeyPartBytes,
  partition_key_hash_bytes,
  partitionKeyHash,
  writeKeyValue,
  writePartitionKeyHash,
  writePartitionKeyPart,
} from '../model/key-codec.js';
import { keyAfter, maxKey, minKey, prefixEnd } from '../storage/bytes.js';
import { max_key_bytes } from '../storage/kv-store.js';
import { indexEntryKey, indexEntryPrefix, indexRange, max_index_entry_prefix_bytes } from './layout.js';
import type { KeyRange } from './item-ranges.js';
import { hash_space_end } from './partition-map.js';
import type { QueryRange, ScanRange, SecondaryIndex } from './table-store.js';

/** Table keys whose encoding is longer are closed by a digest in entry keys. */
const inline_table_key_max_bytes = 256;
const table_key_inline_tag = 0x01;
const table_key_digest_tag = 0x02;

/**
 * Whether `item` belongs in `index`: it carries every index key attribute with the index's type.
 * (Writes refuse a wrong type; a backfill skips such items, as DynamoDB's does.)
 */
export function inIndex(index: SecondaryIndex, item: Item): boolean {
  const shape = index.key;
  if (scalarOf(item[shape.hashName], shape.hashType) === undefined) return false;
  return shape.rangeName === undefined || scalarOf(item[shape.rangeName], shape.rangeType!) !== undefined;
}

/** An item's index key values (wire-form strings): what its entry key is made of. */
export interface IndexKeyValues {
  readonly hash: string;
  /** Undefined for an index without a sort key. */
  readonly range: string | undefined;
}

/**
 * `item`'s index key values, or undefined when it is not in the index (`inIndex`): a write reads
 * them once per image, to place the entry, build its key and tell a moved key (`sameIndexKey`),
 * rather than reading the attributes again for each.
 */
export function indexKeyValues(index: SecondaryIndex, item: Item): IndexKeyValues | undefined {
  const shape = index.key;
  const hash = scalarOf(item[shape.hashName], shape.hashType);
  if (hash === undefined) return undefined;
  if (shape.rangeName === undefined) return { hash, range: undefined };
  const range = scalarOf(item[shape.rangeName], shape.rangeType!);
  return range === undefined ? undefined : { hash, range };
}

/**
 * Whether two images of one item have the same entry key in an index: the key encodes each value
 * injectively and ends with the item's table key, so equal values are equal keys.
 */
export function sameIndexKey(a: IndexKeyValues, b: IndexKeyValues): boolean {
  return a.hash === b.hash && a.range === b.range;
}

/**
 * The attributes a KEYS_ONLY or INCLUDE entry holds, each once, in entry order (table keys, index
 * keys, the INCLUDE list), with what writing and sizing an entry needs of each name (its JSON
 * member head and its UTF-8 length): worked out once per index definition (index definitions are
 * immutable and replaced on change), not on every write.
 */
interface EntryShape {
  readonly names: readonly string[];
  /** `"name":` for each name: a member of the entry's JSON without its separator. */
  readonly memberHeads: readonly string[];
  readonly nameSizes_bytes: readonly number[];
}

const entryShapeByIndex = new WeakMap<SecondaryIndex, EntryShape>();

function entryShape(index: SecondaryIndex, tableKey: KeyShape): EntryShape {
  let shape = entryShapeByIndex.get(index);
  if (shape === undefined) {
    const unique = new Set<string>([tableKey.hashName]);
    if (tableKey.rangeName !== undefined) unique.add(tableKey.rangeName);
    unique.add(index.key.hashName);
    if (index.key.rangeName !== undefined) unique.add(index.key.rangeName);
    if (index.projection.kind === 'INCLUDE') for (const name of index.projection.nonKeyAttributes) unique.add(name);
    const names = [...unique];
    shape = { names, memberHeads: names.map((name) => `${JSON.stringify(name)}:`), nameSizes_bytes: names.map(utf8Length) };
    entryShapeByIndex.set(index, shape);
  }
  return shape;
}

/** What the index stores of an item it holds: table keys, index keys and the projected attributes. */
export function projectEntry(index: SecondaryIndex, tableKey: KeyShape, item: Item): Item {
  if (index.projection.kind === 'ALL') return item;
  const names = entryShape(index, tableKey).names;
  const entry: Record<string, AttributeValue> = {};
  for (let i = 0; i < names.length; i++) {
    const value = item[names[i]!];
    if (value !== undefined) setOwnMember(entry, names[i]!, value);
  }
  return entry;
}

/**
 * The stored JSON of a KEYS_ONLY or INCLUDE index's entry (`projectEntry`), written member by
 * member from the item's values, without an entry object for the serializer to walk: the same
 * JSON value as `JSON.stringify(projectEntry(...))`, members in entry order (an object would put
 * integer-like names such as "10" first), each value as JSON.stringify writes it. A value that is
 * a string (S) or number (N), as key attributes are, is written around JSON.stringify of its
 * string alone, which costs a fraction of stringifying the value object.
 */
export function projectedEntryJson(index: SecondaryIndex, tableKey: KeyShape, item: Item): string {
  const shape = entryShape(index, tableKey);
  const names = shape.names;
  let json = '';
  for (let i = 0; i < names.length; i++) {
    const value = item[names[i]!];
    if (value === undefined) continue;
    json += (json === '' ? '{' : ',') + shape.memberHeads[i]! + attributeValueJson(value);
  }
  return json === '' ? '{}' : `${json}}`;
}

/** `JSON.stringify(value)` of a validated value (exactly one type member). */
function attributeValueJson(value: AttributeValue): string {
  const text = (value as { readonly S?: unknown }).S;
  if (typeof text === 'string') return `{"S":${jsonString(text)}}`;
  const number = (value as { readonly N?: unknown }).N;
  if (typeof number === 'string') return `{"N":${jsonString(number)}}`;
  return JSON.stringify(value);
}

/** Strings up to this many characters are checked by a loop for characters JSON escapes. */
const json_plain_check_max_chars = 64;

/**
 * `JSON.stringify(text)`: a short string with nothing JSON escapes (control characters, `"`,
 * `\`, surrogates, which it escapes when lone) is its characters in quotes, without the call
 * (most key values, and every number): the indexed-put item's two projected entries take 30-40 %
 * less time so (measured here).
 */
function jsonString(text: string): string {
  const length = text.length;
  if (length > json_plain_check_max_chars) return JSON.stringify(text);
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/**
 * `itemSize(projectEntry(index, tableKey, item))` without building the entry; for ALL, the item's
 * size, `itemSize_bytes` when the caller knows it.
 */
export function projectedSize(index: SecondaryIndex, tableKey: KeyShape, item: Item, itemSize_bytes?: number): number {
  if (index.projection.kind === 'ALL') return itemSize_bytes ?? itemSize(item);
  const shape = entryShape(index, tableKey);
  const names = shape.names;
  let size = 0;
  for (let i = 0; i < names.length; i++) {
    const value = item[names[i]!];
    if (value !== undefined) size += shape.nameSizes_bytes[i]! + attributeValueSize(value);
  }
  return size;
}

/** Whether two items' entries in `index` hold the same attributes with equal values. */
export function sameEntry(index: SecondaryIndex, tableKey: KeyShape, a: Item, b: Item): boolean {
  if (index.projection.kind === 'ALL') return attributeMapsEqual(a, b);
  const names = entryShape(index, tableKey).names;
  for (let i = 0; i < names.length; i++) {
    const x = a[names[i]!];
    const y = b[names[i]!];
    if (x === undefined ? y !== undefined : y === undefined || !attributeValuesEqual(x, y)) return false;
  }
  return true;
}

/**
 * The write units one index consumes for an item write that changes its entry (developer guide,
 * "Provisioned throughput considerations for secondary indexes"), from the sizes of the entry
 * before and after (undefined: the item is not in the index then): a put of the new entry when it
 * appears, a delete of the old one when it leaves, the larger of the two when it changes in place
 * (`sameKey`), both when its index key moves. An entry the write leaves unchanged costs nothing;
 * the caller knows that case and does not ask.
 */
export function entryWriteUnits(oldSize_bytes: number | undefined, newSize_bytes: number | undefined, sameKey: boolean): number {
  if (oldSize_bytes === undefined) return newSize_bytes === undefined ? 0 : writeCapacityUnits(newSize_bytes);
  if (newSize_bytes === undefined) return writeCapacityUnits(oldSize_bytes);
  if (sameKey) return writeCapacityUnits(Math.max(oldSize_bytes, newSize_bytes));
  return writeCapacityUnits(oldSize_bytes) + writeCapacityUnits(newSize_bytes);
}

/** The names an index entry can hold, or undefined for ALL (every attribute). */
export function projectedNames(index: SecondaryIndex, tableKey: KeyShape): ReadonlySet<string> | undefined {
  if (index.projection.kind === 'ALL') return undefined;
  return new Set(entryShape(index, tableKey).names);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * The last part of every entry key of one item: its table key (`encodeKey`'s bytes), inline or
 * as a digest. A write computes it once for all of the item's entries, old and new (the table
 * key of an item never changes).
 */
export function entryKeyTail(tableKeyBytes: Uint8Array): Uint8Array {
  if (tableKeyBytes.length <= inline_table_key_max_bytes) {
    const tail = new Uint8Array(1 + tableKeyBytes.length);
    tail[0] = table_key_inline_tag;
    tail.set(tableKeyBytes, 1);
    return tail;
  }
  return concat([Uint8Array.of(table_key_digest_tag), nodeCrypto().createHash('sha256').update(tableKeyBytes).digest()]);
}

/** The partition-key hash and the index partition-key part of an index key value. */
function partitionPart(index: SecondaryIndex, value: string): { readonly hash: string; readonly part: Uint8Array } {
  return { hash: partitionKeyHash(index.key.hashType, value), part: encodePartitionKeyPart(index.key.hashType, value) };
}

/**
 * An index's entry-key prefix (`indexEntryPrefix`) for the table ordinal it was made for, kept
 * once per index definition (immutable, replaced on change) rather than rebuilt per entry key.
 */
const entryPrefixByIndex = new WeakMap<SecondaryIndex, { readonly ordinal: number; readonly prefix: Uint8Array }>();

function entryPrefix(ordinal: number, index: SecondaryIndex): Uint8Array {
  let cached = entryPrefixByIndex.get(index);
  if (cached === undefined || cached.ordinal !== ordinal) {
    cached = { ordinal, prefix: indexEntryPrefix(ordinal, index.name) };
    entryPrefixByIndex.set(index, cached);
  }
  return cached.prefix;
}

/**
 * Entry keys are written straight into a shared slab and handed out as views of it: a typed
 * array longer than 64 bytes made on its own costs a backing-store allocation (measured ~1.1 µs
 * here, against ~60 ns for a view), and a write makes up to two entry keys per index. The stores
 * copy the keys they keep (the memory engine into its own slabs, LMDB into its pages), and no
 * byte of the slab is handed out twice or written after, so a view kept anyway stays right (it
 * only keeps its slab alive). Views are plain Uint8Arrays, not Buffers, so a `slice` of one is
 * a copy (`Buffer#slice` makes a view). A slab holds the longest key
 * whose index key values are within the item limits at their worst-case expansion
 * (`maxPartitionKeyPartBytes`, `maxKeyValueBytes`); a key that may need more (only an item a
 * backfill finds with an index key past those limits) is written in a buffer of its own.
 */
const key_slab_bytes = 16 * 1024;
assert(
  max_index_entry_prefix_bytes + 3 + 3 * max_partition_key_bytes + 6 * max_sort_key_bytes + 2 + 1 + inline_table_key_max_bytes <= key_slab_bytes,
  'an entry key of index key values within the item limits fits in a key slab',
);
let keySlab = Buffer.allocUnsafeSlow(key_slab_bytes);
let keySlabUsed = 0;

/**
 * Where the last entry key written in the slab keeps its head (the index prefix, partition-key
 * hash and part) and what made it: the next key of the same index and partition-key value
 * copies those bytes instead of hashing and encoding the value again. Handed-out slab bytes are
 * never written again, so the head stays valid while its slab is the current one.
 */
const lastHead: { slab: Buffer | undefined; index: SecondaryIndex | undefined; ordinal: number; value: string; start: number; end: number } = {
  slab: undefined,
  index: undefined,
  ordinal: -1,
  value: '',
  start: 0,
  end: 0,
};

/**
 * The storage key of `item`'s entry in `index` (the item must be `inIndex`), closed by the item's
 * `entryKeyTail`: the index's prefix, the index partition-key hash and part, the index sort key
 * (`encodeKeyValue`), then the tail. An index sort key made mostly of 0x00 bytes doubles in the
 * order-preserving encoding; one that would outgrow the storage key limit is refused (see
 * docs/compatibility.md).
 */
export function entryKey(ordinal: number, index: SecondaryIndex, tail: Uint8Array, item: Item): Uint8Array {
  const values = indexKeyValues(index, item);
  assert(values !== undefined, 'an entry key is made for an item in the index');
  return entryKeyOfValues(ordinal, index, tail, values);
}

/** `entryKey` of an item whose `indexKeyValues` the caller has. */
export function entryKeyOfValues(ordinal: number, index: SecondaryIndex, tail: Uint8Array, values: IndexKeyValues): Uint8Array {
  const shape = index.key;
  const prefix = entryPrefix(ordinal, index);
  const hashValue = values.hash;
  const rangeType = shape.rangeType;
  const rangeValue = values.range;
  const room =
    prefix.length + partition_key_hash_bytes + maxPartitionKeyPartBytes(hashValue) + (rangeValue === undefined ? 0 : maxKeyValueBytes(rangeType!, rangeValue)) + tail.length;
  let out: Buffer;
  let start = 0;
  if (room > key_slab_bytes) {
    out = Buffer.allocUnsafeSlow(room);
  } else {
    if (keySlabUsed + room > key_slab_bytes) {
      keySlab = Buffer.allocUnsafeSlow(key_slab_bytes);
      keySlabUsed = 0;
    }
    out = keySlab;
    start = keySlabUsed;
  }
  let at: number;
  if (out === lastHead.slab && index === lastHead.index && ordinal === lastHead.ordinal && hashValue === lastHead.value) {
    // The same index partition key as the key written last (an item's old and new entries, as
    // a write makes them one after the other): its bytes, hash and part, are in the slab already.
    out.copyWithin(start, lastHead.start, lastHead.end);
    at = start + lastHead.end - lastHead.start;
  } else {
    out.set(prefix, start);
    at = start + prefix.length;
    writePartitionKeyHash(shape.hashType, hashValue, out, at);
    at = writePartitionKeyPart(shape.hashType, hashValue, out, at + partition_key_hash_bytes);
  }
  const headEnd = at;
  if (rangeValue !== undefined) at = writeKeyValue(rangeType!, rangeValue, out, at);
  out.set(tail, at);
  const length = at + tail.length - start;
  if (length > max_key_bytes) {
    throw validationError(`One or more parameter values were invalid: The index key of index ${index.name} is too long to store`);
  }
  if (out === keySlab) {
    keySlabUsed += length;
    lastHead.slab = out;
    lastHead.index = index;
    lastHead.ordinal = ordinal;
    lastHead.value = hashValue;
    lastHead.start = start;
    lastHead.end = headEnd;
  }
  return new Uint8Array(out.buffer, out.byteOffset + start, length);
}

/** The entry key of an item given whole (its table key encoded here), e.g. a page's ExclusiveStartKey. */
function entryKeyOfItem(ordinal: number, index: SecondaryIndex, tableKey: KeyShape, item: Item): Uint8Array {
  return entryKey(ordinal, index, entryKeyTail(encodeKey(tableKey, item).bytes), item);
}

/** The storage-key range of a Query on an index (bounds and begins_with over the index sort key). */
export function indexQueryRange(ordinal: number, index: SecondaryIndex, tableKey: KeyShape, range: QueryRange): KeyRange {
  const { hash, part } = partitionPart(index, scalarOf(range.partitionKey, index.key.hashType)!);
  const partition = indexEntryKey(ordinal, index.name, hash, part);
  let start = partition;
  let end = prefixEnd(partition);
  const sortType = index.key.rangeType;
  if (sortType !== undefined) {
    const bound = (value: AttributeValue): Uint8Array => concat([partition, encodeKeyValue(sortType, scalarOf(value, sortType)!)]);
    if (range.lower !== undefined) start = range.lower.inclusive ? bound(range.lower.value) : prefixEnd(bound(range.lower.value));
    if (range.upper !== undefined) end = range.upper.inclusive ? prefixEnd(bound(range.upper.value)) : bound(range.upper.value);
    if (range.prefix !== undefined) {
      // begins_with on S or B: the escaped bytes without the 2-byte terminator prefix every match.
      const whole = bound(range.prefix);
      const prefixed = whole.subarray(0, whole.length - 2);
      start = prefixed;
      end = prefixEnd(prefixed);
    }
  }
  if (range.after !== undefined) {
    const after = entryKeyOfItem(ordinal, index, tableKey, range.after);
    if (range.forward) start = maxKey(start, keyAfter(after));
    else end = minKey(end, after);
  }
  return { start, end, reverse: !range.forward };
}

/** The storage-key range of a Scan segment on an index. */
export function indexScanRange(ordinal: number, index: SecondaryIndex, tableKey: KeyShape, range: ScanRange): KeyRange {
  const none = new Uint8Array(0);
  let start = indexEntryKey(ordinal, index.name, range.hashStart, none);
  const end = range.hashEnd === hash_space_end ? indexRange(ordinal, index.name).end : indexEntryKey(ordinal, index.name, range.hashEnd, none);
  if (range.after !== undefined) start = maxKey(start, keyAfter(entryKeyOfItem(ordinal, index, tableKey, range.after)));
  return { start, end, reverse: false };
}
