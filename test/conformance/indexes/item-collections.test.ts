/**
 * LSI item collections through the AWS SDK v3, with the 10 GB limit lowered to 4 KB
 * (`itemCollectionMaxBytes`): ItemCollectionMetrics on every write action asked for SIZE (and
 * only for tables with LSIs), ItemCollectionSizeLimitExceededException once a partition-key
 * value's items and LSI entries would pass the limit, and the transaction cancellation reason.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { itemSize } from '../../../src/model/item-size.js';
import { tableDefinition } from '../../helpers/tables.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

type Av = Record<string, AttributeValue>;

const limit_bytes = 4096;
let server: TestServer;
before(async () => {
  server = await startTestServer({ itemCollectionMaxBytes: limit_bytes });
  await server.client.send(
    new CreateTableCommand(
      tableDefinition({ TableName: 'collections', key: { pk: 'S', sk: 'S' }, lsis: { byX: { sortKey: { x: 'N' }, projection: { include: ['a'] } } } }),
    ),
  );
  await server.client.send(new CreateTableCommand(tableDefinition({ TableName: 'no_lsi', key: { pk: 'S' } })));
});
after(() => server.close());

const s = (value: string): AttributeValue => ({ S: value });
/** About 1 KB in the table and 0.5 KB in the LSI (only `a` is projected besides the keys). */
const item = (pk: string, sk: string): Av => ({ pk: s(pk), sk: s(sk), x: { N: '1' }, a: s('a'.repeat(500)), b: s('b'.repeat(500)) });
const table = 'collections';
const too_large = 'Collection size exceeded.';

async function rejects(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

describe('ItemCollectionMetrics', () => {
  test('PutItem, UpdateItem and DeleteItem return the collection key and its size estimate when asked for SIZE', async () => {
    const metrics = { ItemCollectionKey: { pk: s('m') }, SizeEstimateRangeGB: [0, 1] };
    const put = await server.client.send(new PutItemCommand({ TableName: table, Item: item('m', '1'), ReturnItemCollectionMetrics: 'SIZE' }));
    assert.deepEqual(put.ItemCollectionMetrics, metrics);
    const update = await server.client.send(
      new UpdateItemCommand({ TableName: table, Key: { pk: s('m'), sk: s('1') }, UpdateExpression: 'SET x = :x', ExpressionAttributeValues: { ':x': { N: '2' } }, ReturnItemCollectionMetrics: 'SIZE' }),
    );
    assert.deepEqual(update.ItemCollectionMetrics, metrics);
    const removed = await server.client.send(new DeleteItemCommand({ TableName: table, Key: { pk: s('m'), sk: s('1') }, ReturnItemCollectionMetrics: 'SIZE' }));
    assert.deepEqual(removed.ItemCollectionMetrics, metrics);
    const unasked = await server.client.send(new PutItemCommand({ TableName: table, Item: item('m', '1'), ReturnItemCollectionMetrics: 'NONE' }));
    assert.equal(unasked.ItemCollectionMetrics, undefined);
  });

  test('a table without LSIs returns none', async () => {
    const put = await server.client.send(new PutItemCommand({ TableName: 'no_lsi', Item: { pk: s('m') }, ReturnItemCollectionMetrics: 'SIZE' }));
    assert.equal(put.ItemCollectionMetrics, undefined);
    const batch = await server.client.send(new BatchWriteItemCommand({ RequestItems: { no_lsi: [{ PutRequest: { Item: { pk: s('n') } } }] }, ReturnItemCollectionMetrics: 'SIZE' }));
    assert.equal(batch.ItemCollectionMetrics, undefined);
  });

  test('BatchWriteItem and TransactWriteItems list one entry per collection written, under the table name', async () => {
    const batch = await server.client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [table]: [{ PutRequest: { Item: item('b1', '1') } }, { PutRequest: { Item: item('b2', '1') } }, { DeleteRequest: { Key: { pk: s('b1'), sk: s('0') } } }],
          no_lsi: [{ PutRequest: { Item: { pk: s('o') } } }],
        },
        ReturnItemCollectionMetrics: 'SIZE',
      }),
    );
    assert.deepEqual(batch.ItemCollectionMetrics, {
      [table]: [
        { ItemCollectionKey: { pk: s('b1') }, SizeEstimateRangeGB: [0, 1] },
        { ItemCollectionKey: { pk: s('b2') }, SizeEstimateRangeGB: [0, 1] },
      ],
    });
    const transaction = await server.client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: table, Item: item('t1', '1') } },
          { ConditionCheck: { TableName: table, Key: { pk: s('b2'), sk: s('1') }, ConditionExpression: 'attribute_exists(pk)' } },
          { Delete: { TableName: 'no_lsi', Key: { pk: s('o') } } },
        ],
        ReturnItemCollectionMetrics: 'SIZE',
      }),
    );
    assert.deepEqual(transaction.ItemCollectionMetrics, { [table]: [{ ItemCollectionKey: { pk: s('t1') }, SizeEstimateRangeGB: [0, 1] }] });
  });
});

describe('the item collection size limit', () => {
  test('LSI entries count: a write that takes items plus entries past the limit fails, and writes nothing', async () => {
    // Three items alone would fit; with their LSI entries the third does not.
    assert.ok(3 * itemSize(item('full', '0') as Parameters<typeof itemSize>[0]) <= limit_bytes);
    await server.client.send(new PutItemCommand({ TableName: table, Item: item('full', '1') }));
    await server.client.send(new PutItemCommand({ TableName: table, Item: item('full', '2') }));
    await rejects(server.client.send(new PutItemCommand({ TableName: table, Item: item('full', '3') })), 'ItemCollectionSizeLimitExceededException', too_large);
    assert.equal((await server.client.send(new GetItemCommand({ TableName: table, Key: { pk: s('full'), sk: s('3') } }))).Item, undefined);
    const entries = await server.client.send(new QueryCommand({ TableName: table, IndexName: 'byX', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': s('full') } }));
    assert.equal(entries.Count, 2, 'the LSI holds no entry of the refused item');
    // Growing an item in a full collection fails too; shrinking it does not.
    await rejects(
      server.client.send(new UpdateItemCommand({ TableName: table, Key: { pk: s('full'), sk: s('1') }, UpdateExpression: 'SET c = :c', ExpressionAttributeValues: { ':c': s('c'.repeat(1200)) } })),
      'ItemCollectionSizeLimitExceededException',
      too_large,
    );
    await server.client.send(
      new UpdateItemCommand({ TableName: table, Key: { pk: s('full'), sk: s('1') }, UpdateExpression: 'SET b = :b', ExpressionAttributeValues: { ':b': s('b'.repeat(400)) } }),
    );
    await rejects(
      server.client.send(new BatchWriteItemCommand({ RequestItems: { [table]: [{ PutRequest: { Item: item('full', '3') } }] } })),
      'ItemCollectionSizeLimitExceededException',
      too_large,
    );
    // Another partition-key value is another collection.
    await server.client.send(new PutItemCommand({ TableName: table, Item: item('other', '3') }));
    // Deleting an item makes room again.
    await server.client.send(new DeleteItemCommand({ TableName: table, Key: { pk: s('full'), sk: s('2') } }));
    await server.client.send(new PutItemCommand({ TableName: table, Item: item('full', '3') }));
  });

  test('in a transaction the action is cancelled with ItemCollectionSizeLimitExceeded and nothing is written', async () => {
    await server.client.send(new PutItemCommand({ TableName: table, Item: item('tx', '1') }));
    await server.client.send(new PutItemCommand({ TableName: table, Item: item('tx', '2') }));
    await assert.rejects(
      server.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: table, Item: item('tx-free', '1') } },
            { Put: { TableName: table, Item: item('tx', '3') } },
          ],
        }),
      ),
      (error: Error & { CancellationReasons?: unknown }) => {
        assert.equal(error.name, 'TransactionCanceledException');
        assert.equal(error.message, 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ItemCollectionSizeLimitExceeded]');
        assert.deepEqual(error.CancellationReasons, [{ Code: 'None' }, { Code: 'ItemCollectionSizeLimitExceeded', Message: too_large }]);
        return true;
      },
    );
    for (const [pk, sk] of [['tx-free', '1'], ['tx', '3']] as const) {
      assert.equal((await server.client.send(new GetItemCommand({ TableName: table, Key: { pk: s(pk), sk: s(sk) } }))).Item, undefined);
    }
  });
});
