/** UpdateTimeToLive through the AWS SDK v3. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DescribeTimeToLiveCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { TestServer } from '../../helpers/test-server.js';
import { startTestServer } from '../../helpers/test-server.js';
import { expectError, hashTable, tableName } from './control-helpers.js';

describe('UpdateTimeToLive', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('enables, then refuses a repeat and a second change within the hour', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand(hashTable(name)));
    const { TimeToLiveSpecification } = await server.client.send(
      new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } }),
    );
    assert.deepEqual(TimeToLiveSpecification, { Enabled: true, AttributeName: 'expires' });
    const { TimeToLiveDescription } = await server.client.send(new DescribeTimeToLiveCommand({ TableName: name }));
    assert.deepEqual(TimeToLiveDescription, { TimeToLiveStatus: 'ENABLED', AttributeName: 'expires' });
    await expectError(server.client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expires' } })),
      'ValidationException', 'TimeToLive is already enabled');
    await expectError(server.client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: false, AttributeName: 'expires' } })),
      'ValidationException', 'Time to live has been modified multiple times within a fixed interval');
    // Another attribute is answered ahead of the hourly limit (recorded, ack-api-quirks DDB-TABLE-442, 2026-10).
    await expectError(server.client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: 'other' } })),
      'ValidationException', 'TimeToLive is active on a different AttributeName: current AttributeName is expires');
  });

  test('validation and missing tables', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand(hashTable(name)));
    await expectError(server.client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: false, AttributeName: 'expires' } })),
      'ValidationException', 'TimeToLive is already disabled');
    await expectError(server.client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: '' } })),
      'ValidationException', "1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length greater than or equal to 1");
    await expectError(server.client.send(new UpdateTimeToLiveCommand({ TableName: 'missing-table', TimeToLiveSpecification: { Enabled: true, AttributeName: 'x' } })),
      'ResourceNotFoundException', 'Requested resource not found: Table: missing-table not found');
  });
});
