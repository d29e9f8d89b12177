/**
 * Partition maps: a table's partitions are half-open ranges [hashStart, hashEnd) of the 64-bit
 * partition-key hash space, written as 16 lower-case hex digits (so string order is numeric
 * order), sorted and contiguous, the last one ending at '' (the end of the space).
 *
 * DynamoDB starts a table on one partition and splits partitions by size and by heat; a split
 * closes the parent (its Streams shard ends) and opens two children that name their parent. With
 * the keyspace layout (layout.ts) a split moves no item: items are keyed by hash, so a child's
 * items are already a contiguous key range.
 */
import { assert } from '../errors.js';
import type { PartitionRange } from './table-store.js';

export const hash_space_start = '0000000000000000';
/** `hashEnd` of the last partition: one past 'ffffffffffffffff'. */
export const hash_space_end = '';

const hex16 = /^[0-9a-f]{16}$/;

/** The id of a table's first partition. Children append '0' (lower half) or '1' (upper half). */
export const root_partition_id = '0';

/** A new table's map: one partition covering the whole hash space. */
export const initialPartitions: readonly PartitionRange[] = [{ id: root_partition_id, hashStart: hash_space_start, hashEnd: hash_space_end }];

/** Whether `hash` lies in `range`. */
export function partitionHolds(range: PartitionRange, hash: string): boolean {
  return hash >= range.hashStart && (range.hashEnd === hash_space_end || hash < range.hashEnd);
}

/** The partition whose range holds `hash` (binary search over the sorted map). */
export function routePartition(partitions: readonly PartitionRange[], hash: string): PartitionRange {
  let low = 0;
  let high = partitions.length - 1;
  // Find the last partition starting at or before `hash`.
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (partitions[middle]!.hashStart <= hash) low = middle;
    else high = middle - 1;
  }
  const found = partitions[low];
  assert(found !== undefined && partitionHolds(found, hash), `a partition holds hash ${hash}`);
  return found;
}

/**
 * Splits `range` at `atHash` into [hashStart, atHash) and [atHash, hashEnd), both naming `range`
 * as their parent. Pure: the caller replaces the parent by the children in the map and closes
 * the parent's change log (its last sequence number is final; children continue from it so
 * sequence numbers keep growing along every item's history).
 */
export function splitPartition(range: PartitionRange, atHash: string): readonly [PartitionRange, PartitionRange] {
  assert(hex16.test(atHash), `split point ${atHash} is 16 lower-case hex digits`);
  assert(atHash > range.hashStart && partitionHolds(range, atHash), `split point ${atHash} lies strictly inside ${range.hashStart}..${range.hashEnd}`);
  return [
    { id: `${range.id}0`, hashStart: range.hashStart, hashEnd: atHash, parentId: range.id },
    { id: `${range.id}1`, hashStart: atHash, hashEnd: range.hashEnd, parentId: range.id },
  ];
}

/** Asserts `partitions` is a valid map: sorted, contiguous, covering the space, unique ids. */
export function assertPartitionMap(partitions: readonly PartitionRange[]): void {
  assert(partitions.length > 0, 'a partition map is not empty');
  assert(partitions[0]!.hashStart === hash_space_start, 'the first partition starts the hash space');
  const ids = new Set<string>();
  for (let i = 0; i < partitions.length; i++) {
    const range = partitions[i]!;
    assert(!ids.has(range.id), `partition id ${range.id} is unique`);
    ids.add(range.id);
    assert(hex16.test(range.hashStart), `partition ${range.id} start is 16 hex digits`);
    const last = i === partitions.length - 1;
    if (last) {
      assert(range.hashEnd === hash_space_end, 'the last partition ends the hash space');
    } else {
      assert(hex16.test(range.hashEnd) && range.hashEnd > range.hashStart, `partition ${range.id} is a non-empty range`);
      assert(partitions[i + 1]!.hashStart === range.hashEnd, `partition ${range.id} is followed by its neighbour`);
    }
  }
}
