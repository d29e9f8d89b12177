/**
 * PutItem, GetItem and DeleteItem through the AWS SDK v3 against a running server: round trips,
 * DynamoDB's canonical numbers, ReturnValues, consumed capacity, conditions, and the exact errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { tableDefinition } from '../../helpers/tables.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

let server: TestServer;

async function createTable(name: string, withRange: boolean): Promise<void> {
  await server.client.send(new CreateTableCommand(tableDefinition({ TableName: name, key: withRange ? { pk: 'S', sk: 'N' } : { pk: 'S' } })));
}

async function expectError(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

before(async () => {
  server = await startTestServer();
  await createTable('items', false);
  await createTable('ranged', true);
});
after(() => server.close());

describe('PutItem and GetItem', () => {
  test('round trip every attribute type, numbers in canonical form', async () => {
    const item: Record<string, AttributeValue> = {
      pk: { S: 'all-types' },
      s: { S: '' },
      n: { N: '0012.500' },
      big: { N: '1E+3' },
      b: { B: new Uint8Array([0, 1, 255]) },
      ss: { SS: ['a', 'b'] },
      ns: { NS: ['1', '2.50'] },
      bs: { BS: [new Uint8Array([1]), new Uint8Array([2])] },
      m: { M: { inner: { L: [{ NULL: true }, { BOOL: false }, { N: '-0.0' }] } } },
    };
    await server.client.send(new PutItemCommand({ TableName: 'items', Item: item }));
    const got = await server.client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'all-types' } }, ConsistentRead: true }));
    assert.deepEqual(got.Item, {
      ...item,
      n: { N: '12.5' },
      big: { N: '1000' },
      ns: { NS: ['1', '2.5'] },
      m: { M: { inner: { L: [{ NULL: true }, { BOOL: false }, { N: '0' }] } } },
    });
  });

  test('a missing item answers with no Item member', async () => {
    const got = await server.client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'absent' } } }));
    assert.equal(got.Item, undefined);
  });

  test('the document client round-trips native values', async () => {
    await server.documentClient.send(new PutCommand({ TableName: 'ranged', Item: { pk: 'doc', sk: 7, tags: new Set(['x']), nested: { list: [1, 'two', null] } } }));
    const got = await server.documentClient.send(new GetCommand({ TableName: 'ranged', Key: { pk: 'doc', sk: 7 } }));
    assert.deepEqual(got.Item, { pk: 'doc', sk: 7, tags: new Set(['x']), nested: { list: [1, 'two', null] } });
    const deleted = await server.documentClient.send(new DeleteCommand({ TableName: 'ranged', Key: { pk: 'doc', sk: 7 }, ReturnValues: 'ALL_OLD' }));
    assert.equal(deleted.Attributes?.['pk'], 'doc');
  });

  test('ReturnValues ALL_OLD returns the replaced item, and nothing for a new one', async () => {
    const first = await server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'rv' }, v: { N: '1' } }, ReturnValues: 'ALL_OLD' }));
    assert.equal(first.Attributes, undefined);
    const second = await server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'rv' }, v: { N: '2' } }, ReturnValues: 'ALL_OLD' }));
    assert.deepEqual(second.Attributes, { pk: { S: 'rv' }, v: { N: '1' } });
  });

  test('consumed capacity: writes per 1 KB of the larger image, reads per 4 KB, eventual reads half', async () => {
    const big = 'x'.repeat(5000);
    const put = await server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'cap' }, v: { S: big } }, ReturnConsumedCapacity: 'TOTAL' }));
    assert.deepEqual(put.ConsumedCapacity, { TableName: 'items', CapacityUnits: 5 });
    const shrink = await server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'cap' } }, ReturnConsumedCapacity: 'INDEXES' }));
    assert.deepEqual(shrink.ConsumedCapacity, { TableName: 'items', CapacityUnits: 5, Table: { CapacityUnits: 5 } });
    await server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'cap' }, v: { S: big } } }));
    const strong = await server.client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'cap' } }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }));
    assert.deepEqual(strong.ConsumedCapacity, { TableName: 'items', CapacityUnits: 2 });
    const eventual = await server.client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'cap' } }, ReturnConsumedCapacity: 'TOTAL' }));
    assert.deepEqual(eventual.ConsumedCapacity, { TableName: 'items', CapacityUnits: 1 });
    const missing = await server.client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'nope' } }, ReturnConsumedCapacity: 'TOTAL' }));
    assert.deepEqual(missing.ConsumedCapacity, { TableName: 'items', CapacityUnits: 0.5 });
    const none = await server.client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'cap' } }, ReturnConsumedCapacity: 'NONE' }));
    assert.equal(none.ConsumedCapacity, undefined);
  });

  test('ProjectionExpression and AttributesToGet return only the named attributes', async () => {
    await server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'proj' }, a: { N: '1' }, b: { M: { c: { S: 'deep' }, d: { N: '2' } } }, l: { L: [{ S: 'x' }, { S: 'y' }] } } }));
    const projected = await server.client.send(new GetItemCommand({
      TableName: 'items', Key: { pk: { S: 'proj' } }, ProjectionExpression: '#b.c, l[1], a', ExpressionAttributeNames: { '#b': 'b' },
    }));
    assert.deepEqual(projected.Item, { a: { N: '1' }, b: { M: { c: { S: 'deep' } } }, l: { L: [{ S: 'y' }] } });
    const legacy = await server.client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'proj' } }, AttributesToGet: ['a', 'missing'] }));
    assert.deepEqual(legacy.Item, { a: { N: '1' } });
  });
});

describe('conditions', () => {
  test('attribute_not_exists guards a create; the failure can return the old item', async () => {
    const guard = { TableName: 'items', ConditionExpression: 'attribute_not_exists(pk)' };
    await server.client.send(new PutItemCommand({ ...guard, Item: { pk: { S: 'once' }, v: { N: '1' } } }));
    await expectError(server.client.send(new PutItemCommand({ ...guard, Item: { pk: { S: 'once' }, v: { N: '2' } } })), 'ConditionalCheckFailedException', 'The conditional request failed');
    await assert.rejects(
      server.client.send(new PutItemCommand({ ...guard, Item: { pk: { S: 'once' }, v: { N: '3' } }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })),
      (error: ConditionalCheckFailedException) => {
        assert.deepEqual(error.Item, { pk: { S: 'once' }, v: { N: '1' } });
        return true;
      },
    );
    const got = await server.client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'once' } }, ConsistentRead: true }));
    assert.deepEqual(got.Item, { pk: { S: 'once' }, v: { N: '1' } }, 'a failed condition writes nothing');
  });

  test('conditional delete, expression and legacy Expected', async () => {
    await server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'del' }, v: { N: '5' } } }));
    await expectError(
      server.client.send(new DeleteItemCommand({ TableName: 'items', Key: { pk: { S: 'del' } }, ConditionExpression: 'v > :min', ExpressionAttributeValues: { ':min': { N: '10' } } })),
      'ConditionalCheckFailedException', 'The conditional request failed',
    );
    await expectError(
      server.client.send(new DeleteItemCommand({ TableName: 'items', Key: { pk: { S: 'del' } }, Expected: { v: { Value: { N: '6' } } } })),
      'ConditionalCheckFailedException', 'The conditional request failed',
    );
    const deleted = await server.client.send(new DeleteItemCommand({
      TableName: 'items', Key: { pk: { S: 'del' } }, Expected: { v: { ComparisonOperator: 'EQ', AttributeValueList: [{ N: '5' }] } }, ReturnValues: 'ALL_OLD',
    }));
    assert.deepEqual(deleted.Attributes, { pk: { S: 'del' }, v: { N: '5' } });
  });
});

describe('errors', () => {
  test('unknown table', async () => {
    await expectError(server.client.send(new GetItemCommand({ TableName: 'no_such_table', Key: { pk: { S: 'a' } } })), 'ResourceNotFoundException', 'Requested resource not found');
    await expectError(server.client.send(new PutItemCommand({ TableName: 'no_such_table', Item: { pk: { S: 'a' } } })), 'ResourceNotFoundException', 'Requested resource not found');
  });

  test('keys that do not match the schema', async () => {
    const mismatch = 'The provided key element does not match the schema';
    await expectError(server.client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { N: '1' } } })), 'ValidationException', mismatch);
    await expectError(server.client.send(new GetItemCommand({ TableName: 'items', Key: { other: { S: 'a' } } })), 'ValidationException', mismatch);
    await expectError(server.client.send(new GetItemCommand({ TableName: 'ranged', Key: { pk: { S: 'a' } } })), 'ValidationException', mismatch);
    await expectError(server.client.send(new DeleteItemCommand({ TableName: 'items', Key: { pk: { S: 'a' }, extra: { S: 'b' } } })), 'ValidationException', mismatch);
  });

  test('items missing or mistyping a key attribute', async () => {
    await expectError(server.client.send(new PutItemCommand({ TableName: 'items', Item: { other: { S: 'a' } } })), 'ValidationException',
      'One or more parameter values were invalid: Missing the key pk in the item');
    await expectError(server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { N: '1' } } })), 'ValidationException',
      'One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N');
    await expectError(server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: '' } } })), 'ValidationException',
      'One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk');
  });

  test('oversize keys and items', async () => {
    await expectError(server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'k'.repeat(2049) } } })), 'ValidationException',
      'One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes');
    await expectError(server.client.send(new PutItemCommand({ TableName: 'ranged', Item: { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'x'.repeat(400 * 1024) } } })), 'ValidationException',
      'Item size has exceeded the maximum allowed size');
  });

  test('invalid attribute values', async () => {
    await expectError(server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'a' }, s: { SS: [] } } })), 'ValidationException',
      'One or more parameter values were invalid: An string set  may not be empty');
    await expectError(server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'a' }, n: { N: 'abc' } } })), 'ValidationException',
      'The parameter cannot be converted to a numeric value: abc');
  });

  test('PutItem accepts only NONE and ALL_OLD as ReturnValues', async () => {
    await expectError(server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'a' } }, ReturnValues: 'ALL_NEW' })), 'ValidationException',
      'ReturnValues can only be ALL_OLD or NONE');
  });

  test('expression and non-expression parameters cannot be mixed', async () => {
    await expectError(server.client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'a' } }, AttributesToGet: ['a'], ProjectionExpression: 'a' })), 'ValidationException',
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}');
  });

  test('a rejected request changes nothing', async () => {
    await server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'keep' }, v: { N: '1' } } }));
    await assert.rejects(server.client.send(new PutItemCommand({ TableName: 'items', Item: { pk: { S: 'keep' }, v: { N: '1' }, bad: { NS: ['1', '1.0'] } } })));
    const got = await server.client.send(new GetItemCommand({ TableName: 'items', Key: { pk: { S: 'keep' } }, ConsistentRead: true }));
    assert.deepEqual(got.Item, { pk: { S: 'keep' }, v: { N: '1' } });
  });
});

describe('an attribute named __proto__', () => {
  // Any string is an attribute name. The AWS SDK for JavaScript loses this one (its deserializer
  // assigns members, which sets an object's prototype), so these requests and answers go as raw
  // JSON: the answers are compared as text.
  async function call(operation: string, json: string): Promise<string> {
    const response = await server.rawRequest(operation, JSON.parse(json));
    assert.equal(response.statusCode, 200, response.text);
    return response.text;
  }

  test('is stored, projected, updated (also into a new item and a new map member) and returned like any other', async () => {
    const names = '"ExpressionAttributeNames":{"#p":"__proto__"}';
    await call('PutItem', '{"TableName":"items","Item":{"pk":{"S":"proto"},"__proto__":{"S":"v1"},"m":{"M":{"__proto__":{"N":"1"}}}}}');
    assert.equal(
      await call('GetItem', `{"TableName":"items","Key":{"pk":{"S":"proto"}},"ProjectionExpression":"#p, m.#p",${names}}`),
      '{"Item":{"__proto__":{"S":"v1"},"m":{"M":{"__proto__":{"N":"1"}}}}}',
    );
    assert.equal(await call('GetItem', '{"TableName":"items","Key":{"pk":{"S":"proto"}},"AttributesToGet":["__proto__"]}'), '{"Item":{"__proto__":{"S":"v1"}}}');
    assert.equal(
      await call('UpdateItem', `{"TableName":"items","Key":{"pk":{"S":"proto"}},"UpdateExpression":"SET #p = :v",${names},"ExpressionAttributeValues":{":v":{"S":"v2"}},"ReturnValues":"UPDATED_OLD"}`),
      '{"Attributes":{"__proto__":{"S":"v1"}}}',
    );
    // A new item made by an update (this answered 500 when the member was assigned).
    assert.equal(
      await call(
        'UpdateItem',
        `{"TableName":"items","Key":{"pk":{"S":"proto-new"}},"UpdateExpression":"SET #p = :v, #q = :m",${names.replace('}', ',"#q":"q"}')},"ExpressionAttributeValues":{":v":{"S":"new"},":m":{"M":{}}},"ReturnValues":"ALL_NEW"}`,
      ),
      '{"Attributes":{"pk":{"S":"proto-new"},"__proto__":{"S":"new"},"q":{"M":{}}}}',
    );
    assert.equal(
      await call('UpdateItem', `{"TableName":"items","Key":{"pk":{"S":"proto-new"}},"UpdateExpression":"SET q.#p = :v",${names},"ExpressionAttributeValues":{":v":{"N":"7"}},"ReturnValues":"UPDATED_NEW"}`),
      '{"Attributes":{"q":{"M":{"__proto__":{"N":"7"}}}}}',
    );
    assert.equal(
      await call('BatchGetItem', `{"RequestItems":{"items":{"Keys":[{"pk":{"S":"proto-new"}}],"ProjectionExpression":"#p",${names}}}}`),
      '{"Responses":{"items":[{"__proto__":{"S":"new"}}]},"UnprocessedKeys":{}}',
    );
  });
});
