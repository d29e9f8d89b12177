/**
 * One behavioural suite for every KvStore engine: both engines must be indistinguishable to the
 * layers above (ordering, ranges, transactions, checksums).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptRecordError, max_key_bytes } from '../../../src/storage/kv-store.js';
import { AssertionFailure } from '../../../src/errors.js';
import type { KvEntry, KvStore } from '../../../src/storage/kv-store.js';
import { compareBytes } from '../../../src/storage/bytes.js';
import { seededRandom as prng } from '../../helpers/seeded-random.js';

export interface EngineHarness {
  readonly name: string;
  /** A fresh, empty store. */
  open(): Promise<KvStore>;
  /**
   * Damages the stored value under `key` behind the engine's back (one flipped bit in its
   * bytes) and returns a store to read it through (the same one, or the engine reopened).
   */
  corrupt(store: KvStore, key: Uint8Array): Promise<KvStore>;
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array): string => new TextDecoder().decode(b);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const keysOf = (entries: Iterable<KvEntry>): string[] => [...entries].map((e) => hex(e.key));

async function withStore(harness: EngineHarness, body: (store: KvStore) => Promise<void>): Promise<void> {
  const store = await harness.open();
  try {
    await body(store);
  } finally {
    await store.close();
  }
}


export function kvStoreSuite(harness: EngineHarness): void {
  describe(`KvStore engine: ${harness.name}`, () => {
    test('put, get, overwrite and delete', () =>
      withStore(harness, async (store) => {
        assert.equal(store.get(text('a')), undefined);
        await store.write((txn) => txn.put(text('a'), text('one')));
        assert.equal(str(store.get(text('a'))!), 'one');
        await store.write((txn) => txn.put(text('a'), text('two')));
        assert.equal(str(store.get(text('a'))!), 'two');
        await store.write((txn) => txn.delete(text('a')));
        assert.equal(store.get(text('a')), undefined);
        // Deleting a missing key is not an error.
        await store.write((txn) => txn.delete(text('missing')));
      }));

    test('empty values and a 400 KB value round-trip', () =>
      withStore(harness, async (store) => {
        const big = new Uint8Array(400 * 1024);
        for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
        await store.write((txn) => {
          txn.put(text('empty'), new Uint8Array(0));
          txn.put(text('big'), big);
        });
        assert.equal(store.get(text('empty'))!.length, 0);
        assert.deepEqual(Buffer.from(store.get(text('big'))!), Buffer.from(big));
      }));

    test('put copies the value: later changes to the caller buffer do not leak in', () =>
      withStore(harness, async (store) => {
        const value = text('abc');
        await store.write((txn) => txn.put(text('k'), value));
        value[0] = 0x7a;
        assert.equal(str(store.get(text('k'))!), 'abc');
      }));

    test('keys longer than max_key_bytes, or empty, are refused as an internal assertion', () =>
      withStore(harness, async (store) => {
        const longest = new Uint8Array(max_key_bytes).fill(7);
        await store.write((txn) => txn.put(longest, text('fits')));
        assert.equal(str(store.get(longest)!), 'fits');
        const tooLong = new Uint8Array(max_key_bytes + 1).fill(7);
        await assert.rejects(store.write((txn) => txn.put(tooLong, text('no'))), AssertionFailure);
        assert.throws(() => store.get(tooLong), AssertionFailure);
        await assert.rejects(store.write((txn) => txn.put(new Uint8Array(0), text('no'))), AssertionFailure);
        assert.throws(() => store.get(new Uint8Array(0)), AssertionFailure);
        assert.equal([...store.range({})].length, 1);
      }));

    test('a write started inside another write is refused and the outer one rolls back', () =>
      withStore(harness, async (store) => {
        let inner: Promise<unknown> | undefined;
        await assert.rejects(
          store.write((txn) => {
            txn.put(text('outer'), text('1'));
            inner = store.write((t) => t.put(text('inner'), text('2')));
            inner.catch(() => undefined);
            throw new Error('outer gives up');
          }),
          /outer gives up/,
        );
        await assert.rejects(inner!, AssertionFailure);
        assert.equal(store.get(text('outer')), undefined);
        assert.equal(store.get(text('inner')), undefined);
      }));

    test('write resolves with the result of work', () =>
      withStore(harness, async (store) => {
        assert.equal(await store.write(() => 42), 42);
      }));

    test('keys order by unsigned bytes, prefixes first', () =>
      withStore(harness, async (store) => {
        const keys = [bytes(0x80), bytes(0x01), bytes(0x01, 0x00), bytes(0xff), bytes(0x7f), bytes(0x01, 0xff, 0x00), bytes(0x00)];
        await store.write((txn) => {
          for (const k of keys) txn.put(k, k);
        });
        const expected = [...keys].sort(compareBytes).map(hex);
        assert.deepEqual(keysOf(store.range({})), expected);
        assert.deepEqual(keysOf(store.range({ reverse: true })), [...expected].reverse());
        for (const e of store.range({})) assert.equal(hex(e.value), hex(e.key));
      }));

    test('range bounds: start inclusive, end exclusive, both directions, with limits', () =>
      withStore(harness, async (store) => {
        await store.write((txn) => {
          for (const c of 'abcdefgh') txn.put(text(c), text(c.toUpperCase()));
        });
        const letters = (entries: Iterable<KvEntry>): string => [...entries].map((e) => str(e.key)).join('');
        assert.equal(letters(store.range({ start: text('c'), end: text('f') })), 'cde');
        assert.equal(letters(store.range({ start: text('c'), end: text('f'), reverse: true })), 'edc');
        assert.equal(letters(store.range({ start: text('bb'), end: text('ee') })), 'cde');
        assert.equal(letters(store.range({ start: text('bb'), end: text('ee'), reverse: true })), 'edc');
        assert.equal(letters(store.range({ start: text('f') })), 'fgh');
        assert.equal(letters(store.range({ end: text('c') })), 'ab');
        assert.equal(letters(store.range({ start: text('f'), reverse: true })), 'hgf');
        assert.equal(letters(store.range({ end: text('c'), reverse: true })), 'ba');
        assert.equal(letters(store.range({ limit: 3 })), 'abc');
        assert.equal(letters(store.range({ reverse: true, limit: 2 })), 'hg');
        assert.equal(letters(store.range({ start: text('b'), end: text('h'), reverse: true, limit: 2 })), 'gf');
        assert.equal(letters(store.range({ start: text('x') })), '');
        assert.equal(letters(store.range({ end: text('a'), reverse: true })), '');
        assert.equal(letters(store.range({ start: text('d'), end: text('d') })), '');
        assert.equal(letters(store.range({ limit: 0 })), '');
        assert.deepEqual([...store.range({ start: text('g') })].map((e) => str(e.value)), ['G', 'H']);
      }));

    test('a transaction reads its own puts and deletes, in get and range', () =>
      withStore(harness, async (store) => {
        await store.write((txn) => {
          txn.put(text('a'), text('1'));
          txn.put(text('b'), text('2'));
        });
        const seen = await store.write((txn) => {
          txn.put(text('c'), text('3'));
          txn.delete(text('a'));
          txn.put(text('b'), text('22'));
          return {
            a: txn.get(text('a')),
            b: str(txn.get(text('b'))!),
            keys: [...txn.range({})].map((e) => str(e.key)).join(''),
            reversed: [...txn.range({ reverse: true })].map((e) => str(e.value)).join(','),
          };
        });
        assert.deepEqual(seen, { a: undefined, b: '22', keys: 'bc', reversed: '3,22' });
      }));

    test('a transaction whose work throws leaves nothing behind and rejects with that error', () =>
      withStore(harness, async (store) => {
        await store.write((txn) => {
          txn.put(text('keep'), text('old'));
          txn.put(text('gone'), text('still here'));
        });
        const failure = new Error('work failed');
        await assert.rejects(
          store.write((txn) => {
            txn.put(text('keep'), text('new'));
            txn.delete(text('gone'));
            txn.put(text('fresh'), text('x'));
            txn.put(text('fresh'), text('y'));
            txn.delete(text('fresh'));
            txn.put(text('fresh'), text('z'));
            throw failure;
          }),
          (error) => error === failure,
        );
        assert.equal(str(store.get(text('keep'))!), 'old');
        assert.equal(str(store.get(text('gone'))!), 'still here');
        assert.equal(store.get(text('fresh')), undefined);
        assert.deepEqual([...store.range({})].map((e) => str(e.key)), ['gone', 'keep']);
        // The store keeps working afterwards.
        await store.write((txn) => txn.put(text('after'), text('ok')));
        assert.equal(str(store.get(text('after'))!), 'ok');
      }));

    test('concurrent writes are serialised; a failing one does not disturb the others', () =>
      withStore(harness, async (store) => {
        const counter = text('counter');
        const increment = (txn: { get(k: Uint8Array): Uint8Array | undefined; put(k: Uint8Array, v: Uint8Array): void }): number => {
          const current = txn.get(counter);
          const next = (current === undefined ? 0 : Number(str(current))) + 1;
          txn.put(counter, text(String(next)));
          return next;
        };
        const writes: Promise<number>[] = [];
        for (let i = 0; i < 64; i++) {
          writes.push(
            store.write((txn) => {
              const n = increment(txn);
              txn.put(text(`item-${String(i).padStart(2, '0')}`), text(String(n)));
              if (i % 8 === 3) throw new Error(`fail ${i}`);
              return n;
            }),
          );
        }
        const results = await Promise.allSettled(writes);
        const fulfilled = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<number>).value);
        assert.equal(fulfilled.length, 56);
        assert.deepEqual([...fulfilled].sort((a, b) => a - b), Array.from({ length: 56 }, (_, i) => i + 1));
        assert.equal(str(store.get(counter)!), '56');
        assert.equal([...store.range({ start: text('item-'), end: text('item.') })].length, 56);
        assert.equal(store.get(text('item-03')), undefined);
      }));

    test('random reads, puts and deletes, some transactions failing, match a model, in every direction and bound', () =>
      withStore(harness, async (store) => {
        const random = prng(20240601);
        const model = new Map<string, string>();
        // Short keys of six byte values, and keys of 7 to 13 bytes over two byte values, so that
        // long keys often share their first 9+ bytes (the memory engine compares 9-byte prefixes
        // as integers before comparing bytes).
        const randomKey = (): Uint8Array => {
          const long = random() < 0.5;
          const length = long ? 7 + Math.floor(random() * 7) : 1 + Math.floor(random() * 4);
          const alphabet = long ? [0x00, 0xff] : [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];
          const key = new Uint8Array(length);
          for (let i = 0; i < length; i++) key[i] = alphabet[Math.floor(random() * alphabet.length)]!;
          return key;
        };
        for (let round = 0; round < 20; round++) {
          // Every fifth round throws at its end: the store must come back to the model before it.
          const failing = round % 5 === 4;
          const before = new Map(model);
          const work = store.write((txn) => {
            for (let i = 0; i < 50; i++) {
              const key = randomKey();
              // Half the writes first read the key they write, as read-modify-write does (the
              // memory engine rewrites a record just read in place).
              if (random() < 0.5) {
                const found = txn.get(key);
                assert.equal(found === undefined ? undefined : str(found), model.get(hex(key)));
              }
              if (random() < 0.3) {
                txn.delete(key);
                model.delete(hex(key));
              } else {
                const value = `v${round}.${i}`;
                txn.put(key, text(value));
                model.set(hex(key), value);
              }
            }
            if (failing) throw new Error('round fails');
          });
          if (failing) {
            await assert.rejects(work, /round fails/);
            model.clear();
            for (const [k, v] of before) model.set(k, v);
          } else {
            await work;
          }
        }
        const sorted = [...model.keys()].sort();
        const dump = (entries: Iterable<KvEntry>): string[] => [...entries].map((e) => `${hex(e.key)}=${str(e.value)}`);
        assert.deepEqual(dump(store.range({})), sorted.map((k) => `${k}=${model.get(k)}`));
        for (let i = 0; i < 200; i++) {
          let a = randomKey();
          let b = randomKey();
          if (compareBytes(a, b) > 0) [a, b] = [b, a];
          const limit = random() < 0.5 ? undefined : Math.floor(random() * 5);
          const inRange = sorted.filter((k) => k >= hex(a) && k < hex(b));
          const forward = limit === undefined ? inRange : inRange.slice(0, limit);
          const backward = limit === undefined ? [...inRange].reverse() : [...inRange].reverse().slice(0, limit);
          assert.deepEqual(keysOf(store.range({ start: a, end: b, limit })), forward);
          assert.deepEqual(keysOf(store.range({ start: a, end: b, limit, reverse: true })), backward);
        }
        for (const k of sorted) assert.equal(str(store.get(Buffer.from(k, 'hex'))!), model.get(k));
      }));

    test('a value damaged behind the engine is detected on get and in ranges', async () => {
      let store = await harness.open();
      try {
        const key = text('victim');
        await store.write((txn) => {
          txn.put(text('before'), text('fine'));
          txn.put(key, text('a value whose bits will rot: 0123456789'));
          txn.put(text('zafter'), text('fine'));
        });
        store = await harness.corrupt(store, key);
        assert.equal(str(store.get(text('before'))!), 'fine');
        assert.throws(() => store.get(key), CorruptRecordError);
        assert.throws(() => [...store.range({})], CorruptRecordError);
        assert.throws(() => [...store.range({ reverse: true })], CorruptRecordError);
        assert.deepEqual([...store.range({ start: text('zafter') })].map((e) => str(e.value)), ['fine']);
        // Overwriting the damaged value repairs it.
        await store.write((txn) => txn.put(key, text('new')));
        assert.equal(str(store.get(key)!), 'new');
      } finally {
        await store.close();
      }
    });
  });
}
