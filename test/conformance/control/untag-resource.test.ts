/** UntagResource through the AWS SDK v3. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, ListTagsOfResourceCommand, UntagResourceCommand } from '@aws-sdk/client-dynamodb';
import type { TestServer } from '../../helpers/test-server.js';
import { startTestServer } from '../../helpers/test-server.js';
import { expectError, hashTable, tableName } from './control-helpers.js';

describe('UntagResource', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('removes the named keys and ignores unknown ones', async () => {
    const name = tableName();
    const { TableDescription } = await server.client.send(
      new CreateTableCommand({ ...hashTable(name), Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }),
    );
    const arn = TableDescription!.TableArn!;
    await server.client.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ['a', 'zzz'] }));
    const { Tags } = await server.client.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
    assert.deepEqual(Tags, [{ Key: 'b', Value: '2' }]);
  });

  test('errors', async () => {
    await expectError(server.client.send(new UntagResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/missing-table', TagKeys: ['a'] })),
      'ResourceNotFoundException', 'Requested resource not found');
    await expectError(server.client.send(new UntagResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/missing-table', TagKeys: [] })),
      'ValidationException', 'Atleast one Tag Key needs to be provided as Input.');
  });
});
