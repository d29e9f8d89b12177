import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssertionFailure } from '../../../src/errors.js';
import {
  assertPartitionMap,
  hash_space_end,
  hash_space_start,
  initialPartitions,
  partitionHolds,
  routePartition,
  splitPartition,
} from '../../../src/partition/partition-map.js';
import type { PartitionRange } from '../../../src/partition/table-store.js';

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
});
