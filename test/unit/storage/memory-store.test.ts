import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CorruptRecordError } from '../../../src/storage/kv-store.js';
import type { KvEntry, KvStore, KvWriteTxn } from '../../../src/storage/kv-store.js';
import { damageMemoryStore, memoryStoreUsage, openMemoryStore } from '../../../src/storage/memory-store.js';
import { Gen } from '../../helpers/seeded-random.js';
import { kvStoreSuite } from './kv-store-suite.js';

kvStoreSuite({
  name: 'memory',
  open: async () => openMemoryStore(),
  corrupt: async (store, key) => {
    damageMemoryStore(store, key, 3);
    return store;
  },
});

// A key read, deleted and written again in one transaction must be back in the store (a new
// entry in both indexes), also after a rollback.
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

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Every key and value of `store`, forward and backward, against `model` (hex key → value text). */
function assertMatches(store: KvStore, model: ReadonlyMap<string, string>): void {
  const sorted = [...model.keys()].sort();
  const dump = (entries: Iterable<KvEntry>): string[] => [...entries].map((e) => `${hex(e.key)}=${Buffer.from(e.value).toString()}`);
  const expected = sorted.map((k) => `${k}=${model.get(k)}`);
  assert.deepEqual(dump(store.range({})), expected);
  assert.deepEqual(dump(store.range({ reverse: true })), [...expected].reverse());
  assert.equal(memoryStoreUsage(store).keys, model.size);
}

// Thousands of keys make the ordered index many leaves and branches deep: inserts in random
// order and in log order (appends), then deletions down to a few keys (merges, empty leaves,
// the root shrinking), then growth again, checked against a model at every stage.
test('thousands of keys inserted, appended and deleted keep their order through every range', async () => {
  const gen = new Gen(7301);
  const store = openMemoryStore();
  const model = new Map<string, string>();
  const randomKey = (): Uint8Array => {
    const key = new Uint8Array(1 + gen.int(12));
    for (let i = 0; i < key.length; i++) key[i] = gen.pick([0x00, 0x01, 0x02, 0x7f, 0x80, 0xff]);
    return key;
  };
  const logKey = (n: number): Uint8Array => Uint8Array.of(0x03, 0, 0, 0, 1, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  const put = (txn: KvWriteTxn, key: Uint8Array, value: string): void => {
    txn.put(key, value);
    model.set(hex(key), value);
  };
  for (let round = 0; round < 10; round++) {
    await store.write((txn) => {
      for (let i = 0; i < 1000; i++) put(txn, randomKey(), `r${round}.${i}`);
      for (let i = 0; i < 500; i++) put(txn, logKey(round * 500 + i), `log ${round * 500 + i}`);
    });
  }
  assertMatches(store, model);
  const keys = [...model.keys()];
  for (let i = 0; i < 50; i++) {
    const [a, b] = [gen.pick(keys), gen.pick(keys)].sort();
    const limit = gen.chance(0.5) ? undefined : gen.int(300);
    const inRange = keys.filter((k) => k >= a! && k < b!).sort();
    const bounds = { start: Buffer.from(a!, 'hex'), end: Buffer.from(b!, 'hex'), limit };
    assert.deepEqual([...store.range(bounds)].map((e) => hex(e.key)), inRange.slice(0, limit));
    assert.deepEqual([...store.range({ ...bounds, reverse: true })].map((e) => hex(e.key)), inRange.reverse().slice(0, limit));
  }
  // Delete all but a few, in random order, some transactions at a time.
  const doomed = keys.filter((_, i) => i % 97 !== 0).sort(() => gen.int(3) - 1);
  for (let from = 0; from < doomed.length; from += 700) {
    await store.write((txn) => {
      for (const k of doomed.slice(from, from + 700)) {
        txn.delete(Buffer.from(k, 'hex'));
        model.delete(k);
      }
    });
  }
  assertMatches(store, model);
  // Trim the log from its start, as the retention sweep does, then grow everything again.
  await store.write((txn) => {
    for (const { key } of [...txn.range({ start: logKey(0), end: logKey(4000) })]) {
      txn.delete(key);
      model.delete(hex(key));
    }
    for (let i = 0; i < 3000; i++) put(txn, gen.chance(0.5) ? randomKey() : logKey(5000 + i), `again ${i}`);
  });
  assertMatches(store, model);
  for (const [k, v] of model) assert.equal(Buffer.from(store.get(Buffer.from(k, 'hex'))!).toString(), v);
  await store.close();
});

test('a range continues after the last key it returned, seeing the writes made since', async () => {
  const store = openMemoryStore();
  const key = (n: number): Uint8Array => Uint8Array.of(0x05, n >>> 8, n & 0xff);
  await store.write((txn) => {
    for (let n = 0; n < 1000; n += 2) txn.put(key(n), String(n));
  });
  const seen = await store.write((txn) => {
    const visited: number[] = [];
    for (const { key: found } of txn.range({ start: key(100), end: key(900) })) {
      const n = (found[1]! << 8) | found[2]!;
      visited.push(n);
      // Delete what was just returned and the next key, add one just ahead: as LMDB's cursor
      // would, the range goes on from where it was, over the store as it is now.
      txn.delete(key(n));
      txn.delete(key(n + 2));
      if (n + 5 < 900) txn.put(key(n + 5), 'added');
    }
    return visited;
  });
  // The same walk over a model: each step takes the least key after the previous one.
  const model = new Set<number>();
  for (let n = 0; n < 1000; n += 2) model.add(n);
  const expected: number[] = [];
  for (let previous = 99; ; ) {
    const candidates = [...model].filter((k) => k > previous && k < 900);
    if (candidates.length === 0) break;
    const n = Math.min(...candidates);
    expected.push(n);
    model.delete(n);
    model.delete(n + 2);
    if (n + 5 < 900) model.add(n + 5);
    previous = n;
  }
  assert.ok(expected.length > 100);
  assert.deepEqual(seen, expected);
  const reversed = await store.write((txn) => {
    const visited: number[] = [];
    for (const { key: found } of txn.range({ end: key(100), reverse: true, limit: 20 })) {
      const n = (found[1]! << 8) | found[2]!;
      visited.push(n);
      txn.delete(key(n - 2));
      txn.put(key(n - 3), 'added');
    }
    return visited;
  });
  const expectedReversed: number[] = [];
  for (let previous = 100; expectedReversed.length < 20; ) {
    const n = Math.max(...[...model].filter((k) => k < previous));
    expectedReversed.push(n);
    model.delete(n - 2);
    model.add(n - 3);
    previous = n;
  }
  assert.deepEqual(reversed, expectedReversed);
  await store.close();
});

// Records live in shared slabs; rewritten ones leave dead bytes, and a slab that is mostly dead
// is compacted after a commit. The values survive it, and the memory held stays bounded.
test('rewriting the same keys many times keeps every value and bounds the memory held', async () => {
  const gen = new Gen(4409);
  const store = openMemoryStore();
  const model = new Map<string, string>();
  const big = (seed: number): string => `${seed}:`.padEnd(200 + ((seed * 37) % 1500), String.fromCharCode(97 + (seed % 26)));
  for (let round = 0; round < 40; round++) {
    await store.write((txn) => {
      for (let i = 0; i < 300; i++) {
        const key = Uint8Array.of(0x02, gen.int(4), gen.int(256));
        const value = big(round * 300 + i);
        txn.put(key, value);
        model.set(hex(key), value);
      }
      // A key holding a value larger than a slab's share, rewritten too.
      const huge = `${round}`.padEnd(100 * 1024, 'h');
      txn.put(Uint8Array.of(0x09), huge);
      model.set('09', huge);
    });
    const usage = memoryStoreUsage(store);
    assert.ok(usage.slab_bytes <= 3 * usage.live_bytes + 512 * 1024, `round ${round}: ${JSON.stringify(usage)}`);
  }
  assertMatches(store, model);
  // A failed transaction that rewrote and deleted many keys (past a slab's end) changes nothing.
  await assert.rejects(
    store.write((txn) => {
      for (const k of model.keys()) {
        if (gen.chance(0.5)) txn.delete(Buffer.from(k, 'hex'));
        else txn.put(Buffer.from(k, 'hex'), big(gen.int(5000)).repeat(3));
      }
      throw new Error('changed its mind');
    }),
    /changed its mind/,
  );
  assertMatches(store, model);
  const usage = memoryStoreUsage(store);
  let live_bytes = 0;
  for (const [k, v] of model) live_bytes += k.length / 2 + 4 + Buffer.byteLength(v);
  assert.equal(usage.live_bytes, live_bytes);
  await store.close();
});

// The memory engine stores each key beside its record, and the checksum covers both: a key
// damaged in place is caught like a damaged value.
test('a stored key damaged in place is detected on get and in ranges', async () => {
  const store = openMemoryStore();
  const victim = Uint8Array.of(0x02, 1, 2, 3);
  await store.write((txn) => {
    txn.put(Uint8Array.of(0x01), 'before');
    txn.put(victim, 'the value is intact');
    txn.put(Uint8Array.of(0x03), 'after');
  });
  damageMemoryStore(store, victim, -2);
  assert.throws(() => store.get(victim), CorruptRecordError);
  assert.throws(() => [...store.range({})], CorruptRecordError);
  assert.equal(Buffer.from(store.get(Uint8Array.of(0x03))!).toString(), 'after');
  // Rewriting the key stores it afresh.
  await store.write((txn) => txn.put(victim, 'new'));
  assert.equal(Buffer.from(store.get(victim)!).toString(), 'new');
  await store.close();
});

// Compacted slabs are filled again, so no read may hand out a view of one: values and keys read
// are copies, unchanged by anything written after, and writing to them changes nothing stored.
test('values and keys read are copies that outlive the reuse of the slabs they came from', async () => {
  const store = openMemoryStore();
  const keyOf = (i: number) => Uint8Array.of(9, i >> 8, i & 0xff);
  const valueOf = (i: number, round: number) => `${round}:${i}:${'v'.repeat(900)}`;
  await store.write((txn) => {
    for (let i = 0; i < 300; i++) txn.put(keyOf(i), valueOf(i, 0));
  });
  const value = store.get(keyOf(7))!;
  const entry = [...store.range({ start: keyOf(8), limit: 1 })][0]!;
  value[0] = 0x21;
  entry.key[0] = 0;
  assert.equal(Buffer.from(store.get(keyOf(7))!).toString(), valueOf(7, 0), 'writing to a value read changes nothing stored');
  value[0] = valueOf(7, 0).charCodeAt(0);
  // Rewrite everything many times: slabs fill, are compacted and filled again.
  for (let round = 1; round <= 40; round++) {
    await store.write((txn) => {
      for (let i = 0; i < 300; i++) txn.put(keyOf(i), valueOf(i, round));
    });
  }
  assert.equal(Buffer.from(value).toString(), valueOf(7, 0));
  assert.equal(Buffer.from(entry.value).toString(), valueOf(8, 0));
  assert.deepEqual([...entry.key], [0, 0, 8]);
  for (let i = 0; i < 300; i++) assert.equal(Buffer.from(store.get(keyOf(i))!).toString(), valueOf(i, 40));
  await store.close();
});

// The hash index deletes by shifting the entries after a gap back into it: keys deleted and
// inserted at the same rate (index entries moved by every write, a log appended and trimmed)
// must all stay findable, and the absent ones absent, while the table grows, churns and shrinks.
test('keys that churn are all found by get after every transaction, as the hash index grows and shrinks', async () => {
  const gen = new Gen(5150);
  const store = openMemoryStore();
  const live = new Map<string, string>();
  const gone = new Set<string>();
  let serial = 0;
  const newKey = (): Uint8Array => {
    const key = new Uint8Array(4 + gen.int(20));
    for (let i = 0; i < key.length; i++) key[i] = gen.int(256);
    key[0] = serial & 0xff;
    key[1] = (serial++ >>> 8) & 0xff;
    return key;
  };
  const check = (): void => {
    for (const [k, v] of live) assert.equal(Buffer.from(store.get(Buffer.from(k, 'hex'))!).toString(), v, `live key ${k}`);
    for (const k of gone) if (!live.has(k)) assert.equal(store.get(Buffer.from(k, 'hex')), undefined, `deleted key ${k}`);
    assert.equal(memoryStoreUsage(store).keys, live.size);
  };
  // Grow past several doublings, churn at a constant size, then shrink to a few keys.
  const plan = [...Array<number>(6).fill(+700), ...Array<number>(30).fill(0), ...Array<number>(7).fill(-600)];
  for (const growth of plan) {
    await store.write((txn) => {
      const keys = [...live.keys()];
      const deletions = growth >= 0 ? 300 : 300 - growth;
      for (let i = 0; i < deletions && keys.length > 0; i++) {
        const k = keys.splice(gen.int(keys.length), 1)[0]!;
        txn.delete(Buffer.from(k, 'hex'));
        live.delete(k);
        gone.add(k);
      }
      const insertions = growth >= 0 ? 300 + growth : 300;
      for (let i = 0; i < insertions; i++) {
        const key = newKey();
        txn.put(key, `v${serial}`);
        live.set(Buffer.from(key).toString('hex'), `v${serial}`);
      }
    });
    check();
  }
  // A transaction that fails after churning leaves every key as it was.
  const before = new Map(live);
  await assert.rejects(
    store.write((txn) => {
      for (const k of [...live.keys()].slice(0, 100)) txn.delete(Buffer.from(k, 'hex'));
      for (let i = 0; i < 2000; i++) txn.put(newKey(), 'doomed');
      throw new Error('fails');
    }),
    /fails/,
  );
  assert.deepEqual(live, before);
  check();
  await store.close();
});
