/**
 * Secondary indexes in the TableStore: a model-based test (random writes; after each one every
 * index equals the index recomputed from the table), index Query ranges, and backfills with
 * concurrent writes and a restart in the middle.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexWriteUnits } from '../../../src/api/secondary-indexes.js';
import type { Item, KeyShape } from '../../../src/model/attribute-value.js';
import { attributeMapsEqual } from '../../../src/model/compare.js';
import { itemSize } from '../../../src/model/item-size.js';
import { inIndex, projectedSize, projectEntry, sameEntry } from '../../../src/partition/index-entries.js';
import { backfillKey, catalogKey, indexRange, indexStatsKey } from '../../../src/partition/layout.js';
import { openTableStore } from '../../../src/partition/open-table-store.js';
import { hash_space_end, hash_space_start, initialPartitions } from '../../../src/partition/partition-map.js';
import type { SecondaryIndex, TableRecord, TableStore, WriteOutcome } from '../../../src/partition/table-store.js';
import { openLmdbStore } from '../../../src/storage/lmdb-store.js';
import { openMemoryStore } from '../../../src/storage/memory-store.js';
import { seededRandom as random } from '../../helpers/seeded-random.js';
import { holdBackfillAfterFirstBatch } from '../../helpers/backfill-hold.js';

const root = mkdtempSync(join(tmpdir(), 'dynabase-indexes-'));
after(() => rmSync(root, { recursive: true, force: true }));

const clock = { now: (): number => 1_700_000_000_000 };
const tableKey: KeyShape = { hashName: 'pk', hashType: 'S', rangeName: 'sk', rangeType: 'N' };

const lsi: SecondaryIndex = { name: 'byScore', kind: 'local', key: { hashName: 'pk', hashType: 'S', rangeName: 'score', rangeType: 'N' }, projection: { kind: 'KEYS_ONLY' } };
const gsiInclude: SecondaryIndex = {
  name: 'byType',
  kind: 'global',
  key: { hashName: 'type', hashType: 'S', rangeName: 'name', rangeType: 'S' },
  projection: { kind: 'INCLUDE', nonKeyAttributes: ['color'] },
};
const gsiSparse: SecondaryIndex = { name: 'flagged', kind: 'global', key: { hashName: 'flag', hashType: 'B' }, projection: { kind: 'ALL' } };
const allIndexes = [lsi, gsiInclude, gsiSparse];

let idCounter = 0;
function tableRecord(name: string, indexes: readonly SecondaryIndex[]): TableRecord {
  const id = `00000000-0000-4000-8000-${String(++idCounter).padStart(12, '0')}`;
  return { name, id, key: tableKey, description: { TableName: name }, tags: {}, partitions: initialPartitions, indexes };
}

function randomItem(next: () => number): Item {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const item: Record<string, Item[string]> = { pk: { S: pick(['a', 'b', 'c']) }, sk: { N: String(pick([1, 2, 3, 4])) } };
  if (next() < 0.7) item['score'] = { N: String(pick([-5, 0, 7, 10.5])) };
  if (next() < 0.7) item['type'] = { S: pick(['user', 'driver', 'city']) };
  if (next() < 0.6) item['name'] = { S: pick(['x', 'y', 'zz']) };
  if (next() < 0.5) item['color'] = { S: pick(['red', 'blue']) };
  if (next() < 0.3) item['flag'] = { B: pick(['AQ==', 'AAA=']) };
  if (next() < 0.5) item['other'] = { N: String(Math.floor(next() * 100)) };
  return item;
}

const canonical = (items: readonly Item[]): string[] => items.map((item) => JSON.stringify(item, Object.keys(item).sort())).sort();

function allItems(store: TableStore, table: TableRecord): Item[] {
  return [...store.scanItems(table, { hashStart: hash_space_start, hashEnd: hash_space_end })];
}

/** Every index equals the index recomputed from the table, and its statistics add up. */
function checkIndexes(store: TableStore, table: TableRecord, indexes: readonly SecondaryIndex[]): void {
  const items = allItems(store, table);
  for (const index of indexes) {
    const expected = items.filter((item) => inIndex(index, item)).map((item) => projectEntry(index, tableKey, item));
    // Writes size entries without building them, and compare them without serialising them.
    for (const item of items) {
      assert.equal(projectedSize(index, tableKey, item), itemSize(projectEntry(index, tableKey, item)), `size of ${index.name} entry`);
      assert.equal(sameEntry(index, tableKey, item, JSON.parse(JSON.stringify(item)) as Item), true);
    }
    const actual = [...store.scanIndex(table, index.name, { hashStart: hash_space_start, hashEnd: hash_space_end })];
    assert.deepEqual(canonical(actual), canonical(expected), `index ${index.name}`);
    const stats = store.indexStats(table, index.name);
    assert.equal(stats.itemCount, expected.length, `count of ${index.name}`);
    assert.equal(stats.sizeBytes, expected.reduce((sum, entry) => sum + itemSize(entry), 0), `size of ${index.name}`);
  }
}

/**
 * The index write units a write's outcome reports (worked out by the store as it maintained the
 * entries) are the ones the actions' rule gives for its two images; a write that changed nothing
 * reports none.
 */
function checkIndexWriteUnits(table: TableRecord, outcome: WriteOutcome): void {
  const reported = outcome.indexWriteUnits;
  if (reported === undefined) {
    const unchanged = outcome.previous === undefined ? outcome.next === undefined : outcome.next !== undefined && attributeMapsEqual(outcome.previous, outcome.next);
    assert.equal(unchanged, true, 'only a write that changed nothing reports no index write units');
    return;
  }
  assert.equal(reported.indexes, table.indexes, 'units of the indexes of the record written');
  const expected = table.indexes!.map((index) => indexWriteUnits(index, tableKey, outcome.previous, outcome.next));
  assert.deepEqual(reported.units, expected, 'index write units');
}

async function waitForBackfill(store: TableStore, table: TableRecord, indexName: string): Promise<void> {
  // Bounded by time, not turns: under a loaded test run LMDB commits can be slow.
  const deadline_ms = Date.now() + 30_000;
  while (Date.now() < deadline_ms && store.indexStats(table, indexName).backfilling) await new Promise((resolve) => setTimeout(resolve, 2));
  assert.equal(store.indexStats(table, indexName).backfilling, false, 'the backfill finished');
}

describe('secondary indexes in the table store', () => {
  test('model: after every random put, update or delete each index equals the recomputed index', async () => {
    const seed = Number(process.env['INDEX_MODEL_SEED'] ?? 20261122);
    const next = random(seed);
    const store = await openTableStore(openMemoryStore(), clock);
    const table = tableRecord('model', allIndexes);
    await store.saveTable(table);
    for (let step = 0; step < 400; step++) {
      const item = randomItem(next);
      const key = { pk: item['pk']!, sk: item['sk']! };
      const choice = next();
      let outcome;
      if (choice < 0.6) outcome = await store.writeItem(table, key, () => item);
      else if (choice < 0.8) outcome = await store.writeItem(table, key, (previous) => (previous === undefined ? undefined : { ...previous, ...item }));
      else outcome = await store.writeItem(table, key, () => undefined);
      checkIndexes(store, table, allIndexes);
      checkIndexWriteUnits(table, outcome);
      // The item collection (the partition key's items and their LSI entries) is kept exactly.
      const collection = allItems(store, table).filter((each) => (each['pk'] as { S: string }).S === (key.pk as { S: string }).S);
      let expected_bytes = 0;
      for (const each of collection) expected_bytes += itemSize(each) + (inIndex(lsi, each) ? itemSize(projectEntry(lsi, tableKey, each)) : 0);
      assert.equal(outcome.itemCollectionSize_bytes, expected_bytes, `item collection of ${(key.pk as { S: string }).S} at step ${step}`);
    }
    await store.close();
  });

  test('a write answering no ItemCollectionMetrics reads the collection size only when it changes it', async () => {
    const store = await openTableStore(openMemoryStore(), clock);
    const table = tableRecord('metrics', [lsi]);
    await store.saveTable(table);
    const key = { pk: { S: 'a' }, sk: { N: '1' } };
    const quiet = { itemCollectionMetrics: false };
    const first = await store.writeItem(table, key, () => ({ ...key, score: { N: '1' } }), quiet);
    const size_bytes = first.itemCollectionSize_bytes!;
    assert.equal(size_bytes, itemSize({ ...key, score: { N: '1' } }) + itemSize({ ...key, score: { N: '1' } }), 'the item and its LSI entry');
    // Same sizes, entry moved: the collection is unchanged and not read.
    const moved = await store.writeItem(table, key, () => ({ ...key, score: { N: '2' } }), quiet);
    assert.equal(moved.itemCollectionSize_bytes, undefined);
    const same = await store.writeItem(table, key, () => ({ ...key, score: { N: '2' } }), quiet);
    assert.equal(same.itemCollectionSize_bytes, undefined);
    // Asked for (the default), the unchanged size is read; a write that grows it reports it either way.
    assert.equal((await store.writeItem(table, key, () => ({ ...key, score: { N: '3' } }))).itemCollectionSize_bytes, size_bytes);
    const grown = await store.writeItem(table, key, () => ({ ...key, score: { N: '3' }, other: { S: 'x' } }), quiet);
    assert.equal(grown.itemCollectionSize_bytes, size_bytes + itemSize({ other: { S: 'x' } }));
    await store.close();
  });

  test('Query on an index: sort-key bounds, begins_with, both directions, resuming after an entry', async () => {
    const store = await openTableStore(openMemoryStore(), clock);
    const table = tableRecord('ranges', allIndexes);
    await store.saveTable(table);
    const names = ['ab', 'abc', 'b', 'a\u0000z', 'ac'];
    for (let i = 0; i < names.length; i++) {
      await store.writeItem(table, { pk: { S: 'p' }, sk: { N: String(i) } }, () => ({ pk: { S: 'p' }, sk: { N: String(i) }, type: { S: 'user' }, name: { S: names[i]! } }));
    }
    // Two items sharing index keys have two entries.
    await store.writeItem(table, { pk: { S: 'q' }, sk: { N: '1' } }, () => ({ pk: { S: 'q' }, sk: { N: '1' }, type: { S: 'user' }, name: { S: 'b' } }));
    const read = (range: Parameters<TableStore['queryIndex']>[2]): string[] =>
      [...store.queryIndex(table, 'byType', range)].map((entry) => `${(entry['name'] as { S: string }).S}/${(entry['pk'] as { S: string }).S}`);
    const user = { S: 'user' };
    assert.deepEqual(read({ partitionKey: user, forward: true }), ['a\u0000z/p', 'ab/p', 'abc/p', 'ac/p', 'b/p', 'b/q']);
    assert.deepEqual(read({ partitionKey: user, forward: false }), ['b/q', 'b/p', 'ac/p', 'abc/p', 'ab/p', 'a\u0000z/p']);
    assert.deepEqual(read({ partitionKey: user, forward: true, prefix: { S: 'ab' } }), ['ab/p', 'abc/p']);
    assert.deepEqual(read({ partitionKey: user, forward: true, prefix: { S: 'a\u0000' } }), ['a\u0000z/p']);
    assert.deepEqual(read({ partitionKey: user, forward: true, lower: { value: { S: 'ab' }, inclusive: false }, upper: { value: { S: 'b' }, inclusive: true } }), [
      'abc/p',
      'ac/p',
      'b/p',
      'b/q',
    ]);
    assert.deepEqual(read({ partitionKey: user, forward: true, upper: { value: { S: 'b' }, inclusive: false } }), ['a\u0000z/p', 'ab/p', 'abc/p', 'ac/p']);
    const after = { type: user, name: { S: 'b' }, pk: { S: 'p' }, sk: { N: '2' } };
    assert.deepEqual(read({ partitionKey: user, forward: true, after }), ['b/q']);
    assert.deepEqual(read({ partitionKey: user, forward: false, after }), ['ac/p', 'abc/p', 'ab/p', 'a\u0000z/p']);
    assert.deepEqual(read({ partitionKey: { S: 'city' }, forward: true }), []);
    // The LSI orders numbers numerically; items without `score` are absent.
    await store.writeItem(table, { pk: { S: 'p' }, sk: { N: '0' } }, (previous) => ({ ...previous!, score: { N: '10' } }));
    await store.writeItem(table, { pk: { S: 'p' }, sk: { N: '1' } }, (previous) => ({ ...previous!, score: { N: '-2.5' } }));
    const scores = [...store.queryIndex(table, 'byScore', { partitionKey: { S: 'p' }, forward: true })].map((entry) => (entry['score'] as { N: string }).N);
    assert.deepEqual(scores, ['-2.5', '10']);
    await store.close();
  });

  test('an index added to a populated table is backfilled exactly once, with writes during the backfill', async () => {
    const store = await openTableStore(openMemoryStore(), clock);
    const table = tableRecord('backfill', []);
    await store.saveTable(table);
    const next = random(7);
    for (let i = 0; i < 1500; i++) {
      const item = randomItem(next);
      await store.writeItem(table, { pk: item['pk']!, sk: { N: String(i) } }, () => ({ ...item, sk: { N: String(i) } }));
    }
    const withIndex: TableRecord = { ...table, indexes: [gsiInclude] };
    await store.saveTable(withIndex);
    assert.equal(store.indexStats(withIndex, 'byType').backfilling, true);
    const writes: Promise<WriteOutcome>[] = [];
    for (let i = 0; i < 300; i++) {
      const item = randomItem(next);
      const key = { pk: item['pk']!, sk: { N: String(Math.floor(next() * 1600)) } };
      writes.push(store.writeItem(withIndex, key, () => (next() < 0.2 ? undefined : { ...item, ...key })));
    }
    // Items the backfill had not reached yet are charged as if their old entries were there.
    for (const outcome of await Promise.all(writes)) checkIndexWriteUnits(withIndex, outcome);
    await waitForBackfill(store, withIndex, 'byType');
    checkIndexes(store, withIndex, [gsiInclude]);
    // Removing the index removes its entries; adding it again backfills it afresh.
    await store.saveTable(table);
    await store.saveTable(withIndex);
    await waitForBackfill(store, withIndex, 'byType');
    checkIndexes(store, withIndex, [gsiInclude]);
    await store.close();
  });

  test('a backfill counts the items it has read, also from a record written before the count existed', async () => {
    const kv = openMemoryStore();
    const store = await openTableStore(kv, clock);
    const table = tableRecord('progress', []);
    await store.saveTable(table);
    for (let i = 0; i < 700; i++) {
      const key = { pk: { S: `p${i % 20}` }, sk: { N: String(i) } };
      await store.writeItem(table, key, () => ({ ...key, type: { S: 'user' }, name: { S: `n${i}` } }));
    }
    const { holding, release } = holdBackfillAfterFirstBatch(store);
    const withIndex: TableRecord = { ...table, indexes: [gsiInclude] };
    await store.saveTable(withIndex);
    await holding;
    // One batch of 256 items read, so far.
    assert.equal(store.indexStats(withIndex, 'byType').backfillReadItems, 256);
    // The record as an older Dynabase wrote it (0x01 + the last item key read): counted from the items.
    const cursorKey = backfillKey(1, 'byType');
    const cursor = kv.get(cursorKey)!;
    assert.equal(cursor[0], 0x02);
    const legacy = Uint8Array.of(0x01, ...cursor.subarray(9));
    await kv.write((txn) => txn.put(cursorKey, legacy));
    assert.equal(store.indexStats(withIndex, 'byType').backfillReadItems, 256);
    release();
    await waitForBackfill(store, withIndex, 'byType');
    assert.equal(store.indexStats(withIndex, 'byType').backfillReadItems, undefined);
    checkIndexes(store, withIndex, [gsiInclude]);
    await store.close();
  });

  test('a backfill cut short by a restart resumes where it stopped (LMDB)', async () => {
    const path = join(root, 'restart');
    let kv = await openLmdbStore({ path, durability: 'relaxed' });
    let store = await openTableStore(kv, clock);
    const table = tableRecord('restart', []);
    await store.saveTable(table);
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 3000; i++) {
      const key = { pk: { S: `p${i % 50}` }, sk: { N: String(i) } };
      writes.push(store.writeItem(table, key, () => ({ ...key, type: { S: i % 3 === 0 ? 'user' : 'city' }, name: { S: `n${i}` }, color: { S: 'red' } })));
    }
    await Promise.all(writes);
    const withIndex: TableRecord = { ...table, indexes: [gsiInclude] };
    await store.saveTable(withIndex);
    await store.close();
    await kv.close();
    kv = await openLmdbStore({ path, durability: 'relaxed' });
    store = await openTableStore(kv, clock);
    const reopened = store.getTable('restart')!;
    assert.equal(store.indexStats(reopened, 'byType').backfilling, true, 'the backfill was still under way at the restart');
    await waitForBackfill(store, reopened, 'byType');
    checkIndexes(store, reopened, [gsiInclude]);
    await store.dropTable('restart');
    await store.close();
    await kv.close();
  });
  test('writes queued behind the removal or addition of a GSI keep it exact (LMDB group commit)', async () => {
    const path = join(root, 'drop-race');
    const kv = await openLmdbStore({ path, durability: 'relaxed' });
    const store = await openTableStore(kv, clock);
    const withIndex = tableRecord('drop-race', [lsi, gsiInclude]);
    await store.saveTable(withIndex);
    const put = (i: number, color = 'red'): Promise<unknown> => {
      const key = { pk: { S: `p${i % 5}` }, sk: { N: String(i) } };
      return store.writeItem(withIndex, key, () => ({ ...key, score: { N: String(i) }, type: { S: 'user' }, name: { S: `n${i}` }, color: { S: color } }));
    };
    for (let i = 0; i < 20; i++) await put(i);
    // The removal and the writes are queued together, so LMDB runs them in one group commit:
    // the writes run after the removal's transaction work but before the removal resolves.
    const withoutIndex: TableRecord = { ...withIndex, indexes: [lsi] };
    const removal = store.saveTable(withoutIndex);
    const writes: Promise<unknown>[] = [];
    for (let i = 20; i < 60; i++) writes.push(put(i));
    const settled = await Promise.allSettled([removal, ...writes]);
    assert.deepEqual(settled.filter((outcome) => outcome.status === 'rejected'), [], 'every write and the removal succeed');
    const current = store.getTable('drop-race')!;
    assert.equal(allItems(store, current).length, 60);
    checkIndexes(store, current, [lsi]);
    const ordinal = (JSON.parse(Buffer.from(kv.get(catalogKey('drop-race'))!).toString('utf8')) as { ordinal: number }).ordinal;
    assert.deepEqual([...kv.range(indexRange(ordinal, gsiInclude.name))], [], 'no entry is left in the removed index');
    assert.equal(kv.get(indexStatsKey(ordinal, gsiInclude.name)), undefined);
    // Adding it back with writes in the same group commit: the writes that update indexed items
    // run before the backfill has added their entries, and must not count entries not there.
    const readded = store.saveTable(withIndex);
    const moves: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i += 2) moves.push(put(i, 'blue'));
    const settledAgain = await Promise.allSettled([readded, ...moves]);
    assert.deepEqual(settledAgain.filter((outcome) => outcome.status === 'rejected'), []);
    await waitForBackfill(store, withIndex, gsiInclude.name);
    checkIndexes(store, store.getTable('drop-race')!, [lsi, gsiInclude]);
    await store.dropTable('drop-race');
    await store.close();
    await kv.close();
  });
});
