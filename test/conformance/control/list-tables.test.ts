/** ListTables through the AWS SDK v3, including its paginator. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, ListTablesCommand, paginateListTables } from '@aws-sdk/client-dynamodb';
import type { TestServer } from '../../helpers/test-server.js';
import { startTestServer } from '../../helpers/test-server.js';
import { expectError, hashTable } from './control-helpers.js';

describe('ListTables', () => {
  let server: TestServer;
  const names = ['list-c', 'list-a', 'list-e', 'list-b', 'list-d'];
  before(async () => {
    server = await startTestServer();
    for (const name of names) await server.client.send(new CreateTableCommand(hashTable(name)));
  });
  after(() => server.close());

  test('all names, in order', async () => {
    const { TableNames, LastEvaluatedTableName } = await server.client.send(new ListTablesCommand({}));
    assert.deepEqual(TableNames, [...names].sort());
    assert.equal(LastEvaluatedTableName, undefined);
  });

  test('pages with Limit and ExclusiveStartTableName', async () => {
    const first = await server.client.send(new ListTablesCommand({ Limit: 2 }));
    assert.deepEqual(first.TableNames, ['list-a', 'list-b']);
    assert.equal(first.LastEvaluatedTableName, 'list-b');
    const second = await server.client.send(new ListTablesCommand({ Limit: 2, ExclusiveStartTableName: first.LastEvaluatedTableName }));
    assert.deepEqual(second.TableNames, ['list-c', 'list-d']);
    const collected: string[] = [];
    for await (const page of paginateListTables({ client: server.client, pageSize: 2 }, {})) collected.push(...(page.TableNames ?? []));
    assert.deepEqual(collected, [...names].sort());
  });

  test('Limit bounds', async () => {
    await expectError(server.client.send(new ListTablesCommand({ Limit: 0 })), 'ValidationException',
      "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
    await expectError(server.client.send(new ListTablesCommand({ Limit: 101 })), 'ValidationException',
      "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100");
  });
});
