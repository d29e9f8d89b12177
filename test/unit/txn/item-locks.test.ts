/**
 * Item locks: all-or-nothing acquisition, conflicts reported by action index, release only of
 * one's own locks, and lock names that identify an item whatever the key's attribute order.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ItemLocks, lockNameOf } from '../../../src/txn/item-locks.js';
import type { TableRecord } from '../../../src/partition/table-store.js';

const table = {
  name: 't',
  id: '00000000-0000-4000-8000-000000000001',
  key: { hashName: 'pk', hashType: 'S', rangeName: 'sk', rangeType: 'N' },
  description: {},
  tags: {},
  partitions: [],
} as unknown as TableRecord;
const other = { ...table, id: '00000000-0000-4000-8000-000000000002' } as TableRecord;

describe('ItemLocks', () => {
  test('acquires all names or none, reporting the indexes another transaction holds', () => {
    const locks = new ItemLocks();
    assert.equal(locks.empty, true);
    assert.deepEqual(locks.acquireAll(1, ['a', 'b']), []);
    assert.equal(locks.empty, false);
    assert.deepEqual(locks.acquireAll(2, ['c', 'b', 'd', 'a']), [1, 3]);
    // Nothing of the refused set was taken.
    assert.equal(locks.holder('c'), undefined);
    assert.equal(locks.holder('d'), undefined);
    assert.equal(locks.holder('a'), 1);
  });

  test('releases only its own locks', () => {
    const locks = new ItemLocks();
    locks.acquireAll(1, ['a']);
    locks.acquireAll(2, ['b']);
    locks.releaseAll(1, ['a', 'b']);
    assert.equal(locks.holder('a'), undefined);
    assert.equal(locks.holder('b'), 2);
    locks.releaseAll(2, ['b']);
    assert.equal(locks.empty, true);
  });

  test('a lock name is the item: same key, same name; another table or key, another name', () => {
    const a = lockNameOf(table, { pk: { S: 'x' }, sk: { N: '1' } });
    assert.equal(lockNameOf(table, { sk: { N: '1' }, pk: { S: 'x' } }), a);
    assert.notEqual(lockNameOf(table, { pk: { S: 'x' }, sk: { N: '2' } }), a);
    assert.notEqual(lockNameOf(other, { pk: { S: 'x' }, sk: { N: '1' } }), a);
  });
});
