import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeMapsEqual, attributeValuesEqual, binariesEqual, compareBinary, compareStrings } from '../../../src/model/compare.js';
import type { AttributeValue } from '../../../src/model/attribute-value.js';
import { randomInt, seededRandom } from './random-numbers.js';

function randomString(random: () => number): string {
  const pool = ['a', 'b', 'Z', '0', '\u0000', '\u007f', '\u0080', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1f600}', '\u{10ffff}'];
  let text = '';
  const length = randomInt(random, 0, 6);
  for (let i = 0; i < length; i++) text += pool[randomInt(random, 0, pool.length - 1)];
  return text;
}

describe('compareStrings', () => {
  test('orders by UTF-8 bytes, unlike UTF-16 code units', () => {
    // U+FFFF is below U+1F600 in UTF-8 (code point) order; UTF-16 puts the surrogate first.
    assert.ok('\u{1f600}' < '\uffff');
    assert.ok(compareStrings('\uffff', '\u{1f600}') < 0);
    assert.ok(compareStrings('\u{1f600}', '\uffff') > 0);
    assert.ok(compareStrings('a', 'b') < 0);
    assert.ok(compareStrings('ab', 'a') > 0);
    assert.equal(compareStrings('', ''), 0);
    assert.ok(compareStrings('', 'a') < 0);
  });

  test('agrees with Buffer.compare of the UTF-8 encodings (random)', () => {
    const random = seededRandom(11);
    for (let i = 0; i < 5000; i++) {
      const a = randomString(random);
      const b = random() < 0.1 ? a : randomString(random);
      const expected = Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
      assert.equal(Math.sign(compareStrings(a, b)), expected, JSON.stringify([a, b]));
    }
  });
});

describe('compareBinary', () => {
  test('agrees with Buffer.compare of the decoded bytes (random)', () => {
    const random = seededRandom(12);
    for (let i = 0; i < 5000; i++) {
      const a = Buffer.from(Array.from({ length: randomInt(random, 0, 7) }, () => (random() < 0.3 ? 0 : randomInt(random, 0, 255))));
      const b = random() < 0.2 ? Buffer.concat([a, Buffer.from([randomInt(random, 0, 2)])]) : Buffer.from(Array.from({ length: randomInt(random, 0, 7) }, () => randomInt(random, 0, 255)));
      const expected = Buffer.compare(a, b);
      assert.equal(Math.sign(compareBinary(a.toString('base64'), b.toString('base64'))), expected, `${a.toString('hex')} vs ${b.toString('hex')}`);
    }
  });

  test('ignores non-canonical padding bits and missing padding', () => {
    assert.equal(compareBinary('AB==', 'AA=='), 0);
    assert.equal(compareBinary('AA', 'AA=='), 0);
    assert.ok(binariesEqual('AQ==', 'AR=='));
    assert.ok(compareBinary('AA==', 'AAA=') < 0);
    assert.ok(compareBinary('/w==', 'AAAA') > 0);
  });
});

describe('attributeValuesEqual', () => {
  test('compares deeply with DynamoDB semantics', () => {
    const equal: [AttributeValue, AttributeValue][] = [
      [{ S: 'a' }, { S: 'a' }],
      [{ N: '1.5' }, { N: '1.5' }],
      [{ B: 'AQ==' }, { B: 'AQ==' }],
      [{ NULL: true }, { NULL: true }],
      [{ BOOL: false }, { BOOL: false }],
      [{ SS: ['a', 'b', 'c'] }, { SS: ['c', 'a', 'b'] }],
      [{ NS: ['1', '2'] }, { NS: ['2', '1'] }],
      [{ BS: ['AQ==', 'Ag=='] }, { BS: ['Ag==', 'AQ=='] }],
      [{ SS: Array.from({ length: 20 }, (_, i) => `s${i}`) }, { SS: Array.from({ length: 20 }, (_, i) => `s${19 - i}`) }],
      [{ BS: Array.from({ length: 20 }, (_, i) => Buffer.from([i]).toString('base64')) }, { BS: Array.from({ length: 20 }, (_, i) => Buffer.from([19 - i]).toString('base64')) }],
      [{ L: [{ S: 'a' }, { M: { x: { N: '1' } } }] }, { L: [{ S: 'a' }, { M: { x: { N: '1' } } }] }],
      [{ M: { a: { S: 'x' }, b: { L: [] } } }, { M: { b: { L: [] }, a: { S: 'x' } } }],
    ];
    for (const [a, b] of equal) {
      assert.ok(attributeValuesEqual(a, b), JSON.stringify([a, b]));
      assert.ok(attributeValuesEqual(b, a), JSON.stringify([b, a]));
    }
    const different: [AttributeValue, AttributeValue][] = [
      [{ S: 'a' }, { S: 'b' }],
      [{ S: '1' }, { N: '1' }],
      [{ N: '1' }, { N: '10' }],
      [{ B: 'AQ==' }, { B: 'Ag==' }],
      [{ BOOL: true }, { BOOL: false }],
      [{ NULL: true }, { BOOL: true }],
      [{ SS: ['a', 'b'] }, { SS: ['a', 'c'] }],
      [{ SS: ['a'] }, { SS: ['a', 'b'] }],
      [{ SS: ['a'] }, { NS: ['1'] }],
      [{ L: [{ S: 'a' }, { S: 'b' }] }, { L: [{ S: 'b' }, { S: 'a' }] }],
      [{ L: [] }, { M: {} }],
      [{ M: { a: { S: 'x' } } }, { M: { a: { S: 'x' }, b: { S: 'y' } } }],
      [{ M: { a: { S: 'x' } } }, { M: { b: { S: 'x' } } }],
    ];
    for (const [a, b] of different) {
      assert.ok(!attributeValuesEqual(a, b), JSON.stringify([a, b]));
      assert.ok(!attributeValuesEqual(b, a), JSON.stringify([b, a]));
    }
  });
});

describe('attributeMapsEqual', () => {
  test('items are equal with the same names and equal values, in any order', () => {
    assert.equal(attributeMapsEqual({ a: { N: '1' }, b: { SS: ['x', 'y'] } }, { b: { SS: ['y', 'x'] }, a: { N: '1' } }), true);
    assert.equal(attributeMapsEqual({}, {}), true);
    // A value differs, an attribute is missing on either side.
    assert.equal(attributeMapsEqual({ a: { N: '1' } }, { a: { N: '2' } }), false);
    assert.equal(attributeMapsEqual({ a: { N: '1' } }, { a: { N: '1' }, b: { NULL: true } }), false);
    assert.equal(attributeMapsEqual({ a: { N: '1' }, b: { NULL: true } }, { a: { N: '1' } }), false);
    assert.equal(attributeMapsEqual({ a: { S: '1' } }, { a: { N: '1' } }), false);
  });
});
