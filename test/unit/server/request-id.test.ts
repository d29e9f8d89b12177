import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newRequestId } from '../../../src/server/request-id.js';

describe('newRequestId', () => {
  test('52 upper-case letters and digits, like DynamoDB request ids', () => {
    for (let i = 0; i < 1000; i++) assert.match(newRequestId(), /^[A-Z0-9]{52}$/);
  });

  test('unique across many batches of the random pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(newRequestId());
    assert.equal(seen.size, 5000);
  });

  test('every character of the alphabet turns up at every position', () => {
    const ids = Array.from({ length: 5000 }, () => newRequestId());
    for (let position = 0; position < 52; position++) {
      const characters = new Set(ids.map((id) => id[position]));
      assert.equal(characters.size, 36, `position ${position}`);
    }
  });
});
