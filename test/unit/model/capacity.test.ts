import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readCapacityUnits, writeCapacityUnits } from '../../../src/model/capacity.js';

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
