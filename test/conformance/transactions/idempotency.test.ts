/**
 * ClientRequestToken: a retry within 10 minutes answers the same without applying twice; other
 * parameters with the same token are refused; after 10 minutes the token is forgotten; a retry
 * while the first request runs is refused; the memory of a token survives a restart; a retry
 * answers the first answer's ItemCollectionMetrics.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DeleteItemCommand, GetItemCommand, TransactWriteItemsCommand, type TransactWriteItemsCommandInput } from '@aws-sdk/client-dynamodb';
import { createTable, startTransactionService, type TransactionService } from './transaction-service.js';

let db: TransactionService;

before(async () => {
  db = await startTransactionService();
  await createTable(db.client, 'idem');
});
after(() => db.close());

function increment(token: string, by = '1'): TransactWriteItemsCommandInput {
  return {
    ClientRequestToken: token,
    TransactItems: [{ Update: { TableName: 'idem', Key: { pk: { S: token } }, UpdateExpression: 'ADD n :by', ExpressionAttributeValues: { ':by': { N: by } } } }],
  };
}

async function counter(client: TransactionService['client'], key: string): Promise<string | undefined> {
  return (await client.send(new GetItemCommand({ TableName: 'idem', Key: { pk: { S: key } } }))).Item?.['n']?.N;
}

describe('ClientRequestToken', () => {
  test('the same request again is not applied twice', async () => {
    await db.client.send(new TransactWriteItemsCommand(increment('t-same')));
    const again = await db.client.send(new TransactWriteItemsCommand({ ...increment('t-same'), ReturnConsumedCapacity: 'TOTAL' }));
    assert.equal(await counter(db.client, 't-same'), '1');
    // A retry reads the items instead of writing them: one consistent read unit.
    assert.deepEqual(again.ConsumedCapacity, [{ TableName: 'idem', CapacityUnits: 1 }]);
  });

  test('the same token with other parameters: IdempotentParameterMismatchException', async () => {
    await db.client.send(new TransactWriteItemsCommand(increment('t-other')));
    await assert.rejects(db.client.send(new TransactWriteItemsCommand(increment('t-other', '5'))), (error: Error) => {
      assert.equal(error.name, 'IdempotentParameterMismatchException');
      assert.equal(error.message, 'The request uses the same client token as a previous, but non-identical request.');
      return true;
    });
    assert.equal(await counter(db.client, 't-other'), '1');
  });

  test('after 10 minutes the token is forgotten and the request applies again', async () => {
    await db.client.send(new TransactWriteItemsCommand(increment('t-expire')));
    db.clock.advance(9 * 60 * 1000);
    await db.client.send(new TransactWriteItemsCommand(increment('t-expire')));
    assert.equal(await counter(db.client, 't-expire'), '1');
    db.clock.advance(60 * 1000);
    await db.client.send(new TransactWriteItemsCommand(increment('t-expire')));
    assert.equal(await counter(db.client, 't-expire'), '2');
  });

  test('a cancelled transaction does not consume its token', async () => {
    const failing: TransactWriteItemsCommandInput = {
      ClientRequestToken: 't-cancel',
      TransactItems: [{ Put: { TableName: 'idem', Item: { pk: { S: 't-cancel' } }, ConditionExpression: 'attribute_exists(pk)' } }],
    };
    await assert.rejects(db.client.send(new TransactWriteItemsCommand(failing)), (error: Error) => error.name === 'TransactionCanceledException');
    await db.client.send(new TransactWriteItemsCommand(increment('t-cancel')));
    assert.equal(await counter(db.client, 't-cancel'), '1');
  });

  test('a retry while the first request is in flight: TransactionInProgressException', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const prepared = new Promise<void>((resolve) => (reached = resolve));
    db.coordinator.onPrepared = async () => {
      db.coordinator.onPrepared = undefined;
      reached();
      await held;
    };
    const first = db.client.send(new TransactWriteItemsCommand(increment('t-flight')));
    await prepared;
    await assert.rejects(db.client.send(new TransactWriteItemsCommand(increment('t-flight'))), (error: Error) => error.name === 'TransactionInProgressException');
    release();
    await first;
    assert.equal(await counter(db.client, 't-flight'), '1');
  });

  test('a retry answers the ItemCollectionMetrics the first call answered, also after a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dynabase-txn-'));
    try {
      let disk = await startTransactionService(dir);
      await disk.client.send(
        new CreateTableCommand({
          TableName: 'idem_lsi',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
            { AttributeName: 'x', AttributeType: 'N' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          LocalSecondaryIndexes: [
            {
              IndexName: 'byX',
              KeySchema: [
                { AttributeName: 'pk', KeyType: 'HASH' },
                { AttributeName: 'x', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'KEYS_ONLY' },
            },
          ],
        }),
      );
      const request: TransactWriteItemsCommandInput = {
        ClientRequestToken: 't-metrics',
        ReturnItemCollectionMetrics: 'SIZE',
        TransactItems: [
          { Put: { TableName: 'idem_lsi', Item: { pk: { S: 'a' }, sk: { S: '1' }, x: { N: '1' } } } },
          { Put: { TableName: 'idem_lsi', Item: { pk: { S: 'b' }, sk: { S: '1' }, x: { N: '2' } } } },
          { Put: { TableName: 'idem', Item: { pk: { S: 't-metrics' } } } },
        ],
      };
      await createTable(disk.client, 'idem');
      const first = await disk.client.send(new TransactWriteItemsCommand(request));
      // One entry per item collection written, for the table with an LSI only.
      assert.deepEqual(first.ItemCollectionMetrics, {
        idem_lsi: [
          { ItemCollectionKey: { pk: { S: 'a' } }, SizeEstimateRangeGB: [0, 1] },
          { ItemCollectionKey: { pk: { S: 'b' } }, SizeEstimateRangeGB: [0, 1] },
        ],
      });
      // The retry writes nothing, yet answers the first answer's metrics, even once one of the
      // collections has since been emptied and the service restarted.
      await disk.client.send(new DeleteItemCommand({ TableName: 'idem_lsi', Key: { pk: { S: 'b' }, sk: { S: '1' } } }));
      await disk.close();
      disk = await startTransactionService(dir);
      const again = await disk.client.send(new TransactWriteItemsCommand(request));
      assert.deepEqual(again.ItemCollectionMetrics, first.ItemCollectionMetrics);
      assert.equal((await disk.client.send(new GetItemCommand({ TableName: 'idem_lsi', Key: { pk: { S: 'b' }, sk: { S: '1' } } }))).Item, undefined);
      // Without SIZE asked, neither call answers metrics.
      const unasked: TransactWriteItemsCommandInput = { ...request, ClientRequestToken: 't-unasked', ReturnItemCollectionMetrics: undefined };
      assert.equal((await disk.client.send(new TransactWriteItemsCommand(unasked))).ItemCollectionMetrics, undefined);
      assert.equal((await disk.client.send(new TransactWriteItemsCommand(unasked))).ItemCollectionMetrics, undefined);
      await disk.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the token survives a restart (stored with the transaction, on disk)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dynabase-txn-'));
    try {
      let disk = await startTransactionService(dir);
      await createTable(disk.client, 'idem');
      await disk.client.send(new TransactWriteItemsCommand(increment('t-restart')));
      await disk.close();
      disk = await startTransactionService(dir);
      await disk.client.send(new TransactWriteItemsCommand(increment('t-restart')));
      assert.equal(await counter(disk.client, 't-restart'), '1');
      await assert.rejects(disk.client.send(new TransactWriteItemsCommand(increment('t-restart', '3'))), (error: Error) => error.name === 'IdempotentParameterMismatchException');
      await disk.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
