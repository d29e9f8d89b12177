import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamoError } from '../../../../src/errors.js';
import { checkRequest } from '../../../../src/api/validation/check-request.js';
import { attributeMap, attributeValue, boolean, blob, integer, list, long, map, request, string, structure } from '../../../../src/api/validation/shape.js';
import {
  controlPlaneTableName,
  globalSecondaryIndex,
  localSecondaryIndex,
  provisionedThroughput,
  tableKeySchema,
  attributeDefinition,
  tableName,
} from '../../../../src/api/validation/common-shapes.js';

function failure(fn: () => unknown): DynamoError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DynamoError) return error;
    throw error;
  }
  assert.fail('expected a DynamoError');
}

function serialization(shape: Parameters<typeof checkRequest>[0], body: Record<string, unknown>): string {
  const error = failure(() => checkRequest(shape, body));
  assert.equal(error.errorName, 'SerializationException');
  return error.message;
}

function validation(shape: Parameters<typeof checkRequest>[0], body: Record<string, unknown>): string {
  const error = failure(() => checkRequest(shape, body));
  assert.equal(error.errorName, 'ValidationException');
  return error.message;
}

const scalars = request({
  Str: string(),
  Bool: boolean(),
  Lng: long(),
  Int: integer(),
  Bin: blob(),
  Lst: list(string()),
  Mp: map(string()),
  Struct: structure('Projection', { ProjectionType: string() }),
  Structs: list(structure('KeySchemaElement', { AttributeName: string() })),
  Nested: map(list(string())),
  Item: attributeMap(),
  Value: attributeValue(),
});

describe('JSON types (SerializationException)', () => {
  const cases: [string, unknown, string][] = [
    ['Str', true, 'TRUE_VALUE cannot be converted to String'],
    ['Str', false, 'FALSE_VALUE cannot be converted to String'],
    ['Str', 23, 'NUMBER_VALUE cannot be converted to String'],
    ['Str', 34.56, 'DECIMAL_VALUE cannot be converted to String'],
    ['Str', [], 'Unrecognized collection type class java.lang.String'],
    ['Str', {}, 'Start of structure or map found where not expected'],
    ['Bool', '23', 'Unexpected token received from parser'],
    ['Bool', 23, 'NUMBER_VALUE cannot be converted to Boolean'],
    ['Bool', 34.56, 'DECIMAL_VALUE cannot be converted to Boolean'],
    ['Bool', [], 'Unrecognized collection type class java.lang.Boolean'],
    ['Bool', {}, 'Start of structure or map found where not expected'],
    ['Lng', '23', 'STRING_VALUE cannot be converted to Long'],
    ['Lng', true, 'TRUE_VALUE cannot be converted to Long'],
    ['Lng', [], 'Unrecognized collection type class java.lang.Long'],
    ['Lng', {}, 'Start of structure or map found where not expected'],
    ['Int', false, 'FALSE_VALUE cannot be converted to Integer'],
    ['Int', '1', 'STRING_VALUE cannot be converted to Integer'],
    ['Bin', true, 'only base-64-encoded strings are convertible to bytes'],
    ['Bin', 34.56, 'only base-64-encoded strings are convertible to bytes'],
    ['Bin', [], 'Unrecognized collection type class java.nio.ByteBuffer'],
    ['Bin', {}, 'Start of structure or map found where not expected'],
    ['Bin', '23456', 'Base64 encoded length is expected a multiple of 4 bytes but found: 5'],
    ['Bin', '=+/=', 'Invalid last non-pad Base64 character dectected'],
    ['Bin', '+/+=', 'Invalid last non-pad Base64 character dectected'],
    ['Lst', '23', 'Unexpected field type'],
    ['Lst', 23, 'Unexpected field type'],
    ['Lst', {}, 'Start of structure or map found where not expected'],
    ['Mp', true, 'Unexpected field type'],
    ['Mp', [], 'Unrecognized collection type java.util.Map<java.lang.String, java.lang.String>'],
    ['Struct', 'x', 'Unexpected field type'],
    ['Struct', [], 'Unrecognized collection type class com.amazonaws.dynamodb.v20120810.Projection'],
    ['Structs', ['x'], 'Unexpected value type in payload'],
    ['Structs', [[]], 'Unrecognized collection type class com.amazonaws.dynamodb.v20120810.KeySchemaElement'],
    ['Nested', { a: 'x' }, "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and java.lang.Class are in module java.base of loader 'bootstrap')"],
    ['Item', [], 'Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>'],
    ['Item', { a: 'x' }, 'Unexpected value type in payload'],
    ['Item', { a: [] }, 'Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue'],
    ['Item', { a: { S: 5 } }, 'NUMBER_VALUE cannot be converted to String'],
    ['Item', { a: { N: true } }, 'TRUE_VALUE cannot be converted to String'],
    ['Item', { a: { B: 'abc' } }, 'Base64 encoded length is expected a multiple of 4 bytes but found: 3'],
    ['Item', { a: { B: 'not base64!!' } }, 'Invalid last non-pad Base64 character dectected'],
    ['Item', { a: { BOOL: 'maybe' } }, 'Unexpected token received from parser'],
    ['Item', { a: { NULL: 1 } }, 'NUMBER_VALUE cannot be converted to Boolean'],
    ['Item', { a: { SS: 'x' } }, 'Unexpected field type'],
    ['Item', { a: { SS: [1] } }, 'NUMBER_VALUE cannot be converted to String'],
    ['Item', { a: { BS: ['a'] } }, 'Base64 encoded length is expected a multiple of 4 bytes but found: 1'],
    ['Item', { a: { L: {} } }, 'Start of structure or map found where not expected'],
    ['Item', { a: { L: ['x'] } }, 'Unexpected value type in payload'],
    ['Item', { a: { L: [{ BS: [true] }] } }, 'only base-64-encoded strings are convertible to bytes'],
    ['Item', { a: { M: [] } }, 'Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>'],
    ['Item', { a: { M: 5 } }, 'Unexpected field type'],
    ['Item', { a: { M: { b: 5 } } }, 'Unexpected value type in payload'],
    ['Value', 'x', 'Unexpected field type'],
  ];
  for (const [member, value, message] of cases) {
    test(`${member} = ${JSON.stringify(value)}`, () => {
      assert.equal(serialization(scalars, { [member]: value }), message);
    });
  }

  test('the first wrong type in document order wins', () => {
    assert.equal(serialization(scalars, { Lng: 'x', Str: 1 }), 'STRING_VALUE cannot be converted to Long');
    assert.equal(serialization(scalars, { Str: 1, Lng: 'x' }), 'NUMBER_VALUE cannot be converted to String');
  });

  test('type errors come before constraint violations', () => {
    const shape = request({ A: string({ notNull: true }), B: long() });
    assert.equal(serialization(shape, { B: 'x' }), 'STRING_VALUE cannot be converted to Long');
  });

  test('unknown members are ignored, nulls dropped, booleans and longs normalised', () => {
    const body: Record<string, unknown> = {
      Unknown: { any: ['thing'] },
      Str: null,
      Bool: 'TRUE',
      Lng: 2.9,
      Item: { a: { S: 'x', Junk: 5, N: null }, b: { BOOL: 'false' } },
    };
    const checked = checkRequest(scalars, body);
    assert.equal('Str' in checked, false);
    assert.equal(checked.Bool, true);
    assert.equal(checked.Lng, 2);
    assert.deepEqual(checked.Item, { a: { S: 'x' }, b: { BOOL: false } });
  });

  test('canonical base64 passes, including empty and padded values', () => {
    for (const value of ['', 'AAAA', 'AQ==', 'AQI=', Buffer.from('hello world').toString('base64')]) {
      checkRequest(scalars, { Bin: value });
    }
    assert.equal(serialization(scalars, { Bin: 'AR==' }), 'Invalid last non-pad Base64 character dectected');
  });
});

describe('constraints (ValidationException)', () => {
  const createTable = request({
    AttributeDefinitions: list(attributeDefinition, { notNull: true }),
    TableName: controlPlaneTableName(),
    ProvisionedThroughput: provisionedThroughput(false),
    KeySchema: tableKeySchema(),
    LocalSecondaryIndexes: list(localSecondaryIndex),
    GlobalSecondaryIndexes: list(globalSecondaryIndex),
  });

  test('required member and table-name length come first, on their own', () => {
    assert.equal(validation(createTable, {}), "The parameter 'TableName' is required but was not present in the request");
    assert.equal(validation(createTable, { TableName: 'a;' }), 'TableName must be at least 3 characters long and at most 255 characters long');
    assert.equal(
      validation(createTable, { TableName: 'a'.repeat(256) }),
      'TableName must be at least 3 characters long and at most 255 characters long',
    );
  });

  test('constraint violations are collected in shape order', () => {
    assert.equal(
      validation(createTable, { TableName: 'abc;' }),
      '3 validation errors detected: ' +
        "Value null at 'attributeDefinitions' failed to satisfy constraint: Member must not be null; " +
        "Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value null at 'keySchema' failed to satisfy constraint: Member must not be null",
    );
    assert.equal(
      validation(createTable, { TableName: 'abc', AttributeDefinitions: [], ProvisionedThroughput: {} }),
      '3 validation errors detected: ' +
        "Value null at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'keySchema' failed to satisfy constraint: Member must not be null",
    );
  });

  test('one error is "1 validation error detected"', () => {
    assert.equal(
      validation(createTable, {
        TableName: 'abc',
        AttributeDefinitions: [{ AttributeName: 'b', AttributeType: 'SS' }],
        KeySchema: [{ KeyType: 'HASH', AttributeName: 'a' }],
      }),
      "1 validation error detected: Value 'SS' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]",
    );
  });

  test('values are printed the way DynamoDB prints them', () => {
    assert.equal(
      validation(createTable, {
        TableName: 'abc',
        AttributeDefinitions: [],
        KeySchema: [{ KeyType: 'HASH' }, { AttributeName: 'a' }, { KeyType: 'Woop', AttributeName: 'a' }],
        ProvisionedThroughput: { ReadCapacityUnits: -1, WriteCapacityUnits: 0 },
      }),
      '6 validation errors detected: ' +
        "Value '0' at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value '-1' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value '[KeySchemaElement(attributeName=null, keyType=HASH), KeySchemaElement(attributeName=a, keyType=null), KeySchemaElement(attributeName=a, keyType=Woop)]' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2; " +
        "Value null at 'keySchema.1.member.attributeName' failed to satisfy constraint: Member must not be null; " +
        "Value null at 'keySchema.2.member.keyType' failed to satisfy constraint: Member must not be null; " +
        "Value 'Woop' at 'keySchema.3.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]",
    );
    assert.match(
      validation(createTable, { TableName: 'abc', AttributeDefinitions: [], KeySchema: [] }),
      /Value '\[\]' at 'keySchema' failed to satisfy constraint: Member must have length greater than or equal to 1$/,
    );
  });

  test('several constraints on one member are reported in declaration order', () => {
    const name = 'a'.repeat(256);
    assert.equal(
      validation(createTable, {
        TableName: 'abc',
        AttributeDefinitions: [],
        KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }],
        LocalSecondaryIndexes: [
          { IndexName: 'h;', KeySchema: [], Projection: {} },
          { IndexName: name, KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }], Projection: {} },
        ],
      }),
      '4 validation errors detected: ' +
        "Value 'h;' at 'localSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value 'h;' at 'localSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
        "Value '[]' at 'localSecondaryIndexes.1.member.keySchema' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        `Value '${name}' at 'localSecondaryIndexes.2.member.indexName' failed to satisfy constraint: Member must have length less than or equal to 255`,
    );
  });

  test('at most 10 violations are reported', () => {
    const message = validation(createTable, {
      TableName: 'abc',
      AttributeDefinitions: [],
      KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [{}, {}, {}, {}, {}, {}, {}, {}, {}],
    });
    assert.ok(message.startsWith('10 validation errors detected: '));
    const errors = message.slice('10 validation errors detected: '.length).split('; ');
    assert.equal(errors.length, 10);
    assert.equal(errors[0], "Value null at 'globalSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must not be null");
    assert.equal(errors[9], "Value null at 'globalSecondaryIndexes.4.member.indexName' failed to satisfy constraint: Member must not be null");
  });

  test('item-action table names are ordinary constraints', () => {
    const getItem = request({ TableName: tableName(), Key: attributeMap({ notNull: true }) });
    assert.equal(
      validation(getItem, { TableName: 'a;' }),
      '3 validation errors detected: ' +
        "Value 'a;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value 'a;' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
        "Value null at 'key' failed to satisfy constraint: Member must not be null",
    );
  });

  test('map keys and values', () => {
    const batch = request({
      RequestItems: map(list(structure('WriteRequest', { PutRequest: structure('PutRequest', { Item: attributeMap({ notNull: true }) }) })), {
        notNull: true,
        minLength: 1,
        keys: { maxLength: 255, minLength: 3, pattern: '[a-zA-Z0-9_.-]+' },
        values: { maxLength: 25, minLength: 1 },
      }),
    });
    assert.equal(
      validation(batch, { RequestItems: { ab: [] } }),
      '2 validation errors detected: ' +
        "Value '{ab=[]}' at 'requestItems' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]; " +
        "Value '{ab=[]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]",
    );
    assert.equal(
      validation(batch, { RequestItems: { abc: [{ PutRequest: {} }] } }),
      "1 validation error detected: Value null at 'requestItems.abc.member.1.member.putRequest.item' failed to satisfy constraint: Member must not be null",
    );
  });

  test('a valid body comes back typed and unchanged', () => {
    const body = {
      TableName: 'abc',
      AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }],
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
    };
    const checked = checkRequest(createTable, structuredClone(body));
    assert.deepEqual(checked, body);
    const keyType: 'HASH' | 'RANGE' = checked.KeySchema[0]!.KeyType;
    assert.equal(keyType, 'HASH');
  });
});
