/**
 * Time rules of DynamoDB Streams, with the server clock moved instead of waiting: iterators expire
 * after 15 minutes, a disabled stream disappears 24 hours after it was disabled. Records trimmed
 * after 24 hours: trimming.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PutItemCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, ListStreamsCommand } from '@aws-sdk/client-dynamodb-streams';
import { createStreamTable, startStreamServer, type StreamServer } from './stream-helpers.js';

let env: StreamServer;
const minute_ms = 60 * 1000;
const day_ms = 24 * 60 * minute_ms;

before(async () => {
  env = await startStreamServer();
});
after(() => env.close());

async function shardOf(arn: string): Promise<string> {
  return (await env.streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards![0]!.ShardId!;
}

async function iteratorAt(arn: string, shardId: string, type: 'TRIM_HORIZON' | 'AT_SEQUENCE_NUMBER', sequenceNumber?: string): Promise<string> {
  return (await env.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: type, SequenceNumber: sequenceNumber }))).ShardIterator!;
}

test('an iterator expires 15 minutes after it was handed out', async () => {
  const arn = await createStreamTable(env.server, 'retention_expiry', 'KEYS_ONLY', false, true);
  await env.server.client.send(new PutItemCommand({ TableName: 'retention_expiry', Item: { pk: { S: 'k' } } }));
  const shardId = await shardOf(arn);
  const iterator = await iteratorAt(arn, shardId, 'TRIM_HORIZON');
  env.clock.advance(15 * minute_ms);
  const page = await env.streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
  assert.equal(page.Records!.length, 1);
  // The iterator a GetRecords returns is new: it has its own 15 minutes.
  env.clock.advance(1);
  await assert.rejects(env.streams.send(new GetRecordsCommand({ ShardIterator: iterator })), (error: Error) => {
    assert.equal(error.name, 'ExpiredIteratorException');
    assert.match(
      error.message,
      /^Iterator expired\. The iterator was created at time \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4} while right now it is \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4} which is further in the future than the tolerated delay of 900000 milliseconds\.$/,
    );
    return true;
  });
  const next = await env.streams.send(new GetRecordsCommand({ ShardIterator: page.NextShardIterator }));
  assert.deepEqual(next.Records, []);
});

test('a disabled stream is readable for 24 hours, then gone', async () => {
  const table = 'retention_disabled';
  const arn = await createStreamTable(env.server, table, 'KEYS_ONLY', false, true);
  await env.server.client.send(new UpdateTableCommand({ TableName: table, StreamSpecification: { StreamEnabled: false } }));
  env.clock.advance(day_ms - 1);
  assert.equal((await env.streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.StreamStatus, 'DISABLED');
  env.clock.advance(1);
  const listed = await env.streams.send(new ListStreamsCommand({ TableName: table }));
  assert.deepEqual(listed.Streams, []);
  await assert.rejects(env.streams.send(new DescribeStreamCommand({ StreamArn: arn })), (error: Error) => {
    assert.equal(error.name, 'ResourceNotFoundException');
    assert.equal(error.message, `Requested resource not found: Stream: ${arn} not found`);
    return true;
  });
});
