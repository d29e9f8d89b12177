/**
 * TableStore.queryItems / scanItems over the real store (memory engine): sort-key order per key
 * type, every bound kind, begins_with, both directions, resuming after a key, hash slices.
 * Each read is compared with a model: the items filtered and sorted in the test.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttributeValue, Item, KeyAttributeType, KeyShape } from '../../../../src/model/attribute-value.js';
import { compareBinary, compareStrings } from '../../../../src/model/compare.js';
import { partitionKeyHash } from '../../../../src/model/key-codec.js';
import { compareNumbers } from '../../../../src/model/number.js';
import { initialPartitions } from '../../../../src/partition/partition-map.js';
import type { QueryRange, TableRecord, TableStore } from '../../../../src/partition/table-store.js';
import { testContext } from '../test-context.js';

function scalar(value: AttributeValue, type: KeyAttributeType): string {
  return (value as Record<string, string>)[type]!;
}

function compareKeyValues(type: KeyAttributeType, a: string, b: string): number {
  if (type === 'S') return compareStrings(a, b);
  if (type === 'N') return compareNumbers(a, b);
  return compareBinary(a, b);
}

async function tableWith(store: TableStore, name: string, key: KeyShape, items: readonly Item[]): Promise<TableRecord> {
  const record: TableRecord = { name, id: `id-${name}`, key, description: { TableStatus: 'ACTIVE' }, tags: {}, partitions: initialPartitions };
  await store.saveTable(record);
  for (const item of items) await store.writeItem(record, item, () => item);
  return record;
}

const sortSamples: Readonly<Record<KeyAttributeType, readonly string[]>> = {
  S: ['a', 'a\u0000', 'a\u0000b', 'ab', 'abc', 'abd', 'b', 'z', '\u00e9', '\u{1f600}', '\uffff', '\u00ff', '\u00ff\u00ff'],
  N: ['-1E+100', '-12.5', '-1', '-0.001', '0', '1E-130', '0.5', '1', '1.01', '2', '10', '99', '100', '9.9999999999999999999999999999999999999E+125'],
  // base64 of byte strings, including 0x00 and 0xff edges.
  B: ['AA==', 'AAA=', 'AAE=', 'AQ==', 'AQI=', 'fw==', 'gA==', '/w==', '//8=', '//8A'],
};

describe('TableStore range reads', () => {
  for (const sortType of ['S', 'N', 'B'] as const) {
    test(`queryItems orders ${sortType} sort keys and honours every bound`, async () => {
      const { store } = await testContext();
      const shape: KeyShape = { hashName: 'pk', hashType: 'S', rangeName: 'sk', rangeType: sortType };
      const values = sortSamples[sortType];
      const items: Item[] = [];
      for (const pk of ['p1', 'p2']) for (const sk of values) items.push({ pk: { S: pk }, sk: { [sortType]: sk } as AttributeValue, v: { N: '1' } });
      const table = await tableWith(store, `t${sortType}`, shape, items);
      const sorted = [...values].sort((a, b) => compareKeyValues(sortType, a, b));

      const read = (range: Omit<QueryRange, 'partitionKey'>): string[] =>
        [...store.queryItems(table, { partitionKey: { S: 'p1' }, ...range })].map((item) => {
          assert.equal(scalar(item['pk']!, 'S'), 'p1');
          return scalar(item['sk']!, sortType);
        });
      const val = (text: string): AttributeValue => ({ [sortType]: text }) as AttributeValue;

      assert.deepEqual(read({ forward: true }), sorted);
      assert.deepEqual(read({ forward: false }), [...sorted].reverse());
      for (const pivot of sorted) {
        const cmp = (x: string) => compareKeyValues(sortType, x, pivot);
        assert.deepEqual(read({ forward: true, lower: { value: val(pivot), inclusive: true } }), sorted.filter((x) => cmp(x) >= 0));
        assert.deepEqual(read({ forward: true, lower: { value: val(pivot), inclusive: false } }), sorted.filter((x) => cmp(x) > 0));
        assert.deepEqual(read({ forward: true, upper: { value: val(pivot), inclusive: true } }), sorted.filter((x) => cmp(x) <= 0));
        assert.deepEqual(read({ forward: false, upper: { value: val(pivot), inclusive: false } }), sorted.filter((x) => cmp(x) < 0).reverse());
        const after = { pk: { S: 'p1' }, sk: val(pivot) };
        assert.deepEqual(read({ forward: true, after }), sorted.filter((x) => cmp(x) > 0));
        assert.deepEqual(read({ forward: false, after }), sorted.filter((x) => cmp(x) < 0).reverse());
        if (sortType !== 'N') {
          const bytes = (x: string) => (sortType === 'S' ? Buffer.from(x, 'utf8') : Buffer.from(x, 'base64'));
          const startsWith = (x: string) => {
            const p = bytes(pivot);
            const b = bytes(x);
            return b.length >= p.length && b.subarray(0, p.length).equals(p);
          };
          assert.deepEqual(read({ forward: true, prefix: val(pivot) }), sorted.filter(startsWith), `begins_with ${pivot}`);
          assert.deepEqual(read({ forward: false, prefix: val(pivot) }), sorted.filter(startsWith).reverse());
        }
      }
      // BETWEEN as two inclusive bounds.
      const low = sorted[2]!;
      const high = sorted[sorted.length - 3]!;
      assert.deepEqual(
        read({ forward: true, lower: { value: val(low), inclusive: true }, upper: { value: val(high), inclusive: true } }),
        sorted.slice(2, sorted.length - 2),
      );
    });
  }

  test('queryItems on a table without a sort key returns the one item, and nothing after it', async () => {
    const { store } = await testContext();
    const shape: KeyShape = { hashName: 'id', hashType: 'N' };
    const table = await tableWith(store, 'hashonly', shape, [{ id: { N: '1' } }, { id: { N: '10' } }, { id: { N: '2' } }]);
    assert.deepEqual([...store.queryItems(table, { partitionKey: { N: '1' }, forward: true })], [{ id: { N: '1' } }]);
    assert.deepEqual([...store.queryItems(table, { partitionKey: { N: '1' }, forward: true, after: { id: { N: '1' } } })], []);
    assert.deepEqual([...store.queryItems(table, { partitionKey: { N: '3' }, forward: true })], []);
  });

  test('scanItems walks hash order then sort order, and slices and resumes exactly', async () => {
    const { store } = await testContext();
    const shape: KeyShape = { hashName: 'pk', hashType: 'S', rangeName: 'sk', rangeType: 'N' };
    const items: Item[] = [];
    for (let p = 0; p < 60; p++) for (let s = 0; s < 3; s++) items.push({ pk: { S: `k${p}` }, sk: { N: String(s) } });
    const table = await tableWith(store, 'scan', shape, items);
    const all = [...store.scanItems(table, { hashStart: '0000000000000000', hashEnd: '' })];
    assert.equal(all.length, items.length);
    const hashOf = (item: Item) => partitionKeyHash('S', scalar(item['pk']!, 'S'));
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1]!, all[i]!];
      const order = hashOf(a) < hashOf(b) ? -1 : hashOf(a) > hashOf(b) ? 1 : compareNumbers(scalar(a['sk']!, 'N'), scalar(b['sk']!, 'N'));
      assert.ok(order < 0, `item ${i} follows item ${i - 1}`);
    }
    const slice = [...store.scanItems(table, { hashStart: '4000000000000000', hashEnd: 'a000000000000000' })];
    assert.deepEqual(slice, all.filter((item) => hashOf(item) >= '4000000000000000' && hashOf(item) < 'a000000000000000'));
    for (const at of [0, 1, 7, all.length - 1]) {
      const after = { pk: all[at]!['pk']!, sk: all[at]!['sk']! };
      assert.deepEqual([...store.scanItems(table, { hashStart: '0000000000000000', hashEnd: '', after })], all.slice(at + 1));
    }
  });
});
