/**
 * Transaction conflicts, exercised deterministically: the coordinator's hook holds a transaction
 * in its prepared state (locks taken, conditions evaluated, nothing written) while the test sends
 * other requests, through the AWS SDK v3.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import { createInProcessHandler } from '../../../src/server/in-process-handler.js';
import { test_credentials } from '../../helpers/test-server.js';
import { createTable, startTransactionService, type TransactionService } from './transaction-service.js';

let db: TransactionService;

before(async () => {
  db = await startTransactionService();
  await createTable(db.client, 'conflicts');
});
after(() => db.close());

/** Starts a transaction that puts `a` and `b`, held prepared until the returned release is called. */
async function holdTransaction(tag: string, table = 'conflicts'): Promise<{ readonly done: Promise<unknown>; release(): void }> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let prepared!: () => void;
  const reached = new Promise<void>((resolve) => (prepared = resolve));
  db.coordinator.onPrepared = async () => {
    db.coordinator.onPrepared = undefined;
    prepared();
    await held;
  };
  const done = db.client.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: table, Item: { pk: { S: `${tag}-a` }, by: { S: 'txn' } } } },
        { Put: { TableName: table, Item: { pk: { S: `${tag}-b` }, by: { S: 'txn' } } } },
      ],
    }),
  );
  await reached;
  return { done, release };
}

async function expectConflict(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, 'TransactionConflictException');
    assert.equal(error.message, 'Transaction is ongoing for the item');
    return true;
  });
}

describe('conflicts with a transaction in flight', () => {
  test('PutItem, UpdateItem and DeleteItem on a held item fail with TransactionConflictException', async () => {
    const txn = await holdTransaction('single');
    await expectConflict(db.client.send(new PutItemCommand({ TableName: 'conflicts', Item: { pk: { S: 'single-a' } } })));
    await expectConflict(db.client.send(new UpdateItemCommand({ TableName: 'conflicts', Key: { pk: { S: 'single-b' } }, UpdateExpression: 'SET x = :x', ExpressionAttributeValues: { ':x': { N: '1' } } })));
    await expectConflict(db.client.send(new DeleteItemCommand({ TableName: 'conflicts', Key: { pk: { S: 'single-a' } } })));
    // Another item is free; GetItem sees the state before the transaction.
    await db.client.send(new PutItemCommand({ TableName: 'conflicts', Item: { pk: { S: 'single-free' } } }));
    assert.equal((await db.client.send(new GetItemCommand({ TableName: 'conflicts', Key: { pk: { S: 'single-a' } } }))).Item, undefined);
    txn.release();
    await txn.done;
    assert.deepEqual((await db.client.send(new GetItemCommand({ TableName: 'conflicts', Key: { pk: { S: 'single-a' } } }))).Item, { pk: { S: 'single-a' }, by: { S: 'txn' } });
    // Released: single-item writes go through again.
    await db.client.send(new PutItemCommand({ TableName: 'conflicts', Item: { pk: { S: 'single-a' }, by: { S: 'put' } } }));
  });

  test('BatchWriteItem touching a held item fails with TransactionConflictException and writes nothing', async () => {
    const txn = await holdTransaction('batch');
    const batch = (writes: Record<string, unknown>[]): Promise<unknown> =>
      db.client.send(new BatchWriteItemCommand({ RequestItems: { conflicts: writes as never } }));
    await expectConflict(batch([{ PutRequest: { Item: { pk: { S: 'batch-free' } } } }, { PutRequest: { Item: { pk: { S: 'batch-a' }, by: { S: 'batch' } } } }]));
    await expectConflict(batch([{ DeleteRequest: { Key: { pk: { S: 'batch-b' } } } }]));
    assert.equal((await db.client.send(new GetItemCommand({ TableName: 'conflicts', Key: { pk: { S: 'batch-free' } } }))).Item, undefined, 'a batch refused for a conflict writes nothing');
    // A batch of free items goes through while the transaction holds its own.
    await batch([{ PutRequest: { Item: { pk: { S: 'batch-free' } } } }]);
    txn.release();
    await txn.done;
    assert.deepEqual((await db.client.send(new GetItemCommand({ TableName: 'conflicts', Key: { pk: { S: 'batch-a' } } }))).Item, { pk: { S: 'batch-a' }, by: { S: 'txn' } });
    await batch([{ PutRequest: { Item: { pk: { S: 'batch-a' }, by: { S: 'batch' } } } }]);
    assert.deepEqual((await db.client.send(new GetItemCommand({ TableName: 'conflicts', Key: { pk: { S: 'batch-a' } } }))).Item, { pk: { S: 'batch-a' }, by: { S: 'batch' } });
  });

  test("a transaction's stream records appear only once it commits", async () => {
    const created = await db.client.send(
      new CreateTableCommand({
        TableName: 'conflicts_streamed',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    const streamArn = created.TableDescription!.LatestStreamArn!;
    const streams = new DynamoDBStreamsClient({ requestHandler: createInProcessHandler(db.service), region: 'us-east-1', credentials: test_credentials, maxAttempts: 1 });
    const records = async (): Promise<_Record[]> => {
      const out: _Record[] = [];
      const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      for (const shard of description.StreamDescription!.Shards!) {
        const iterator = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
        out.push(...((await streams.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator! }))).Records ?? []));
      }
      return out;
    };
    try {
      await db.client.send(new PutItemCommand({ TableName: 'conflicts_streamed', Item: { pk: { S: 'before' } } }));
      const txn = await holdTransaction('streamed', 'conflicts_streamed');
      const whilePrepared = await records();
      assert.deepEqual(whilePrepared.map((record) => record.dynamodb!.Keys!['pk']!.S), ['before'], 'a prepared transaction has no stream record yet');
      txn.release();
      await txn.done;
      const afterCommit = await records();
      assert.deepEqual(afterCommit.map((record) => record.dynamodb!.Keys!['pk']!.S).sort(), ['before', 'streamed-a', 'streamed-b']);
      assert.ok(afterCommit.every((record) => record.eventName === 'INSERT'));
    } finally {
      streams.destroy();
    }
  });

  test('a second transaction on a held item is cancelled with TransactionConflict for that action', async () => {
    const txn = await holdTransaction('pair');
    await assert.rejects(
      db.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'conflicts', Item: { pk: { S: 'pair-other' } } } },
            { Update: { TableName: 'conflicts', Key: { pk: { S: 'pair-b' } }, UpdateExpression: 'SET y = :y', ExpressionAttributeValues: { ':y': { N: '2' } } } },
          ],
        }),
      ),
      (error: Error) => {
        assert.ok(error instanceof TransactionCanceledException);
        assert.equal(error.message, 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]');
        assert.deepEqual(error.CancellationReasons, [{ Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }]);
        return true;
      },
    );
    txn.release();
    await txn.done;
    assert.equal((await db.client.send(new GetItemCommand({ TableName: 'conflicts', Key: { pk: { S: 'pair-other' } } }))).Item, undefined);
  });

  test('TransactGetItems on a held item is cancelled; on other items it reads', async () => {
    const txn = await holdTransaction('read');
    await assert.rejects(
      db.client.send(
        new TransactGetItemsCommand({
          TransactItems: [{ Get: { TableName: 'conflicts', Key: { pk: { S: 'read-free' } } } }, { Get: { TableName: 'conflicts', Key: { pk: { S: 'read-a' } } } }],
        }),
      ),
      (error: Error) => {
        assert.ok(error instanceof TransactionCanceledException);
        assert.deepEqual(error.CancellationReasons, [{ Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }]);
        return true;
      },
    );
    const free = await db.client.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: 'conflicts', Key: { pk: { S: 'read-free' } } } }] }));
    assert.deepEqual(free.Responses, [{}]);
    txn.release();
    await txn.done;
    const both = await db.client.send(
      new TransactGetItemsCommand({
        TransactItems: [{ Get: { TableName: 'conflicts', Key: { pk: { S: 'read-a' } } } }, { Get: { TableName: 'conflicts', Key: { pk: { S: 'read-b' } } } }],
      }),
    );
    assert.equal(both.Responses?.filter((response) => response.Item !== undefined).length, 2);
  });

  test('a write that committed between prepare and commit cancels the transaction instead of being lost', async () => {
    await db.client.send(new PutItemCommand({ TableName: 'conflicts', Item: { pk: { S: 'race' }, n: { N: '1' } } }));
    // Simulate a single-item write whose storage transaction was already queued when the locks
    // were taken: it lands during the prepared phase, behind the lock check.
    db.coordinator.onPrepared = async () => {
      db.coordinator.onPrepared = undefined;
      await db.service.context.store.writeItem(db.service.context.store.getTable('conflicts')!, { pk: { S: 'race' } }, () => ({ pk: { S: 'race' }, n: { N: '99' } }));
    };
    await assert.rejects(
      db.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [{ Update: { TableName: 'conflicts', Key: { pk: { S: 'race' } }, UpdateExpression: 'ADD n :one', ConditionExpression: 'n = :one', ExpressionAttributeValues: { ':one': { N: '1' } } } }],
        }),
      ),
      (error: Error) => {
        assert.ok(error instanceof TransactionCanceledException);
        assert.deepEqual(error.CancellationReasons, [{ Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }]);
        return true;
      },
    );
    assert.deepEqual((await db.client.send(new GetItemCommand({ TableName: 'conflicts', Key: { pk: { S: 'race' } } }))).Item, { pk: { S: 'race' }, n: { N: '99' } });
  });
});
