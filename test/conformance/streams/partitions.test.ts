/**
 * Partitions through the AWS SDK v3, seen where DynamoDB shows them: one stream shard per
 * partition. The count at CreateTable follows the throughput; UpdateTable raising throughput
 * splits partitions and lowering it never merges them; a partition past the size limit splits
 * under concurrent writes while a reader follows the stream through parent and child shards;
 * items, index entries and Query/Scan results are unchanged by a split and by a restart.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type AttributeValue,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetRecordsCommandOutput,
  type Shard,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { LambdaStreamEvent } from '../../../src/index.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { tableDefinition } from '../../helpers/tables.js';
import { startTestServer, test_credentials, type TestServer } from '../../helpers/test-server.js';

interface Env {
  readonly server: TestServer;
  readonly streams: DynamoDBStreamsClient;
  close(): Promise<void>;
}

async function startEnv(options: Parameters<typeof startTestServer>[0] = {}): Promise<Env> {
  const server = await startTestServer({ clock: new ManualClock(), ...options });
  const streams = new DynamoDBStreamsClient({ endpoint: server.endpoint, region: server.dynabase.region, credentials: test_credentials, maxAttempts: 1 });
  return {
    server,
    streams,
    async close() {
      streams.destroy();
      await server.close();
    },
  };
}

function streamTable(name: string, capacity: { read: number; write: number } | 'on-demand'): CreateTableCommandInput {
  return tableDefinition({
    TableName: name,
    key: { pk: 'S' },
    ...(capacity === 'on-demand' ? {} : { ProvisionedThroughput: { ReadCapacityUnits: capacity.read, WriteCapacityUnits: capacity.write } }),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  });
}

async function shardsOf(streams: DynamoDBStreamsClient, arn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const page = (await streams.send(new DescribeStreamCommand({ StreamArn: arn, ...(start === undefined ? {} : { ExclusiveStartShardId: start }) }))).StreamDescription!;
    shards.push(...page.Shards!);
    start = page.LastEvaluatedShardId;
  } while (start !== undefined);
  return shards;
}

/**
 * Reads a stream the way a Lambda event source mapping does while it is being written: a shard
 * is read only once its parent has ended, an open shard is polled again on the next pass, and
 * reading stops after a pass that starts with the writers done and finds nothing new.
 */
async function followStream(streams: DynamoDBStreamsClient, arn: string, writersDone: () => boolean): Promise<_Record[]> {
  const records: _Record[] = [];
  const ended = new Set<string>();
  const positions = new Map<string, string>();
  for (;;) {
    const finalPass = writersDone();
    let progressed = false;
    for (const shard of await shardsOf(streams, arn)) {
      const id = shard.ShardId!;
      if (ended.has(id) || (shard.ParentShardId !== undefined && !ended.has(shard.ParentShardId))) continue;
      let iterator: string | undefined =
        positions.get(id) ?? (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: id, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
      for (;;) {
        const page: GetRecordsCommandOutput = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        records.push(...page.Records!);
        if (page.Records!.length > 0) progressed = true;
        iterator = page.NextShardIterator;
        if (iterator === undefined) {
          ended.add(id);
          progressed = true;
          break;
        }
        positions.set(id, iterator);
        if (page.Records!.length === 0) break;
      }
    }
    if (finalPass && !progressed) return records;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('partition count at CreateTable, as stream shards', () => {
  let env: Env;
  before(async () => {
    env = await startEnv();
  });
  after(() => env.close());

  const cases: { name: string; capacity: { read: number; write: number } | 'on-demand'; partitions: number; why: string }[] = [
    { name: 'small', capacity: { read: 5, write: 5 }, partitions: 1, why: '5 / 3000 + 5 / 1000 = 0.0067 → 1' },
    { name: 'tenfold', capacity: { read: 3000, write: 9000 }, partitions: 10, why: '3000 / 3000 + 9000 / 1000 = 10' },
    { name: 'writeheavy', capacity: { read: 1, write: 10000 }, partitions: 11, why: '1 / 3000 + 10000 / 1000 = 10.0003 → 11' },
    { name: 'ondemand', capacity: 'on-demand', partitions: 4, why: 'initial 4,000 WRU and 12,000 RRU at 1,000 WCU and 3,000 RCU a partition → 4' },
  ];
  for (const { name, capacity, partitions, why } of cases) {
    test(`${name}: ${why}`, async () => {
      const table = `count_${name}`;
      const arn = (await env.server.client.send(new CreateTableCommand(streamTable(table, capacity)))).TableDescription!.LatestStreamArn!;
      const shards = await shardsOf(env.streams, arn);
      assert.equal(shards.length, partitions);
      assert.equal(new Set(shards.map((shard) => shard.ShardId)).size, partitions);
      for (const shard of shards) {
        assert.equal(shard.ParentShardId, undefined);
        assert.equal(shard.SequenceNumberRange!.EndingSequenceNumber, undefined);
      }
      // Every partition takes its share of the keys: 200 keys land in every shard.
      for (let i = 0; i < 200; i++) await env.server.client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `k${i}` } } }));
      for (const shard of shards) {
        const iterator = (await env.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
        const page = await env.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
        assert.ok(page.Records!.length > 0, `shard ${shard.ShardId} receives records`);
      }
    });
  }
});

describe('UpdateTable throughput and partitions', () => {
  let env: Env;
  before(async () => {
    env = await startEnv();
  });
  after(() => env.close());

  test('raising throughput beyond what the partitions serve splits them; lowering never merges', async () => {
    const table = 'raise';
    const arn = (await env.server.client.send(new CreateTableCommand(streamTable(table, { read: 5, write: 5 })))).TableDescription!.LatestStreamArn!;
    for (let i = 0; i < 20; i++) await env.server.client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `before${i}` } } }));
    // 3000 / 3000 + 2000 / 1000 = 3 partitions: the one becomes two, then the wider half splits again.
    await env.server.client.send(new UpdateTableCommand({ TableName: table, ProvisionedThroughput: { ReadCapacityUnits: 3000, WriteCapacityUnits: 2000 } }));
    for (let i = 0; i < 20; i++) await env.server.client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `after${i}` } } }));
    const shards = await shardsOf(env.streams, arn);
    const open = shards.filter((shard) => shard.SequenceNumberRange!.EndingSequenceNumber === undefined);
    const closed = shards.filter((shard) => shard.SequenceNumberRange!.EndingSequenceNumber !== undefined);
    assert.equal(open.length, 3);
    assert.equal(closed.length, 2);
    const root = shards[0]!;
    assert.equal(root.ParentShardId, undefined);
    assert.equal(root.SequenceNumberRange!.EndingSequenceNumber, root.SequenceNumberRange!.EndingSequenceNumber);
    // Every other shard names a shard listed before it as its parent.
    for (let i = 1; i < shards.length; i++) assert.ok(shards.slice(0, i).some((parent) => parent.ShardId === shards[i]!.ParentShardId));
    // The closed root ends at its last record (the 20th put); its children continue after it.
    assert.equal(BigInt(root.SequenceNumberRange!.EndingSequenceNumber!), 20n);
    for (const shard of open) assert.ok(BigInt(shard.SequenceNumberRange!.StartingSequenceNumber!) > 20n);
    const records = await followStream(env.streams, arn, () => true);
    assert.equal(records.length, 40);
    assert.deepEqual(new Set(records.map((record) => record.dynamodb!.Keys!.pk!.S)).size, 40);

    await env.server.client.send(new UpdateTableCommand({ TableName: table, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }));
    const after = await shardsOf(env.streams, arn);
    assert.equal(after.filter((shard) => shard.SequenceNumberRange!.EndingSequenceNumber === undefined).length, 3);
  });
});

// On LMDB too: there concurrent writes share one group commit with the split.
for (const engine of ['memory', 'lmdb'] as const) describe(`size splits under concurrent writes (${engine})`, () => {
  let env: Env;
  let dataDir: string | undefined;
  before(async () => {
    if (engine === 'lmdb') dataDir = await mkdtemp(join(tmpdir(), 'dynabase-splits-'));
    // 2 KB partitions: about ten of the 200-byte items below fill one.
    env = await startEnv({ partitionMaxSizeBytes: 2048, ...(dataDir === undefined ? {} : { dataDir, durability: 'relaxed' as const }) });
  });
  after(async () => {
    await env.close();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });

  test('a stream reader following parents then children sees every change once, in order per item', async () => {
    const table = 'hot';
    const arn = (await env.server.client.send(new CreateTableCommand(streamTable(table, 'on-demand')))).TableDescription!.LatestStreamArn!;
    const lanes = 6;
    const itemsPerLane = 15;
    const payload = 'x'.repeat(180);
    // What each item's history must be: its writes are sequential within its lane.
    const expected = new Map<string, string[]>();
    let writing = true;
    const lane = async (l: number) => {
      for (let i = 0; i < itemsPerLane; i++) {
        const pk = `lane${l}-item${i}`;
        const history: string[] = [];
        expected.set(pk, history);
        await env.server.client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, v: { N: '0' }, payload: { S: payload } } }));
        history.push('INSERT:0');
        await env.server.client.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: pk } }, UpdateExpression: 'SET v = v + :one', ExpressionAttributeValues: { ':one': { N: '1' } } }));
        history.push('MODIFY:1');
        if (i % 3 === 0) {
          await env.server.client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: pk } } }));
          history.push('REMOVE:-');
        }
      }
    };
    const reader = followStream(env.streams, arn, () => !writing);
    await Promise.all(Array.from({ length: lanes }, (_, l) => lane(l)));
    writing = false;
    const records = await reader;

    const shards = await shardsOf(env.streams, arn);
    const closed = shards.filter((shard) => shard.SequenceNumberRange!.EndingSequenceNumber !== undefined);
    assert.ok(closed.length > 0, 'partitions split while the writes ran');
    assert.ok(shards.length - closed.length > 4, 'the table has more partitions than it started with');

    assert.equal(new Set(records.map((record) => record.eventID)).size, records.length, 'no record twice');
    const seen = new Map<string, { events: string[]; sequences: bigint[] }>();
    for (const record of records) {
      const pk = record.dynamodb!.Keys!.pk!.S!;
      const entry = seen.get(pk) ?? { events: [], sequences: [] };
      seen.set(pk, entry);
      entry.events.push(`${record.eventName}:${record.dynamodb!.NewImage?.v?.N ?? '-'}`);
      entry.sequences.push(BigInt(record.dynamodb!.SequenceNumber!));
    }
    assert.equal(seen.size, expected.size);
    for (const [pk, history] of expected) {
      const entry = seen.get(pk)!;
      assert.deepEqual(entry.events, history, `history of ${pk}`);
      for (let i = 1; i < entry.sequences.length; i++) assert.ok(entry.sequences[i]! > entry.sequences[i - 1]!, `sequence numbers of ${pk} increase`);
    }
    // The table holds exactly the items not deleted, each with its final state.
    const described = (await env.server.client.send(new DescribeTableCommand({ TableName: table }))).Table!;
    assert.equal(described.ItemCount, lanes * (itemsPerLane - Math.ceil(itemsPerLane / 3)));
  });
});

describe('the embedded consumer across splits', () => {
  let env: Env;
  before(async () => {
    env = await startEnv({ partitionMaxSizeBytes: 1024 });
  });
  after(() => env.close());

  test('onStream delivers every change once, in order per item, while partitions split under it', async () => {
    const table = 'consumed';
    await env.server.client.send(new CreateTableCommand(streamTable(table, { read: 5, write: 5 })));
    const seen = new Map<string, string[]>();
    let count = 0;
    const consumer = await env.server.dynabase.onStream(table, (event: LambdaStreamEvent) => {
      for (const record of event.Records) {
        const pk = (record.dynamodb.Keys.pk as { S: string }).S;
        const history = seen.get(pk) ?? [];
        seen.set(pk, history);
        history.push(`${record.eventName}:${(record.dynamodb.NewImage?.v as { N: string } | undefined)?.N ?? '-'}`);
        count++;
      }
    }, { batchSize: 7, startingPosition: 'TRIM_HORIZON', pollIntervalMs: 1 });
    try {
      // 40 items of about 110 bytes, each put then updated twice: the one partition splits repeatedly.
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 40; i++) {
          const pk = `key${i}`;
          if (round === 0) await env.server.client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, v: { N: '0' }, pad: { S: 'p'.repeat(100) } } }));
          else await env.server.client.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: pk } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: String(round) } } }));
        }
      }
      const arn = (await env.server.client.send(new DescribeTableCommand({ TableName: table }))).Table!.LatestStreamArn!;
      assert.ok((await shardsOf(env.streams, arn)).some((shard) => shard.SequenceNumberRange!.EndingSequenceNumber !== undefined), 'the table split');
      for (let polls = 0; count < 120 && polls < 5000; polls++) await new Promise((resolve) => setTimeout(resolve, 2));
      assert.equal(count, 120);
      for (let i = 0; i < 40; i++) assert.deepEqual(seen.get(`key${i}`), ['INSERT:0', 'MODIFY:1', 'MODIFY:2'], `key${i}`);
    } finally {
      await consumer.stop();
    }
  });
});

describe('a split keeps items, index entries and read results, and survives a restart', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'dynabase-partitions-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  const table = 'indexed';
  const definition = tableDefinition({
    TableName: table,
    key: { pk: 'S', sk: 'N' },
    lsis: { 'by-l': { sortKey: { l: 'N' }, projection: 'ALL' } },
    gsis: { 'by-g': { key: { g: 'S', sk: 'N' }, projection: 'KEYS_ONLY', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } },
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
  });

  async function scanAll(client: DynamoDBClient, indexName?: string): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: table, Limit: 7, ...(indexName === undefined ? {} : { IndexName: indexName }), ...(start === undefined ? {} : { ExclusiveStartKey: start }) }));
      items.push(...page.Items!);
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  /** Everything a reader can see of the table: scans, and queries on the table and both indexes. */
  async function snapshot(client: DynamoDBClient): Promise<unknown> {
    const queries: unknown[] = [];
    for (let p = 0; p < 8; p++) {
      const values = { ':p': { S: `p${p}` } };
      queries.push((await client.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: values }))).Items);
      queries.push((await client.send(new QueryCommand({ TableName: table, IndexName: 'by-l', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: values, ScanIndexForward: false }))).Items);
    }
    for (let g = 0; g < 3; g++) {
      queries.push((await client.send(new QueryCommand({ TableName: table, IndexName: 'by-g', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: `g${g}` } } }))).Items);
    }
    const described = (await client.send(new DescribeTableCommand({ TableName: table }))).Table!;
    return {
      scan: await scanAll(client),
      lsi: await scanAll(client, 'by-l'),
      gsi: await scanAll(client, 'by-g'),
      queries,
      counts: [described.ItemCount, described.TableSizeBytes, described.LocalSecondaryIndexes![0]!.ItemCount, described.GlobalSecondaryIndexes![0]!.ItemCount],
    };
  }

  test('UpdateTable splits the partition; reads are unchanged, and the map outlives a restart', async () => {
    let env = await startEnv({ dataDir, durability: 'relaxed' });
    let arn: string;
    let before: unknown;
    let shardsAfterSplit: Shard[];
    try {
      arn = (await env.server.client.send(new CreateTableCommand(definition))).TableDescription!.LatestStreamArn!;
      for (let i = 0; i < 60; i++) {
        await env.server.client.send(new PutItemCommand({
          TableName: table,
          Item: { pk: { S: `p${i % 8}` }, sk: { N: String(i) }, l: { N: String(100 - i) }, g: { S: `g${i % 3}` }, body: { S: `item ${i}` } },
        }));
      }
      before = await snapshot(env.server.client);
      assert.equal((await shardsOf(env.streams, arn)).length, 1);
      // 6000 / 3000 + 2000 / 1000 = 4 partitions: the root splits in two, each half again.
      await env.server.client.send(new UpdateTableCommand({ TableName: table, ProvisionedThroughput: { ReadCapacityUnits: 6000, WriteCapacityUnits: 2000 } }));
      shardsAfterSplit = await shardsOf(env.streams, arn);
      assert.equal(shardsAfterSplit.filter((shard) => shard.SequenceNumberRange!.EndingSequenceNumber === undefined).length, 4);
      assert.deepEqual(await snapshot(env.server.client), before);
      assert.equal((await followStream(env.streams, arn, () => true)).length, 60);
    } finally {
      await env.close();
    }

    env = await startEnv({ dataDir, durability: 'relaxed' });
    try {
      assert.deepEqual(await shardsOf(env.streams, arn), shardsAfterSplit);
      assert.deepEqual(await snapshot(env.server.client), before);
      // Writes after the restart route to the children and keep the numbering going.
      await env.server.client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'p0' }, sk: { N: '1000' }, l: { N: '0' }, g: { S: 'g0' } } }));
      const records = await followStream(env.streams, arn, () => true);
      assert.equal(records.length, 61);
      const last = records.find((record) => record.dynamodb!.Keys!.sk!.N === '1000')!;
      assert.ok(BigInt(last.dynamodb!.SequenceNumber!) > BigInt(shardsAfterSplit[0]!.SequenceNumberRange!.EndingSequenceNumber!));
    } finally {
      await env.close();
    }
  });
});
