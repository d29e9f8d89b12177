/**
 * UpdateItem through the AWS SDK v3: every clause, every ReturnValues option, conditions, the
 * legacy AttributeUpdates, and DynamoDB's errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

let server: TestServer;
const TableName = 'updates';

async function put(item: Record<string, AttributeValue>): Promise<void> {
  await server.client.send(new PutItemCommand({ TableName, Item: item }));
}
async function get(id: string): Promise<Record<string, AttributeValue> | undefined> {
  return (await server.client.send(new GetItemCommand({ TableName, Key: { id: { S: id } }, ConsistentRead: true }))).Item;
}
async function expectValidation(input: Omit<ConstructorParameters<typeof UpdateItemCommand>[0], 'TableName'>, message: string): Promise<void> {
  await assert.rejects(server.client.send(new UpdateItemCommand({ TableName, ...input })), (error: Error) => {
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, message);
    return true;
  });
}

before(async () => {
  server = await startTestServer();
  await server.client.send(new CreateTableCommand({
    TableName,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
});
after(() => server.close());

describe('UpdateItem', () => {
  test('creates a missing item from its key and the SET values', async () => {
    const result = await server.client.send(new UpdateItemCommand({
      TableName, Key: { id: { S: 'new' } }, UpdateExpression: 'SET a = :a, b = if_not_exists(b, :zero) + :one',
      ExpressionAttributeValues: { ':a': { S: 'x' }, ':zero': { N: '0' }, ':one': { N: '1' } }, ReturnValues: 'ALL_NEW',
    }));
    assert.deepEqual(result.Attributes, { id: { S: 'new' }, a: { S: 'x' }, b: { N: '1' } });
    assert.deepEqual(await get('new'), { id: { S: 'new' }, a: { S: 'x' }, b: { N: '1' } });
  });

  test('an update with no actions creates the item with only its key; REMOVE alone creates nothing', async () => {
    await server.client.send(new UpdateItemCommand({ TableName, Key: { id: { S: 'bare' } } }));
    assert.deepEqual(await get('bare'), { id: { S: 'bare' } });
    await server.client.send(new UpdateItemCommand({ TableName, Key: { id: { S: 'ghost' } }, UpdateExpression: 'REMOVE a' }));
    assert.equal(await get('ghost'), undefined);
  });

  test('SET arithmetic, list_append, nested paths, REMOVE with index shifting, ADD and DELETE on sets', async () => {
    await put({ id: { S: 'doc' }, n: { N: '10' }, l: { L: [{ S: 'a' }, { S: 'b' }, { S: 'c' }] }, m: { M: { x: { N: '1' } } }, s: { SS: ['p', 'q'] } });
    await server.client.send(new UpdateItemCommand({
      TableName, Key: { id: { S: 'doc' } },
      UpdateExpression: 'SET n = n - :d, l = list_append(l, :more), m.y = :y REMOVE m.x ADD s :r, c :one',
      ExpressionAttributeValues: { ':d': { N: '0.5' }, ':more': { L: [{ S: 'd' }] }, ':y': { BOOL: true }, ':r': { SS: ['r'] }, ':one': { N: '1' } },
    }));
    assert.deepEqual(await get('doc'), {
      id: { S: 'doc' }, n: { N: '9.5' }, l: { L: [{ S: 'a' }, { S: 'b' }, { S: 'c' }, { S: 'd' }] }, m: { M: { y: { BOOL: true } } }, s: { SS: ['p', 'q', 'r'] }, c: { N: '1' },
    });
    await server.client.send(new UpdateItemCommand({ TableName, Key: { id: { S: 'doc' } }, UpdateExpression: 'REMOVE l[0], l[2]' }));
    assert.deepEqual((await get('doc'))?.['l'], { L: [{ S: 'b' }, { S: 'd' }] });
    await server.client.send(new UpdateItemCommand({ TableName, Key: { id: { S: 'doc' } }, UpdateExpression: 'DELETE s :all', ExpressionAttributeValues: { ':all': { SS: ['p', 'q', 'r'] } } }));
    assert.equal((await get('doc'))?.['s'], undefined, 'a set emptied by DELETE is removed');
  });

  test('every ReturnValues option', async () => {
    const base = { id: { S: 'rv' }, a: { N: '1' }, b: { S: 'keep' } };
    const send = async (ReturnValues: 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW') => {
      await put(base);
      return (await server.client.send(new UpdateItemCommand({
        TableName, Key: { id: { S: 'rv' } }, UpdateExpression: 'SET a = :two, c = :c', ExpressionAttributeValues: { ':two': { N: '2' }, ':c': { S: 'new' } }, ReturnValues,
      }))).Attributes;
    };
    assert.equal(await send('NONE'), undefined);
    assert.deepEqual(await send('ALL_OLD'), base);
    assert.deepEqual(await send('UPDATED_OLD'), { a: { N: '1' } });
    assert.deepEqual(await send('ALL_NEW'), { ...base, a: { N: '2' }, c: { S: 'new' } });
    assert.deepEqual(await send('UPDATED_NEW'), { a: { N: '2' }, c: { S: 'new' } });
  });

  test('a failed condition changes nothing and can return the item', async () => {
    await put({ id: { S: 'cond' }, v: { N: '1' } });
    await assert.rejects(
      server.client.send(new UpdateItemCommand({
        TableName, Key: { id: { S: 'cond' } }, UpdateExpression: 'SET v = :v', ConditionExpression: 'v = :expected',
        ExpressionAttributeValues: { ':v': { N: '5' }, ':expected': { N: '2' } }, ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      })),
      (error: Error & { Item?: unknown }) => {
        assert.equal(error.name, 'ConditionalCheckFailedException');
        assert.deepEqual(error.Item, { id: { S: 'cond' }, v: { N: '1' } });
        return true;
      },
    );
    assert.deepEqual(await get('cond'), { id: { S: 'cond' }, v: { N: '1' } });
  });

  test('legacy AttributeUpdates and Expected', async () => {
    await put({ id: { S: 'legacy' }, n: { N: '1' }, gone: { S: 'x' } });
    await server.client.send(new UpdateItemCommand({
      TableName, Key: { id: { S: 'legacy' } },
      AttributeUpdates: { n: { Action: 'ADD', Value: { N: '2' } }, gone: { Action: 'DELETE' }, fresh: { Value: { S: 'y' } } },
      Expected: { n: { Value: { N: '1' } } },
    }));
    assert.deepEqual(await get('legacy'), { id: { S: 'legacy' }, n: { N: '3' }, fresh: { S: 'y' } });
  });

  test('errors', async () => {
    await expectValidation({ Key: { id: { S: 'e' } }, UpdateExpression: 'SET id = :v', ExpressionAttributeValues: { ':v': { S: 'x' } } },
      'One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key');
    await expectValidation({ Key: { id: { S: 'e' } }, UpdateExpression: 'SET a = :v', ExpressionAttributeValues: { ':v': { S: 'x' }, ':unused': { S: 'y' } } },
      'Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}');
    await expectValidation({ Key: { id: { S: 'e' } }, UpdateExpression: 'SET a' },
      'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "a"');
    await put({ id: { S: 'typed' }, s: { S: 'text' } });
    await expectValidation({ Key: { id: { S: 'typed' } }, UpdateExpression: 'SET s = s + :one', ExpressionAttributeValues: { ':one': { N: '1' } } },
      'An operand in the update expression has an incorrect data type');
    await expectValidation({ Key: { id: { S: 'e' } }, UpdateExpression: 'SET a = :v', AttributeUpdates: { a: { Value: { S: 'x' } } }, ExpressionAttributeValues: { ':v': { S: 'x' } } },
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}');
  });
});
