import assert from 'node:assert/strict';
import { DynamoError } from '../../../src/errors.js';

/** Runs `fn` and returns the ValidationException message it throws (fails if it does not). */
export function validationMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DynamoError, `expected a DynamoError, got ${String(error)}`);
    assert.equal(error.errorName, 'ValidationException');
    return error.message;
  }
  assert.fail('expected a ValidationException, got a result');
}
