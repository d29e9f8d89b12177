/**
 * TransactWriteItems through the AWS SDK v3: every action kind over several tables, all or
 * nothing, every cancellation reason in order, DynamoDB's refusals before anything is applied,
 * and capacity (twice a standard write).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { createTable, startTransactionService, type TransactionService } from './transaction-service.js';

let db: TransactionService;

before(async () => {
  db = await startTransactionService();
  await createTable(db.client, 'tw_a');
  await createTable(db.client, 'tw_b', true);
});
after(() => db.close());

async function get(table: string, key: Record<string, AttributeValue>): Promise<Record<string, AttributeValue> | undefined> {
  return (await db.client.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
}

async function put(table: string, item: Record<string, AttributeValue>): Promise<void> {
  await db.client.send(new PutItemCommand({ TableName: table, Item: item }));
}

async function expectCanceled(items: TransactWriteItem[], reasons: readonly Record<string, unknown>[]): Promise<void> {
  await assert.rejects(db.client.send(new TransactWriteItemsCommand({ TransactItems: items })), (error: Error) => {
    assert.ok(error instanceof TransactionCanceledException, `${error.name}: ${error.message}`);
    const codes = reasons.map((reason) => reason['Code']).join(', ');
    assert.equal(error.message, `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`);
    assert.deepEqual(error.CancellationReasons, reasons);
    return true;
  });
}

async function expectValidation(items: TransactWriteItem[], message: string | RegExp): Promise<void> {
  await assert.rejects(db.client.send(new TransactWriteItemsCommand({ TransactItems: items })), (error: Error) => {
    assert.equal(error.name, 'ValidationException');
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

describe('TransactWriteItems: execution', () => {
  test('Put, Update, Delete and ConditionCheck over two tables apply together', async () => {
    await put('tw_a', { pk: { S: 'upd' }, n: { N: '1' } });
    await put('tw_a', { pk: { S: 'del' } });
    await put('tw_b', { pk: { S: 'chk' }, sk: { N: '1' }, ok: { BOOL: true } });
    const result = await db.client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: 'tw_a', Item: { pk: { S: 'new' }, v: { S: 'x' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
          { Update: { TableName: 'tw_a', Key: { pk: { S: 'upd' } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
          { Delete: { TableName: 'tw_a', Key: { pk: { S: 'del' } }, ConditionExpression: 'attribute_exists(pk)' } },
          { ConditionCheck: { TableName: 'tw_b', Key: { pk: { S: 'chk' }, sk: { N: '1' } }, ConditionExpression: 'ok = :t', ExpressionAttributeValues: { ':t': { BOOL: true } } } },
        ],
      }),
    );
    assert.equal(result.ConsumedCapacity, undefined);
    assert.deepEqual(await get('tw_a', { pk: { S: 'new' } }), { pk: { S: 'new' }, v: { S: 'x' } });
    assert.deepEqual(await get('tw_a', { pk: { S: 'upd' } }), { pk: { S: 'upd' }, n: { N: '2' } });
    assert.equal(await get('tw_a', { pk: { S: 'del' } }), undefined);
    assert.deepEqual(await get('tw_b', { pk: { S: 'chk' }, sk: { N: '1' } }), { pk: { S: 'chk' }, sk: { N: '1' }, ok: { BOOL: true } });
  });

  test('capacity: writes twice a standard write, a ConditionCheck twice a consistent read, per table', async () => {
    await put('tw_b', { pk: { S: 'cap' }, sk: { N: '1' } });
    const result = await db.client.send(
      new TransactWriteItemsCommand({
        ReturnConsumedCapacity: 'TOTAL',
        TransactItems: [
          { Put: { TableName: 'tw_a', Item: { pk: { S: 'cap1' }, big: { S: 'z'.repeat(1500) } } } },
          { Put: { TableName: 'tw_a', Item: { pk: { S: 'cap2' } } } },
          { ConditionCheck: { TableName: 'tw_b', Key: { pk: { S: 'cap' }, sk: { N: '1' } }, ConditionExpression: 'attribute_exists(pk)' } },
        ],
      }),
    );
    // tw_a: 2 KB (2 units) and < 1 KB (1 unit), doubled; tw_b: one 4 KB read unit, doubled.
    assert.deepEqual(result.ConsumedCapacity, [
      { TableName: 'tw_a', CapacityUnits: 6 },
      { TableName: 'tw_b', CapacityUnits: 2 },
    ]);
  });

  test('a failed condition cancels everything: reasons in order, the item with ALL_OLD', async () => {
    await put('tw_a', { pk: { S: 'c1' }, n: { N: '5' } });
    await put('tw_a', { pk: { S: 'c2' }, n: { N: '7' } });
    await expectCanceled(
      [
        { Put: { TableName: 'tw_a', Item: { pk: { S: 'c-new' } } } },
        { Update: { TableName: 'tw_a', Key: { pk: { S: 'c1' } }, UpdateExpression: 'SET n = :z', ConditionExpression: 'n = :z', ExpressionAttributeValues: { ':z': { N: '0' } } } },
        {
          Delete: {
            TableName: 'tw_a',
            Key: { pk: { S: 'c2' } },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
      [
        { Code: 'None' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
        { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { pk: { S: 'c2' }, n: { N: '7' } } },
      ],
    );
    assert.equal(await get('tw_a', { pk: { S: 'c-new' } }), undefined);
    assert.deepEqual(await get('tw_a', { pk: { S: 'c1' } }), { pk: { S: 'c1' }, n: { N: '5' } });
    assert.deepEqual(await get('tw_a', { pk: { S: 'c2' } }), { pk: { S: 'c2' }, n: { N: '7' } });
  });

  test('an update that cannot apply cancels with ValidationError', async () => {
    await put('tw_a', { pk: { S: 'typed' }, s: { S: 'text' } });
    await expectCanceled(
      [
        { Put: { TableName: 'tw_a', Item: { pk: { S: 'typed-2' } } } },
        { Update: { TableName: 'tw_a', Key: { pk: { S: 'typed' } }, UpdateExpression: 'ADD s :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
      ],
      [{ Code: 'None' }, { Code: 'ValidationError', Message: 'An operand in the update expression has an incorrect data type' }],
    );
    assert.equal(await get('tw_a', { pk: { S: 'typed-2' } }), undefined);
  });
});

describe('TransactWriteItems: refusals before anything is applied', () => {
  test('two actions on one item', async () => {
    await expectValidation(
      [
        { Put: { TableName: 'tw_a', Item: { pk: { S: 'dup' } } } },
        { ConditionCheck: { TableName: 'tw_a', Key: { pk: { S: 'dup' } }, ConditionExpression: 'attribute_exists(pk)' } },
      ],
      'Transaction request cannot include multiple operations on one item',
    );
    assert.equal(await get('tw_a', { pk: { S: 'dup' } }), undefined);
  });

  test('an action with no kind, or two', async () => {
    await expectValidation([{}], 'TransactItems can only contain one of Check, Put, Update or Delete');
    await expectValidation(
      [{ Put: { TableName: 'tw_a', Item: { pk: { S: 'two' } } }, Delete: { TableName: 'tw_a', Key: { pk: { S: 'two' } } } }],
      'TransactItems can only contain one of Check, Put, Update or Delete',
    );
  });

  test('more than 100 actions', async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ Put: { TableName: 'tw_a', Item: { pk: { S: `m${i}` } } } }));
    await expectValidation(many, /at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/);
  });

  test('an unknown table, even after valid actions', async () => {
    await assert.rejects(
      db.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [{ Put: { TableName: 'tw_a', Item: { pk: { S: 'unk' } } } }, { Put: { TableName: 'tw_nope', Item: { pk: { S: 'unk' } } } }],
        }),
      ),
      (error: Error) => error.name === 'ResourceNotFoundException',
    );
    assert.equal(await get('tw_a', { pk: { S: 'unk' } }), undefined);
  });

  test('an expression error, a missing key attribute, an update of a key attribute', async () => {
    await expectValidation(
      [{ ConditionCheck: { TableName: 'tw_a', Key: { pk: { S: 'e' } }, ConditionExpression: 'attribute_exists(#x)' } }],
      'Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x',
    );
    await expectValidation([{ Put: { TableName: 'tw_b', Item: { pk: { S: 'k' } } } }], /Missing the key sk in the item/);
    await expectValidation(
      [{ Update: { TableName: 'tw_a', Key: { pk: { S: 'k' } }, UpdateExpression: 'SET pk = :v', ExpressionAttributeValues: { ':v': { S: 'z' } } } }],
      /Cannot update attribute pk. This attribute is part of the key/,
    );
  });
});
