/**
 * Partition maps: a table's partitions are half-open ranges [hashStart, hashEnd) of the 64-bit
 * partition-key hash space, written as 16 lower-case hex digits (so string order is numeric
 * order), sorted and contiguous, the last one ending at '' (the end of the space).
 *
 * DynamoDB starts a table on as many partitions as its throughput needs and splits partitions by
 * size, by throughput and by heat; a split closes the parent (its Streams shard ends) and opens
 * two children that name their parent. With
 * the keyspace layout (layout.ts) a split moves no item: items are keyed by hash, so a child's
 * items are already a contiguous key range.
 */
import { assert } from '../errors.js';
import { partition_max_rcu, partition_max_wcu } from '../limits.js';
import type { PartitionRange, TableStats } from './table-store.js';

export const hash_space_start = '0000000000000000';
/** `hashEnd` of the last partition: one past 'ffffffffffffffff'. */
export const hash_space_end = '';

const hex16 = /^[0-9a-f]{16}$/;

/** The id of a table's first partition. Children append '0' (lower half) or '1' (upper half). */
export const root_partition_id = '0';

/** A one-partition map covering the whole hash space. */
export const initialPartitions: readonly PartitionRange[] = [{ id: root_partition_id, hashStart: hash_space_start, hashEnd: hash_space_end }];

/**
 * How many partitions a provisioned table needs for its throughput: each partition serves at most
 * 3,000 RCU and 1,000 WCU, and reads and writes share it, so
 * max(1, ceil(RCU / 3000 + WCU / 1000)) (developer guide, "Partitions and data distribution";
 * the formula AWS gave in its re:Invent and Loft talks on partitioning). Computed in integers:
 * ceil((RCU + 3 × WCU) / 3000), so 10,000 WCU is exactly 10.
 */
export function partitionsForThroughput(readCapacityUnits: number, writeCapacityUnits: number): number {
  assert(partition_max_rcu === 3 * partition_max_wcu, 'a partition serves three read units per write unit');
  return Math.max(1, Math.ceil((readCapacityUnits + 3 * writeCapacityUnits) / partition_max_rcu));
}

/** The number of hashes in the 64-bit hash space. */
export const hash_space_size = 1n << 64n;

/** A hash as partition maps write it: 16 lower-case hex digits. */
export function hashOf(value: bigint): string {
  return value.toString(16).padStart(16, '0');
}

function hashValue(hash: string): bigint {
  return hash === hash_space_end ? hash_space_size : BigInt(`0x${hash}`);
}

/**
 * A new table's map of `count` partitions dividing the hash space evenly. Root ids are decimal,
 * zero-padded to one width ('0' alone for one partition, '00'..'53' for 54), so no root id is a
 * prefix of another and children (which append '0' or '1') never collide with a root.
 */
export function evenPartitions(count: number): readonly PartitionRange[] {
  assert(Number.isInteger(count) && count >= 1, `partition count ${count} is a positive integer`);
  if (count === 1) return initialPartitions;
  const width = String(count - 1).length;
  const partitions: PartitionRange[] = [];
  for (let i = 0; i < count; i++) {
    partitions.push({
      id: String(i).padStart(width, '0'),
      hashStart: hashOf((hash_space_size * BigInt(i)) / BigInt(count)),
      hashEnd: i === count - 1 ? hash_space_end : hashOf((hash_space_size * BigInt(i + 1)) / BigInt(count)),
    });
  }
  return partitions;
}

/** The middle of a partition's hash range, or undefined when the range is a single hash. */
export function hashMidpoint(range: PartitionRange): string | undefined {
  const start = hashValue(range.hashStart);
  const middle = (start + hashValue(range.hashEnd)) / 2n;
  return middle > start ? hashOf(middle) : undefined;
}

/** The width of a partition's hash range (to pick the widest one to split). */
export function rangeWidth(range: PartitionRange): bigint {
  return hashValue(range.hashEnd) - hashValue(range.hashStart);
}

/** One of a partition's items as a split sees it: its partition-key hash and its size. */
export interface SizedItem {
  readonly hash: string;
  readonly size_bytes: number;
}

/**
 * A partition's items in hash order with their total size: what one pass over the partition
 * reads (the store builds it to rebuild the partition's statistics or to split it).
 */
export interface PartitionContents {
  readonly items: readonly SizedItem[];
  readonly size_bytes: number;
}

/**
 * Where to split a partition so its data is balanced: the boundary between two distinct hashes
 * that leaves the two halves' sizes closest to equal. Items of one hash (one partition key) never
 * straddle a boundary. Undefined when every item has the same hash (nothing to divide).
 */
export function balancedSplitPoint(contents: PartitionContents): string | undefined {
  const { items, size_bytes: total } = contents;
  let best: string | undefined;
  let bestImbalance = Infinity;
  let lower = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (i > 0 && item.hash !== items[i - 1]!.hash) {
      const imbalance = Math.abs(total - 2 * lower);
      if (imbalance < bestImbalance) {
        bestImbalance = imbalance;
        best = item.hash;
      }
    }
    lower += item.size_bytes;
  }
  return best;
}

/**
 * The statistics of the two children a split at `atHash` makes of a partition holding
 * `contents`: the items below the boundary, and the rest (items are in hash order, so only the
 * lower child's are visited).
 */
export function divideContents(contents: PartitionContents, atHash: string): readonly [TableStats, TableStats] {
  const { items } = contents;
  let lowCount = 0;
  let lowSize = 0;
  while (lowCount < items.length && items[lowCount]!.hash < atHash) lowSize += items[lowCount++]!.size_bytes;
  return [
    { itemCount: lowCount, sizeBytes: lowSize },
    { itemCount: items.length - lowCount, sizeBytes: contents.size_bytes - lowSize },
  ];
}

/** A partition of a table's history: current ones are open, split ones closed. */
export interface PartitionLineage extends PartitionRange {
  readonly open: boolean;
}

/**
 * Every partition a table has had, parents before children: the closed partitions (split, their
 * change logs final) and the current ones. Streams list one shard for each.
 */
export function partitionLineage(current: readonly PartitionRange[], closed: readonly PartitionRange[] | undefined): readonly PartitionLineage[] {
  const all: PartitionLineage[] = [...(closed ?? []).map((range) => ({ ...range, open: false })), ...current.map((range) => ({ ...range, open: true }))];
  // A child's id extends its parent's, so shorter ids first puts every parent before its children.
  return all.sort((a, b) => a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Whether `hash` lies in `range` (a partition, or a Scan segment's slice). */
export function partitionHolds(range: Pick<PartitionRange, 'hashStart' | 'hashEnd'>, hash: string): boolean {
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
