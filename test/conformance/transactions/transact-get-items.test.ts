/**
 * TransactGetItems through the AWS SDK v3: reads over several tables, projections, missing items,
 * capacity (twice a consistent read), and DynamoDB's refusals before anything is read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PutItemCommand, TransactGetItemsCommand, type TransactGetItem } from '@aws-sdk/client-dynamodb';
import { createTable, startTransactionService, type TransactionService } from './transaction-service.js';

let db: TransactionService;

before(async () => {
  db = await startTransactionService();
  await createTable(db.client, 'tg_a');
  await createTable(db.client, 'tg_b', true);
  await db.client.send(new PutItemCommand({ TableName: 'tg_a', Item: { pk: { S: 'x' }, v: { N: '1' }, big: { S: 'b'.repeat(5000) } } }));
  await db.client.send(new PutItemCommand({ TableName: 'tg_b', Item: { pk: { S: 'y' }, sk: { N: '2' }, w: { S: 'hello' } } }));
});
after(() => db.close());

async function expectValidation(items: TransactGetItem[], message: string): Promise<void> {
  await assert.rejects(db.client.send(new TransactGetItemsCommand({ TransactItems: items })), (error: Error) => {
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, message);
    return true;
  });
}

describe('TransactGetItems', () => {
  test('reads items of several tables in request order, {} for a missing item', async () => {
    const result = await db.client.send(
      new TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName: 'tg_b', Key: { pk: { S: 'y' }, sk: { N: '2' } } } },
          { Get: { TableName: 'tg_a', Key: { pk: { S: 'missing' } } } },
          { Get: { TableName: 'tg_a', Key: { pk: { S: 'x' } }, ProjectionExpression: '#v', ExpressionAttributeNames: { '#v': 'v' } } },
        ],
      }),
    );
    assert.deepEqual(result.Responses, [{ Item: { pk: { S: 'y' }, sk: { N: '2' }, w: { S: 'hello' } } }, {}, { Item: { v: { N: '1' } } }]);
    assert.equal(result.ConsumedCapacity, undefined);
  });

  test('capacity: per table, each item twice a strongly consistent read (4 KB units)', async () => {
    const result = await db.client.send(
      new TransactGetItemsCommand({
        ReturnConsumedCapacity: 'TOTAL',
        TransactItems: [
          { Get: { TableName: 'tg_a', Key: { pk: { S: 'x' } } } },
          { Get: { TableName: 'tg_b', Key: { pk: { S: 'y' }, sk: { N: '2' } } } },
          { Get: { TableName: 'tg_a', Key: { pk: { S: 'none' } } } },
        ],
      }),
    );
    // tg_a: a ~5 KB item (2 units, x2) and a missing one (1 unit, x2); tg_b: one small item (x2).
    assert.deepEqual(result.ConsumedCapacity, [
      { TableName: 'tg_a', CapacityUnits: 6 },
      { TableName: 'tg_b', CapacityUnits: 2 },
    ]);
  });

  test('refuses the same item twice', async () => {
    await expectValidation(
      [{ Get: { TableName: 'tg_a', Key: { pk: { S: 'x' } } } }, { Get: { TableName: 'tg_a', Key: { pk: { S: 'x' } } } }],
      'Transaction request cannot include multiple operations on one item',
    );
  });

  test('refuses more than 100 items and an empty list', async () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ Get: { TableName: 'tg_a', Key: { pk: { S: `k${i}` } } } }));
    await assert.rejects(db.client.send(new TransactGetItemsCommand({ TransactItems: many })), (error: Error) => {
      assert.equal(error.name, 'ValidationException');
      assert.match(error.message, /^1 validation error detected: Value '.*' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/s);
      return true;
    });
    await assert.rejects(db.client.send(new TransactGetItemsCommand({ TransactItems: [] })), /Member must have length greater than or equal to 1/);
  });

  test('an unknown table or a key not matching the schema reads nothing', async () => {
    await assert.rejects(
      db.client.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'tg_nope', Key: { pk: { S: 'x' } } } }] })),
      (error: Error) => error.name === 'ResourceNotFoundException' && error.message === 'Requested resource not found',
    );
    await expectValidation([{ Get: { TableName: 'tg_b', Key: { pk: { S: 'y' } } } }], 'The provided key element does not match the schema');
  });
  test('items of more than 4 MB together are refused; fewer within the limit are read', async () => {
    await createTable(db.client, 'tg_big');
    // 11 items of ~390 KB: 4.2 MB together. Ten of them (3.8 MB) are within the limit.
    const value = 'v'.repeat(390 * 1024);
    for (let i = 0; i < 11; i++) await db.client.send(new PutItemCommand({ TableName: 'tg_big', Item: { pk: { S: `big${i}` }, v: { S: value } } }));
    const gets = (count: number): TransactGetItem[] => Array.from({ length: count }, (_, i) => ({ Get: { TableName: 'tg_big', Key: { pk: { S: `big${i}` } } } }));
    const ten = await db.client.send(new TransactGetItemsCommand({ TransactItems: gets(10) }));
    assert.equal(ten.Responses?.length, 10);
    await expectValidation(gets(11), 'Transaction size has exceeded the maximum allowed size');
    // A projection does not make the items read smaller.
    await expectValidation(
      gets(11).map((get) => ({ Get: { ...get.Get!, ProjectionExpression: 'pk' } })),
      'Transaction size has exceeded the maximum allowed size',
    );
  });
});
