/** CreateTable through the AWS SDK v3 against a running Dynabase. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DescribeTableCommand, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import type { TestServer } from '../../helpers/test-server.js';
import { startTestServer } from '../../helpers/test-server.js';
import { expectError, hashTable, invalid, tableName } from './control-helpers.js';

describe('CreateTable', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('answers CREATING with the full description; DescribeTable then sees ACTIVE', async () => {
    const name = tableName();
    const before_s = Date.now() / 1000;
    const { TableDescription: created } = await server.client.send(new CreateTableCommand(hashTable(name)));
    assert.ok(created);
    assert.equal(created.TableStatus, 'CREATING');
    assert.equal(created.TableName, name);
    assert.equal(created.TableArn, `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`);
    assert.match(created.TableId ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(created.CreationDateTime instanceof Date);
    assert.ok(created.CreationDateTime.getTime() / 1000 >= before_s - 1);
    assert.equal(created.ItemCount, 0);
    assert.equal(created.TableSizeBytes, 0);
    assert.deepEqual(created.ProvisionedThroughput, { NumberOfDecreasesToday: 0, ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
    assert.deepEqual(created.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }]);
    const { Table } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.TableStatus, 'ACTIVE');
  });

  test('on-demand table with indexes, stream and tags', async () => {
    const name = tableName();
    const { TableDescription: created } = await server.client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
          { AttributeName: 'g', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        LocalSecondaryIndexes: [{ IndexName: 'by-g-local', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'g', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
        GlobalSecondaryIndexes: [{ IndexName: 'by-g', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
        Tags: [{ Key: 'env', Value: 'test' }],
      }),
    );
    assert.equal(created?.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
    assert.deepEqual(created?.ProvisionedThroughput, { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 });
    assert.equal(created?.GlobalSecondaryIndexes?.[0]?.IndexStatus, 'CREATING');
    assert.equal(created?.GlobalSecondaryIndexes?.[0]?.IndexArn, `arn:aws:dynamodb:us-east-1:000000000000:table/${name}/index/by-g`);
    assert.equal(created?.StreamSpecification?.StreamViewType, 'NEW_IMAGE');
    assert.match(created?.LatestStreamArn ?? '', new RegExp(`^arn:aws:dynamodb:us-east-1:000000000000:table/${name}/stream/`));
    const { Table } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.GlobalSecondaryIndexes?.[0]?.IndexStatus, 'ACTIVE');
    const { Tags } = await server.client.send(new ListTagsOfResourceCommand({ ResourceArn: Table?.TableArn }));
    assert.deepEqual(Tags, [{ Key: 'env', Value: 'test' }]);
  });

  test('an existing table', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand(hashTable(name)));
    await expectError(server.client.send(new CreateTableCommand(hashTable(name))), 'ResourceInUseException', `Table already exists: ${name}`);
  });

  test('constraint violations, collected', async () => {
    await expectError(
      server.client.send(new CreateTableCommand({ TableName: 'abc;', AttributeDefinitions: undefined, KeySchema: undefined })),
      'ValidationException',
      '3 validation errors detected: ' +
        "Value null at 'attributeDefinitions' failed to satisfy constraint: Member must not be null; " +
        "Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; " +
        "Value null at 'keySchema' failed to satisfy constraint: Member must not be null",
    );
    await expectError(
      server.client.send(new CreateTableCommand({ ...hashTable('abc'), AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'SS' as 'S' }] })),
      'ValidationException',
      "1 validation error detected: Value 'SS' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]",
    );
    await expectError(server.client.send(new CreateTableCommand({ ...hashTable('ab') })), 'ValidationException',
      'TableName must be at least 3 characters long and at most 255 characters long');
  });

  test('semantic checks', async () => {
    // Recorded against DynamoDB (ack-api-quirks DDB-TABLE-024, -442, 2026-10): no BillingMode means PROVISIONED.
    await expectError(
      server.client.send(new CreateTableCommand({ ...hashTable('abc'), ProvisionedThroughput: undefined })),
      'ValidationException',
      `${invalid}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`,
    );
    // Recorded against DynamoDB (ack-api-quirks DDB-TABLE-442 and its tag probes, 2026-10).
    await expectError(
      server.client.send(new CreateTableCommand({ ...hashTable('abc'), StreamSpecification: { StreamEnabled: true } })),
      'ValidationException',
      `${invalid}Table is being created with a stream enabled, UpdateViewType is required`,
    );
    await expectError(
      server.client.send(new CreateTableCommand({ ...hashTable('abc'), StreamSpecification: { StreamEnabled: false, StreamViewType: 'KEYS_ONLY' } })),
      'ValidationException',
      `${invalid}Table is being created with a stream disabled, UpdateViewType should not be specified`,
    );
    await expectError(
      server.client.send(new CreateTableCommand({ ...hashTable('abc'), Tags: [{ Key: 'team', Value: 'a' }, { Key: 'aws:foo', Value: 'b' }] })),
      'ValidationException',
      'Tag Key cannot be prefixed with aws:, Key: aws:foo',
    );
    await expectError(
      server.client.send(new CreateTableCommand({ ...hashTable('abc'), Tags: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) })),
      'ValidationException',
      'Number of Tags exceed the current limit for the provided ResourceArn',
    );
    await expectError(
      server.client.send(new CreateTableCommand({ ...hashTable('abc'), SSESpecification: { Enabled: false, SSEType: 'KMS' } })),
      'ValidationException',
      `${invalid}SSEType can not be specified if Enabled is false`,
    );
    await expectError(
      server.client.send(new CreateTableCommand({ ...hashTable('abc'), AttributeDefinitions: [{ AttributeName: 'other', AttributeType: 'S' }] })),
      'ValidationException',
      `${invalid}Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], AttributeDefinitions: [other]`,
    );
    await expectError(
      server.client.send(new CreateTableCommand({ ...hashTable('abc'), BillingMode: 'PAY_PER_REQUEST' })),
      'ValidationException',
      `${invalid}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`,
    );
    await expectError(
      server.client.send(new CreateTableCommand({ ...hashTable('abc'), AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'x', AttributeType: 'S' }] })),
      'ValidationException',
      `${invalid}Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`,
    );
  });

  test('wrong JSON types are a SerializationException', async () => {
    const response = await server.rawRequest('CreateTable', { TableName: 'abc', KeySchema: 'x' });
    assert.equal(response.statusCode, 400);
    const body = response.json as Record<string, string>;
    assert.equal(body.__type, 'com.amazon.coral.service#SerializationException');
    assert.equal(body.Message ?? body.message, 'Unexpected field type');
  });
});
