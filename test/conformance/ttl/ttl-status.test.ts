/**
 * TTL status transitions on a moved clock: ENABLING then ENABLED, DISABLING then DISABLED, with
 * items expiring only once ENABLED.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, DescribeTimeToLiveCommand, GetItemCommand, PutItemCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const transition_ms = 60_000;
const hour_ms = 60 * 60 * 1000;
let server: TestServer;
const clock = new ManualClock();

before(async () => {
  server = await startTestServer({ clock, sweepIntervalMs: 5, updateTimeToLiveMs: transition_ms });
});
after(() => server.close());

async function status() {
  return (await server.client.send(new DescribeTimeToLiveCommand({ TableName: 'ttl_status' }))).TimeToLiveDescription;
}

test('ENABLING, ENABLED (items expire only now), DISABLING, DISABLED', async () => {
  await server.client.send(new CreateTableCommand({
    TableName: 'ttl_status',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  }));
  const answer = await server.client.send(new UpdateTimeToLiveCommand({ TableName: 'ttl_status', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true } }));
  assert.deepEqual(answer.TimeToLiveSpecification, { AttributeName: 'exp', Enabled: true });
  assert.deepEqual(await status(), { TimeToLiveStatus: 'ENABLING', AttributeName: 'exp' });
  await server.client.send(new PutItemCommand({ TableName: 'ttl_status', Item: { pk: { S: 'old' }, exp: { N: String(Math.floor(clock.now() / 1000) - 10) } } }));
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.ok((await server.client.send(new GetItemCommand({ TableName: 'ttl_status', Key: { pk: { S: 'old' } } }))).Item !== undefined, 'not swept while ENABLING');

  clock.advance(transition_ms);
  assert.deepEqual(await status(), { TimeToLiveStatus: 'ENABLED', AttributeName: 'exp' });
  const deadline = Date.now() + 5000;
  while ((await server.client.send(new GetItemCommand({ TableName: 'ttl_status', Key: { pk: { S: 'old' } } }))).Item !== undefined) {
    assert.ok(Date.now() < deadline, 'swept once ENABLED');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }

  clock.advance(hour_ms);
  await server.client.send(new UpdateTimeToLiveCommand({ TableName: 'ttl_status', TimeToLiveSpecification: { AttributeName: 'exp', Enabled: false } }));
  assert.deepEqual(await status(), { TimeToLiveStatus: 'DISABLING', AttributeName: 'exp' });
  clock.advance(transition_ms);
  assert.deepEqual(await status(), { TimeToLiveStatus: 'DISABLED' });
});
