import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssertionFailure } from '../../../src/errors.js';
import {
  assertPartitionMap,
  balancedSplitPoint,
  divideContents,
  evenPartitions,
  hashMidpoint,
  hash_space_end,
  hash_space_start,
  initialPartitions,
  partitionHolds,
  partitionLineage,
  partitionsForThroughput,
  routePartition,
  splitPartition,
  type PartitionContents,
} from '../../../src/partition/partition-map.js';
import type { PartitionRange } from '../../../src/partition/table-store.js';

/** A partition's contents from (hash, size) pairs in hash order. */
function contents(items: readonly (readonly [string, number])[]): PartitionContents {
  let size_bytes = 0;
  for (const [, size] of items) size_bytes += size;
  return { items: items.map(([hash, size]) => ({ hash, size_bytes: size })), size_bytes };
}

describe('partition maps', () => {
  test('a new table has one partition over the whole hash space', () => {
    assert.deepEqual(initialPartitions, [{ id: '0', hashStart: '0000000000000000', hashEnd: '' }]);
    assertPartitionMap(initialPartitions);
    for (const hash of ['0000000000000000', '8000000000000000', 'ffffffffffffffff']) {
      assert.equal(routePartition(initialPartitions, hash).id, '0');
    }
  });

  test('splitting makes two children that name their parent and share the boundary', () => {
    const [low, high] = splitPartition(initialPartitions[0]!, '8000000000000000');
    assert.deepEqual(low, { id: '00', hashStart: hash_space_start, hashEnd: '8000000000000000', parentId: '0' });
    assert.deepEqual(high, { id: '01', hashStart: '8000000000000000', hashEnd: hash_space_end, parentId: '0' });
    const [a, b] = splitPartition(high, 'c000000000000000');
    const map: PartitionRange[] = [low, a, b];
    assertPartitionMap(map);
    assert.equal(routePartition(map, '7fffffffffffffff').id, '00');
    assert.equal(routePartition(map, '8000000000000000').id, '010');
    assert.equal(routePartition(map, 'bfffffffffffffff').id, '010');
    assert.equal(routePartition(map, 'c000000000000000').id, '011');
    assert.equal(routePartition(map, 'ffffffffffffffff').id, '011');
    assert.ok(partitionHolds(b, 'ffffffffffffffff'));
    assert.ok(!partitionHolds(a, 'c000000000000000'));
  });

  test('routing agrees with a linear search over many random splits', () => {
    let map: PartitionRange[] = [...initialPartitions];
    let seed = 12345;
    const randomHash = (): string => {
      let out = '';
      for (let i = 0; i < 16; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        out += ((seed >>> 16) & 0xf).toString(16);
      }
      return out;
    };
    for (let i = 0; i < 40; i++) {
      const at = randomHash();
      const index = map.findIndex((p) => partitionHolds(p, at));
      const target = map[index]!;
      if (at === target.hashStart) continue;
      map = [...map.slice(0, index), ...splitPartition(target, at), ...map.slice(index + 1)];
    }
    assertPartitionMap(map);
    for (let i = 0; i < 500; i++) {
      const hash = randomHash();
      assert.equal(routePartition(map, hash), map.find((p) => partitionHolds(p, hash)));
    }
  });

  test('invalid splits and maps are assertion failures', () => {
    const root = initialPartitions[0]!;
    assert.throws(() => splitPartition(root, hash_space_start), AssertionFailure);
    assert.throws(() => splitPartition(root, '8000'), AssertionFailure);
    assert.throws(() => splitPartition(root, '800000000000000G'), AssertionFailure);
    const [low] = splitPartition(root, '8000000000000000');
    assert.throws(() => splitPartition(low, '9000000000000000'), AssertionFailure);
    assert.throws(() => assertPartitionMap([]), AssertionFailure);
    assert.throws(() => assertPartitionMap([low]), AssertionFailure);
    assert.throws(
      () => assertPartitionMap([low, { id: 'x', hashStart: '9000000000000000', hashEnd: '' }]),
      AssertionFailure,
    );
    assert.throws(() => assertPartitionMap([low, { id: '00', hashStart: '8000000000000000', hashEnd: '' }]), AssertionFailure);
  });

  test('partition count follows throughput: ceil(RCU / 3000 + WCU / 1000), at least 1', () => {
    assert.equal(partitionsForThroughput(5, 5), 1); // 0.0017 + 0.005 → 1
    assert.equal(partitionsForThroughput(0, 0), 1);
    assert.equal(partitionsForThroughput(3000, 0), 1); // exactly one partition's reads
    assert.equal(partitionsForThroughput(3001, 0), 2);
    assert.equal(partitionsForThroughput(0, 1000), 1);
    assert.equal(partitionsForThroughput(0, 1001), 2);
    assert.equal(partitionsForThroughput(1500, 500), 1); // 0.5 + 0.5
    assert.equal(partitionsForThroughput(1503, 500), 2); // 0.501 + 0.5
    assert.equal(partitionsForThroughput(3000, 9000), 10); // 1 + 9
    // Reads and writes share a partition: 10,000 WCU fill ten, so any reads need an eleventh.
    assert.equal(partitionsForThroughput(1, 10000), 11); // 0.0003 + 10 → 11
    assert.equal(partitionsForThroughput(40000, 40000), 54); // 13.33 + 40 → 54
  });

  test('a new table divides the hash space evenly, root ids of one width', () => {
    assert.deepEqual(evenPartitions(1), initialPartitions);
    const four = evenPartitions(4);
    assert.deepEqual(four, [
      { id: '0', hashStart: '0000000000000000', hashEnd: '4000000000000000' },
      { id: '1', hashStart: '4000000000000000', hashEnd: '8000000000000000' },
      { id: '2', hashStart: '8000000000000000', hashEnd: 'c000000000000000' },
      { id: '3', hashStart: 'c000000000000000', hashEnd: '' },
    ]);
    const ten = evenPartitions(10);
    assertPartitionMap(ten);
    assert.deepEqual(ten.map((p) => p.id), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // floor(2^64 / 10) = 1844674407370955161 = 0x1999999999999999
    assert.equal(ten[1]!.hashStart, '1999999999999999');
    const many = evenPartitions(54);
    assertPartitionMap(many);
    assert.equal(many[0]!.id, '00');
    assert.equal(many[53]!.id, '53');
    // Children append a digit, so they never take a root's id.
    assert.equal(splitPartition(many[5]!, hashMidpoint(many[5]!)!)[0].id, '050');
  });

  test('midpoints and balanced split points', () => {
    assert.equal(hashMidpoint(initialPartitions[0]!), '8000000000000000');
    assert.equal(hashMidpoint({ id: 'x', hashStart: 'c000000000000000', hashEnd: '' }), 'e000000000000000');
    assert.equal(hashMidpoint({ id: 'x', hashStart: '0000000000000004', hashEnd: '0000000000000005' }), undefined);
    // Sizes 10 | 10 | 10 | 30: the boundary before the 30 leaves 30 / 30.
    assert.equal(balancedSplitPoint(contents([['1000000000000000', 10], ['2000000000000000', 10], ['3000000000000000', 10], ['f000000000000000', 30]])), 'f000000000000000');
    // Even sizes: the middle boundary.
    assert.equal(balancedSplitPoint(contents([['1000000000000000', 5], ['2000000000000000', 5], ['3000000000000000', 5], ['4000000000000000', 5]])), '3000000000000000');
    // One partition key's items never straddle the boundary.
    assert.equal(balancedSplitPoint(contents([['1000000000000000', 1], ['2000000000000000', 50], ['2000000000000000', 50]])), '2000000000000000');
    assert.equal(balancedSplitPoint(contents([['2000000000000000', 50], ['2000000000000000', 50]])), undefined);
    assert.equal(balancedSplitPoint(contents([])), undefined);
  });

  test("a split's children divide the parent's items and bytes at the boundary", () => {
    const parent = contents([['1000000000000000', 10], ['2000000000000000', 20], ['2000000000000000', 5], ['9000000000000000', 40]]);
    assert.deepEqual(divideContents(parent, '2000000000000000'), [{ itemCount: 1, sizeBytes: 10 }, { itemCount: 3, sizeBytes: 65 }]);
    assert.deepEqual(divideContents(parent, '2000000000000001'), [{ itemCount: 3, sizeBytes: 35 }, { itemCount: 1, sizeBytes: 40 }]);
    // A boundary past every item (a throughput split at a midpoint) leaves the upper child empty.
    assert.deepEqual(divideContents(parent, 'f000000000000000'), [{ itemCount: 4, sizeBytes: 75 }, { itemCount: 0, sizeBytes: 0 }]);
    assert.deepEqual(divideContents(parent, '0000000000000001'), [{ itemCount: 0, sizeBytes: 0 }, { itemCount: 4, sizeBytes: 75 }]);
    assert.deepEqual(divideContents(contents([]), '8000000000000000'), [{ itemCount: 0, sizeBytes: 0 }, { itemCount: 0, sizeBytes: 0 }]);
  });

  test('a lineage lists closed parents before their children', () => {
    const [low, high] = splitPartition(initialPartitions[0]!, '8000000000000000');
    const [a, b] = splitPartition(high, 'c000000000000000');
    const lineage = partitionLineage([low, a, b], [initialPartitions[0]!, high]);
    assert.deepEqual(lineage.map((p) => [p.id, p.parentId, p.open]), [
      ['0', undefined, false],
      ['00', '0', true],
      ['01', '0', false],
      ['010', '01', true],
      ['011', '01', true],
    ]);
  });
});
