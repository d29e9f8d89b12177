import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssertionFailure } from '../../../src/errors.js';
import { compareBytes, keyAfter, maxKey, minKey, prefixEnd } from '../../../src/storage/bytes.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('keyspace byte helpers', () => {
  test('prefixEnd is the first key past every key starting with the prefix', () => {
    assert.deepEqual(prefixEnd(bytes(0x03, 0x10)), bytes(0x03, 0x11));
    // Trailing 0xff bytes are dropped: 03 ff and 03 ff ff .. all start with 03 ff.
    assert.deepEqual(prefixEnd(bytes(0x03, 0xff, 0xff)), bytes(0x04));
    const prefix = bytes(0x03, 0x7f);
    for (const key of [bytes(0x03, 0x7f), bytes(0x03, 0x7f, 0x00), bytes(0x03, 0x7f, 0xff, 0xff)]) {
      assert.ok(compareBytes(key, prefixEnd(prefix)) < 0);
    }
    assert.ok(compareBytes(bytes(0x03, 0x80), prefixEnd(prefix)) >= 0);
    // The prefix is not changed in place.
    assert.deepEqual(prefix, bytes(0x03, 0x7f));
    assert.throws(() => prefixEnd(bytes(0xff, 0xff)), AssertionFailure);
  });

  test('keyAfter is the smallest key greater than the key', () => {
    const key = bytes(0x03, 0x41);
    const after = keyAfter(key);
    assert.deepEqual(after, bytes(0x03, 0x41, 0x00));
    assert.ok(compareBytes(key, after) < 0);
    assert.ok(compareBytes(after, bytes(0x03, 0x41, 0x00, 0x00)) < 0);
    assert.ok(compareBytes(after, bytes(0x03, 0x42)) < 0);
  });

  test('maxKey and minKey order keys by unsigned bytes, a prefix first', () => {
    const a = bytes(0x01, 0x80);
    const b = bytes(0x01, 0x7f, 0xff);
    assert.equal(maxKey(a, b), a);
    assert.equal(maxKey(b, a), a);
    assert.equal(minKey(a, b), b);
    assert.equal(minKey(b, a), b);
    const prefix = bytes(0x01);
    assert.equal(minKey(prefix, b), prefix);
    assert.equal(maxKey(prefix, b), b);
  });
});
