/** TagResource through the AWS SDK v3. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, ListTagsOfResourceCommand, TagResourceCommand } from '@aws-sdk/client-dynamodb';
import type { TestServer } from '../../helpers/test-server.js';
import { startTestServer } from '../../helpers/test-server.js';
import { expectError, hashTable, tableName } from './control-helpers.js';

describe('TagResource', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('adds and replaces tags', async () => {
    const name = tableName();
    const { TableDescription } = await server.client.send(new CreateTableCommand(hashTable(name)));
    const arn = TableDescription!.TableArn!;
    await server.client.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }));
    await server.client.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: 'a', Value: '3' }] }));
    const { Tags } = await server.client.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
    assert.deepEqual(Tags, [{ Key: 'a', Value: '3' }, { Key: 'b', Value: '2' }]);
  });

  test('ARN and tag rules', async () => {
    const { TableDescription } = await server.client.send(new CreateTableCommand(hashTable(tableName())));
    // Recorded against DynamoDB (ack-api-quirks tag probes, 2026-10).
    await expectError(server.client.send(new TagResourceCommand({ ResourceArn: TableDescription!.TableArn!, Tags: [{ Key: 'good', Value: 'v' }, { Key: 'aws:zzz', Value: 'v' }] })),
      'ValidationException', 'Tag Key cannot be prefixed with aws:, Key: aws:zzz');
    await expectError(server.client.send(new TagResourceCommand({ ResourceArn: TableDescription!.TableArn!, Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) })),
      'ValidationException', 'Number of Tags exceed the current limit for the provided ResourceArn');
    await expectError(server.client.send(new TagResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/missing-table', Tags: [{ Key: 'a', Value: 'b' }] })),
      'ResourceNotFoundException', 'Requested resource not found: ResourceArn: arn:aws:dynamodb:us-east-1:000000000000:table/missing-table not found');
    await expectError(server.client.send(new TagResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/missing-table', Tags: [] })),
      'ValidationException', 'Atleast one Tag needs to be provided as Input.');
    await expectError(server.client.send(new TagResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:stream/x', Tags: [{ Key: 'a', Value: 'b' }] })),
      'ValidationException', 'Invalid TableArn: Invalid ResourceArn provided as input arn:aws:dynamodb:us-east-1:000000000000:stream/x');
    await expectError(server.client.send(new TagResourceCommand({ ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/missing-table', Tags: [{ Key: 'a'.repeat(129), Value: 'b' }] })),
      'ValidationException', /^1 validation error detected: Value 'a+' at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128$/);
  });
});
