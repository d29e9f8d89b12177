/**
 * Version history (eventually consistent reads with a lag): a model-based test. Random puts and
 * deletes on a small keyspace happen at moving times; the model keeps every state the store has
 * been in, and a reader as of any time within the lag must answer `get` and every kind of `range`
 * exactly as that state would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openMemoryStore } from '../../../src/storage/memory-store.js';
import { withVersionHistory } from '../../../src/storage/version-history.js';
import type { KvEntry, RangeOptions } from '../../../src/storage/kv-store.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { seededRandom } from '../../helpers/seeded-random.js';

const key = (n: number): Uint8Array => Uint8Array.of(0x10, n);
const value = (text: string): Uint8Array => Buffer.from(text, 'utf8');
const show = (entries: Iterable<KvEntry>): string[] => [...entries].map((entry) => `${entry.key[1]}=${Buffer.from(entry.value).toString('utf8')}`);

function modelRange(state: ReadonlyMap<number, string>, options: RangeOptions): string[] {
  const start = options.start?.[1] ?? 0;
  const end = options.end?.[1] ?? 256;
  let keys = [...state.keys()].filter((k) => k >= start && k < end).sort((a, b) => a - b);
  if (options.reverse === true) keys.reverse();
  if (options.limit !== undefined) keys = keys.slice(0, options.limit);
  return keys.map((k) => `${k}=${state.get(k)}`);
}

test('a reader as of a past time sees exactly the state of that time', async () => {
  const seed = 20261130;
  const random = seededRandom(seed);
  const clock = new ManualClock(1_000_000);
  const lag_ms = 1_000;
  const store = withVersionHistory(openMemoryStore(), clock, lag_ms);
  const state = new Map<number, string>();
  const history: { at_ms: number; state: Map<number, string> }[] = [{ at_ms: Number.NEGATIVE_INFINITY, state: new Map() }];

  for (let step = 0; step < 400; step++) {
    await clock.advance(Math.floor(random() * 40));
    const changes = 1 + Math.floor(random() * 3);
    await store.write((txn) => {
      for (let c = 0; c < changes; c++) {
        const k = Math.floor(random() * 12);
        if (random() < 0.3) {
          txn.delete(key(k));
          state.delete(k);
        } else {
          const text = `v${step}.${c}`;
          txn.put(key(k), value(text));
          state.set(k, text);
        }
      }
    });
    history.push({ at_ms: clock.now(), state: new Map(state) });

    // Any time in the last lag_ms: the state after the last write at or before it.
    const asOf_ms = clock.now() - Math.floor(random() * lag_ms);
    const expected = [...history].reverse().find((entry) => entry.at_ms <= asOf_ms)!.state;
    const reader = store.readerAsOf(asOf_ms);
    for (let k = 0; k < 12; k++) {
      const got = reader.get(key(k));
      assert.equal(got === undefined ? undefined : Buffer.from(got).toString('utf8'), expected.get(k), `seed ${seed} step ${step} get ${k}`);
    }
    const lower = Math.floor(random() * 12);
    const options: RangeOptions = {
      start: key(lower),
      end: key(lower + 1 + Math.floor(random() * 12)),
      reverse: random() < 0.5,
      ...(random() < 0.5 ? { limit: 1 + Math.floor(random() * 5) } : {}),
    };
    assert.deepEqual(show(reader.range(options)), modelRange(expected, options), `seed ${seed} step ${step} range ${JSON.stringify(options)}`);
    assert.deepEqual(show(reader.range({})), modelRange(expected, {}), `seed ${seed} step ${step} whole range`);
  }
  // The present, through the store itself, is the latest state.
  assert.deepEqual(show(store.range({})), modelRange(state, {}));
  await store.close();
});

test('a write that throws records nothing', async () => {
  const clock = new ManualClock(0);
  const store = withVersionHistory(openMemoryStore(), clock, 1_000);
  await store.write((txn) => txn.put(key(1), value('a')));
  await clock.advance(10);
  await assert.rejects(
    store.write((txn) => {
      txn.put(key(1), value('b'));
      throw new Error('abort');
    }),
    /abort/,
  );
  assert.equal(Buffer.from(store.readerAsOf(clock.now()).get(key(1))!).toString('utf8'), 'a');
  assert.equal(store.readerAsOf(-1).get(key(1)), undefined);
  await store.close();
});
