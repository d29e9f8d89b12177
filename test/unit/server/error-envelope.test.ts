import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DynamoError, conditionalCheckFailed, validationError } from '../../../src/errors.js';
import { errorEnvelopeJson, errorStatus } from '../../../src/server/error-envelope.js';

describe('errorEnvelopeJson', () => {
  test('service errors spell the key "message"', () => {
    assert.equal(
      errorEnvelopeJson(validationError('bad')),
      '{"__type":"com.amazon.coral.validate#ValidationException","message":"bad"}',
    );
    assert.equal(
      errorEnvelopeJson(new DynamoError('MissingAuthenticationTokenException', 'Request is missing Authentication Token')),
      '{"__type":"com.amazon.coral.service#MissingAuthenticationTokenException","message":"Request is missing Authentication Token"}',
    );
  });

  test('SerializationException and TransactionCanceledException spell it "Message"', () => {
    assert.equal(
      errorEnvelopeJson(new DynamoError('SerializationException', 'Start of list found where not expected')),
      '{"__type":"com.amazon.coral.service#SerializationException","Message":"Start of list found where not expected"}',
    );
    const reasons = [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }];
    assert.equal(
      errorEnvelopeJson(new DynamoError('TransactionCanceledException', 'Transaction cancelled', { CancellationReasons: reasons })),
      '{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","CancellationReasons":' +
        JSON.stringify(reasons) +
        ',"Message":"Transaction cancelled"}',
    );
  });

  test('no message key at all when the error has none', () => {
    assert.equal(errorEnvelopeJson(new DynamoError('SerializationException', undefined)), '{"__type":"com.amazon.coral.service#SerializationException"}');
    assert.equal(errorEnvelopeJson(new DynamoError('UnknownOperationException', undefined)), '{"__type":"com.amazon.coral.service#UnknownOperationException"}');
  });

  test('extra members are carried', () => {
    const body = JSON.parse(errorEnvelopeJson(conditionalCheckFailed({ id: { S: 'a' } })));
    assert.deepEqual(body, {
      __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      Item: { id: { S: 'a' } },
      message: 'The conditional request failed',
    });
  });

  test('status comes from the catalogue', () => {
    assert.equal(errorStatus(validationError('x')), 400);
    assert.equal(errorStatus(new DynamoError('InternalServerError', 'x')), 500);
  });
});
