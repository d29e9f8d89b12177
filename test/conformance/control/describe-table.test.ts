/** DescribeTable through the AWS SDK v3. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { TestServer } from '../../helpers/test-server.js';
import { startTestServer } from '../../helpers/test-server.js';
import { expectError, hashTable, tableName } from './control-helpers.js';

describe('DescribeTable', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('describes an existing table', async () => {
    const name = tableName();
    const { TableDescription: created } = await server.client.send(new CreateTableCommand(hashTable(name)));
    const { Table } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.TableId, created?.TableId);
    assert.equal(Table?.TableStatus, 'ACTIVE');
    assert.equal(Table?.ItemCount, 0);
    assert.equal(Table?.TableSizeBytes, 0);
    assert.equal(Table?.DeletionProtectionEnabled, false);
    assert.deepEqual(Table?.AttributeDefinitions, [{ AttributeName: 'pk', AttributeType: 'S' }]);
  });

  test('a missing table', async () => {
    await expectError(server.client.send(new DescribeTableCommand({ TableName: 'missing-table' })), 'ResourceNotFoundException',
      'Requested resource not found: Table: missing-table not found');
  });

  test('validation before lookup', async () => {
    await expectError(server.client.send(new DescribeTableCommand({ TableName: 'ab' })), 'ValidationException',
      'TableName must be at least 3 characters long and at most 255 characters long');
    await expectError(server.client.send(new DescribeTableCommand({ TableName: 'abc;' })), 'ValidationException',
      "1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  });
});
