/**
 * TTL expiry end to end: the sweeper deletes items whose TTL attribute is a Number of epoch
 * seconds in the past once the (moved) clock passes it, ignores non-numbers and times more than
 * five years old, and each expiry appears in the stream as a REMOVE by the service and leaves
 * every index.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand, QueryCommand, ScanCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { tableDefinition } from '../../helpers/tables.js';
import { startTestServer, test_credentials, type TestServer } from '../../helpers/test-server.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { createStreamTable, readAll } from '../streams/stream-helpers.js';

let server: TestServer;
let streams: DynamoDBStreamsClient;
const clock = new ManualClock();

before(async () => {
  server = await startTestServer({ clock, sweepIntervalMs: 5 });
  streams = new DynamoDBStreamsClient({ endpoint: server.endpoint, region: server.dynabase.region, credentials: test_credentials, maxAttempts: 1 });
});
after(async () => {
  streams.destroy();
  await server.close();
});

async function exists(table: string, pk: string): Promise<boolean> {
  return (await server.client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } } }))).Item !== undefined;
}

async function waitUntil(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('expired items are deleted by the service; others are left alone', async () => {
  const table = 'ttl_sweep';
  const arn = await createStreamTable(server, table, 'NEW_AND_OLD_IMAGES');
  await server.client.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: 'expires', Enabled: true } }));
  const now_s = Math.floor(clock.now() / 1000);
  const put = (pk: string, extra: Record<string, { N: string } | { S: string }>) =>
    server.client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, ...extra } }));
  await put('soon', { expires: { N: String(now_s + 100) } });
  await put('later', { expires: { N: String(now_s + 100000) } });
  await put('text', { expires: { S: String(now_s - 100) } });
  await put('ancient', { expires: { N: String(now_s - 6 * 365 * 24 * 3600) } });
  await put('none', {});

  // Not yet expired: the sweeps run (every 5 ms) and keep it.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(await exists(table, 'soon'), true);

  clock.advance(101_000);
  await waitUntil(async () => !(await exists(table, 'soon')), 'the expired item to be swept');
  for (const pk of ['later', 'text', 'ancient', 'none']) assert.equal(await exists(table, pk), true, pk);
  const scanned = await server.client.send(new ScanCommand({ TableName: table }));
  assert.equal(scanned.Count, 4);

  const records = await readAll(streams, arn);
  const removal = records.find((record) => record.eventName === 'REMOVE');
  assert.ok(removal !== undefined);
  assert.deepEqual(removal.dynamodb!.Keys, { pk: { S: 'soon' } });
  assert.deepEqual(removal.dynamodb!.OldImage, { pk: { S: 'soon' }, expires: { N: String(now_s + 100) } });
  assert.deepEqual(removal.userIdentity, { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' });
  // User writes carry no identity.
  assert.ok(records.filter((record) => record.eventName === 'INSERT').every((record) => record.userIdentity === undefined));
});

test('a table without TTL enabled keeps its expired items', async () => {
  const table = 'ttl_off';
  await createStreamTable(server, table, 'KEYS_ONLY');
  const now_s = Math.floor(clock.now() / 1000);
  await server.client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'old' }, expires: { N: String(now_s - 10) } } }));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(await exists(table, 'old'), true);
});

test('an expiry removes the item from every LSI and GSI and streams a REMOVE by the service', async () => {
  const table = 'ttl_indexed';
  const created = await server.client.send(
    new CreateTableCommand(
      tableDefinition({
        TableName: table,
        key: { pk: 'S', sk: 'S' },
        lsis: { byRank: { sortKey: { rank: 'N' }, projection: 'ALL' } },
        gsis: { byKind: { key: { kind: 'S' }, projection: 'KEYS_ONLY' } },
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    ),
  );
  const arn = created.TableDescription!.LatestStreamArn!;
  await server.client.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: 'expires', Enabled: true } }));
  const now_s = Math.floor(clock.now() / 1000);
  const session = { pk: { S: 'user' }, sk: { S: 'session' }, rank: { N: '1' }, kind: { S: 'session' }, expires: { N: String(now_s + 60) } };
  const profile = { pk: { S: 'user' }, sk: { S: 'profile' }, rank: { N: '2' }, kind: { S: 'profile' } };
  for (const item of [session, profile]) await server.client.send(new PutItemCommand({ TableName: table, Item: item }));

  const inLocal = async (): Promise<string[]> =>
    ((await server.client.send(new QueryCommand({ TableName: table, IndexName: 'byRank', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'user' } } }))).Items ?? []).map(
      (item) => item['sk']!.S!,
    );
  const inGlobal = async (kind: string): Promise<number> =>
    (await server.client.send(new QueryCommand({ TableName: table, IndexName: 'byKind', KeyConditionExpression: 'kind = :k', ExpressionAttributeValues: { ':k': { S: kind } } }))).Count ?? 0;
  assert.deepEqual(await inLocal(), ['session', 'profile']);
  assert.equal(await inGlobal('session'), 1);

  clock.advance(61_000);
  await waitUntil(async () => (await server.client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'user' }, sk: { S: 'session' } } }))).Item === undefined, 'the session to expire');
  assert.deepEqual(await inLocal(), ['profile'], 'the LSI entry went with the item');
  assert.equal(await inGlobal('session'), 0, 'the GSI entry went with the item');
  assert.equal(await inGlobal('profile'), 1);
  const described = await server.client.send(new DescribeTableCommand({ TableName: table }));
  assert.equal(described.Table!.LocalSecondaryIndexes![0]!.ItemCount, 1);
  assert.equal(described.Table!.GlobalSecondaryIndexes![0]!.ItemCount, 1);

  const records = await readAll(streams, arn);
  const removals = records.filter((record) => record.eventName === 'REMOVE');
  assert.equal(removals.length, 1);
  assert.deepEqual(removals[0]!.dynamodb!.Keys, { pk: { S: 'user' }, sk: { S: 'session' } });
  assert.deepEqual(removals[0]!.dynamodb!.OldImage, session);
  assert.deepEqual(removals[0]!.userIdentity, { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' });
});
