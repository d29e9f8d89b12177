/**
 * Secondary indexes end to end through the AWS SDK v3: an index-overloading single-table model
 * (users, drivers and cities in one GSI), a sparse GSI, an LSI with an INCLUDE projection;
 * projections, paging with index keys, DynamoDB's refusals, DescribeTable's index figures,
 * ReturnConsumedCapacity INDEXES, and a GSI added to a populated table (backfill) and deleted.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type AttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../../helpers/tables.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

type Av = Record<string, AttributeValue>;

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const table = 'single-table';
const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

async function rejects(promise: Promise<unknown>, name: string, message: string | RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  });
}

async function queryAll(input: QueryCommandInput): Promise<Av[]> {
  const items: Av[] = [];
  let start: Av | undefined;
  do {
    const page = await server.client.send(new QueryCommand({ ...input, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

const names = (items: readonly Av[]): string[] => items.map((item) => `${item['PK']!.S}|${item['SK']!.S}`);

describe('secondary indexes', () => {
  before(async () => {
    await server.client.send(
      new CreateTableCommand(
        tableDefinition({
          TableName: table,
          key: { PK: 'S', SK: 'S' },
          gsis: {
            GSI1: { key: { GSI1PK: 'S', GSI1SK: 'S' }, projection: 'ALL' },
            flagged: { key: { Flagged: 'N' }, projection: 'KEYS_ONLY' },
          },
          lsis: { byCreated: { sortKey: { CreatedAt: 'N' }, projection: { include: ['Name'] } } },
        }),
      ),
    );
    const items: Av[] = [
      { PK: s('CITY#paris'), SK: s('META'), GSI1PK: s('CITY#paris'), GSI1SK: s('0#META'), Name: s('Paris') },
      { PK: s('USER#ann'), SK: s('PROFILE'), GSI1PK: s('CITY#paris'), GSI1SK: s('USER#ann'), Name: s('Ann'), Email: s('ann@x'), CreatedAt: n(3) },
      { PK: s('USER#bob'), SK: s('PROFILE'), GSI1PK: s('CITY#paris'), GSI1SK: s('USER#bob'), Name: s('Bob'), Flagged: n(1), CreatedAt: n(1) },
      { PK: s('DRIVER#cid'), SK: s('PROFILE'), GSI1PK: s('CITY#paris'), GSI1SK: s('DRIVER#cid'), Name: s('Cid'), Car: s('cab') },
      { PK: s('DRIVER#dee'), SK: s('PROFILE'), GSI1PK: s('CITY#lyon'), GSI1SK: s('DRIVER#dee'), Name: s('Dee'), Flagged: n(1) },
      { PK: s('USER#ann'), SK: s('ORDER#1'), CreatedAt: n(2), Name: s('order one'), Total: n(20) },
      { PK: s('USER#ann'), SK: s('ORDER#2'), CreatedAt: n(1), Total: n(30) },
    ];
    for (const item of items) await server.client.send(new PutItemCommand({ TableName: table, Item: item }));
  });

  test('an overloaded GSI answers users, drivers and cities by city, in index sort-key order', async () => {
    const paris = await queryAll({ TableName: table, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :c', ExpressionAttributeValues: { ':c': s('CITY#paris') } });
    assert.deepEqual(names(paris), ['CITY#paris|META', 'DRIVER#cid|PROFILE', 'USER#ann|PROFILE', 'USER#bob|PROFILE']);
    assert.equal(paris[1]!['Car']!.S, 'cab', 'an ALL projection holds every attribute');
    const drivers = await queryAll({
      TableName: table,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :c AND begins_with(GSI1SK, :p)',
      ExpressionAttributeValues: { ':c': s('CITY#paris'), ':p': s('DRIVER#') },
    });
    assert.deepEqual(names(drivers), ['DRIVER#cid|PROFILE']);
    const backwards = await queryAll({
      TableName: table,
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :c',
      ExpressionAttributeValues: { ':c': s('CITY#paris') },
      ScanIndexForward: false,
      Limit: 1,
    });
    assert.deepEqual(names(backwards), ['USER#bob|PROFILE', 'USER#ann|PROFILE', 'DRIVER#cid|PROFILE', 'CITY#paris|META']);
  });

  test('LastEvaluatedKey of an index page holds the index keys and the table keys', async () => {
    const page = await server.client.send(
      new QueryCommand({ TableName: table, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :c', ExpressionAttributeValues: { ':c': s('CITY#paris') }, Limit: 2 }),
    );
    assert.deepEqual(page.LastEvaluatedKey, { GSI1PK: s('CITY#paris'), GSI1SK: s('DRIVER#cid'), PK: s('DRIVER#cid'), SK: s('PROFILE') });
    const scanned = await server.client.send(new ScanCommand({ TableName: table, IndexName: 'GSI1', Limit: 1 }));
    assert.deepEqual(Object.keys(scanned.LastEvaluatedKey!).sort(), ['GSI1PK', 'GSI1SK', 'PK', 'SK']);
    let all: Av[] = [...(scanned.Items ?? [])];
    let start = scanned.LastEvaluatedKey;
    while (start !== undefined) {
      const next = await server.client.send(new ScanCommand({ TableName: table, IndexName: 'GSI1', Limit: 2, ExclusiveStartKey: start }));
      all = all.concat(next.Items ?? []);
      start = next.LastEvaluatedKey;
    }
    assert.equal(all.length, 5, 'an index Scan pages through every entry once');
  });

  test('a sparse index holds only the items with its key; KEYS_ONLY holds only keys', async () => {
    const flagged = await server.client.send(new ScanCommand({ TableName: table, IndexName: 'flagged' }));
    assert.deepEqual(names(flagged.Items!).sort(), ['DRIVER#dee|PROFILE', 'USER#bob|PROFILE']);
    for (const item of flagged.Items!) assert.deepEqual(Object.keys(item).sort(), ['Flagged', 'PK', 'SK']);
  });

  test('an LSI returns its projection, and fetches the rest from the table when asked', async () => {
    const projected = await queryAll({ TableName: table, IndexName: 'byCreated', KeyConditionExpression: 'PK = :u', ExpressionAttributeValues: { ':u': s('USER#ann') } });
    assert.deepEqual(
      projected.map((item) => item['SK']!.S),
      ['ORDER#2', 'ORDER#1', 'PROFILE'],
    );
    assert.deepEqual(Object.keys(projected[1]!).sort(), ['CreatedAt', 'Name', 'PK', 'SK']);
    const selected = await server.client.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'byCreated',
        KeyConditionExpression: 'PK = :u AND CreatedAt >= :t',
        ExpressionAttributeValues: { ':u': s('USER#ann'), ':t': n(2) },
        Select: 'ALL_PROJECTED_ATTRIBUTES',
      }),
    );
    assert.deepEqual(selected.Items!.map((item) => item['SK']!.S), ['ORDER#1', 'PROFILE']);
    const full = await server.client.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'byCreated',
        KeyConditionExpression: 'PK = :u',
        ExpressionAttributeValues: { ':u': s('USER#ann') },
        Select: 'ALL_ATTRIBUTES',
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    assert.equal(full.Items![0]!['Total']!.N, '30');
    assert.equal(full.Items![2]!['Email']!.S, 'ann@x');
    assert.ok(full.ConsumedCapacity!.Table!.CapacityUnits! > 0, 'fetching from the table costs table reads');
    assert.deepEqual(Object.keys(full.ConsumedCapacity!.LocalSecondaryIndexes!), ['byCreated']);
    const filtered = await server.client.send(
      new QueryCommand({
        TableName: table,
        IndexName: 'byCreated',
        KeyConditionExpression: 'PK = :u',
        FilterExpression: '#t > :t',
        ProjectionExpression: 'SK, #t',
        ExpressionAttributeNames: { '#t': 'Total' },
        ExpressionAttributeValues: { ':u': s('USER#ann'), ':t': n(25) },
      }),
    );
    assert.deepEqual(filtered.Items, [{ SK: s('ORDER#2'), Total: n(30) }]);
  });

  test("DynamoDB's refusals: unknown index, consistent GSI reads, ALL_ATTRIBUTES on a GSI that does not project all", async () => {
    const key = { KeyConditionExpression: 'Flagged = :f', ExpressionAttributeValues: { ':f': n(1) } };
    await rejects(server.client.send(new QueryCommand({ TableName: table, IndexName: 'nope', ...key })), 'ValidationException', 'The table does not have the specified index: nope');
    await rejects(server.client.send(new ScanCommand({ TableName: table, IndexName: 'nope' })), 'ValidationException', 'The table does not have the specified index: nope');
    await rejects(
      server.client.send(new QueryCommand({ TableName: table, IndexName: 'flagged', ConsistentRead: true, ...key })),
      'ValidationException',
      'Consistent reads are not supported on global secondary indexes',
    );
    await rejects(
      server.client.send(new ScanCommand({ TableName: table, IndexName: 'GSI1', ConsistentRead: true })),
      'ValidationException',
      'Consistent reads are not supported on global secondary indexes',
    );
    await rejects(
      server.client.send(new QueryCommand({ TableName: table, IndexName: 'flagged', Select: 'ALL_ATTRIBUTES', ...key })),
      'ValidationException',
      'One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index flagged because its projection type is not ALL',
    );
    await rejects(
      server.client.send(new QueryCommand({ TableName: table, IndexName: 'GSI1', KeyConditionExpression: 'PK = :p', ExpressionAttributeValues: { ':p': s('x') } })),
      'ValidationException',
      'Query condition missed key schema element: GSI1PK',
    );
    await rejects(
      server.client.send(new QueryCommand({ TableName: table, IndexName: 'flagged', ExclusiveStartKey: { Flagged: n(1) }, ...key })),
      'ValidationException',
      'The provided starting key is invalid',
    );
  });

  test('a wrong index key type is refused and leaves table and indexes unchanged', async () => {
    const message = 'One or more parameter values were invalid: Type mismatch for Index Key GSI1PK Expected: S Actual: N IndexName: GSI1';
    const item = { PK: s('USER#eve'), SK: s('PROFILE'), GSI1PK: n(5) };
    await rejects(server.client.send(new PutItemCommand({ TableName: table, Item: item })), 'ValidationException', message);
    await rejects(
      server.client.send(new UpdateItemCommand({ TableName: table, Key: { PK: s('USER#ann'), SK: s('PROFILE') }, UpdateExpression: 'SET GSI1PK = :n', ExpressionAttributeValues: { ':n': n(5) } })),
      'ValidationException',
      message,
    );
    await rejects(server.client.send(new BatchWriteItemCommand({ RequestItems: { [table]: [{ PutRequest: { Item: item } }] } })), 'ValidationException', message);
    await rejects(
      server.client.send(new PutItemCommand({ TableName: table, Item: { PK: s('USER#eve'), SK: s('PROFILE'), CreatedAt: s('yesterday') } })),
      'ValidationException',
      'One or more parameter values were invalid: Type mismatch for Index Key CreatedAt Expected: N Actual: S IndexName: byCreated',
    );
    const paris = await queryAll({ TableName: table, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :c', ExpressionAttributeValues: { ':c': s('CITY#paris') } });
    assert.ok(names(paris).includes('USER#ann|PROFILE'), 'the failed update left the entry in place');
  });

  test('moving, dropping and deleting index keys moves and removes entries; capacity per index with INDEXES', async () => {
    const moved = await server.client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { PK: s('DRIVER#cid'), SK: s('PROFILE') },
        UpdateExpression: 'SET GSI1PK = :c, Flagged = :f',
        ExpressionAttributeValues: { ':c': s('CITY#lyon'), ':f': n(2) },
        ReturnConsumedCapacity: 'INDEXES',
      }),
    );
    // GSI1: the key moved (a delete and a put); flagged: a new entry.
    assert.deepEqual(moved.ConsumedCapacity, {
      TableName: table,
      CapacityUnits: 4,
      Table: { CapacityUnits: 1 },
      GlobalSecondaryIndexes: { GSI1: { CapacityUnits: 2 }, flagged: { CapacityUnits: 1 } },
    });
    const lyon = await queryAll({ TableName: table, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :c', ExpressionAttributeValues: { ':c': s('CITY#lyon') } });
    assert.deepEqual(names(lyon), ['DRIVER#cid|PROFILE', 'DRIVER#dee|PROFILE']);
    await server.client.send(new UpdateItemCommand({ TableName: table, Key: { PK: s('DRIVER#cid'), SK: s('PROFILE') }, UpdateExpression: 'REMOVE Flagged' }));
    const deleted = await server.client.send(new DeleteItemCommand({ TableName: table, Key: { PK: s('USER#bob'), SK: s('PROFILE') }, ReturnConsumedCapacity: 'TOTAL' }));
    assert.equal(deleted.ConsumedCapacity!.CapacityUnits, 4, 'the table, GSI1, flagged and byCreated each lose an entry');
    const flagged = await server.client.send(new ScanCommand({ TableName: table, IndexName: 'flagged' }));
    assert.deepEqual(names(flagged.Items!), ['DRIVER#dee|PROFILE']);
    const plain = await server.client.send(new PutItemCommand({ TableName: table, Item: { PK: s('NOTE#1'), SK: s('X') }, ReturnConsumedCapacity: 'INDEXES' }));
    assert.deepEqual(plain.ConsumedCapacity, { TableName: table, CapacityUnits: 1, Table: { CapacityUnits: 1 } });
    const read = await server.client.send(new ScanCommand({ TableName: table, IndexName: 'flagged', ReturnConsumedCapacity: 'INDEXES' }));
    assert.deepEqual(read.ConsumedCapacity, { TableName: table, CapacityUnits: 0.5, Table: { CapacityUnits: 0 }, GlobalSecondaryIndexes: { flagged: { CapacityUnits: 0.5 } } });
  });

  test('DescribeTable reports each index item count and size', async () => {
    const { Table } = await server.client.send(new DescribeTableCommand({ TableName: table }));
    const gsi = Object.fromEntries(Table!.GlobalSecondaryIndexes!.map((index) => [index.IndexName, index]));
    assert.equal(gsi['flagged']!.ItemCount, 1);
    assert.equal(gsi['flagged']!.IndexStatus, 'ACTIVE');
    assert.ok(gsi['flagged']!.IndexSizeBytes! > 0);
    const gsi1 = await server.client.send(new ScanCommand({ TableName: table, IndexName: 'GSI1', Select: 'COUNT' }));
    assert.equal(gsi['GSI1']!.ItemCount, gsi1.Count);
    assert.equal(Table!.LocalSecondaryIndexes![0]!.ItemCount, 3);
  });
});

describe('a GSI added to a populated table', () => {
  const name = 'backfilled';
  before(async () => {
    await server.client.send(new CreateTableCommand(tableDefinition({ TableName: name, key: { id: 'S' } })));
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 600; i++) {
      const item: Av = { id: s(`item${i}`), n: n(i) };
      if (i % 2 === 0) item['group'] = s(`g${i % 10}`);
      writes.push(server.client.send(new PutItemCommand({ TableName: name, Item: item })));
    }
    await Promise.all(writes);
  });

  test('shows CREATING with Backfilling, fills from existing items and concurrent writes, becomes ACTIVE; then is deleted', async () => {
    const created = await server.client.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: [
          { AttributeName: 'group', AttributeType: 'S' },
          { AttributeName: 'n', AttributeType: 'N' },
        ],
        GlobalSecondaryIndexUpdates: [
          {
            Create: {
              IndexName: 'byGroup',
              KeySchema: [
                { AttributeName: 'group', KeyType: 'HASH' },
                { AttributeName: 'n', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['extra'] },
            },
          },
        ],
      }),
    );
    const index = created.TableDescription!.GlobalSecondaryIndexes![0]!;
    assert.equal(index.IndexStatus, 'CREATING');
    assert.equal(index.Backfilling, true);
    // Writes during the backfill: new items, moved keys, deletions.
    const writes: Promise<unknown>[] = [];
    for (let i = 600; i < 700; i++) writes.push(server.client.send(new PutItemCommand({ TableName: name, Item: { id: s(`item${i}`), n: n(i), group: s('g0'), extra: s('x') } })));
    for (let i = 0; i < 100; i += 2) writes.push(server.client.send(new DeleteItemCommand({ TableName: name, Key: { id: s(`item${i}`) } })));
    for (let i = 1; i < 100; i += 2) {
      writes.push(server.client.send(new UpdateItemCommand({ TableName: name, Key: { id: s(`item${i}`) }, UpdateExpression: 'SET #g = :g', ExpressionAttributeNames: { '#g': 'group' }, ExpressionAttributeValues: { ':g': s('g0') } })));
    }
    await Promise.all(writes);

    let status: string | undefined;
    let tableStatus: string | undefined;
    for (let attempt = 0; attempt < 500 && (status !== 'ACTIVE' || tableStatus !== 'ACTIVE'); attempt++) {
      const { Table } = await server.client.send(new DescribeTableCommand({ TableName: name }));
      status = Table!.GlobalSecondaryIndexes![0]!.IndexStatus;
      tableStatus = Table!.TableStatus;
      if (status !== 'ACTIVE') await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(status, 'ACTIVE');
    assert.equal(tableStatus, 'ACTIVE');

    // Expected: every remaining item with a group.
    const scanned = await server.client.send(new ScanCommand({ TableName: name }));
    const expected = scanned.Items!.filter((item) => item['group'] !== undefined).length;
    const { Table } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table!.GlobalSecondaryIndexes![0]!.ItemCount, expected);
    assert.equal(Table!.GlobalSecondaryIndexes![0]!.Backfilling, undefined);
    const entries = await server.client.send(new ScanCommand({ TableName: name, IndexName: 'byGroup' }));
    assert.equal(entries.Count, expected, 'every item is in the index exactly once');
    const g0 = await queryAll({ TableName: name, IndexName: 'byGroup', KeyConditionExpression: '#g = :g', ExpressionAttributeNames: { '#g': 'group' }, ExpressionAttributeValues: { ':g': s('g0') } });
    const numbers = g0.map((item) => Number(item['n']!.N));
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), 'in index sort-key order');
    assert.equal(g0.filter((item) => item['extra'] !== undefined).length, 100);

    await server.client.send(new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byGroup' } }] }));
    await rejects(server.client.send(new ScanCommand({ TableName: name, IndexName: 'byGroup' })), 'ValidationException', 'The table does not have the specified index: byGroup');
    const after = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(after.Table!.GlobalSecondaryIndexes, undefined);
  });
});
