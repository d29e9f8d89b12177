import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { keyNames, scalarOf, type AttributeValue } from '../../../src/model/attribute-value.js';

describe('attribute values', () => {
  test('keyNames lists the partition key, then the sort key if any', () => {
    assert.deepEqual(keyNames({ hashName: 'pk' }), ['pk']);
    assert.deepEqual(keyNames({ hashName: 'pk', rangeName: 'sk' }), ['pk', 'sk']);
  });

  test('scalarOf reads a key value of the given type, and nothing else', () => {
    assert.equal(scalarOf({ S: 'x' }, 'S'), 'x');
    assert.equal(scalarOf({ S: '' }, 'S'), '');
    assert.equal(scalarOf({ N: '-1.5' }, 'N'), '-1.5');
    assert.equal(scalarOf({ B: 'AQ==' }, 'B'), 'AQ==');
    // Another type, a set of the type, or no value at all: undefined.
    assert.equal(scalarOf({ N: '1' }, 'S'), undefined);
    assert.equal(scalarOf({ SS: ['x'] }, 'S'), undefined);
    assert.equal(scalarOf({ BOOL: true }, 'B'), undefined);
    assert.equal(scalarOf(undefined, 'S'), undefined);
    // A malformed value that slipped through as the right member but not a string.
    assert.equal(scalarOf({ S: 5 } as unknown as AttributeValue, 'S'), undefined);
  });
});
