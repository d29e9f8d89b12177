/**
 * The embedded consumer `db.onStream`: Lambda-shaped batches in order, retries of a failing batch
 * and the failure callback after the last attempt, and checkpoints that survive a restart.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { LambdaStreamEvent } from '../../../src/index.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { createStreamTable } from './stream-helpers.js';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(() => server.close());

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function keysOf(events: readonly LambdaStreamEvent[]): string[] {
  return events.flatMap((event) => event.Records.map((record) => `${record.eventName}:${(record.dynamodb.Keys.pk as { S: string }).S}`));
}

test('delivers Lambda-shaped batches of at most batchSize, in order', async () => {
  const arn = await createStreamTable(server, 'consumer_basic', 'NEW_AND_OLD_IMAGES');
  for (let i = 0; i < 5; i++) await server.client.send(new PutItemCommand({ TableName: 'consumer_basic', Item: { pk: { S: `k${i}` }, n: { N: String(i) } } }));
  await server.client.send(new DeleteItemCommand({ TableName: 'consumer_basic', Key: { pk: { S: 'k0' } } }));
  const events: LambdaStreamEvent[] = [];
  const consumer = await server.dynabase.onStream('consumer_basic', (event) => {
    events.push(event);
  }, { batchSize: 2, startingPosition: 'TRIM_HORIZON', pollIntervalMs: 5 });
  try {
    assert.equal(consumer.streamArn, arn);
    await waitFor(() => keysOf(events).length === 6, 'six records');
    assert.deepEqual(keysOf(events), ['INSERT:k0', 'INSERT:k1', 'INSERT:k2', 'INSERT:k3', 'INSERT:k4', 'REMOVE:k0']);
    assert.ok(events.every((event) => event.Records.length <= 2));
    const record = events[0]!.Records[0]!;
    assert.equal(record.eventSourceARN, arn);
    assert.equal(record.eventSource, 'aws:dynamodb');
    assert.equal(record.awsRegion, 'us-east-1');
    assert.equal(typeof record.dynamodb.ApproximateCreationDateTime, 'number');
    assert.deepEqual(record.dynamodb.NewImage, { pk: { S: 'k0' }, n: { N: '0' } });
    assert.equal(record.dynamodb.StreamViewType, 'NEW_AND_OLD_IMAGES');
    // New writes keep arriving.
    await server.client.send(new PutItemCommand({ TableName: 'consumer_basic', Item: { pk: { S: 'k9' } } }));
    await waitFor(() => keysOf(events).length === 7, 'the new record');
    assert.equal(keysOf(events)[6], 'INSERT:k9');
  } finally {
    await consumer.stop();
  }
});

test('a failing batch is retried, then handed to onFailure, and nothing else is lost or repeated', async () => {
  await createStreamTable(server, 'consumer_failing', 'KEYS_ONLY', false, true);
  for (const pk of ['a', 'bad', 'c', 'd']) await server.client.send(new PutItemCommand({ TableName: 'consumer_failing', Item: { pk: { S: pk } } }));
  const handled: LambdaStreamEvent[] = [];
  const failed: { event: LambdaStreamEvent; error: unknown }[] = [];
  let attemptsOnBad = 0;
  const consumer = await server.dynabase.onStream(
    'consumer_failing',
    (event) => {
      if (keysOf([event]).includes('INSERT:bad')) {
        attemptsOnBad++;
        throw new Error('poison record');
      }
      handled.push(event);
    },
    { batchSize: 2, startingPosition: 'TRIM_HORIZON', maxAttempts: 3, pollIntervalMs: 5, onFailure: (event, error) => void failed.push({ event, error }) },
  );
  try {
    await waitFor(() => keysOf(handled).length === 2 && failed.length === 1, 'the good batch and the failed one');
    assert.equal(attemptsOnBad, 3);
    assert.deepEqual(keysOf(failed.map((failure) => failure.event)), ['INSERT:a', 'INSERT:bad']);
    assert.equal((failed[0]!.error as Error).message, 'poison record');
    assert.deepEqual(keysOf(handled), ['INSERT:c', 'INSERT:d']);
  } finally {
    await consumer.stop();
  }
});

test('checkpoints survive a restart of the database (data on disk)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'dynabase-consumer-'));
  try {
    let disk = await startTestServer({ dataDir, durability: 'relaxed' });
    await createStreamTable(disk, 'consumer_restart', 'KEYS_ONLY');
    for (const pk of ['one', 'two', 'three']) await disk.client.send(new PutItemCommand({ TableName: 'consumer_restart', Item: { pk: { S: pk } } }));
    const first: LambdaStreamEvent[] = [];
    const consumer = await disk.dynabase.onStream('consumer_restart', (event) => void first.push(event), { startingPosition: 'TRIM_HORIZON', pollIntervalMs: 5 });
    await waitFor(() => keysOf(first).length === 3, 'the first three records');
    await consumer.stop();
    for (const pk of ['four', 'five']) await disk.client.send(new PutItemCommand({ TableName: 'consumer_restart', Item: { pk: { S: pk } } }));
    await disk.close();

    disk = await startTestServer({ dataDir, durability: 'relaxed' });
    try {
      const second: LambdaStreamEvent[] = [];
      // TRIM_HORIZON applies only to shards without a checkpoint: this one resumes after 'three'.
      await disk.dynabase.onStream('consumer_restart', (event) => void second.push(event), { startingPosition: 'TRIM_HORIZON', pollIntervalMs: 5 });
      await waitFor(() => keysOf(second).length >= 2, 'the two records written after the checkpoint');
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.deepEqual(keysOf(second), ['INSERT:four', 'INSERT:five']);
    } finally {
      // close() stops the consumer too.
      await disk.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a table without a stream is refused', async () => {
  await server.client.send(new PutItemCommand({ TableName: 'consumer_basic', Item: { pk: { S: 'x' } } }));
  await assert.rejects(server.dynabase.onStream('consumer_nope', () => undefined), { name: 'ResourceNotFoundException' });
  await assert.rejects(server.dynabase.onStream('consumer_basic', () => undefined, { batchSize: 0 }), RangeError);
});
