/**
 * Stream retention with the records physically gone: once the manual clock passes 24 hours, the
 * background pass deletes the old change-log records from storage (the test reads the store
 * itself), and the Streams API, through the AWS SDK's DynamoDBStreamsClient, answers as DynamoDB
 * documents (API reference, GetShardIterator and GetRecords, TrimmedDataAccessException):
 * TRIM_HORIZON starts at the first record kept; AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER
 * with a sequence number older than the trim point, and an iterator obtained before the trim
 * whose records were trimmed before it was used, get TrimmedDataAccessException.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type ShardIteratorType } from '@aws-sdk/client-dynamodb-streams';
import { defaultConfig } from '../../../src/config.js';
import { createInProcessHandler } from '../../../src/server/in-process-handler.js';
import { openService, type Service } from '../../../src/service.js';
import { default_sweep_interval_ms, startBackgroundSweeps, type BackgroundSweeps } from '../../../src/ttl/background-sweeps.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { test_credentials, test_region } from '../../helpers/test-server.js';

const minute_ms = 60 * 1000;
const hour_ms = 60 * minute_ms;
const table = 'trimmed_physically';

let clock: ManualClock;
let service: Service;
let sweeps: BackgroundSweeps;
let client: DynamoDBClient;
let streams: DynamoDBStreamsClient;

before(async () => {
  clock = new ManualClock();
  service = await openService({ ...defaultConfig, dataDir: undefined, clock });
  // The server's background work (as startDynabase runs it): on a manual clock, after each move.
  sweeps = startBackgroundSweeps(service.context, default_sweep_interval_ms);
  const requestHandler = createInProcessHandler(service);
  client = new DynamoDBClient({ requestHandler, region: test_region, credentials: test_credentials, maxAttempts: 1 });
  streams = new DynamoDBStreamsClient({ requestHandler, region: test_region, credentials: test_credentials, maxAttempts: 1 });
});

after(async () => {
  client.destroy();
  streams.destroy();
  await sweeps.stop();
  await service.close();
});

function trimmed(error: Error): boolean {
  assert.equal(error.name, 'TrimmedDataAccessException');
  assert.equal(error.message, 'The data you are trying to access has been trimmed');
  return true;
}

test('records past 24 hours are deleted from storage, and the Streams API answers for them as DynamoDB documents', async () => {
  // 5 RCU / 5 WCU: one partition, so one shard holding every record.
  const created = await client.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  const arn = created.TableDescription!.LatestStreamArn!;
  const start_ms = clock.now();
  for (const pk of ['old0', 'old1', 'old2']) await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk } } }));
  await clock.advance(hour_ms);
  await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'new0' } } }));

  const shardId = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards![0]!.ShardId!;
  const iterator = async (type: ShardIteratorType, sequenceNumber?: string): Promise<string> =>
    (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: type, SequenceNumber: sequenceNumber }))).ShardIterator!;
  const all = (await streams.send(new GetRecordsCommand({ ShardIterator: await iterator('TRIM_HORIZON') }))).Records!;
  assert.deepEqual(all.map((record) => record.dynamodb!.Keys!['pk']!.S), ['old0', 'old1', 'old2', 'new0']);
  const [old0, old1, old2, new0] = all.map((record) => record.dynamodb!.SequenceNumber!) as [string, string, string, string];

  // The change log as stored: the four records.
  const store = service.context.store;
  const record = store.getTable(table)!;
  assert.equal(record.partitions.length, 1);
  const partitionId = record.partitions[0]!.id;
  const stored = (): string[] => store.readChanges(record, partitionId).map((change) => change.sequenceNumber);
  assert.deepEqual(stored().map(BigInt), [old0, old1, old2, new0].map(BigInt));

  // Five minutes before the old records turn 24 hours old, two iterators are handed out at them.
  await clock.advance(start_ms + 24 * hour_ms - 5 * minute_ms - clock.now());
  const atOld0 = await iterator('AT_SEQUENCE_NUMBER', old0);
  const horizonBefore = await iterator('TRIM_HORIZON');
  // Ten minutes later (the iterators live 15): the background pass that follows the move has
  // deleted the three old records from storage; the log head still remembers the last number.
  await clock.advance(10 * minute_ms);
  assert.deepEqual(stored().map(BigInt), [BigInt(new0)]);
  assert.equal(BigInt(store.changeLogHead(record, partitionId)), BigInt(new0));

  // TRIM_HORIZON starts at the first record kept, which DescribeStream shows as the shard's start.
  const kept = (await streams.send(new GetRecordsCommand({ ShardIterator: await iterator('TRIM_HORIZON') }))).Records!;
  assert.deepEqual(kept.map((each) => each.dynamodb!.SequenceNumber), [new0]);
  const shard = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards![0]!;
  assert.equal(shard.SequenceNumberRange!.StartingSequenceNumber, new0);

  // A sequence number older than the trim point, at or after, is TrimmedDataAccessException;
  // after the last record kept is still a position (the next record).
  await assert.rejects(iterator('AT_SEQUENCE_NUMBER', old1), trimmed);
  await assert.rejects(iterator('AFTER_SEQUENCE_NUMBER', old0), trimmed);
  await assert.rejects(iterator('AFTER_SEQUENCE_NUMBER', old2), trimmed);
  assert.deepEqual((await streams.send(new GetRecordsCommand({ ShardIterator: await iterator('AT_SEQUENCE_NUMBER', new0) }))).Records!.length, 1);

  // Iterators obtained before the trim, used after it: "This causes the iterator to access a
  // record that no longer exists" — TrimmedDataAccessException, not an empty page.
  await assert.rejects(streams.send(new GetRecordsCommand({ ShardIterator: atOld0 })), trimmed);
  await assert.rejects(streams.send(new GetRecordsCommand({ ShardIterator: horizonBefore })), trimmed);

  // An hour later the last record goes too; the shard is then empty and starts after it.
  await clock.advance(hour_ms);
  assert.deepEqual(stored(), []);
  assert.deepEqual((await streams.send(new GetRecordsCommand({ ShardIterator: await iterator('TRIM_HORIZON') }))).Records, []);
  await assert.rejects(iterator('AT_SEQUENCE_NUMBER', new0), trimmed);
});
