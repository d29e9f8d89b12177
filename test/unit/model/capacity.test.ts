import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttributeValue } from '../../../src/model/attribute-value.js';
import { readCapacityUnits, storedItemFitsOneReadUnit, writeCapacityUnits } from '../../../src/model/capacity.js';
import { itemSize } from '../../../src/model/item-size.js';
import { seededRandom } from '../../helpers/seeded-random.js';

describe('capacity units', () => {
  test('reads: 4 KB units rounded up, at least one, half when eventually consistent', () => {
    assert.equal(readCapacityUnits(0, { consistent: true }), 1);
    assert.equal(readCapacityUnits(0, { consistent: false }), 0.5);
    assert.equal(readCapacityUnits(1, { consistent: true }), 1);
    assert.equal(readCapacityUnits(4096, { consistent: true }), 1);
    assert.equal(readCapacityUnits(4097, { consistent: true }), 2);
    assert.equal(readCapacityUnits(4097, { consistent: false }), 1);
    assert.equal(readCapacityUnits(10 * 1024, { consistent: false }), 1.5);
    assert.equal(readCapacityUnits(4097, { consistent: true, transactional: true }), 4);
  });

  test('writes: 1 KB units rounded up, at least one, double in transactions', () => {
    assert.equal(writeCapacityUnits(0), 1);
    assert.equal(writeCapacityUnits(1024), 1);
    assert.equal(writeCapacityUnits(1025), 2);
    assert.equal(writeCapacityUnits(400 * 1024), 400);
    assert.equal(writeCapacityUnits(1025, { transactional: true }), 4);
  });
});

describe('storedItemFitsOneReadUnit', () => {
  const seed = Number(process.env['DYNABASE_SEED'] ?? 20261130);
  const random = seededRandom(seed);
  const pick = <T>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)]!;
  const text = (): string => {
    let value = '';
    const length = Math.floor(random() * 40);
    for (let i = 0; i < length; i++) value += pick(['a', 'é', '€', '😀', '"', '\\', '\n', 'z']);
    return value;
  };
  const value = (depth: number): AttributeValue => {
    switch (pick(depth > 2 ? ['S', 'N', 'B', 'BOOL', 'NULL', 'SS'] : ['S', 'N', 'B', 'BOOL', 'NULL', 'SS', 'L', 'M'])) {
      case 'S':
        return { S: text() };
      case 'N':
        return { N: pick(['0', '-1', '12345678901234567890123456789012345678', '1.5e-7', '-9.99E+125']) };
      case 'B':
        return { B: Buffer.from(text()).toString('base64') };
      case 'BOOL':
        return { BOOL: random() < 0.5 };
      case 'NULL':
        return { NULL: true };
      case 'SS':
        return { SS: [`${text()}1`, `${text()}2`] };
      case 'L':
        return { L: [value(depth + 1), value(depth + 1), { M: {} }, { L: [] }] };
      default:
        return { M: { [text()]: value(depth + 1), x: value(depth + 1) } };
    }
  };

  test(`an item's size never exceeds the UTF-8 length of its JSON (seed ${seed})`, () => {
    for (let i = 0; i < 2000; i++) {
      const item: Record<string, AttributeValue> = {};
      const attributes = 1 + Math.floor(random() * 6);
      for (let a = 0; a < attributes; a++) item[text() || 'k'] = value(0);
      const json = JSON.stringify(item);
      assert.ok(itemSize(item) <= Buffer.byteLength(json, 'utf8'), json);
      assert.equal(storedItemFitsOneReadUnit(json), Buffer.byteLength(json, 'utf8') <= 4096);
    }
  });

  test('decides from the length alone for short texts and counts bytes for longer ones', () => {
    assert.equal(storedItemFitsOneReadUnit(JSON.stringify({ a: { S: 'x'.repeat(4000) } })), true);
    assert.equal(storedItemFitsOneReadUnit(JSON.stringify({ a: { S: 'x'.repeat(4090) } })), false);
    assert.equal(storedItemFitsOneReadUnit(JSON.stringify({ a: { S: '€'.repeat(1400) } })), false);
  });
});
