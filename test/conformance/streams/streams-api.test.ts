/**
 * The DynamoDB Streams API through the SDK's DynamoDBStreamsClient: ListStreams, DescribeStream,
 * GetShardIterator and GetRecords over a table's change log, records shaped as DynamoDB's for the
 * four view types, iterator types, disabling and re-enabling, and DynamoDB's errors.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand, UpdateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { test_credentials } from '../../helpers/test-server.js';
import { createStreamTable, readAll, startStreamServer, type StreamServer } from './stream-helpers.js';

let env: StreamServer;

before(async () => {
  env = await startStreamServer();
});
after(() => env.close());

async function expectError(promise: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.equal(error.name, name);
    if (typeof message === 'string') assert.equal(error.message, message);
    else if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

async function writeSample(table: string): Promise<void> {
  const client = env.server.client;
  await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' }, v: { N: '1' } } }));
  await client.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: 'a' } }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': { N: '2' } } }));
  // A write that changes nothing leaves no record, as in DynamoDB.
  await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' }, v: { N: '2' } } }));
  await client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: 'a' } } }));
  // Deleting a missing item changes nothing either.
  await client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: 'a' } } }));
}

describe('stream records', () => {
  test('INSERT, MODIFY and REMOVE with both images, once each, in order', async () => {
    const arn = await createStreamTable(env.server, 'streams_basic', 'NEW_AND_OLD_IMAGES');
    assert.match(arn, /^arn:aws:dynamodb:us-east-1:000000000000:table\/streams_basic\/stream\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    await writeSample('streams_basic');
    const records = await readAll(env.streams, arn);
    assert.deepEqual(records.map((record) => record.eventName), ['INSERT', 'MODIFY', 'REMOVE']);
    const [insert, modify, remove] = records;
    assert.equal(insert!.eventSource, 'aws:dynamodb');
    assert.equal(insert!.eventVersion, '1.1');
    assert.equal(insert!.awsRegion, 'us-east-1');
    assert.match(insert!.eventID!, /^[0-9a-f]{32}$/);
    assert.equal(insert!.userIdentity, undefined);
    assert.deepEqual(insert!.dynamodb!.Keys, { pk: { S: 'a' } });
    assert.deepEqual(insert!.dynamodb!.NewImage, { pk: { S: 'a' }, v: { N: '1' } });
    assert.equal(insert!.dynamodb!.OldImage, undefined);
    assert.equal(insert!.dynamodb!.StreamViewType, 'NEW_AND_OLD_IMAGES');
    assert.ok(insert!.dynamodb!.ApproximateCreationDateTime instanceof Date);
    assert.equal(insert!.dynamodb!.ApproximateCreationDateTime!.getTime(), Math.floor(env.clock.now() / 1000) * 1000);
    // Keys (pk + a = 3 bytes) and the new image (pk + a, v + 1 = 3 + 3 bytes).
    assert.equal(insert!.dynamodb!.SizeBytes, 9);
    assert.deepEqual(modify!.dynamodb!.OldImage, { pk: { S: 'a' }, v: { N: '1' } });
    assert.deepEqual(modify!.dynamodb!.NewImage, { pk: { S: 'a' }, v: { N: '2' } });
    assert.deepEqual(remove!.dynamodb!.OldImage, { pk: { S: 'a' }, v: { N: '2' } });
    assert.equal(remove!.dynamodb!.NewImage, undefined);
    const sequences = records.map((record) => record.dynamodb!.SequenceNumber!);
    for (const sequence of sequences) assert.match(sequence, /^\d{21,40}$/);
    assert.ok(BigInt(sequences[0]!) < BigInt(sequences[1]!) && BigInt(sequences[1]!) < BigInt(sequences[2]!));
    assert.equal(new Set(records.map((record) => record.eventID)).size, 3);
  });

  for (const [viewType, hasNew, hasOld] of [
    ['KEYS_ONLY', false, false],
    ['NEW_IMAGE', true, false],
    ['OLD_IMAGE', false, true],
  ] as const) {
    test(`${viewType} carries ${hasNew ? 'the new image' : hasOld ? 'the old image' : 'only the keys'}`, async () => {
      const table = `streams_${viewType.toLowerCase()}`;
      const arn = await createStreamTable(env.server, table, viewType);
      await writeSample(table);
      const records = await readAll(env.streams, arn);
      assert.deepEqual(records.map((record) => record.eventName), ['INSERT', 'MODIFY', 'REMOVE']);
      for (const record of records) {
        assert.equal(record.dynamodb!.StreamViewType, viewType);
        assert.deepEqual(record.dynamodb!.Keys, { pk: { S: 'a' } });
        const kind = record.eventName!;
        assert.equal(record.dynamodb!.NewImage !== undefined, hasNew && kind !== 'REMOVE', `${kind} NewImage`);
        assert.equal(record.dynamodb!.OldImage !== undefined, hasOld && kind !== 'INSERT', `${kind} OldImage`);
      }
    });
  }

  test('a table without a stream has none, and writes before enabling are not in the stream', async () => {
    const client = env.server.client;
    await createStreamTable(env.server, 'streams_late', 'KEYS_ONLY');
    await client.send(new UpdateTableCommand({ TableName: 'streams_late', StreamSpecification: { StreamEnabled: false } }));
    env.clock.advance(1);
    await client.send(new PutItemCommand({ TableName: 'streams_late', Item: { pk: { S: 'before' } } }));
    env.clock.advance(1);
    const updated = await client.send(new UpdateTableCommand({ TableName: 'streams_late', StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } }));
    const arn = updated.TableDescription!.LatestStreamArn!;
    await client.send(new PutItemCommand({ TableName: 'streams_late', Item: { pk: { S: 'after' } } }));
    const records = await readAll(env.streams, arn);
    assert.deepEqual(records.map((record) => record.dynamodb!.Keys), [{ pk: { S: 'after' } }]);
  });
});

describe('ListStreams and DescribeStream', () => {
  test('lists streams by table, pages with Limit, and describes one open shard', async () => {
    const arn = await createStreamTable(env.server, 'streams_list', 'NEW_IMAGE', true, true);
    const listed = await env.streams.send(new ListStreamsCommand({ TableName: 'streams_list' }));
    const label = arn.slice(arn.lastIndexOf('/') + 1);
    assert.deepEqual(listed.Streams, [{ StreamArn: arn, TableName: 'streams_list', StreamLabel: label }]);
    assert.equal(listed.LastEvaluatedStreamArn, undefined);

    const all = await env.streams.send(new ListStreamsCommand({}));
    assert.ok(all.Streams!.length >= 2);
    const first = await env.streams.send(new ListStreamsCommand({ Limit: 1 }));
    assert.equal(first.Streams!.length, 1);
    assert.equal(first.LastEvaluatedStreamArn, first.Streams![0]!.StreamArn);
    const rest = await env.streams.send(new ListStreamsCommand({ ExclusiveStartStreamArn: first.LastEvaluatedStreamArn }));
    assert.deepEqual([...first.Streams!, ...rest.Streams!], all.Streams);

    await env.server.client.send(new PutItemCommand({ TableName: 'streams_list', Item: { pk: { S: 'x' }, sk: { N: '1' } } }));
    const described = (await env.streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!;
    assert.equal(described.StreamArn, arn);
    assert.equal(described.StreamLabel, label);
    assert.equal(described.StreamStatus, 'ENABLED');
    assert.equal(described.StreamViewType, 'NEW_IMAGE');
    assert.equal(described.TableName, 'streams_list');
    assert.deepEqual(described.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]);
    assert.ok(described.CreationRequestDateTime instanceof Date);
    assert.equal(described.Shards!.length, 1);
    const shard = described.Shards![0]!;
    assert.match(shard.ShardId!, /^shardId-\d{20}-[0-9a-f]{8}$/);
    assert.match(shard.SequenceNumberRange!.StartingSequenceNumber!, /^\d{21}$/);
    assert.equal(shard.SequenceNumberRange!.EndingSequenceNumber, undefined);
    assert.equal(shard.ParentShardId, undefined);
    assert.equal(described.LastEvaluatedShardId, undefined);
    const children = await env.streams.send(new DescribeStreamCommand({ StreamArn: arn, ShardFilter: { Type: 'CHILD_SHARDS', ShardId: shard.ShardId } }));
    assert.deepEqual(children.StreamDescription!.Shards, []);
    const afterLast = await env.streams.send(new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: shard.ShardId }));
    assert.deepEqual(afterLast.StreamDescription!.Shards, []);
  });

  test('ListStreams of a missing table is ResourceNotFoundException', async () => {
    await expectError(env.streams.send(new ListStreamsCommand({ TableName: 'streams_nope' })), 'ResourceNotFoundException', 'Requested resource not found: Table: streams_nope not found');
  });

  test('disabling closes the shard; re-enabling makes a new stream and both stay listed', async () => {
    const client = env.server.client;
    const firstArn = await createStreamTable(env.server, 'streams_toggle', 'NEW_AND_OLD_IMAGES', false, true);
    await client.send(new PutItemCommand({ TableName: 'streams_toggle', Item: { pk: { S: 'one' } } }));
    env.clock.advance(10);
    await client.send(new UpdateTableCommand({ TableName: 'streams_toggle', StreamSpecification: { StreamEnabled: false } }));
    await client.send(new PutItemCommand({ TableName: 'streams_toggle', Item: { pk: { S: 'two' } } }));
    const table = (await client.send(new DescribeTableCommand({ TableName: 'streams_toggle' }))).Table!;
    // DynamoDB describes a disabled stream by its ARN and label only (no StreamSpecification).
    assert.equal(table.StreamSpecification, undefined);
    assert.equal(table.LatestStreamArn, firstArn);

    const closed = (await env.streams.send(new DescribeStreamCommand({ StreamArn: firstArn }))).StreamDescription!;
    assert.equal(closed.StreamStatus, 'DISABLED');
    const range = closed.Shards![0]!.SequenceNumberRange!;
    assert.ok(range.EndingSequenceNumber !== undefined);
    assert.equal(range.StartingSequenceNumber, range.EndingSequenceNumber);
    const records = await readAll(env.streams, firstArn);
    assert.deepEqual(records.map((record) => record.dynamodb!.Keys), [{ pk: { S: 'one' } }]);
    // A closed shard read to its end hands out no further iterator.
    const iterator = (await env.streams.send(new GetShardIteratorCommand({ StreamArn: firstArn, ShardId: closed.Shards![0]!.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    const page = await env.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
    assert.equal(page.Records!.length, 1);
    assert.equal(page.NextShardIterator, undefined);

    env.clock.advance(10);
    const enabled = await client.send(new UpdateTableCommand({ TableName: 'streams_toggle', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }));
    const secondArn = enabled.TableDescription!.LatestStreamArn!;
    assert.notEqual(secondArn, firstArn);
    await client.send(new PutItemCommand({ TableName: 'streams_toggle', Item: { pk: { S: 'three' } } }));
    const listed = await env.streams.send(new ListStreamsCommand({ TableName: 'streams_toggle' }));
    assert.deepEqual(listed.Streams!.map((stream) => stream.StreamArn), [firstArn, secondArn]);
    const second = await readAll(env.streams, secondArn);
    assert.deepEqual(second.map((record) => [record.dynamodb!.Keys, record.dynamodb!.StreamViewType]), [[{ pk: { S: 'three' } }, 'KEYS_ONLY']]);
  });
});

describe('GetShardIterator and GetRecords', () => {
  let arn: string;
  let shardId: string;
  let sequences: string[];

  before(async () => {
    arn = await createStreamTable(env.server, 'streams_iter', 'NEW_IMAGE', false, true);
    for (let i = 0; i < 5; i++) {
      await env.server.client.send(new PutItemCommand({ TableName: 'streams_iter', Item: { pk: { S: `k${i}` } } }));
    }
    const described = await env.streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    shardId = described.StreamDescription!.Shards![0]!.ShardId!;
    sequences = (await readAll(env.streams, arn)).map((record) => record.dynamodb!.SequenceNumber!);
    assert.equal(sequences.length, 5);
  });

  async function keysFrom(type: 'TRIM_HORIZON' | 'LATEST' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER', sequenceNumber?: string, limit?: number) {
    const iterator = (await env.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: type, SequenceNumber: sequenceNumber }))).ShardIterator!;
    const page = await env.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
    return { keys: page.Records!.map((record) => record.dynamodb!.Keys!.pk!.S), next: page.NextShardIterator };
  }

  test('each iterator type starts where DynamoDB starts', async () => {
    assert.deepEqual((await keysFrom('TRIM_HORIZON')).keys, ['k0', 'k1', 'k2', 'k3', 'k4']);
    assert.deepEqual((await keysFrom('AT_SEQUENCE_NUMBER', sequences[2])).keys, ['k2', 'k3', 'k4']);
    assert.deepEqual((await keysFrom('AFTER_SEQUENCE_NUMBER', sequences[2])).keys, ['k3', 'k4']);
    const latest = await keysFrom('LATEST');
    assert.deepEqual(latest.keys, []);
    assert.ok(latest.next !== undefined);
    await env.server.client.send(new PutItemCommand({ TableName: 'streams_iter', Item: { pk: { S: 'k5' } } }));
    const next = await env.streams.send(new GetRecordsCommand({ ShardIterator: latest.next }));
    assert.deepEqual(next.Records!.map((record) => record.dynamodb!.Keys!.pk!.S), ['k5']);
    sequences.push(next.Records![0]!.dynamodb!.SequenceNumber!);
  });

  test('Limit pages through the shard with NextShardIterator', async () => {
    const first = await keysFrom('TRIM_HORIZON', undefined, 2);
    assert.deepEqual(first.keys, ['k0', 'k1']);
    const second = await env.streams.send(new GetRecordsCommand({ ShardIterator: first.next, Limit: 2 }));
    assert.deepEqual(second.Records!.map((record) => record.dynamodb!.Keys!.pk!.S), ['k2', 'k3']);
  });

  test('validation errors, in DynamoDB words', async () => {
    await expectError(
      env.streams.send(new GetRecordsCommand({ ShardIterator: 'x', Limit: 0 })),
      'ValidationException',
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    await expectError(
      env.streams.send(new GetRecordsCommand({ ShardIterator: 'x', Limit: 1001 })),
      'ValidationException',
      "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
    await expectError(env.streams.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' })), 'ValidationException', 'Invalid ShardIterator');
    await expectError(
      env.streams.send(new DescribeStreamCommand({ StreamArn: 'arn:short' })),
      'ValidationException',
      "1 validation error detected: Value 'arn:short' at 'streamArn' failed to satisfy constraint: Member must have length greater than or equal to 37",
    );
    await expectError(
      env.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: 'SOMEWHERE' as 'LATEST' })),
      'ValidationException',
      "1 validation error detected: Value 'SOMEWHERE' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER]",
    );
    await expectError(
      env.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER' })),
      'ValidationException',
      'Must provide a SequenceNumber for iterator type AT_SEQUENCE_NUMBER',
    );
    await expectError(
      env.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: '9'.repeat(30) })),
      'ValidationException',
      /beyond the shard's last record/,
    );
  });

  test('unknown streams and shards are ResourceNotFoundException', async () => {
    const foreign = arn.replace(':000000000000:', ':111111111111:');
    await expectError(env.streams.send(new DescribeStreamCommand({ StreamArn: foreign })), 'ResourceNotFoundException', `Requested resource not found: Stream: ${foreign} not found`);
    const unknownLabel = arn.replace(/stream\/.*$/, 'stream/2000-01-01T00:00:00.000');
    await expectError(env.streams.send(new DescribeStreamCommand({ StreamArn: unknownLabel })), 'ResourceNotFoundException', `Requested resource not found: Stream: ${unknownLabel} not found`);
    await expectError(
      env.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: 'shardId-00000000000000000000-00000000', ShardIteratorType: 'LATEST' })),
      'ResourceNotFoundException',
      'Requested resource not found: Shard does not exist',
    );
  });
});

test('the SDK reads a stream in-process too, through requestHandler (no socket)', async () => {
  const arn = await createStreamTable(env.server, 'streams_in_process', 'NEW_IMAGE');
  await env.server.client.send(new PutItemCommand({ TableName: 'streams_in_process', Item: { pk: { S: 'p' } } }));
  const inProcess = new DynamoDBStreamsClient({ region: 'us-east-1', credentials: test_credentials, requestHandler: env.server.dynabase.requestHandler, endpoint: 'http://in-process' });
  try {
    const records = await readAll(inProcess, arn);
    assert.deepEqual(records.map((record) => record.dynamodb!.NewImage), [{ pk: { S: 'p' } }]);
  } finally {
    inProcess.destroy();
  }
});
