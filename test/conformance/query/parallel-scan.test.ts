/**
 * Parallel Scan through the AWS SDK v3: for TotalSegments 1..16, the segments together return
 * every item exactly once, on a table with one partition and on one whose partition map was
 * split into many (the segments follow the hash space, not the partitions). Each segment is read
 * in small pages, so ExclusiveStartKey is exercised inside segments too.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { defaultConfig } from '../../../src/config.js';
import { initialPartitions, splitPartition } from '../../../src/partition/partition-map.js';
import type { PartitionRange } from '../../../src/partition/table-store.js';
import { createInProcessHandler } from '../../../src/server/in-process-handler.js';
import { openService, type Service } from '../../../src/service.js';
import { test_credentials, test_region } from '../../helpers/test-server.js';

let service: Service;
let client: DynamoDBClient;
const item_count = 300;

/** Splits the whole hash space into partitions at the given (sorted) hex points. */
function splitAt(points: readonly string[]): PartitionRange[] {
  let map: PartitionRange[] = [...initialPartitions];
  for (const point of points) {
    const last = map[map.length - 1]!;
    map = [...map.slice(0, -1), ...splitPartition(last, point)];
  }
  return map;
}

async function createFilledTable(name: string, partitions: readonly PartitionRange[] | undefined): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  if (partitions !== undefined) {
    // The store keeps its own partition map for a known table; a new table id takes the given one.
    const store = service.context.store;
    const record = store.getTable(name)!;
    await store.dropTable(name);
    await store.saveTable({ ...record, id: randomUUID(), partitions });
    assert.equal(store.getTable(name)!.partitions.length, partitions.length);
  }
  for (let at = 0; at < item_count; at += 25) {
    const requests = [];
    for (let i = at; i < at + 25; i++) requests.push({ PutRequest: { Item: { pk: { S: `k${i % 100}` }, sk: { N: String(i) } } } });
    await client.send(new BatchWriteItemCommand({ RequestItems: { [name]: requests } }));
  }
}

async function scanSegment(name: string, segment: number, total: number): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: name, Segment: segment, TotalSegments: total, Limit: 37, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

before(async () => {
  service = await openService({ ...defaultConfig, dataDir: undefined });
  client = new DynamoDBClient({ requestHandler: createInProcessHandler(service), region: test_region, credentials: test_credentials, maxAttempts: 1 });
  await createFilledTable('one-partition', undefined);
  await createFilledTable('many-partitions', splitAt(['1000000000000000', '3333333333333333', '7fffffffffffffff', '8000000000000000', 'c000000000000000', 'fff0000000000000']));
});
after(async () => {
  client.destroy();
  await service.close();
});

describe('parallel Scan', () => {
  for (const name of ['one-partition', 'many-partitions']) {
    test(`segments of ${name} return every item exactly once, TotalSegments 1..16`, async () => {
      for (let total = 1; total <= 16; total++) {
        const seen = new Map<string, number>();
        for (let segment = 0; segment < total; segment++) {
          for (const item of await scanSegment(name, segment, total)) {
            const key = `${item['pk']!.S}/${item['sk']!.N}`;
            seen.set(key, (seen.get(key) ?? 0) + 1);
          }
        }
        assert.equal(seen.size, item_count, `TotalSegments ${total}: every item`);
        for (const [key, times] of seen) assert.equal(times, 1, `TotalSegments ${total}: ${key} once`);
      }
    });
  }

  test('an ExclusiveStartKey from another segment is refused', async () => {
    const first = await client.send(new ScanCommand({ TableName: 'one-partition', Segment: 0, TotalSegments: 2, Limit: 1 }));
    await assert.rejects(
      client.send(new ScanCommand({ TableName: 'one-partition', Segment: 1, TotalSegments: 2, ExclusiveStartKey: first.LastEvaluatedKey })),
      {
        name: 'ValidationException',
        message:
          'The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: 2 Segment: 1',
      },
    );
  });
});
