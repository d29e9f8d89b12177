/**
 * The TableStore over both KvStore engines: catalog, items, change logs, statistics, dropTable,
 * and (LMDB) restarts.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssertionFailure, DynamoError, conditionalCheckFailed } from '../../../src/errors.js';
import type { Item, KeyShape } from '../../../src/model/attribute-value.js';
import { itemSize } from '../../../src/model/item-size.js';
import { encodeKey } from '../../../src/model/key-codec.js';
import {
  catalogKey,
  catalogRange,
  decodeCounter,
  decodePartitionState,
  encodeCounter,
  encodeStats,
  logKey,
  metaKey,
  partitionStateKey,
  retiredLogHeadKey,
  retiredStatsKey,
} from '../../../src/partition/layout.js';
import { openTableStore } from '../../../src/partition/open-table-store.js';
import { initialPartitions, splitPartition } from '../../../src/partition/partition-map.js';
import type { StreamEpoch, TableRecord, TableStore } from '../../../src/partition/table-store.js';
import type { KvStore } from '../../../src/storage/kv-store.js';
import { openLmdbStore } from '../../../src/storage/lmdb-store.js';
import { openMemoryStore } from '../../../src/storage/memory-store.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const root = mkdtempSync(join(tmpdir(), 'dynabase-table-store-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dbCounter = 0;

const compositeKey: KeyShape = { hashName: 'pk', hashType: 'S', rangeName: 'sk', rangeType: 'N' };
const hashKey: KeyShape = { hashName: 'id', hashType: 'S' };
let idCounter = 0;

function tableRecord(name: string, key: KeyShape, partitions = initialPartitions, streams?: readonly StreamEpoch[]): TableRecord {
  return {
    name,
    id: `00000000-0000-4000-8000-${String(++idCounter).padStart(12, '0')}`,
    key,
    description: { TableName: name },
    tags: {},
    partitions,
    ...(streams === undefined ? {} : { streams }),
  };
}

function streamEpoch(viewType: StreamEpoch['viewType'], disabledAt_ms?: number): StreamEpoch {
  return { label: '2023-11-14T22:13:20.000', viewType, enabledAt_ms: 1_700_000_000_000, ...(disabledAt_ms === undefined ? {} : { disabledAt_ms }) };
}

const s = (value: string) => ({ S: value });
const n = (value: string) => ({ N: value });

interface Engine {
  readonly name: string;
  open(): Promise<{ kv: KvStore; reopen?: () => Promise<KvStore> }>;
}

const engines: Engine[] = [
  { name: 'memory', open: async () => ({ kv: openMemoryStore() }) },
  {
    name: 'lmdb',
    open: async () => {
      const path = join(root, `db-${dbCounter++}`);
      return { kv: await openLmdbStore({ path, durability: 'relaxed' }), reopen: () => openLmdbStore({ path, durability: 'relaxed' }) };
    },
  },
];

async function rejectsWith(promise: Promise<unknown>, errorName: string): Promise<void> {
  await assert.rejects(promise, (error) => error instanceof DynamoError && error.errorName === errorName);
}

for (const engine of engines) {
  describe(`TableStore over ${engine.name}`, () => {
    async function withStore(body: (store: TableStore, clock: ManualClock, kv: KvStore) => Promise<void>): Promise<void> {
      const { kv } = await engine.open();
      const clock = new ManualClock(1_700_000_000_000);
      const store = await openTableStore(kv, clock);
      try {
        await body(store, clock, kv);
      } finally {
        await store.close();
        await kv.close();
      }
    }

    test('the catalog: save, get, list in UTF-8 name order, replace', () =>
      withStore(async (store) => {
        for (const name of ['beta', 'Alpha', 'alpha', '_under', '9lives', 'a.b-c']) await store.saveTable(tableRecord(name, hashKey));
        assert.deepEqual(
          store.listTables().map((t) => t.name),
          ['9lives', 'Alpha', '_under', 'a.b-c', 'alpha', 'beta'],
        );
        const beta = store.getTable('beta')!;
        assert.equal(store.getTable('gamma'), undefined);
        await store.saveTable({ ...beta, description: { TableName: 'beta', TableStatus: 'ACTIVE' }, tags: { team: 'x' } });
        assert.deepEqual(store.getTable('beta')!.description, { TableName: 'beta', TableStatus: 'ACTIVE' });
        assert.deepEqual(store.getTable('beta')!.tags, { team: 'x' });
        assert.equal(store.listTables().length, 6);
        // Another table under a taken name is refused.
        await rejectsWith(store.saveTable(tableRecord('beta', hashKey)), 'ResourceInUseException');
      }));

    test('replacing a record keeps the store-owned partition map', () =>
      withStore(async (store) => {
        await store.saveTable(tableRecord('t1', hashKey));
        const saved = store.getTable('t1')!;
        const stale = { ...saved, partitions: splitPartition(saved.partitions[0]!, '8000000000000000') };
        await store.saveTable(stale);
        assert.deepEqual(store.getTable('t1')!.partitions, initialPartitions);
      }));

    test('put, get, overwrite and delete items; getItemJson returns the stored JSON', () =>
      withStore(async (store) => {
        await store.saveTable(tableRecord('items', compositeKey));
        const table = store.getTable('items')!;
        const item: Item = { pk: s('user#1'), sk: n('10'), name: s('Ada'), tags: { SS: ['b', 'a'] }, nested: { M: { list: { L: [n('1'), { NULL: true }] } } } };
        const key = { pk: s('user#1'), sk: n('10') };
        const first = await store.writeItem(table, key, () => item);
        assert.deepEqual(first, { previous: undefined, next: item, previousSize_bytes: 0, nextSize_bytes: itemSize(item) });
        assert.deepEqual(store.getItem(table, key), item);
        assert.equal(store.getItemJson(table, key), JSON.stringify(item));
        assert.equal(store.getItem(table, { pk: s('user#1'), sk: n('11') }), undefined);
        assert.equal(store.getItem(table, { pk: s('user#2'), sk: n('10') }), undefined);

        const changed = { ...item, name: s('Grace') };
        const second = await store.writeItem(table, key, (previous) => {
          assert.deepEqual(previous, item);
          return changed;
        });
        assert.deepEqual(second, { previous: item, next: changed, previousSize_bytes: itemSize(item), nextSize_bytes: itemSize(changed) });
        assert.deepEqual(store.getItem(table, key), changed);

        const removed = await store.writeItem(table, key, () => undefined);
        assert.deepEqual(removed, { previous: changed, next: undefined, previousSize_bytes: itemSize(changed), nextSize_bytes: 0 });
        assert.equal(store.getItem(table, key), undefined);
        assert.equal(store.getItemJson(table, key), undefined);
      }));

    test('a write takes the next item\'s size from sizedNext only for that very object', () =>
      withStore(async (store) => {
        await store.saveTable(tableRecord('sized', hashKey));
        const table = store.getTable('sized')!;
        const key = { id: s('a') };
        const item = { id: s('a'), name: s('Ada') };
        const other = { id: s('a'), name: s('Grace Hopper') };
        // The caller's figure is taken as given for its item (PutItem's, from the 400 KB check)...
        const sized = await store.writeItem(table, key, () => item, { sizedNext: { item, size_bytes: itemSize(item) } });
        assert.equal(sized.nextSize_bytes, itemSize(item));
        // ...and not for another item the mutation returns instead, even an equal copy.
        const wrong = { item, size_bytes: 1 };
        assert.equal((await store.writeItem(table, key, () => other, { sizedNext: wrong })).nextSize_bytes, itemSize(other));
        assert.equal((await store.writeItem(table, key, () => ({ ...item }), { sizedNext: wrong })).nextSize_bytes, itemSize(item));
        // The statistics follow the sizes the writes used.
        assert.equal(store.stats(table).sizeBytes, itemSize(item));
      }));

    test('the change log records INSERT, MODIFY and REMOVE in order, with images, keys and clock time', () =>
      withStore(async (store, clock) => {
        await store.saveTable(tableRecord('log', hashKey, initialPartitions, [streamEpoch('NEW_AND_OLD_IMAGES')]));
        const table = store.getTable('log')!;
        const key = { id: s('a') };
        const v1 = { id: s('a'), n: n('1') };
        const v2 = { id: s('a'), n: n('2') };
        await store.writeItem(table, key, () => v1);
        await clock.advance(1000);
        await store.writeItem(table, key, () => v2);
        await clock.advance(1000);
        await store.writeItem(table, key, () => undefined, { byService: true });
        const changes = store.readChanges(table, '0');
        assert.deepEqual(changes, [
          { sequenceNumber: '000000000000000000001', partitionId: '0', kind: 'INSERT', time_ms: 1_700_000_000_000, keys: key, newImage: v1 },
          { sequenceNumber: '000000000000000000002', partitionId: '0', kind: 'MODIFY', time_ms: 1_700_000_001_000, keys: key, oldImage: v1, newImage: v2 },
          { sequenceNumber: '000000000000000000003', partitionId: '0', kind: 'REMOVE', time_ms: 1_700_000_002_000, keys: key, oldImage: v2, byService: true },
        ]);
        assert.deepEqual(store.readChanges(table, '0', '000000000000000000001').map((c) => c.kind), ['MODIFY', 'REMOVE']);
        assert.deepEqual(store.readChanges(table, '0', undefined, 2).map((c) => c.kind), ['INSERT', 'MODIFY']);
        assert.deepEqual(store.readChanges(table, '0', '000000000000000000003'), []);
        assert.deepEqual(store.readChanges(table, 'no-such-partition'), []);
      }));

    test('change records keep only the images the enabled stream carries; without a stream none is stored', () =>
      withStore(async (store, clock) => {
        const key = { id: s('a') };
        const v1 = { id: s('a'), n: n('1') };
        const v2 = { id: s('a'), n: n('2') };
        // Per table: the stream, then what each of an INSERT, a MODIFY and a REMOVE stores
        // besides its header (undefined: no record at all).
        const cases: [string, readonly StreamEpoch[] | undefined, object | undefined, object | undefined, object | undefined][] = [
          ['none', undefined, undefined, undefined, undefined],
          ['disabled', [streamEpoch('NEW_AND_OLD_IMAGES', 1_600_000_000_000)], undefined, undefined, undefined],
          ['keys', [streamEpoch('KEYS_ONLY')], {}, {}, {}],
          ['new', [streamEpoch('NEW_IMAGE')], { newImage: v1 }, { newImage: v2 }, {}],
          ['old', [streamEpoch('OLD_IMAGE')], {}, { oldImage: v1 }, { oldImage: v2 }],
          ['both', [streamEpoch('NEW_AND_OLD_IMAGES')], { newImage: v1 }, { oldImage: v1, newImage: v2 }, { oldImage: v2 }],
        ];
        for (const [name, streams, insert, modify, remove] of cases) {
          await store.saveTable(tableRecord(name, hashKey, initialPartitions, streams));
          const table = store.getTable(name)!;
          await store.writeItem(table, key, () => v1);
          await store.writeItem(table, key, () => v2);
          await store.writeItem(table, key, () => undefined);
          const record = (sequence: number, kind: string, images: object | undefined) =>
            images === undefined ? [] : [{ sequenceNumber: String(sequence).padStart(21, '0'), partitionId: '0', kind, time_ms: clock.now(), keys: key, ...images }];
          assert.deepEqual(
            store.readChanges(table, '0'),
            [...record(1, 'INSERT', insert), ...record(2, 'MODIFY', modify), ...record(3, 'REMOVE', remove)],
            name,
          );
          // Stored or not, every change took its sequence number.
          assert.equal(store.changeLogHead(table, '0'), 3, name);
        }
        // Enabling a stream later: records from then on are stored, with its images, numbered on.
        const none = store.getTable('none')!;
        await store.saveTable({ ...none, streams: [streamEpoch('NEW_IMAGE')] });
        await store.writeItem(none, key, () => v1);
        assert.deepEqual(store.readChanges(none, '0'), [
          { sequenceNumber: '000000000000000000004', partitionId: '0', kind: 'INSERT', time_ms: clock.now(), keys: key, newImage: v1 },
        ]);
      }));

    test('a record an earlier version stored outside any stream (noStream) goes at the next trim and no stream returns it', () =>
      withStore(async (store, clock, kv) => {
        await store.saveTable(tableRecord('legacy', hashKey));
        const table = store.getTable('legacy')!;
        const { ordinal } = JSON.parse(Buffer.from(kv.get(catalogKey('legacy'))!).toString('utf8')) as { ordinal: number };
        const legacy = { sequenceNumber: '000000000000000000001', partitionId: '0', kind: 'INSERT', time_ms: clock.now(), keys: { id: s('a') }, noStream: true };
        await kv.write((txn) => txn.put(logKey(ordinal, '0', 1), JSON.stringify(legacy)));
        assert.deepEqual(store.readChanges(table, '0'), [legacy]);
        // Young as it is, it goes: only records in a stream are kept 24 hours.
        assert.equal(await store.trimChanges(table, '0', clock.now() - 24 * 3600_000, 100), 1);
        assert.deepEqual(store.readChanges(table, '0'), []);
      }));

    test('a write committed while a stream is being enabled keeps both images', () =>
      withStore(async (store) => {
        await store.saveTable(tableRecord('enabling', hashKey));
        const table = store.getTable('enabling')!;
        const v1 = { id: s('a'), n: n('1') };
        // Issued together: the write's transaction runs after the save's, before the save's
        // commit reaches the store's cached record.
        const saved = store.saveTable({ ...table, streams: [streamEpoch('KEYS_ONLY')] });
        const written = store.writeItem(table, { id: s('a') }, () => v1);
        await Promise.all([saved, written]);
        const [change] = store.readChanges(table, '0');
        assert.equal(change!.noStream, undefined);
        assert.deepEqual(change!.newImage, v1);
      }));

    test('writes that change nothing append no change record and leave stats alone', () =>
      withStore(async (store) => {
        await store.saveTable(tableRecord('noop', hashKey, initialPartitions, [streamEpoch('KEYS_ONLY')]));
        const table = store.getTable('noop')!;
        const key = { id: s('a') };
        await store.writeItem(table, key, () => ({ id: s('a'), set: { NS: ['1', '2'] }, m: { M: { x: s('1'), y: s('2') } } }));
        const before = store.stats(table);
        // Same content: attributes and map members in another order, set elements in another order.
        const outcome = await store.writeItem(table, key, () => ({ m: { M: { y: s('2'), x: s('1') } }, set: { NS: ['2', '1'] }, id: s('a') }));
        assert.notEqual(outcome.next, undefined);
        await store.writeItem(table, { id: s('missing') }, () => undefined);
        assert.equal(store.readChanges(table, '0').length, 1);
        assert.deepEqual(store.stats(table), before);
        // A real change is recorded.
        await store.writeItem(table, key, () => ({ id: s('a'), set: { NS: ['1', '2', '3'] } }));
        assert.deepEqual(store.readChanges(table, '0').map((c) => c.kind), ['INSERT', 'MODIFY']);
      }));

    test('a mutation that throws writes nothing and its error reaches the caller', () =>
      withStore(async (store) => {
        await store.saveTable(tableRecord('cond', hashKey, initialPartitions, [streamEpoch('KEYS_ONLY')]));
        const table = store.getTable('cond')!;
        const key = { id: s('a') };
        await store.writeItem(table, key, () => ({ id: s('a'), v: n('1') }));
        await rejectsWith(
          store.writeItem(table, key, () => {
            throw conditionalCheckFailed();
          }),
          'ConditionalCheckFailedException',
        );
        assert.deepEqual(store.getItem(table, key), { id: s('a'), v: n('1') });
        assert.equal(store.readChanges(table, '0').length, 1);
        assert.equal(store.stats(table).itemCount, 1);
        // A mutation may not change the key attributes: that is a bug in the caller.
        await assert.rejects(store.writeItem(table, key, () => ({ id: s('b') })), AssertionFailure);
        assert.equal(store.getItem(table, { id: s('b') }), undefined);
      }));

    test('statistics are exact: item count and the sum of item sizes', () =>
      withStore(async (store) => {
        await store.saveTable(tableRecord('stats', compositeKey));
        const table = store.getTable('stats')!;
        assert.deepEqual(store.stats(table), { itemCount: 0, sizeBytes: 0 });
        const live = new Map<string, Item>();
        for (let i = 0; i < 30; i++) {
          const item = { pk: s(`p${i % 7}`), sk: n(String(i % 5)), payload: s('x'.repeat(i * 3)) };
          live.set(`${i % 7}/${i % 5}`, item);
          await store.writeItem(table, { pk: item.pk, sk: item.sk }, () => item);
        }
        for (let i = 0; i < 7; i += 2) {
          live.delete(`${i}/${i % 5}`);
          await store.writeItem(table, { pk: s(`p${i}`), sk: n(String(i % 5)) }, () => undefined);
        }
        const expectedSize = [...live.values()].reduce((sum, item) => sum + itemSize(item), 0);
        assert.deepEqual(store.stats(table), { itemCount: live.size, sizeBytes: expectedSize });
      }));

    test('concurrent read-modify-writes of one item are serialised and logged in order', () =>
      withStore(async (store) => {
        await store.saveTable(tableRecord('counter', hashKey, initialPartitions, [streamEpoch('NEW_IMAGE')]));
        const table = store.getTable('counter')!;
        const key = { id: s('c') };
        const writes = Array.from({ length: 40 }, () =>
          store.writeItem(table, key, (previous) => ({ id: s('c'), n: n(String(previous === undefined ? 1 : Number((previous['n'] as { N: string }).N) + 1)) })),
        );
        await Promise.all(writes);
        assert.deepEqual(store.getItem(table, key), { id: s('c'), n: n('40') });
        const changes = store.readChanges(table, '0');
        assert.equal(changes.length, 40);
        changes.forEach((change, i) => {
          assert.equal(change.sequenceNumber, String(i + 1).padStart(21, '0'));
          assert.deepEqual(change.newImage, { id: s('c'), n: n(String(i + 1)) });
        });
      }));

    test('items are stored in hash order, each partition key contiguous and ordered by sort key', () =>
      withStore(async (store, _clock, kv) => {
        await store.saveTable(tableRecord('order', compositeKey));
        const table = store.getTable('order')!;
        const sortKeys = ['-5', '-0.5', '0', '2', '10', '1E+3'.replace('1E+3', '1000')];
        for (const pk of ['alpha', 'beta', 'gamma', 'delta']) {
          for (const sk of [...sortKeys].reverse()) await store.writeItem(table, { pk: s(pk), sk: n(sk) }, () => ({ pk: s(pk), sk: n(sk) }));
        }
        const seen: { pk: string; sk: string }[] = [];
        for (const { value } of kv.range({ start: Uint8Array.of(0x02), end: Uint8Array.of(0x03) })) {
          const item = JSON.parse(Buffer.from(value).toString('utf8')) as { pk: { S: string }; sk: { N: string } };
          seen.push({ pk: item.pk.S, sk: item.sk.N });
        }
        const hashOf = (pk: string): string => encodeKey(compositeKey, { pk: s(pk), sk: n('0') }).hash;
        const expectedPks = ['alpha', 'beta', 'gamma', 'delta'].sort((a, b) => (hashOf(a) < hashOf(b) ? -1 : 1));
        assert.deepEqual(
          seen,
          expectedPks.flatMap((pk) => sortKeys.map((sk) => ({ pk, sk }))),
        );
      }));

    test('writes route their change records to the partition holding the key hash', () =>
      withStore(async (store) => {
        const partitions = splitPartition(initialPartitions[0]!, '8000000000000000');
        await store.saveTable(tableRecord('split', hashKey, partitions, [streamEpoch('KEYS_ONLY')]));
        const table = store.getTable('split')!;
        const ids = Array.from({ length: 40 }, (_, i) => `item-${i}`);
        for (const id of ids) await store.writeItem(table, { id: s(id) }, () => ({ id: s(id) }));
        const low = store.readChanges(table, '00');
        const high = store.readChanges(table, '01');
        assert.equal(low.length + high.length, 40);
        assert.ok(low.length > 0 && high.length > 0);
        for (const change of low) assert.ok(encodeKey(hashKey, change.keys).hash < '8000000000000000');
        for (const change of high) assert.ok(encodeKey(hashKey, change.keys).hash >= '8000000000000000');
        // Each partition numbers its own log from 1.
        assert.equal(low[0]!.sequenceNumber, '000000000000000000001');
        assert.equal(high[0]!.sequenceNumber, '000000000000000000001');
      }));

    test('dropTable removes the record and every item, log record and statistic of the table only', () =>
      withStore(async (store, _clock, kv) => {
        const snapshot = (): string[] => [...kv.range({})].map((e) => Buffer.from(e.key).toString('hex'));
        const before = snapshot();
        await store.saveTable(tableRecord('keep', hashKey));
        const keep = store.getTable('keep')!;
        await store.writeItem(keep, { id: s('k') }, () => ({ id: s('k') }));
        const withKeep = snapshot();
        await store.saveTable(tableRecord('doomed', compositeKey, splitPartition(initialPartitions[0]!, '4000000000000000'), [streamEpoch('KEYS_ONLY')]));
        const doomed = store.getTable('doomed')!;
        for (let i = 0; i < 25; i++) await store.writeItem(doomed, { pk: s(`p${i}`), sk: n(String(i)) }, () => ({ pk: s(`p${i}`), sk: n(String(i)) }));
        await store.dropTable('doomed');
        assert.equal(store.getTable('doomed'), undefined);
        assert.deepEqual(store.listTables().map((t) => t.name), ['keep']);
        // Everything the doomed table wrote is gone, except the ordinal counter in meta.
        const metaCounter = (keys: string[]) => keys.filter((k) => !k.startsWith('00'));
        assert.deepEqual(metaCounter(snapshot()), metaCounter(withKeep));
        assert.ok(before.every((k) => snapshot().includes(k)));
        // The stale record finds nothing.
        await rejectsWith(store.writeItem(doomed, { pk: s('p1'), sk: n('1') }, () => ({ pk: s('p1'), sk: n('1') })), 'ResourceNotFoundException');
        assert.throws(() => store.getItem(doomed, { pk: s('p1'), sk: n('1') }), (e) => e instanceof DynamoError && e.errorName === 'ResourceNotFoundException');
        await rejectsWith(store.dropTable('doomed'), 'ResourceNotFoundException');
        await rejectsWith(store.saveTable(doomed), 'ResourceNotFoundException');
        // A new table of the same name starts empty.
        await store.saveTable(tableRecord('doomed', compositeKey));
        const reborn = store.getTable('doomed')!;
        assert.equal(store.getItem(reborn, { pk: s('p1'), sk: n('1') }), undefined);
        assert.deepEqual(store.stats(reborn), { itemCount: 0, sizeBytes: 0 });
        assert.deepEqual(store.readChanges(reborn, '0'), []);
        assert.deepEqual(store.getItem(keep, { id: s('k') }), { id: s('k') });
      }));

    test('a write queued behind a dropTable of its table fails with ResourceNotFoundException', () =>
      withStore(async (store) => {
        await store.saveTable(tableRecord('race', hashKey));
        const table = store.getTable('race')!;
        const dropped = store.dropTable('race');
        const written = store.writeItem(table, { id: s('x') }, () => ({ id: s('x') }));
        await dropped;
        await rejectsWith(written, 'ResourceNotFoundException');
        assert.equal(store.getTable('race'), undefined);
      }));

    test('partition statistics follow every write; a split divides them exactly and keeps every item', () =>
      withStore(async (store) => {
        await store.saveTable(tableRecord('parts', hashKey, initialPartitions, [streamEpoch('KEYS_ONLY')]));
        const table = store.getTable('parts')!;
        const ids = Array.from({ length: 50 }, (_, i) => `item-${i}`);
        for (const id of ids) await store.writeItem(table, { id: s(id) }, () => ({ id: s(id), v: s('x'.repeat(10)) }));
        await store.writeItem(table, { id: s('item-0') }, () => undefined);
        assert.deepEqual(store.partitionStats(table, '0'), store.stats(table));
        const scanBefore = [...store.scanItems(table, { hashStart: '0000000000000000', hashEnd: '' })];
        const children = await store.splitPartition(table, '0');
        assert.ok(children !== undefined);
        const [low, high] = children;
        const lowStats = store.partitionStats(table, low.id);
        const highStats = store.partitionStats(table, high.id);
        assert.equal(lowStats.itemCount + highStats.itemCount, 49);
        assert.equal(lowStats.sizeBytes + highStats.sizeBytes, store.stats(table).sizeBytes);
        // A balanced split: 49 equal-sized items split 24 / 25.
        assert.ok(Math.abs(lowStats.itemCount - highStats.itemCount) <= 1, `${lowStats.itemCount} / ${highStats.itemCount}`);
        assert.equal(low.hashEnd, high.hashStart);
        for (const item of scanBefore) assert.deepEqual(store.getItem(table, { id: item.id! }), item);
        assert.deepEqual([...store.scanItems(table, { hashStart: '0000000000000000', hashEnd: '' })], scanBefore);
        assert.deepEqual(store.getTable('parts')!.partitions, [low, high]);
        assert.deepEqual(store.getTable('parts')!.closedPartitions, [{ id: '0', hashStart: '0000000000000000', hashEnd: '' }]);
        // The parent is no longer current: it cannot split again.
        assert.equal(await store.splitPartition(table, '0'), undefined);
        // A write after the split counts in its child and continues the parent's numbering (51 writes).
        await store.writeItem(table, { id: s('late') }, () => ({ id: s('late') }));
        const child = encodeKey(hashKey, { id: s('late') }).hash < high.hashStart ? low : high;
        assert.equal(store.readChanges(table, child.id)[0]!.sequenceNumber, '000000000000000000052');
        assert.equal(store.partitionStats(table, child.id).itemCount, (child === low ? lowStats : highStats).itemCount + 1);
        // Throughput splits: the widest partitions at their midpoints until there are enough.
        await store.ensurePartitionCount(table, 4);
        assert.equal(store.getTable('parts')!.partitions.length, 4);
        assert.equal(store.getTable('parts')!.closedPartitions!.length, 3);
        let total = 0;
        for (const partition of store.getTable('parts')!.partitions) total += store.partitionStats(table, partition.id).itemCount;
        assert.equal(total, 50);
      }));

    test('a partition past the size limit splits right after the write that crossed it', async () => {
      const { kv } = await engine.open();
      const store = await openTableStore(kv, new ManualClock(1_700_000_000_000), { partitionMaxSize_bytes: 1000 });
      try {
        await store.saveTable(tableRecord('growing', hashKey));
        const table = store.getTable('growing')!;
        // Each item is 2 + 6 + 1 + 100 = 109 bytes; the tenth takes the partition past 1000.
        for (let i = 0; i < 9; i++) await store.writeItem(table, { id: s(`id-${i}`) }, () => ({ id: s(`id-${i}`), v: s('y'.repeat(100)) }));
        assert.equal(store.getTable('growing')!.partitions.length, 1);
        await store.writeItem(table, { id: s('id-9') }, () => ({ id: s('id-9'), v: s('y'.repeat(100)) }));
        assert.equal(store.getTable('growing')!.partitions.length, 2);
        // One partition key's items cannot be divided: a composite-key table with one pk stays whole.
        await store.saveTable(tableRecord('collection', compositeKey));
        const collection = store.getTable('collection')!;
        for (let i = 0; i < 12; i++) await store.writeItem(collection, { pk: s('one'), sk: n(String(i)) }, () => ({ pk: s('one'), sk: n(String(i)), v: s('z'.repeat(100)) }));
        assert.equal(store.getTable('collection')!.partitions.length, 1);
      } finally {
        await store.close();
        await kv.close();
      }
    });

    if (engine.name === 'lmdb') {
      for (const withPartitionStats of [false, true]) {
        test(`a reopened layout-1 store ${withPartitionStats ? 'with' : 'without'} partition statistics is upgraded, keeps its catalog, items, statistics and logs, and continues sequences`, async () => {
          const { kv, reopen } = await engine.open();
          const clock = new ManualClock(1_700_000_000_000);
          let store = await openTableStore(kv, clock);
          await store.saveTable(tableRecord('persist', compositeKey, initialPartitions, [streamEpoch('KEYS_ONLY')]));
          await store.saveTable(tableRecord('other', hashKey));
          let table = store.getTable('persist')!;
          for (let i = 0; i < 10; i++) await store.writeItem(table, { pk: s('p'), sk: n(String(i)) }, () => ({ pk: s('p'), sk: n(String(i)), v: s('x') }));
          const stats = store.stats(table);
          await store.close();
          await kv.close();

          const kv2 = await reopen!();
          // Rewritten as a layout-1 store: table statistics and log heads in records of their own, and
          // partition statistics without a head (or, in the oldest stores, none); opening upgrades it.
          await kv2.write((txn) => {
            for (const { value } of txn.range(catalogRange)) {
              const { ordinal, record } = JSON.parse(Buffer.from(value).toString('utf8')) as { ordinal: number; record: TableRecord };
              let itemCount = 0;
              let sizeBytes = 0;
              for (const partition of record.partitions) {
                const state = decodePartitionState(txn.get(partitionStateKey(ordinal, partition.id))!);
                itemCount += state.itemCount;
                sizeBytes += state.sizeBytes;
                txn.put(retiredLogHeadKey(ordinal, partition.id), encodeCounter(state.logHead));
                if (withPartitionStats) txn.put(partitionStateKey(ordinal, partition.id), encodeStats(state.itemCount, state.sizeBytes));
                else txn.delete(partitionStateKey(ordinal, partition.id));
              }
              txn.put(retiredStatsKey(ordinal), encodeStats(itemCount, sizeBytes));
            }
            txn.put(metaKey('format'), encodeCounter(1));
          });
          store = await openTableStore(kv2, clock);
          try {
            assert.deepEqual(store.listTables().map((t) => t.name), ['other', 'persist']);
            table = store.getTable('persist')!;
            assert.deepEqual(store.stats(table), stats);
            assert.equal(decodeCounter(kv2.get(metaKey('format'))!), 2);
            assert.equal(kv2.get(retiredStatsKey(1)), undefined);
            assert.equal(kv2.get(retiredLogHeadKey(1, '0')), undefined);
            // Kept, or recomputed from the items at open; the log continues from its old head.
            assert.deepEqual(store.partitionStats(table, '0'), stats);
            assert.deepEqual(store.getItem(table, { pk: s('p'), sk: n('7') }), { pk: s('p'), sk: n('7'), v: s('x') });
            await store.writeItem(table, { pk: s('p'), sk: n('99') }, () => ({ pk: s('p'), sk: n('99') }));
            const changes = store.readChanges(table, '0');
            assert.equal(changes.length, 11);
            assert.equal(changes[10]!.sequenceNumber, '000000000000000000011');
            // Ordinals are not reused after a restart.
            await store.saveTable(tableRecord('third', hashKey));
            const third = store.getTable('third')!;
            await store.writeItem(third, { id: s('a') }, () => ({ id: s('a') }));
            assert.equal(store.stats(table).itemCount, 11);
            assert.equal(store.stats(third).itemCount, 1);
          } finally {
            await store.close();
            await kv2.close();
          }
        });
      }
    }
  });
}
