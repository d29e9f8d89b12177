/**
 * The storage-key ranges of Query and Scan reads (layout.ts: table ordinal, partition-key hash,
 * partition-key part, sort-key tail), and the lazy read over them.
 *
 * The bounds rest on the key codec: the partition-key part is self-delimiting, so one partition
 * key's items are exactly the keys that start with it, and the sort-key tail comes last and
 * preserves order. So the first key strictly after key K is K + 0x00, and the first key after
 * every key starting with K (a partition key's items, a begins_with prefix) is `prefixEnd(K)`:
 * trailing 0xff bytes dropped, the last byte incremented.
 */
import { scalarOf, type AttributeValue, type Item, type KeyShape } from '../model/attribute-value.js';
import { encodeKey, encodePartitionKeyPart, encodeSortKeyPart, partitionKeyHash } from '../model/key-codec.js';
import { keyAfter, maxKey, minKey, prefixEnd } from '../storage/bytes.js';
import type { KvReader } from '../storage/kv-store.js';
import { itemKey, itemRange } from './layout.js';
import { hash_space_end } from './partition-map.js';
import type { QueryRange, ScanRange } from './table-store.js';

export interface KeyRange {
  /** Inclusive. */
  readonly start: Uint8Array;
  /** Exclusive. */
  readonly end: Uint8Array;
  readonly reverse: boolean;
}

const no_bytes = new Uint8Array(0);

function concat(a: Uint8Array, b: Uint8Array, trailingZero: boolean): Uint8Array {
  const out = new Uint8Array(a.length + b.length + (trailingZero ? 1 : 0));
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}


/** The first storage key strictly after a table key's. */
function itemKeyAfter(ordinal: number, shape: KeyShape, key: Item): Uint8Array {
  const encoded = encodeKey(shape, key);
  return keyAfter(itemKey(ordinal, encoded.hash, encoded.bytes));
}

export function queryKeyRange(ordinal: number, shape: KeyShape, range: QueryRange): KeyRange {
  const hashValue = scalarOf(range.partitionKey, shape.hashType)!;
  const partition = itemKey(ordinal, partitionKeyHash(shape.hashType, hashValue), encodePartitionKeyPart(shape.hashType, hashValue));
  let start = partition;
  let end = prefixEnd(partition);
  const sortType = shape.rangeType;
  if (sortType !== undefined) {
    const tail = (value: AttributeValue): Uint8Array => encodeSortKeyPart(sortType, scalarOf(value, sortType)!);
    if (range.lower !== undefined) start = concat(partition, tail(range.lower.value), !range.lower.inclusive);
    if (range.upper !== undefined) end = concat(partition, tail(range.upper.value), range.upper.inclusive);
    if (range.prefix !== undefined) {
      const prefixed = concat(partition, tail(range.prefix), false);
      start = prefixed;
      end = prefixEnd(prefixed);
    }
  }
  if (range.after !== undefined) {
    if (range.forward) start = maxKey(start, itemKeyAfter(ordinal, shape, range.after));
    else {
      const encoded = encodeKey(shape, range.after);
      end = minKey(end, itemKey(ordinal, encoded.hash, encoded.bytes));
    }
  }
  return { start, end, reverse: !range.forward };
}

export function scanKeyRange(ordinal: number, shape: KeyShape, range: ScanRange): KeyRange {
  let start = itemKey(ordinal, range.hashStart, no_bytes);
  const end = range.hashEnd === hash_space_end ? itemRange(ordinal).end : itemKey(ordinal, range.hashEnd, no_bytes);
  if (range.after !== undefined) start = maxKey(start, itemKeyAfter(ordinal, shape, range.after));
  return { start, end, reverse: false };
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

/** The items stored in `range` as their JSON text, decoded one at a time as the caller iterates. */
export function* readItemTexts(reader: KvReader, range: KeyRange): Generator<string, void, undefined> {
  if (Buffer.compare(range.start, range.end) >= 0) return;
  for (const entry of reader.range(range)) yield utf8(entry.value);
}

/** The items stored in `range`, parsed one at a time as the caller iterates. */
export function* readItems(reader: KvReader, range: KeyRange): Generator<Item, void, undefined> {
  for (const text of readItemTexts(reader, range)) yield JSON.parse(text) as Item;
}
