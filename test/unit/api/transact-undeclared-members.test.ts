/**
 * Regression tests for bugs the request fuzzer (test/fuzz/request-body.test.ts) found: a
 * transaction action's undeclared legacy members reached the shared condition and projection
 * helpers unvalidated. `TransactItems[].Get.AttributesToGet` given as an object answered 500
 * ("names is not iterable"), and `Put.Expected` was honoured. DynamoDB's Get, Put, Update,
 * Delete and ConditionCheck declare neither, and its deserialiser ignores unknown members.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../../src/api/action.js';
import { actionsByName } from '../../../src/api/actions.js';
import { testContext } from './test-context.js';

type Context = Awaited<ReturnType<typeof testContext>>;

async function call(context: Context, name: string, body: JsonObject): Promise<JsonObject> {
  const action = actionsByName.get(name);
  assert.ok(action, `${name} is registered`);
  return await action.run(context, body);
}

/** The stored item as plain JSON (GetItem may answer with pre-serialised JSON text). */
async function storedItem(context: Context): Promise<unknown> {
  const got = await call(context, 'GetItem', { TableName: 'txn', Key: { id: { S: 'k' } } });
  return got['Item'] === undefined ? undefined : JSON.parse(JSON.stringify(got['Item']));
}

async function contextWithItem(): Promise<Context> {
  const context = await testContext();
  await call(context, 'CreateTable', {
    TableName: 'txn',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  await call(context, 'PutItem', { TableName: 'txn', Item: { id: { S: 'k' }, a: { S: 'x' }, b: { N: '1' } } });
  return context;
}

describe('transactions ignore undeclared legacy members', () => {
  test('TransactGetItems: Get.AttributesToGet (even malformed) is ignored; the whole item comes back', async () => {
    const context = await contextWithItem();
    for (const attributesToGet of [{ ExclusiveStartTableName: null }, ['a'], 5]) {
      const answer = await call(context, 'TransactGetItems', { TransactItems: [{ Get: { TableName: 'txn', Key: { id: { S: 'k' } }, AttributesToGet: attributesToGet } }] });
      assert.deepEqual(JSON.parse(JSON.stringify(answer['Responses'])), [{ Item: { id: { S: 'k' }, a: { S: 'x' }, b: { N: '1' } } }]);
    }
  });

  test('TransactWriteItems: Put.Expected (even malformed) is ignored; the put is unconditional', async () => {
    const context = await contextWithItem();
    for (const expected of [{ a: null }, { a: { Exists: false } }, 'nonsense']) {
      await call(context, 'TransactWriteItems', { TransactItems: [{ Put: { TableName: 'txn', Item: { id: { S: 'k' }, a: { S: 'y' } }, Expected: expected } }] });
    }
    assert.deepEqual(await storedItem(context), { id: { S: 'k' }, a: { S: 'y' } });
  });

  test('TransactWriteItems: Delete and ConditionCheck ignore Expected too', async () => {
    const context = await contextWithItem();
    await call(context, 'TransactWriteItems', {
      TransactItems: [{ ConditionCheck: { TableName: 'txn', Key: { id: { S: 'k' } }, ConditionExpression: 'attribute_exists(id)', Expected: { id: { Exists: false } } } }],
    });
    await call(context, 'TransactWriteItems', { TransactItems: [{ Delete: { TableName: 'txn', Key: { id: { S: 'k' } }, Expected: { a: 7 } } }] });
    assert.equal(await storedItem(context), undefined);
  });
});
