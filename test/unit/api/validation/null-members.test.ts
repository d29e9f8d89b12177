/**
 * Regression tests for bugs the request fuzzer (test/fuzz/request-body.test.ts) found: a JSON
 * null inside a list or map reached action code and answered 500 InternalServerError
 * (`"Tags": [null]`, `"Expected": {"a": null}`, `"RequestItems": {"t": null}`,
 * `"AttributeDefinitions": [null]`, `"AttributeUpdates": {"c": null}`). It is refused before
 * any action code runs, in coral's words for a missing member.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoError } from '../../../../src/errors.js';
import { checkRequest } from '../../../../src/api/validation/check-request.js';
import { attributeMap, attributeValue, list, map, request, string, structure } from '../../../../src/api/validation/shape.js';

const shape = request({
  Tags: list(structure('Tag', { Key: string({ notNull: true }), Value: string({ notNull: true }) })),
  Names: list(string()),
  Updates: map(structure('AttributeValueUpdate', { Action: string() })),
  RequestItems: map(list(structure('WriteRequest', { Key: attributeMap() }))),
  Keys: list(attributeMap()),
  Values: list(attributeValue()),
  Item: attributeMap(),
});

function validationMessage(body: Record<string, unknown>): string {
  try {
    checkRequest(shape, body);
  } catch (error) {
    assert.ok(error instanceof DynamoError, `not a DynamoError: ${String(error)}`);
    assert.equal(error.errorName, 'ValidationException');
    return error.message;
  }
  assert.fail('expected a ValidationException');
}

describe('null members of lists and maps', () => {
  test('a null structure in a list', () => {
    assert.equal(
      validationMessage({ Tags: [{ Key: 'k', Value: 'v' }, null] }),
      "1 validation error detected: Value null at 'tags.2.member' failed to satisfy constraint: Member must not be null",
    );
  });

  test('a null string in a list', () => {
    assert.equal(
      validationMessage({ Names: ['a', null] }),
      "1 validation error detected: Value null at 'names.2.member' failed to satisfy constraint: Member must not be null",
    );
  });

  test('a null structure or list as a map value', () => {
    assert.equal(
      validationMessage({ Updates: { c: null } }),
      "1 validation error detected: Value null at 'updates.c.member' failed to satisfy constraint: Member must not be null",
    );
    assert.equal(
      validationMessage({ RequestItems: { t: null } }),
      "1 validation error detected: Value null at 'requestItems.t.member' failed to satisfy constraint: Member must not be null",
    );
  });

  test('a null attribute map in a list', () => {
    assert.equal(
      validationMessage({ Keys: [null] }),
      "1 validation error detected: Value null at 'keys.1.member' failed to satisfy constraint: Member must not be null",
    );
  });

  test('null attribute values are left to the item validator', () => {
    assert.doesNotThrow(() => checkRequest(shape, { Values: [null], Item: { a: null } }));
  });
});
