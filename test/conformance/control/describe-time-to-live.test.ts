/** DescribeTimeToLive through the AWS SDK v3. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
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
