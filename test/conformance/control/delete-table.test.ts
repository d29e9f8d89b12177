/** DeleteTable through the AWS SDK v3. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { TestServer } from '../../helpers/test-server.js';
import { startTestServer } from '../../helpers/test-server.js';
import { expectError, hashTable, tableName } from './control-helpers.js';

describe('DeleteTable', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('answers DELETING and the table is gone', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand(hashTable(name)));
    const { TableDescription } = await server.client.send(new DeleteTableCommand({ TableName: name }));
    assert.equal(TableDescription?.TableStatus, 'DELETING');
    assert.equal(TableDescription?.TableName, name);
    await expectError(server.client.send(new DescribeTableCommand({ TableName: name })), 'ResourceNotFoundException',
      `Requested resource not found: Table: ${name} not found`);
  });

  test('a missing table', async () => {
    await expectError(server.client.send(new DeleteTableCommand({ TableName: 'missing-table' })), 'ResourceNotFoundException',
      'Requested resource not found: Table: missing-table not found');
  });

  test('deletion protection', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand({ ...hashTable(name), DeletionProtectionEnabled: true }));
    await expectError(server.client.send(new DeleteTableCommand({ TableName: name })), 'ValidationException',
      'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.');
    await server.client.send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: false }));
    await server.client.send(new DeleteTableCommand({ TableName: name }));
  });
});

describe('DeleteTable with state delays', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ createTableMs: 200, deleteTableMs: 200 });
  });
  after(() => server.close());

  test('refuses a table still being created, and deletes after the delay', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand(hashTable(name)));
    await expectError(server.client.send(new DeleteTableCommand({ TableName: name })), 'ResourceInUseException',
      `Attempt to change a resource which is still in use: Table is being created: ${name}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.client.send(new DeleteTableCommand({ TableName: name }));
    const { Table } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.TableStatus, 'DELETING');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expectError(server.client.send(new DescribeTableCommand({ TableName: name })), 'ResourceNotFoundException',
      `Requested resource not found: Table: ${name} not found`);
  });
});
