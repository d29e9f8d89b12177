import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssertionFailure } from '../../../src/errors.js';
import { compareBytes } from '../../../src/storage/bytes.js';
import {
  catalogKey,
  catalogRange,
  decodeCounter,
  decodePartitionState,
  decodeStats,
  encodeCounter,
  encodePartitionState,
  encodeStats,
  encodedKeyOf,
  item_key_prefix_bytes,
  itemKey,
  partitionStateKey,
  itemRange,
  logKey,
  logRange,
  tableLogRange,
} from '../../../src/partition/layout.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const within = (key: Uint8Array, range: { start: Uint8Array; end: Uint8Array }): boolean =>
  compareBytes(key, range.start) >= 0 && compareBytes(key, range.end) < 0;

describe('keyspace layout', () => {
  test('an item key is tag, ordinal, hash bytes, then the encoded key', () => {
    const key = itemKey(0x01020304, '00ff10a0b0c0d0e9', Uint8Array.of(0xaa, 0xbb));
    assert.equal(hex(key), '02' + '01020304' + '00ff10a0b0c0d0e9' + 'aabb');
    assert.equal(item_key_prefix_bytes, 13);
    assert.equal(hex(encodedKeyOf(key)), 'aabb');
    assert.throws(() => itemKey(1, '00FF10A0B0C0D0E9', Uint8Array.of(1)), AssertionFailure);
    assert.throws(() => itemKey(1, '00ff', Uint8Array.of(1)), AssertionFailure);
  });

  test('item keys order by table, then hash, then encoded key; tables do not overlap', () => {
    const keys = [
      itemKey(2, '0000000000000000', Uint8Array.of(0)),
      itemKey(1, 'ffffffffffffffff', Uint8Array.of(0xff, 0xff)),
      itemKey(1, '0000000000000001', Uint8Array.of(0)),
      itemKey(1, '0000000000000000', Uint8Array.of(0xff)),
      itemKey(1, '0000000000000000', Uint8Array.of(0x01)),
    ];
    const sorted = [...keys].sort(compareBytes).map(hex);
    assert.deepEqual(sorted, [keys[4], keys[3], keys[2], keys[1], keys[0]].map((k) => hex(k!)));
    assert.ok(keys.slice(1).every((k) => within(k, itemRange(1))));
    assert.ok(!within(keys[0]!, itemRange(1)));
    assert.ok(within(keys[0]!, itemRange(2)));
    assert.ok(within(itemKey(0xffffffff, 'ffffffffffffffff', new Uint8Array(100).fill(0xff)), itemRange(0xffffffff)));
  });

  test('log keys order by sequence number within a partition; ranges select one partition from a sequence on', () => {
    const keys = [5, 1, 256, 2 ** 40, 0x1_0000_0001].map((n) => logKey(7, '01', n));
    assert.deepEqual([...keys].sort(compareBytes).map(hex), [keys[1], keys[0], keys[2], keys[4], keys[3]].map((k) => hex(k!)));
    const range = logRange(7, '01', 256);
    assert.ok(!within(logKey(7, '01', 255), range));
    assert.ok(within(logKey(7, '01', 256), range));
    assert.ok(within(logKey(7, '01', Number.MAX_SAFE_INTEGER), range));
    // Another partition whose id extends this one's is outside (ids are length-prefixed).
    assert.ok(!within(logKey(7, '011', 300), range));
    assert.ok(!within(logKey(7, '0', 300), range));
    assert.ok(!within(logKey(8, '01', 300), range));
    assert.ok(within(logKey(7, '011', 300), tableLogRange(7)));
    assert.throws(() => logKey(7, '', 1), AssertionFailure);
    assert.throws(() => logKey(7, 'x'.repeat(256), 1), AssertionFailure);
    assert.throws(() => logKey(7, '0', -1), AssertionFailure);
    assert.throws(() => logKey(7, '0', 2 ** 53), AssertionFailure);
  });

  test('catalog keys sit in the catalog range; other sections stay out', () => {
    assert.ok(within(catalogKey('my-table'), catalogRange));
    assert.ok(!within(partitionStateKey(1, '0'), catalogRange));
    assert.ok(!within(itemKey(1, '0000000000000000', Uint8Array.of(1)), catalogRange));
  });

  test('counters and statistics round-trip', () => {
    for (const n of [0, 1, 255, 2 ** 32, Number.MAX_SAFE_INTEGER]) assert.equal(decodeCounter(encodeCounter(n)), n);
    assert.deepEqual(decodeStats(encodeStats(12345, 9_876_543_210)), { itemCount: 12345, sizeBytes: 9_876_543_210 });
    assert.deepEqual(decodePartitionState(encodePartitionState(12345, 9_876_543_210, Number.MAX_SAFE_INTEGER)), {
      itemCount: 12345,
      sizeBytes: 9_876_543_210,
      logHead: Number.MAX_SAFE_INTEGER,
    });
    assert.throws(() => decodeCounter(new Uint8Array(7)), AssertionFailure);
  });
});
