/** ListTagsOfResource through the AWS SDK v3, with NextToken paging. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import type { TestServer } from '../../helpers/test-server.js';
import { startTestServer } from '../../helpers/test-server.js';
import { expectError, hashTable, tableName } from './control-helpers.js';

describe('ListTagsOfResource', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('pages through 25 tags', async () => {
    const name = tableName();
    const tags = Array.from({ length: 25 }, (_, i) => ({ Key: `key${String(i).padStart(2, '0')}`, Value: `value${i}` }));
    const { TableDescription } = await server.client.send(new CreateTableCommand({ ...hashTable(name), Tags: tags }));
    const collected: { Key?: string; Value?: string }[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await server.client.send(new ListTagsOfResourceCommand({ ResourceArn: TableDescription!.TableArn!, NextToken: nextToken }));
      collected.push(...(page.Tags ?? []));
      nextToken = page.NextToken;
      pages += 1;
    } while (nextToken !== undefined);
    assert.deepEqual(collected, tags);
    assert.ok(pages > 1);
  });

  test('a table without tags, and a missing table', async () => {
    const name = tableName();
    const { TableDescription } = await server.client.send(new CreateTableCommand(hashTable(name)));
    assert.deepEqual((await server.client.send(new ListTagsOfResourceCommand({ ResourceArn: TableDescription!.TableArn! }))).Tags, []);
    await expectError(server.client.send(new ListTagsOfResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/missing-table' })),
      'ResourceNotFoundException', 'Requested resource not found: ResourceArn: arn:aws:dynamodb:us-east-1:000000000000:table/missing-table not found');
  });
});
