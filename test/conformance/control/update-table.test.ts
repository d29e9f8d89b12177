/** UpdateTable through the AWS SDK v3. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DescribeTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeDefinition, GlobalSecondaryIndexUpdate, SSESpecification, StreamSpecification, UpdateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { TestServer } from '../../helpers/test-server.js';
import { startTestServer } from '../../helpers/test-server.js';
import { expectError, hashTable, invalid, tableName } from './control-helpers.js';

describe('UpdateTable', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('throughput increase then decrease', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand(hashTable(name)));
    const { TableDescription: updating } = await server.client.send(
      new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 15, WriteCapacityUnits: 15 } }),
    );
    assert.equal(updating?.TableStatus, 'UPDATING');
    assert.equal(updating?.ProvisionedThroughput?.ReadCapacityUnits, 5);
    assert.ok(updating?.ProvisionedThroughput?.LastIncreaseDateTime instanceof Date);
    await server.client.send(new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 15 } }));
    const { Table } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.TableStatus, 'ACTIVE');
    assert.equal(Table?.ProvisionedThroughput?.ReadCapacityUnits, 1);
    assert.equal(Table?.ProvisionedThroughput?.WriteCapacityUnits, 15);
    assert.equal(Table?.ProvisionedThroughput?.NumberOfDecreasesToday, 1);
    assert.ok(Table?.ProvisionedThroughput?.LastDecreaseDateTime instanceof Date);
  });

  test('no change', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand(hashTable(name)));
    await expectError(
      server.client.send(new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } })),
      'ValidationException',
      'The provisioned throughput for the table will not change. The requested value equals the current value. ' +
        'Current ReadCapacityUnits provisioned for the table: 5. Requested ReadCapacityUnits: 5. ' +
        'Current WriteCapacityUnits provisioned for the table: 5. Requested WriteCapacityUnits: 5. ' +
        'Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.',
    );
    await expectError(server.client.send(new UpdateTableCommand({ TableName: name })), 'ValidationException',
      'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ' +
        'ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, ' +
        'OnDemandThroughput, WarmThroughput or TableClass is required');
  });

  test('switch to on-demand and back', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand(hashTable(name)));
    const { TableDescription } = await server.client.send(new UpdateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST' }));
    assert.equal(TableDescription?.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
    assert.ok(TableDescription?.BillingModeSummary?.LastUpdateToPayPerRequestDateTime instanceof Date);
    const { Table } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.ProvisionedThroughput?.ReadCapacityUnits, 0);
    await expectError(
      server.client.send(new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })),
      'ValidationException',
      `${invalid}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`,
    );
    await expectError(server.client.send(new UpdateTableCommand({ TableName: name, BillingMode: 'PROVISIONED' })), 'ValidationException',
      `${invalid}ProvisionedThroughput must be specified when BillingMode is PROVISIONED`);
    await server.client.send(new UpdateTableCommand({ TableName: name, BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 2 } }));
    const { Table: back } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(back?.BillingModeSummary?.BillingMode, 'PROVISIONED');
    assert.equal(back?.ProvisionedThroughput?.ReadCapacityUnits, 2);
  });

  test('a missing table', async () => {
    await expectError(
      server.client.send(new UpdateTableCommand({ TableName: 'missing-table', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })),
      'ResourceNotFoundException',
      'Requested resource not found: Table: missing-table not found',
    );
  });

  test('stream, table class and deletion protection', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand(hashTable(name)));
    const { TableDescription: streamed } = await server.client.send(
      new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } }),
    );
    assert.equal(streamed?.StreamSpecification?.StreamEnabled, true);
    assert.ok(streamed?.LatestStreamLabel);
    await server.client.send(new UpdateTableCommand({ TableName: name, TableClass: 'STANDARD_INFREQUENT_ACCESS' }));
    await server.client.send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: true }));
    const { Table } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.TableClassSummary?.TableClass, 'STANDARD_INFREQUENT_ACCESS');
    assert.equal(Table?.DeletionProtectionEnabled, true);
  });

  test('stream changes DynamoDB refuses, in the words recorded against it', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand(hashTable(name)));
    const update = (StreamSpecification: { StreamEnabled: boolean; StreamViewType?: 'KEYS_ONLY' | 'NEW_IMAGE' }) =>
      server.client.send(new UpdateTableCommand({ TableName: name, StreamSpecification }));
    await expectError(update({ StreamEnabled: true }), 'ValidationException', `${invalid}If stream is being enabled then UpdateViewType is required`);
    await expectError(update({ StreamEnabled: false }), 'ValidationException', `Table has no stream to disable: TableName: ${name}`);
    await update({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    // Neither the same stream again nor another view type in place.
    await expectError(update({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' }), 'ValidationException', `Table already has an enabled stream: TableName: ${name}`);
    await expectError(update({ StreamEnabled: true, StreamViewType: 'KEYS_ONLY' }), 'ValidationException', `Table already has an enabled stream: TableName: ${name}`);
    await expectError(update({ StreamEnabled: false, StreamViewType: 'NEW_IMAGE' }), 'ValidationException', `${invalid}If stream is being disabled, then UpdateViewType must not be specified`);
    const { Table: enabled } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    await update({ StreamEnabled: false });
    // Disabled: no StreamSpecification, as on a table that never had a stream; the ARN stays.
    const { Table: disabled } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(disabled?.StreamSpecification, undefined);
    assert.equal(disabled?.LatestStreamArn, enabled?.LatestStreamArn);
    await expectError(update({ StreamEnabled: false }), 'ValidationException', `Table has no stream to disable: TableName: ${name}`);
  });
  // Recorded against DynamoDB (ack-api-quirks DDB-TABLE-433, -382, -442, 2026-10).
  test('encryption, table class and deletion protection are each changed alone', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand({ ...hashTable(name), BillingMode: 'PAY_PER_REQUEST', ProvisionedThroughput: undefined }));
    const only = (what: string) => `${invalid}${what} modification must be the only operation in the request`;
    const update = (input: Omit<UpdateTableCommandInput, 'TableName'>) => server.client.send(new UpdateTableCommand({ TableName: name, ...input }));
    await expectError(update({ BillingMode: 'PAY_PER_REQUEST', DeletionProtectionEnabled: true }), 'ValidationException', only('DeletionProtection'));
    await expectError(update({ StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' }, DeletionProtectionEnabled: true }),
      'ValidationException', only('DeletionProtection'));
    await expectError(update({ TableClass: 'STANDARD_INFREQUENT_ACCESS', BillingMode: 'PAY_PER_REQUEST' }), 'ValidationException', only('TableClass'));
    // When several are present: SSE, then TableClass, then DeletionProtection.
    await expectError(update({ SSESpecification: { Enabled: true }, DeletionProtectionEnabled: true }), 'ValidationException', only('Server-Side Encryption'));
    await expectError(update({ TableClass: 'STANDARD_INFREQUENT_ACCESS', DeletionProtectionEnabled: true }), 'ValidationException', only('TableClass'));
    // Nothing of a refused request is applied.
    const { Table } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.DeletionProtectionEnabled, false);
    assert.equal(Table?.TableClassSummary, undefined);
    // AttributeDefinitions is no change of its own.
    const { TableDescription } = await update({ AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], DeletionProtectionEnabled: true });
    assert.equal(TableDescription?.DeletionProtectionEnabled, true);
  });

  // Recorded against DynamoDB (ack-api-quirks DDB-TABLE-047, -437, -442, 2026-10).
  test('encryption requests that change nothing or name a type while disabling', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand(hashTable(name)));
    const update = (sse: SSESpecification) => server.client.send(new UpdateTableCommand({ TableName: name, SSESpecification: sse }));
    await expectError(update({ Enabled: false }), 'ValidationException', `${invalid}Table is already encrypted by default`);
    await expectError(update({}), 'ValidationException', `${invalid}Table is already encrypted by default`);
    await expectError(update({ Enabled: false, SSEType: 'KMS' }), 'ValidationException', `${invalid}SSEType can not be specified if Enabled is false`);
    await expectError(update({ Enabled: false, KMSMasterKeyId: 'alias/mine' }), 'ValidationException',
      `${invalid}KMSMasterKeyId can not be specified if Enabled is false`);
    const { TableDescription } = await update({ Enabled: true });
    assert.equal(TableDescription?.SSEDescription?.SSEType, 'KMS');
  });
  // Recorded against DynamoDB (ack-api-quirks DDB-TABLE-382, -174, -442, 2026-10).
  test('throughput, stream and adding or removing an index exclude one another', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand(hashTable(name)));
    const update = (input: Omit<UpdateTableCommandInput, 'TableName'>) => server.client.send(new UpdateTableCommand({ TableName: name, ...input }));
    const throughput = { ReadCapacityUnits: 6, WriteCapacityUnits: 6 };
    const stream: StreamSpecification = { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' };
    const create: GlobalSecondaryIndexUpdate = {
      Create: { IndexName: 'by-g', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' }, ProvisionedThroughput: throughput },
    };
    const definitions: AttributeDefinition[] = [{ AttributeName: 'g', AttributeType: 'S' }];
    await expectError(update({ ProvisionedThroughput: throughput, StreamSpecification: stream }), 'ValidationException',
      `${invalid}You cannot modify stream status while updating table IOPS`);
    await expectError(update({ ProvisionedThroughput: throughput, AttributeDefinitions: [...definitions], GlobalSecondaryIndexUpdates: [create] }), 'ValidationException',
      `${invalid}You cannot create or delete index while updating table IOPS`);
    await expectError(update({ StreamSpecification: stream, AttributeDefinitions: [...definitions], GlobalSecondaryIndexUpdates: [create] }), 'ValidationException',
      `${invalid}You cannot create or delete index while changing stream status`);
    const { Table } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.ProvisionedThroughput?.ReadCapacityUnits, 5);
    assert.equal(Table?.StreamSpecification, undefined);
    assert.equal(Table?.GlobalSecondaryIndexes, undefined);
    await update({ AttributeDefinitions: [...definitions], GlobalSecondaryIndexUpdates: [create] });
    await expectError(update({ AttributeDefinitions: [...definitions], GlobalSecondaryIndexUpdates: [create] }), 'ValidationException',
      'Attempting to create an index which already exists');
  });
});
