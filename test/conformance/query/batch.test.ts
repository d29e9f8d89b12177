/**
 * BatchGetItem and BatchWriteItem through the AWS SDK v3: several tables, projections per table,
 * capacity per table, the 16 MB response cap with UnprocessedKeys, and DynamoDB's errors, with
 * nothing applied when a batch is refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  GetItemCommand,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

type Av = Record<string, AttributeValue>;
let server: TestServer;

async function createTable(name: string, withRange: boolean): Promise<void> {
  await server.client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, ...(withRange ? [{ AttributeName: 'sk', AttributeType: 'N' as const }] : [])],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, ...(withRange ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : [])],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

async function expectValidation(promise: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, message);
    return true;
  });
}

function puts(items: readonly Av[]): WriteRequest[] {
  return items.map((Item) => ({ PutRequest: { Item } }));
}

before(async () => {
  server = await startTestServer();
  await createTable('batch-a', false);
  await createTable('batch-b', true);
  await createTable('batch-big', false);
});
after(() => server.close());

describe('BatchWriteItem', () => {
  test('puts and deletes across tables, capacity per table', async () => {
    const result = await server.client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          'batch-a': puts([{ pk: { S: 'a1' }, v: { S: 'x'.repeat(1500) } }, { pk: { S: 'a2' } }, { pk: { S: 'gone' } }]),
          'batch-b': puts([{ pk: { S: 'b' }, sk: { N: '1' } }, { pk: { S: 'b' }, sk: { N: '2' } }]),
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    assert.deepEqual(result.UnprocessedItems, {});
    assert.deepEqual(result.ConsumedCapacity, [
      { TableName: 'batch-a', CapacityUnits: 4 },
      { TableName: 'batch-b', CapacityUnits: 2 },
    ]);
    await server.client.send(new BatchWriteItemCommand({ RequestItems: { 'batch-a': [{ DeleteRequest: { Key: { pk: { S: 'gone' } } } }] } }));
    const gone = await server.client.send(new GetItemCommand({ TableName: 'batch-a', Key: { pk: { S: 'gone' } } }));
    assert.equal(gone.Item, undefined);
  });

  test('refused batches apply nothing', async () => {
    const fresh = { pk: { S: 'never' } };
    await expectValidation(
      server.client.send(new BatchWriteItemCommand({ RequestItems: { 'batch-a': [...puts([fresh]), { DeleteRequest: { Key: { pk: { S: 'never' } } } }] } })),
      'Provided list of item keys contains duplicates',
    );
    await assert.rejects(
      server.client.send(new BatchWriteItemCommand({ RequestItems: { 'batch-a': puts([fresh]), 'batch-missing': puts([fresh]) } })),
      { name: 'ResourceNotFoundException', message: 'Requested resource not found' },
    );
    await expectValidation(
      server.client.send(new BatchWriteItemCommand({ RequestItems: { 'batch-a': puts([fresh]), 'batch-b': puts([{ pk: { S: 'b' } }]) } })),
      'The provided key element does not match the schema',
    );
    const many = Array.from({ length: 13 }, (_, i) => ({ pk: { S: `n${i}` } }));
    await expectValidation(
      server.client.send(new BatchWriteItemCommand({ RequestItems: { 'batch-a': puts(many), 'batch-big': puts(many) } })),
      'Too many items requested for the BatchWriteItem call',
    );
    const found = await server.client.send(new GetItemCommand({ TableName: 'batch-a', Key: { pk: { S: 'never' } } }));
    assert.equal(found.Item, undefined);
  });

  test('per-table request counts are constraints', async () => {
    const tooMany = Array.from({ length: 26 }, (_, i) => ({ pk: { S: `m${i}` } }));
    await assert.rejects(server.client.send(new BatchWriteItemCommand({ RequestItems: { 'batch-a': puts(tooMany) } })), (error: Error) => {
      assert.equal(error.name, 'ValidationException');
      assert.match(error.message, /^1 validation error detected: Value '.*' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: \[Member must have length less than or equal to 25, Member must have length greater than or equal to 1\]$/);
      return true;
    });
  });
});

describe('BatchGetItem', () => {
  test('several tables, per-table projection and consistency, capacity per table', async () => {
    const result = await server.client.send(
      new BatchGetItemCommand({
        RequestItems: {
          'batch-a': { Keys: [{ pk: { S: 'a1' } }, { pk: { S: 'nope' } }], ProjectionExpression: '#p', ExpressionAttributeNames: { '#p': 'pk' } },
          'batch-b': { Keys: [{ pk: { S: 'b' }, sk: { N: '1' } }, { pk: { S: 'b' }, sk: { N: '2' } }], ConsistentRead: true },
        },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    assert.deepEqual(result.Responses?.['batch-a'], [{ pk: { S: 'a1' } }]);
    assert.deepEqual(
      result.Responses?.['batch-b']?.map((item) => item['sk']?.N).sort(),
      ['1', '2'],
    );
    assert.deepEqual(result.UnprocessedKeys, {});
    assert.deepEqual(result.ConsumedCapacity, [
      { TableName: 'batch-a', CapacityUnits: 1 },
      { TableName: 'batch-b', CapacityUnits: 2 },
    ]);
  });

  test('DynamoDB errors: duplicates, too many keys, unknown tables, keys off the schema', async () => {
    await expectValidation(
      server.client.send(new BatchGetItemCommand({ RequestItems: { 'batch-a': { Keys: [{ pk: { S: 'x' } }, { pk: { S: 'x' } }] } } })),
      'Provided list of item keys contains duplicates',
    );
    const keys = Array.from({ length: 60 }, (_, i) => ({ pk: { S: `k${i}` } }));
    await expectValidation(
      server.client.send(new BatchGetItemCommand({ RequestItems: { 'batch-a': { Keys: keys }, 'batch-big': { Keys: keys } } })),
      'Too many items requested for the BatchGetItem call',
    );
    await assert.rejects(
      server.client.send(new BatchGetItemCommand({ RequestItems: { 'batch-a': { Keys: [{ pk: { S: 'x' } }] }, 'batch-none': { Keys: [{ pk: { S: 'x' } }] } } })),
      { name: 'ResourceNotFoundException', message: 'Requested resource not found' },
    );
    await expectValidation(
      server.client.send(new BatchGetItemCommand({ RequestItems: { 'batch-b': { Keys: [{ pk: { S: 'b' } }] } } })),
      'The provided key element does not match the schema',
    );
  });

  test('a response stops at 16 MB and hands the rest back in UnprocessedKeys with the table options', async () => {
    const big = 'x'.repeat(390 * 1024);
    for (let batch = 0; batch < 2; batch++) {
      const items = Array.from({ length: 25 }, (_, i) => ({ pk: { S: `big${batch * 25 + i}` }, pad: { S: big } }));
      // 25 items of 390 KB exceed a request body: write them in smaller batches.
      for (let at = 0; at < items.length; at += 5) {
        await server.client.send(new BatchWriteItemCommand({ RequestItems: { 'batch-big': puts(items.slice(at, at + 5)) } }));
      }
    }
    const keys = Array.from({ length: 50 }, (_, i) => ({ pk: { S: `big${i}` } }));
    const first = await server.client.send(
      new BatchGetItemCommand({ RequestItems: { 'batch-big': { Keys: keys, ConsistentRead: true, AttributesToGet: ['pk', 'pad'] } } }),
    );
    const got = first.Responses?.['batch-big'] ?? [];
    const left = first.UnprocessedKeys?.['batch-big'];
    assert.ok(got.length > 0 && got.length < 50, `a partial response (${got.length} items)`);
    assert.equal(got.length + (left?.Keys?.length ?? 0), 50);
    assert.equal(left?.ConsistentRead, true);
    assert.deepEqual(left?.AttributesToGet, ['pk', 'pad']);
    const second = await server.client.send(new BatchGetItemCommand({ RequestItems: first.UnprocessedKeys! }));
    assert.equal((second.Responses?.['batch-big'] ?? []).length, 50 - got.length);
    assert.deepEqual(second.UnprocessedKeys, {});
  });
});
