/** DescribeTimeToLive through the AWS SDK v3. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DeleteTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { ManualClock } from '../../helpers/manual-clock.js';
import type { TestServer } from '../../helpers/test-server.js';
import { startTestServer } from '../../helpers/test-server.js';
import { expectError, hashTable, tableName } from './control-helpers.js';

describe('DescribeTimeToLive', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('a new table has TTL disabled', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand(hashTable(name)));
    const { TimeToLiveDescription } = await server.client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    assert.deepEqual(TimeToLiveDescription, { TimeToLiveStatus: 'DISABLED' });
  });

  test('a missing table', async () => {
    await expectError(server.client.send(new DescribeTimeToLiveCommand({ TableName: 'missing-table' })), 'ResourceNotFoundException',
      'Requested resource not found: Table: missing-table not found');
  });
});

// Recorded against DynamoDB (ack-api-quirks DDB-TABLE-442, live, 2026-10).
describe('DescribeTimeToLive of a table in transition', () => {
  const clock = new ManualClock();
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock, createTableMs: 5_000, deleteTableMs: 5_000 });
  });
  after(() => server.close());

  test('is refused while the table is CREATING or DELETING', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand(hashTable(name)));
    await expectError(server.client.send(new DescribeTimeToLiveCommand({ TableName: name })), 'ValidationException',
      'Cannot describe time to live while table is in CREATING state: Current table state is CREATING');
    await clock.advance(5_000);
    const { TimeToLiveDescription } = await server.client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    assert.deepEqual(TimeToLiveDescription, { TimeToLiveStatus: 'DISABLED' });
    await server.client.send(new DeleteTableCommand({ TableName: name }));
    await expectError(server.client.send(new DescribeTimeToLiveCommand({ TableName: name })), 'ValidationException',
      'Cannot describe time to live while table is in DELETING state: Current table state is DELETING');
  });
});
