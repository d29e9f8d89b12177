import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoError } from '../../../src/errors.js';
import type { Item, KeyShape } from '../../../src/model/attribute-value.js';
import { encodeKey, encodeKeyValue, encodePartitionKeyPart, partitionKeyHash } from '../../../src/model/key-codec.js';
import { entryKey, entryKeyOfValues, entryKeyTail, indexKeyValues, inIndex, projectedEntryJson, projectedSize, projectEntry, sameIndexKey } from '../../../src/partition/index-entries.js';
import { itemSize } from '../../../src/model/item-size.js';
import { indexEntryKey } from '../../../src/partition/layout.js';
import type { SecondaryIndex } from '../../../src/partition/table-store.js';
import { max_key_bytes } from '../../../src/storage/kv-store.js';

const tableKey: KeyShape = { hashName: 'pk', hashType: 'S', rangeName: 'sk', rangeType: 'S' };

/** An entry key as the parts' own encoders spell it, concatenated: the layout stored data has. */
function expectedEntryKey(ordinal: number, index: SecondaryIndex, item: Item): Uint8Array {
  const shape = index.key;
  const hashValue = Object.values(item[shape.hashName]!)[0] as string;
  const parts = [Buffer.from(encodePartitionKeyPart(shape.hashType, hashValue))];
  if (shape.rangeName !== undefined) parts.push(Buffer.from(encodeKeyValue(shape.rangeType!, Object.values(item[shape.rangeName]!)[0] as string)));
  parts.push(Buffer.from(entryKeyTail(encodeKey(tableKey, item).bytes)));
  return indexEntryKey(ordinal, index.name, partitionKeyHash(shape.hashType, hashValue), Buffer.concat(parts));
}

describe('index entry keys', () => {
  const indexes: SecondaryIndex[] = [
    { name: 'byOwner', kind: 'global', key: { hashName: 'owner', hashType: 'S', rangeName: 'at', rangeType: 'N' }, projection: { kind: 'KEYS_ONLY' } },
    { name: 'byBlob', kind: 'global', key: { hashName: 'blob', hashType: 'B', rangeName: 'label', rangeType: 'S' }, projection: { kind: 'ALL' } },
    { name: 'byPk', kind: 'local', key: { hashName: 'pk', hashType: 'S', rangeName: 'label', rangeType: 'S' }, projection: { kind: 'ALL' } },
    { name: 'hashOnly', kind: 'global', key: { hashName: 'at', hashType: 'N' }, projection: { kind: 'ALL' } },
  ];
  const items: Item[] = [
    { pk: { S: 'p1' }, sk: { S: 's1' }, owner: { S: 'o' }, at: { N: '-1.5' }, blob: { B: 'AAEA' }, label: { S: 'a\u0000b' } },
    { pk: { S: 'é'.repeat(300) }, sk: { S: 'z'.repeat(400) }, owner: { S: '\u{1f600}' }, at: { N: '0' }, blob: { B: Buffer.alloc(600).toString('base64') }, label: { S: 'x'.repeat(900) } },
    { pk: { S: 'p'.repeat(2000) }, sk: { S: 's' }, owner: { S: 'o'.repeat(2048) }, at: { N: '12345678901234567890123456789012345678' }, blob: { B: 'AA==' }, label: { S: '' + 'y'.repeat(1024) } },
  ];

  test('are byte for byte the concatenation of their encoded parts (the stored layout), whatever the key sizes', () => {
    for (const ordinal of [1, 70000]) {
      for (const index of indexes) {
        for (const item of items) {
          const expected = expectedEntryKey(ordinal, index, item);
          if (expected.length > max_key_bytes) continue;
          const tail = entryKeyTail(encodeKey(tableKey, item).bytes);
          assert.deepEqual(Buffer.from(entryKey(ordinal, index, tail, item)), Buffer.from(expected), `${index.name} ${ordinal}`);
        }
      }
    }
  });

  test('an entry key past the storage key limit is refused with a ValidationException', () => {
    const index = indexes[1]!;
    const item: Item = { pk: { S: 'p' }, sk: { S: 's' }, blob: { B: Buffer.alloc(1000).toString('base64') }, label: { S: '\u0000'.repeat(1024) } };
    assert.ok(expectedEntryKey(1, index, item).length > max_key_bytes);
    // An index key value past the item limits (a backfill can meet one written before the index): too long, not mis-written.
    const huge: Item = { ...item, label: { S: 'z'.repeat(3000) } };
    assert.throws(
      () => entryKey(1, index, entryKeyTail(encodeKey(tableKey, huge).bytes), huge),
      (error: unknown) => error instanceof DynamoError && /too long to store/.test(error.message),
    );
    const after = { ...items[0]!, label: { S: 'ok' } };
    assert.deepEqual(Buffer.from(entryKey(1, index, entryKeyTail(encodeKey(tableKey, after).bytes), after)), Buffer.from(expectedEntryKey(1, index, after)));
    assert.throws(
      () => entryKey(1, index, entryKeyTail(encodeKey(tableKey, item).bytes), item),
      (error: unknown) => error instanceof DynamoError && error.errorName === 'ValidationException' && /index byBlob is too long to store/.test(error.message),
    );
  });

  test('keys made one after another sharing an index partition-key value (a write\'s old and new entries) are each their full layout', () => {
    // byPk and byLabel share their partition key attribute, so only the index tells their heads apart.
    const sharing: SecondaryIndex[] = [
      indexes[2]!,
      { name: 'byLabel', kind: 'local', key: { hashName: 'pk', hashType: 'S', rangeName: 'sk', rangeType: 'S' }, projection: { kind: 'KEYS_ONLY' } },
      indexes[0]!,
    ];
    const versions: Item[] = [];
    for (let i = 0; i < 8; i++) versions.push({ pk: { S: `p${i % 2}` }, sk: { S: 's' }, owner: { S: `o${i % 3}` }, at: { N: String(i) }, label: { S: `v${i}` } });
    // Past several slabs, so a shared head is also met right after a new slab begins.
    for (let round = 0; round < 400; round++) {
      for (const ordinal of [1, 2]) {
        for (const index of sharing) {
          const next = versions[round % versions.length]!;
          const previous = versions[(round + 2) % versions.length]!;
          for (const item of [next, previous, next]) {
            const tail = entryKeyTail(encodeKey(tableKey, item).bytes);
            assert.deepEqual(Buffer.from(entryKey(ordinal, index, tail, item)), Buffer.from(expectedEntryKey(ordinal, index, item)), `${index.name} ${ordinal} ${round}`);
          }
        }
      }
    }
  });

  test('index key values: absent for an item outside the index, equal exactly when the entry keys are', () => {
    const images: Item[] = [
      { pk: { S: 'p' }, sk: { S: 's' }, owner: { S: 'o' }, at: { N: '1' }, label: { S: 'a' }, blob: { B: 'AA==' } },
      { pk: { S: 'p' }, sk: { S: 's' }, owner: { S: 'o' }, at: { N: '2' }, label: { S: 'a' } },
      { pk: { S: 'p' }, sk: { S: 's' }, owner: { S: 'o2' }, at: { N: '1' }, label: { S: 'b' }, blob: { B: 'AA==' } },
      { pk: { S: 'p' }, sk: { S: 's' }, owner: { N: '1' }, at: { N: '1' }, label: { S: 'a' }, blob: { S: 'AA==' } },
      { pk: { S: 'p' }, sk: { S: 's' }, at: { S: '1' } },
    ];
    for (const index of indexes) {
      for (const a of images) {
        const aValues = indexKeyValues(index, a);
        assert.equal(aValues !== undefined, inIndex(index, a), index.name);
        if (aValues === undefined) continue;
        const tail = entryKeyTail(encodeKey(tableKey, a).bytes);
        assert.deepEqual(Buffer.from(entryKeyOfValues(1, index, tail, aValues)), Buffer.from(expectedEntryKey(1, index, a)));
        for (const b of images) {
          const bValues = indexKeyValues(index, b);
          if (bValues === undefined) continue;
          const same = Buffer.compare(Buffer.from(entryKey(1, index, tail, a)), Buffer.from(entryKey(1, index, tail, b))) === 0;
          assert.equal(sameIndexKey(aValues, bValues), same, `${index.name} ${JSON.stringify(a)} ${JSON.stringify(b)}`);
        }
      }
    }
  });

  test('a key keeps its bytes while more are made (thousands: past several slabs), and a store copies it', () => {
    const index = indexes[0]!;
    const first = entryKey(1, index, Uint8Array.of(1, 2), items[0]!);
    const copy = Buffer.from(first);
    for (let i = 0; i < 5000; i++) entryKey(1, index, Uint8Array.of(3, 4, 5), items[i % 2]!);
    assert.deepEqual(Buffer.from(first), copy);
    // Plain Uint8Arrays, so `slice` (what the memory engine keeps) is a copy, not a view.
    assert.equal(Object.getPrototypeOf(first), Uint8Array.prototype);
    assert.notEqual(first.slice().buffer, first.buffer);
  });
});

describe('projected index entries', () => {
  const keysOnly: SecondaryIndex = { name: 'keys', kind: 'global', key: { hashName: 'owner', hashType: 'S', rangeName: 'at', rangeType: 'N' }, projection: { kind: 'KEYS_ONLY' } };
  const include: SecondaryIndex = {
    name: 'include',
    kind: 'local',
    key: { hashName: 'pk', hashType: 'S', rangeName: 'at', rangeType: 'N' },
    projection: { kind: 'INCLUDE', nonKeyAttributes: ['"quoted"\\name', 'émoji\u{1f600}', 'set', 'doc', 'flag', 'nothing', 'bin', 'numbers', 'text'] },
  };
  const items: Item[] = [
    { pk: { S: 'p' }, sk: { S: 's' }, owner: { S: 'o' }, at: { N: '-1.5E+10' }, text: { S: 'plain' } },
    {
      pk: { S: 'line\nbreak "quote" \\ \u0000 \u2028 \ud800 é' },
      sk: { S: '\u{1f600}' },
      owner: { S: '' },
      at: { N: '0' },
      '"quoted"\\name': { S: 'x' },
      'émoji\u{1f600}': { N: '12' },
      set: { SS: ['a', 'b"'] },
      doc: { M: { inner: { L: [{ S: 'deep' }, { NULL: true }, { BOOL: false }, { BS: ['AAE='] }] } } },
      flag: { BOOL: true },
      nothing: { NULL: true },
      bin: { B: 'AAEA/w==' },
      numbers: { NS: ['1', '-2.5'] },
      payload: { S: 'y'.repeat(500) },
    },
    { pk: { S: 'p' }, sk: { S: 's' }, at: { N: '3' } },
    // Around the length up to which strings are checked by a loop, and characters at the edges of what JSON escapes.
    { pk: { S: 'a'.repeat(64) }, sk: { S: `${'b'.repeat(63)}"` }, owner: { S: `${'c'.repeat(63)}\u001f` }, at: { N: '-0.5' }, text: { S: '\u007f\u0020\ue000\udfff' } },
    { pk: { S: `${'d'.repeat(65)}\\` }, sk: { S: '\udbff\udfff' }, owner: { S: 'x\\y' }, at: { N: '1E+125' }, text: { S: 'é中' } },
  ];

  test('the JSON written for an entry is the projected entry, members in entry order (the stored value format)', () => {
    for (const index of [keysOnly, include]) {
      for (const item of items) {
        assert.equal(projectedEntryJson(index, tableKey, item), JSON.stringify(projectEntry(index, tableKey, item)), index.name);
        assert.equal(projectedSize(index, tableKey, item), itemSize(projectEntry(index, tableKey, item)), index.name);
      }
    }
    // Names an object orders differently (integer-like ones first) or cannot take by assignment
    // (`__proto__`): the same JSON value, in the entry's order.
    const oddNames: SecondaryIndex = { ...include, name: 'odd', projection: { kind: 'INCLUDE', nonKeyAttributes: ['b', '10', '2', '__proto__'] } };
    const item = JSON.parse('{"pk":{"S":"p"},"sk":{"S":"s"},"at":{"N":"1"},"b":{"S":"b"},"10":{"N":"10"},"2":{"N":"2"},"__proto__":{"S":"proto"}}') as Item;
    const json = projectedEntryJson(oddNames, tableKey, item);
    assert.equal(json, '{"pk":{"S":"p"},"sk":{"S":"s"},"at":{"N":"1"},"b":{"S":"b"},"10":{"N":"10"},"2":{"N":"2"},"__proto__":{"S":"proto"}}');
    assert.deepEqual(JSON.parse(json), projectEntry(oddNames, tableKey, item));
    assert.equal(projectedSize(oddNames, tableKey, item), itemSize(projectEntry(oddNames, tableKey, item)));
  });
});
