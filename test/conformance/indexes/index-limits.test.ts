/**
 * Secondary-index limits through the AWS SDK v3: at most 100 INCLUDE NonKeyAttributes over all
 * of a table's indexes (CreateTable and UpdateTable), index key values within the key size limits
 * on every kind of write, and reads refused while a GSI backfills.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type AttributeValue,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { defaultConfig } from '../../../src/config.js';
import { createInProcessHandler } from '../../../src/server/in-process-handler.js';
import { openService } from '../../../src/service.js';
import { tableDefinition } from '../../helpers/tables.js';
import { startTestServer, test_credentials, type TestServer } from '../../helpers/test-server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const invalid = 'One or more parameter values were invalid: ';
const s = (value: string): AttributeValue => ({ S: value });

async function rejects(promise: Promise<unknown>, name: string, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    assert.equal(error.message, message);
    return true;
  });
}

const attributes = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

/** A table whose GSIs have INCLUDE projections of the given sizes, each over the same names a0, a1, … */
function tableWithIncludes(name: string, sizes: readonly number[]): CreateTableCommandInput {
  return tableDefinition({
    TableName: name,
    key: { pk: 'S' },
    gsis: Object.fromEntries(sizes.map((size, i) => [`global${i}`, { key: { gpk: 'S' }, projection: { include: attributes('a', size) } }])),
  });
}

describe('INCLUDE projections: 100 NonKeyAttributes over all indexes', () => {
  test('CreateTable counts every index (the same name in two indexes twice)', async () => {
    await rejects(
      server.client.send(new CreateTableCommand(tableWithIncludes('include_over', [20, 20, 20, 20, 20, 1]))),
      'ValidationException',
      `${invalid}Number of projected attributes in all indexes exceeds limit of 100`,
    );
    await server.client.send(new CreateTableCommand(tableWithIncludes('include_full', [20, 20, 20, 20, 10])));
  });

  test('UpdateTable refuses a GSI that takes the total over 100, and accepts one that reaches it', async () => {
    const create = (nonKeyAttributes: number): Promise<unknown> =>
      server.client.send(
        new UpdateTableCommand({
          TableName: 'include_full',
          AttributeDefinitions: [{ AttributeName: 'other', AttributeType: 'S' }],
          GlobalSecondaryIndexUpdates: [
            {
              Create: {
                IndexName: 'more',
                KeySchema: [{ AttributeName: 'other', KeyType: 'HASH' }],
                Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: attributes('m', nonKeyAttributes) },
              },
            },
          ],
        }),
      );
    await rejects(create(11), 'ValidationException', `${invalid}Number of projected attributes in all indexes exceeds limit of 100`);
    const described = await server.client.send(new DescribeTableCommand({ TableName: 'include_full' }));
    assert.equal(described.Table!.GlobalSecondaryIndexes!.length, 5, 'a refused update changes nothing');
    await create(10);
  });
});

describe('index key values within the key size limits', () => {
  before(async () => {
    await server.client.send(
      new CreateTableCommand(tableDefinition({ TableName: 'index_keys', key: { pk: 'S' }, gsis: { byG: { key: { gpk: 'S', gsk: 'B' }, projection: 'KEYS_ONLY' } } })),
    );
  });

  const hashTooLarge = `${invalid}Size limit exceeded for Index Key gpk Actual Size: 2049 bytes Max Size: 2048 bytes IndexName: byG`;
  const rangeTooLarge = `${invalid}Size limit exceeded for Index Key gsk Actual Size: 1025 bytes Max Size: 1024 bytes IndexName: byG`;
  const bytes = (count: number): AttributeValue => ({ B: new Uint8Array(count).fill(7) });

  test('the largest index keys are accepted and indexed', async () => {
    await server.client.send(new PutItemCommand({ TableName: 'index_keys', Item: { pk: s('max'), gpk: s('g'.repeat(2048)), gsk: bytes(1024) } }));
    const found = await server.client.send(
      new QueryCommand({ TableName: 'index_keys', IndexName: 'byG', KeyConditionExpression: 'gpk = :g', ExpressionAttributeValues: { ':g': s('g'.repeat(2048)) } }),
    );
    assert.equal(found.Count, 1);
  });

  test('PutItem, UpdateItem, BatchWriteItem and TransactWriteItems refuse larger ones and write nothing', async () => {
    await rejects(server.client.send(new PutItemCommand({ TableName: 'index_keys', Item: { pk: s('a'), gpk: s('g'.repeat(2049)) } })), 'ValidationException', hashTooLarge);
    await rejects(
      server.client.send(new PutItemCommand({ TableName: 'index_keys', Item: { pk: s('a'), gpk: s('g'), gsk: bytes(1025) } })),
      'ValidationException',
      rangeTooLarge,
    );
    await rejects(
      server.client.send(
        new UpdateItemCommand({ TableName: 'index_keys', Key: { pk: s('a') }, UpdateExpression: 'SET gpk = :g', ExpressionAttributeValues: { ':g': s('g'.repeat(2049)) } }),
      ),
      'ValidationException',
      hashTooLarge,
    );
    await rejects(
      server.client.send(new BatchWriteItemCommand({ RequestItems: { index_keys: [{ PutRequest: { Item: { pk: s('a'), gpk: s('g'.repeat(2049)) } } }] } })),
      'ValidationException',
      hashTooLarge,
    );
    await rejects(
      server.client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 'index_keys', Item: { pk: s('a'), gpk: s('g'.repeat(2049)) } } }] })),
      'ValidationException',
      hashTooLarge,
    );
    // A transaction's update is checked on the item it makes: the action is cancelled as a ValidationError.
    await assert.rejects(
      server.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: 'index_keys', Item: { pk: s('b') } } },
            { Update: { TableName: 'index_keys', Key: { pk: s('a') }, UpdateExpression: 'SET gsk = :b', ExpressionAttributeValues: { ':b': bytes(1025) } } },
          ],
        }),
      ),
      (error: Error & { CancellationReasons?: unknown }) => {
        assert.equal(error.name, 'TransactionCanceledException');
        assert.deepEqual(error.CancellationReasons, [{ Code: 'None' }, { Code: 'ValidationError', Message: rangeTooLarge }]);
        return true;
      },
    );
    for (const pk of ['a', 'b']) assert.equal((await server.client.send(new GetItemCommand({ TableName: 'index_keys', Key: { pk: s(pk) } }))).Item, undefined);
  });
});

describe('a GSI being backfilled', () => {
  test('Query and Scan on it are refused with DynamoDB\'s message until the backfill completes', async () => {
    // In process (no socket): a request takes a few event-loop turns, far fewer than the backfill's
    // batches (one per turn), so the reads below arrive while it runs.
    const service = await openService({ ...defaultConfig, dataDir: undefined });
    const backfill = { client: new DynamoDBClient({ requestHandler: createInProcessHandler(service), region: 'us-east-1', credentials: test_credentials, maxAttempts: 1 }) };
    try {
      await backfill.client.send(new CreateTableCommand(tableDefinition({ TableName: 'filling', key: { pk: 'S' } })));
      // Enough items for a dozen backfill batches.
      const items = Array.from({ length: 3000 }, (_, i) => ({ PutRequest: { Item: { pk: s(`item${i}`), g: s(`g${i % 7}`) } } }));
      for (let i = 0; i < items.length; i += 25) await backfill.client.send(new BatchWriteItemCommand({ RequestItems: { filling: items.slice(i, i + 25) } }));
      await backfill.client.send(
        new UpdateTableCommand({
          TableName: 'filling',
          AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'S' }],
          GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } } }],
        }),
      );
      const message = 'Cannot read from backfilling global secondary index: byG';
      await rejects(
        backfill.client.send(new QueryCommand({ TableName: 'filling', IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': s('g1') } })),
        'ValidationException',
        message,
      );
      await rejects(backfill.client.send(new ScanCommand({ TableName: 'filling', IndexName: 'byG' })), 'ValidationException', message);
      const during = await backfill.client.send(new DescribeTableCommand({ TableName: 'filling' }));
      assert.equal(during.Table!.GlobalSecondaryIndexes![0]!.Backfilling, true);
      assert.equal(during.Table!.GlobalSecondaryIndexes![0]!.IndexStatus, 'CREATING');
      let described = during;
      while (described.Table!.GlobalSecondaryIndexes![0]!.IndexStatus !== 'ACTIVE') {
        await new Promise((resolve) => setImmediate(resolve));
        described = await backfill.client.send(new DescribeTableCommand({ TableName: 'filling' }));
      }
      assert.equal(described.Table!.GlobalSecondaryIndexes![0]!.Backfilling, undefined);
      const scanned = await backfill.client.send(new ScanCommand({ TableName: 'filling', IndexName: 'byG', Select: 'COUNT' }));
      assert.equal(scanned.Count, 3000);
    } finally {
      backfill.client.destroy();
      await service.close();
    }
  });
});
