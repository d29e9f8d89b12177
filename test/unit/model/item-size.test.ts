import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeValueSize, base64DecodedLength, itemSize, utf8Length } from '../../../src/model/item-size.js';
import { randomInt, seededRandom } from './random-numbers.js';

describe('utf8Length', () => {
  test('matches Buffer.byteLength, lone surrogates included (random)', () => {
    const pool = ['a', '\u0000', '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff', '\u{1f600}', '\ud800', '\udc00', 'é', '中'];
    const random = seededRandom(21);
    for (let i = 0; i < 5000; i++) {
      let text = '';
      const length = randomInt(random, 0, 8);
      for (let j = 0; j < length; j++) text += pool[randomInt(random, 0, pool.length - 1)];
      assert.equal(utf8Length(text), Buffer.byteLength(text, 'utf8'), JSON.stringify(text));
    }
  });

  test('long strings (counted natively) as well', () => {
    assert.equal(utf8Length('x'.repeat(1000)), 1000);
    assert.equal(utf8Length('é'.repeat(40)), 80);
    assert.equal(utf8Length('中'.repeat(40)), 120);
    assert.equal(utf8Length('\u{1f600}'.repeat(40)), 160);
    assert.equal(utf8Length(`${'\ud800'.repeat(20)}${'a'.repeat(20)}`), 80);
  });
});

describe('base64DecodedLength', () => {
  test('matches the decoded length', () => {
    for (let n = 0; n < 20; n++) {
      const encoded = Buffer.alloc(n, 7).toString('base64');
      assert.equal(base64DecodedLength(encoded), n);
      assert.equal(base64DecodedLength(encoded.replace(/=+$/, '')), n);
    }
  });
});

describe('item size', () => {
  test('follows DynamoDB rules per type', () => {
    assert.equal(attributeValueSize({ S: 'abc' }), 3);
    assert.equal(attributeValueSize({ S: 'é' }), 2);
    assert.equal(attributeValueSize({ B: 'AQID' }), 3);
    assert.equal(attributeValueSize({ N: '12345' }), 4);
    assert.equal(attributeValueSize({ NULL: true }), 1);
    assert.equal(attributeValueSize({ BOOL: false }), 1);
    assert.equal(attributeValueSize({ SS: ['a', 'bc'] }), 3);
    assert.equal(attributeValueSize({ NS: ['1', '-1'] }), 5);
    assert.equal(attributeValueSize({ BS: ['AQ==', 'AQID'] }), 4);
    assert.equal(attributeValueSize({ L: [] }), 3);
    assert.equal(attributeValueSize({ M: {} }), 3);
    assert.equal(attributeValueSize({ L: [{ S: 'xy' }] }), 3 + 2 + 1);
    assert.equal(attributeValueSize({ M: { k: { S: 'xy' } } }), 3 + 1 + 2 + 1);
    assert.equal(attributeValueSize({ M: { a: { L: [{ NULL: true }, { BOOL: true }] } } }), 3 + 1 + (3 + 2 + 2) + 1);
  });

  test('sums names and values over an item', () => {
    assert.equal(itemSize({}), 0);
    assert.equal(itemSize({ id: { S: 'abc' }, n: { N: '12345' }, flag: { BOOL: true }, 'ü': { S: '' } }), 5 + 5 + 5 + 2);
  });
});
