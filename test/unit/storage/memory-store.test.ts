import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openMemoryStore } from '../../../src/storage/memory-store.js';
import { kvStoreSuite } from './kv-store-suite.js';

kvStoreSuite({
  name: 'memory',
  open: async () => openMemoryStore(),
  corrupt: async (store, key) => {
    // Reads return views of the stored record, so writing through one damages the store itself.
    const view = store.get(key)!;
    view[3] = view[3]! ^ 0x10;
    return store;
  },
});

// The engine rewrites a record that the transaction just read in place (SkipList.lastFound):
// a key read, deleted and written again must be back in the list, also after a rollback.
test('a key read, deleted and written again in one transaction is stored, and a rollback restores it', async () => {
  const store = openMemoryStore();
  const key = Uint8Array.of(7, 7, 7, 7, 7, 7, 7, 7, 7, 7);
  const other = Uint8Array.of(7, 7, 7, 7, 7, 7, 7, 7, 7, 8);
  await store.write((txn) => {
    txn.put(key, Uint8Array.of(1));
    txn.put(other, Uint8Array.of(9));
  });
  await store.write((txn) => {
    assert.deepEqual([...txn.get(key)!], [1]);
    txn.delete(key);
    assert.equal(txn.get(other) === undefined, false);
    assert.equal(txn.get(Uint8Array.of(1)), undefined);
    txn.put(key, Uint8Array.of(2));
  });
  assert.deepEqual([...store.get(key)!], [2]);
  assert.deepEqual([...store.range({})].map((entry) => [...entry.value]), [[2], [9]]);
  await assert.rejects(
    store.write((txn) => {
      assert.deepEqual([...txn.get(key)!], [2]);
      txn.delete(key);
      txn.put(key, Uint8Array.of(3));
      assert.deepEqual([...txn.get(key)!], [3]);
      txn.put(key, Uint8Array.of(4));
      throw new Error('rolled back');
    }),
    /rolled back/,
  );
  assert.deepEqual([...store.get(key)!], [2]);
  assert.deepEqual([...store.range({})].map((entry) => [...entry.value]), [[2], [9]]);
  await store.close();
});
