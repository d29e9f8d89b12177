import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLmdbStore } from '../../../src/storage/lmdb-store.js';
import { AssertionFailure } from '../../../src/errors.js';
import type { KvStore } from '../../../src/storage/kv-store.js';
import { kvStoreSuite } from './kv-store-suite.js';

const root = mkdtempSync(join(tmpdir(), 'dynabase-lmdb-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const paths = new WeakMap<KvStore, string>();

async function openFresh(): Promise<KvStore> {
  const path = join(root, `db-${counter++}`);
  const store = await openLmdbStore({ path, durability: 'relaxed' });
  paths.set(store, path);
  return store;
}

kvStoreSuite({
  name: 'lmdb',
  open: openFresh,
  corrupt: async (store, key) => {
    // Flip one bit of the value inside data.mdb while the environment is closed, then reopen.
    const path = paths.get(store)!;
    const value = Buffer.from(store.get(key)!);
    await store.close();
    const file = join(path, 'data.mdb');
    const data = readFileSync(file);
    const at = data.indexOf(value);
    assert.ok(at >= 0, 'value found in data.mdb');
    assert.equal(data.indexOf(value, at + 1), -1, 'value is unique in data.mdb');
    data[at + 3] = data[at + 3]! ^ 0x10;
    writeFileSync(file, data);
    const reopened = await openLmdbStore({ path, durability: 'relaxed' });
    paths.set(reopened, path);
    return reopened;
  },
});

describe('LMDB engine specifics', () => {
  test('data survives close and reopen, in both durability modes', async () => {
    const path = join(root, 'reopen');
    const first = await openLmdbStore({ path, durability: 'durable' });
    await first.write((txn) => {
      for (let i = 0; i < 100; i++) txn.put(Buffer.from(`k${String(i).padStart(3, '0')}`), Buffer.from(`v${i}`));
    });
    await first.close();
    const second = await openLmdbStore({ path, durability: 'relaxed' });
    assert.equal([...second.range({})].length, 100);
    assert.equal(Buffer.from(second.get(Buffer.from('k042'))!).toString(), 'v42');
    await second.close();
  });

  test('a transaction handle kept past its callback is refused', async () => {
    const store = await openFresh();
    try {
      let kept: { put(k: Uint8Array, v: Uint8Array): void } | undefined;
      await store.write((txn) => {
        kept = txn;
      });
      assert.throws(() => kept!.put(Buffer.from('late'), Buffer.from('x')), AssertionFailure);
      assert.equal(store.get(Buffer.from('late')), undefined);
    } finally {
      await store.close();
    }
  });
});
