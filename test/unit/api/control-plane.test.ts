import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Action, JsonObject } from '../../../src/api/action.js';
import { actionsByName } from '../../../src/api/actions.js';
import { DynamoError } from '../../../src/errors.js';
import { defaultQuotas } from '../../../src/config.js';
import { testContext } from './test-context.js';

type Context = Awaited<ReturnType<typeof testContext>>;

function action(name: string): Action {
  const found = actionsByName.get(name);
  assert.ok(found, `${name} is registered`);
  return found;
}

async function call(context: Context, name: string, body: JsonObject): Promise<JsonObject> {
  return await action(name).run(context, structuredClone(body));
}

async function failure(context: Context, name: string, body: JsonObject): Promise<DynamoError> {
  try {
    await call(context, name, body);
  } catch (error) {
    if (error instanceof DynamoError) return error;
    throw error;
  }
  assert.fail(`${name} should have failed`);
}

async function expectError(context: Context, name: string, body: JsonObject, errorName: string, message: string): Promise<void> {
  const error = await failure(context, name, body);
  assert.equal(error.errorName, errorName);
  assert.equal(error.message, message);
}

const hashTable = {
  TableName: 'hash-table',
  AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }],
  KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }],
  ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
};

const invalid = 'One or more parameter values were invalid: ';

describe('CreateTable', () => {
  test('answers CREATING, and the table is ACTIVE at once with a zero delay', async () => {
    const context = await testContext();
    const answer = (await call(context, 'CreateTable', hashTable)).TableDescription as JsonObject;
    assert.equal(answer.TableStatus, 'CREATING');
    assert.equal(answer.TableArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/hash-table');
    assert.match(answer.TableId as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(answer.CreationDateTime, context.clock.now() / 1000);
    assert.deepEqual(answer.ProvisionedThroughput, { NumberOfDecreasesToday: 0, ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
    assert.equal(answer.ItemCount, 0);
    assert.equal(answer.TableSizeBytes, 0);
    assert.equal(answer.DeletionProtectionEnabled, false);
    const described = (await call(context, 'DescribeTable', { TableName: 'hash-table' })).Table as JsonObject;
    assert.equal(described.TableStatus, 'ACTIVE');
    assert.equal(described.TableId, answer.TableId);
    assert.deepEqual(context.store.getTable('hash-table')!.key, { hashName: 'a', hashType: 'S' });
  });

  test('stays CREATING until the configured delay has passed', async () => {
    const context = await testContext({ tableStateDelays: { createTable_ms: 30, updateTable_ms: 0, deleteTable_ms: 0 } });
    await call(context, 'CreateTable', hashTable);
    const early = (await call(context, 'DescribeTable', { TableName: 'hash-table' })).Table as JsonObject;
    assert.equal(early.TableStatus, 'CREATING');
    await expectError(context, 'DeleteTable', { TableName: 'hash-table' }, 'ResourceInUseException',
      'Attempt to change a resource which is still in use: Table is being created: hash-table');
    // The delay runs on the service's (manual) clock: 29 ms is not enough, 30 ms is.
    await context.clock.advance(29);
    assert.equal(((await call(context, 'DescribeTable', { TableName: 'hash-table' })).Table as JsonObject).TableStatus, 'CREATING');
    await context.clock.advance(1);
    const later = (await call(context, 'DescribeTable', { TableName: 'hash-table' })).Table as JsonObject;
    assert.equal(later.TableStatus, 'ACTIVE');
  });

  test('on-demand tables, indexes, streams and tags', async () => {
    const context = await testContext();
    const answer = (await call(context, 'CreateTable', {
      TableName: 'full',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'a', AttributeType: 'S' },
        { AttributeName: 'b', AttributeType: 'N' },
        { AttributeName: 'c', AttributeType: 'B' },
      ],
      KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }, { AttributeName: 'b', KeyType: 'RANGE' }],
      LocalSecondaryIndexes: [{ IndexName: 'lsi', KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }, { AttributeName: 'c', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
      GlobalSecondaryIndexes: [{ IndexName: 'gsi', KeySchema: [{ AttributeName: 'c', KeyType: 'HASH' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x'] } }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      Tags: [{ Key: 'team', Value: 'core' }],
      DeletionProtectionEnabled: true,
    })).TableDescription as JsonObject;
    assert.deepEqual(answer.BillingModeSummary, { BillingMode: 'PAY_PER_REQUEST' });
    assert.deepEqual(answer.ProvisionedThroughput, { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 });
    const gsi = (answer.GlobalSecondaryIndexes as JsonObject[])[0]!;
    assert.equal(gsi.IndexStatus, 'CREATING');
    assert.equal(gsi.IndexArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/full/index/gsi');
    assert.deepEqual(gsi.Projection, { ProjectionType: 'INCLUDE', NonKeyAttributes: ['x'] });
    assert.equal((answer.LocalSecondaryIndexes as JsonObject[])[0]!.IndexArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/full/index/lsi');
    assert.deepEqual(answer.StreamSpecification, { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    assert.equal(answer.LatestStreamLabel, '2024-01-15T12:00:00.000');
    assert.equal(answer.LatestStreamArn, 'arn:aws:dynamodb:us-east-1:000000000000:table/full/stream/2024-01-15T12:00:00.000');
    const described = (await call(context, 'DescribeTable', { TableName: 'full' })).Table as JsonObject;
    assert.equal((described.GlobalSecondaryIndexes as JsonObject[])[0]!.IndexStatus, 'ACTIVE');
    assert.deepEqual(described.BillingModeSummary, { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: context.clock.now() / 1000 });
    const tags = await call(context, 'ListTagsOfResource', { ResourceArn: described.TableArn });
    assert.deepEqual(tags, { Tags: [{ Key: 'team', Value: 'core' }] });
    await expectError(context, 'DeleteTable', { TableName: 'full' }, 'ValidationException',
      'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.');
  });

  test('semantic checks, in DynamoDB order and words', async () => {
    const context = await testContext();
    const base = { TableName: 'abc', AttributeDefinitions: [], KeySchema: [{ KeyType: 'HASH', AttributeName: 'a' }] };
    const twoDefs = [{ AttributeName: 'a', AttributeType: 'S' }, { AttributeName: 'b', AttributeType: 'S' }];
    const throughput = { ReadCapacityUnits: 1, WriteCapacityUnits: 1 };
    const cases: [JsonObject, string][] = [
      [base, `${invalid}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`],
      [{ ...base, BillingMode: 'PROVISIONED' }, `${invalid}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`],
      [{ ...base, BillingMode: 'PAY_PER_REQUEST', ProvisionedThroughput: throughput }, `${invalid}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`],
      [{ ...base, ProvisionedThroughput: { ReadCapacityUnits: 1000000000001, WriteCapacityUnits: 1000000000001 } }, 'Given value 1000000000001 for ReadCapacityUnits is out of bounds'],
      [{ ...base, ProvisionedThroughput: { ReadCapacityUnits: 1000000000000, WriteCapacityUnits: 1000000000001 } }, 'Given value 1000000000001 for WriteCapacityUnits is out of bounds'],
      [{ ...base, KeySchema: [{ KeyType: 'HASH', AttributeName: 'a' }, { KeyType: 'HASH', AttributeName: 'a' }], ProvisionedThroughput: throughput }, 'Invalid KeySchema: Some index key attribute have no definition'],
      [{ ...base, AttributeDefinitions: [{ AttributeName: 'b', AttributeType: 'S' }], ProvisionedThroughput: throughput }, `${invalid}Some index key attributes are not defined in AttributeDefinitions. Keys: [a], AttributeDefinitions: [b]`],
      [{ ...base, AttributeDefinitions: twoDefs, KeySchema: [{ KeyType: 'HASH', AttributeName: 'a' }, { KeyType: 'HASH', AttributeName: 'a' }], ProvisionedThroughput: throughput }, 'Both the Hash Key and the Range Key element in the KeySchema have the same name'],
      [{ ...base, AttributeDefinitions: twoDefs, KeySchema: [{ KeyType: 'RANGE', AttributeName: 'a' }, { KeyType: 'HASH', AttributeName: 'b' }], ProvisionedThroughput: throughput }, 'Invalid KeySchema: The first KeySchemaElement is not a HASH key type'],
      [{ ...base, AttributeDefinitions: twoDefs, KeySchema: [{ KeyType: 'HASH', AttributeName: 'a' }, { KeyType: 'HASH', AttributeName: 'b' }], ProvisionedThroughput: throughput }, 'Invalid KeySchema: The second KeySchemaElement is not a RANGE key type'],
      [{ ...base, AttributeDefinitions: twoDefs, ProvisionedThroughput: throughput }, `${invalid}Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`],
      [{ ...base, AttributeDefinitions: twoDefs, LocalSecondaryIndexes: [], ProvisionedThroughput: throughput }, `${invalid}List of LocalSecondaryIndexes is empty`],
      [{ ...base, AttributeDefinitions: twoDefs, LocalSecondaryIndexes: [{ IndexName: 'abc', KeySchema: [{ AttributeName: 'c', KeyType: 'RANGE' }], Projection: {} }], ProvisionedThroughput: throughput }, `${invalid}Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex`],
      [{ ...base, AttributeDefinitions: twoDefs, GlobalSecondaryIndexes: [], ProvisionedThroughput: throughput }, `${invalid}List of GlobalSecondaryIndexes is empty`],
      [{ ...base, AttributeDefinitions: twoDefs, GlobalSecondaryIndexes: [{ IndexName: 'abc', KeySchema: [{ AttributeName: 'b', KeyType: 'HASH' }], Projection: {}, ProvisionedThroughput: throughput }], ProvisionedThroughput: throughput }, `${invalid}Unknown ProjectionType: null`],
      [{ ...base, AttributeDefinitions: twoDefs, GlobalSecondaryIndexes: [{ IndexName: 'abc', KeySchema: [{ AttributeName: 'b', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL', NonKeyAttributes: ['x'] }, ProvisionedThroughput: throughput }], ProvisionedThroughput: throughput }, `${invalid}ProjectionType is ALL, but NonKeyAttributes is specified`],
      [{ ...base, AttributeDefinitions: [...twoDefs, { AttributeName: 'c', AttributeType: 'S' }], GlobalSecondaryIndexes: [{ IndexName: 'abc', KeySchema: [{ AttributeName: 'b', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: throughput }], ProvisionedThroughput: throughput }, `${invalid}Some AttributeDefinitions are not used. AttributeDefinitions: [a, b, c], keys used: [a, b]`],
      [{ ...base, AttributeDefinitions: twoDefs, GlobalSecondaryIndexes: [{ IndexName: 'abc', KeySchema: [{ AttributeName: 'b', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }], ProvisionedThroughput: throughput }, `${invalid}ProvisionedThroughput must be specified for index: abc`],
    ];
    for (const [body, message] of cases) await expectError(context, 'CreateTable', body, 'ValidationException', message);
    const lsi = (name: string) => ({ IndexName: name, KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }, { AttributeName: 'b', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } });
    const rangeBase = { ...base, AttributeDefinitions: twoDefs, KeySchema: [{ KeyType: 'HASH', AttributeName: 'a' }, { KeyType: 'RANGE', AttributeName: 'b' }], ProvisionedThroughput: throughput };
    await expectError(context, 'CreateTable', { ...rangeBase, LocalSecondaryIndexes: [lsi('abc'), lsi('abc')] }, 'ValidationException', `${invalid}Duplicate index name: abc`);
    await expectError(context, 'CreateTable', { ...rangeBase, LocalSecondaryIndexes: ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((name) => lsi(`ab${name}`)) }, 'ValidationException', `${invalid}Number of LocalSecondaryIndexes exceeds per-table limit of 5`);
    await expectError(context, 'CreateTable', { ...rangeBase, LocalSecondaryIndexes: [{ ...lsi('abc'), KeySchema: [{ AttributeName: 'b', KeyType: 'HASH' }, { AttributeName: 'a', KeyType: 'RANGE' }] }] }, 'ValidationException',
      `${invalid}Index KeySchema does not have the same leading hash key as table KeySchema for index: abc. index hash key: b, table hash key: a`);
    assert.equal(context.store.listTables().length, 0, 'a rejected request creates nothing');
  });

  test('a name defined twice in AttributeDefinitions, as recorded against DynamoDB', async () => {
    const context = await testContext();
    for (const second of ['S', 'N']) {
      await expectError(context, 'CreateTable', { ...hashTable, AttributeDefinitions: [{ AttributeName: 'a', AttributeType: 'S' }, { AttributeName: 'a', AttributeType: second }] },
        'ValidationException', 'Attribute Name is duplicated: a');
    }
    assert.equal(context.store.listTables().length, 0);
  });

  test('existing names and quotas', async () => {
    const context = await testContext({ quotas: { ...defaultQuotas, maxTables: 1, tableMaxReadCapacityUnits: 100 } });
    await call(context, 'CreateTable', hashTable);
    await expectError(context, 'CreateTable', hashTable, 'ResourceInUseException', 'Table already exists: hash-table');
    await expectError(context, 'CreateTable', { ...hashTable, TableName: 'other' }, 'LimitExceededException',
      'Subscriber limit exceeded: There is a limit of 1 tables per subscriber');
    // The capacity quotas, in the words recorded against DynamoDB (2026).
    const advice = 'Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.';
    const roomy = await testContext({ quotas: { ...defaultQuotas, tableMaxReadCapacityUnits: 100, accountMaxReadCapacityUnits: 150 } });
    await expectError(roomy, 'CreateTable', { ...hashTable, ProvisionedThroughput: { ReadCapacityUnits: 101, WriteCapacityUnits: 1 } }, 'LimitExceededException',
      `The requested ReadCapacityUnits, 101, is above the per table maximum for the account in ${roomy.config.region}. Per table maximum: 100. ${advice}`);
    await call(roomy, 'CreateTable', { ...hashTable, ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 1 } });
    await expectError(roomy, 'CreateTable', { ...hashTable, TableName: 'second', ProvisionedThroughput: { ReadCapacityUnits: 60, WriteCapacityUnits: 1 } }, 'LimitExceededException',
      `This request would have caused the ReadCapacityUnits limit to be exceeded for the account in ${roomy.config.region}. ` +
        `Current ReadCapacityUnits reserved by the account: 100. Limit: 150. Requested: 60. ${advice}`);
    assert.equal(roomy.store.listTables().length, 1, 'a refused table is not created');
  });
});

describe('DescribeTable, ListTables, DeleteTable', () => {
  test('missing tables', async () => {
    const context = await testContext();
    await expectError(context, 'DescribeTable', { TableName: 'nope' }, 'ResourceNotFoundException', 'Requested resource not found: Table: nope not found');
    await expectError(context, 'DeleteTable', { TableName: 'nope' }, 'ResourceNotFoundException', 'Requested resource not found: Table: nope not found');
    await expectError(context, 'DescribeTable', {}, 'ValidationException', "The parameter 'TableName' is required but was not present in the request");
  });

  test('ListTables pages by name', async () => {
    const context = await testContext();
    for (const name of ['ccc', 'aaa', 'bbb', 'ddd']) await call(context, 'CreateTable', { ...hashTable, TableName: name });
    assert.deepEqual(await call(context, 'ListTables', {}), { TableNames: ['aaa', 'bbb', 'ccc', 'ddd'] });
    assert.deepEqual(await call(context, 'ListTables', { Limit: 2 }), { TableNames: ['aaa', 'bbb'], LastEvaluatedTableName: 'bbb' });
    assert.deepEqual(await call(context, 'ListTables', { Limit: 2, ExclusiveStartTableName: 'bbb' }), { TableNames: ['ccc', 'ddd'] });
    assert.deepEqual(await call(context, 'ListTables', { ExclusiveStartTableName: 'bba' }), { TableNames: ['bbb', 'ccc', 'ddd'] });
    await expectError(context, 'ListTables', { Limit: 101 }, 'ValidationException',
      "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100");
  });

  test('DeleteTable answers DELETING and the table goes', async () => {
    const context = await testContext();
    await call(context, 'CreateTable', hashTable);
    const answer = (await call(context, 'DeleteTable', { TableName: 'hash-table' })).TableDescription as JsonObject;
    assert.equal(answer.TableStatus, 'DELETING');
    assert.equal(context.store.getTable('hash-table'), undefined);
  });
});

describe('UpdateTable', () => {
  test('throughput changes and their bookkeeping', async () => {
    const context = await testContext();
    await call(context, 'CreateTable', hashTable);
    const start_s = context.clock.now() / 1000;
    const up = (await call(context, 'UpdateTable', { TableName: 'hash-table', ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 10 } })).TableDescription as JsonObject;
    assert.equal(up.TableStatus, 'UPDATING');
    assert.deepEqual(up.ProvisionedThroughput, { LastIncreaseDateTime: start_s, NumberOfDecreasesToday: 0, ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
    await context.clock.advance(1000);
    await call(context, 'UpdateTable', { TableName: 'hash-table', ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 10 } });
    const described = (await call(context, 'DescribeTable', { TableName: 'hash-table' })).Table as JsonObject;
    assert.equal(described.TableStatus, 'ACTIVE');
    assert.deepEqual(described.ProvisionedThroughput, {
      LastIncreaseDateTime: start_s, LastDecreaseDateTime: start_s + 1, NumberOfDecreasesToday: 1, ReadCapacityUnits: 2, WriteCapacityUnits: 10,
    });
    await expectError(context, 'UpdateTable', { TableName: 'hash-table', ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 10 } }, 'ValidationException',
      'The provisioned throughput for the table will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for the table: 2. Requested ReadCapacityUnits: 2. Current WriteCapacityUnits provisioned for the table: 10. Requested WriteCapacityUnits: 10. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.');
    await context.clock.advance(24 * 60 * 60 * 1000);
    const nextDay = (await call(context, 'DescribeTable', { TableName: 'hash-table' })).Table as JsonObject;
    assert.equal((nextDay.ProvisionedThroughput as JsonObject).NumberOfDecreasesToday, 0);
  });

  test('request rules come before the table lookup', async () => {
    const context = await testContext();
    await expectError(context, 'UpdateTable', { TableName: 'nope' }, 'ValidationException',
      'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ' +
        'ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, ' +
        'OnDemandThroughput, WarmThroughput or TableClass is required');
    await expectError(context, 'UpdateTable', { TableName: 'nope', BillingMode: 'PROVISIONED' }, 'ValidationException',
      `${invalid}ProvisionedThroughput must be specified when BillingMode is PROVISIONED`);
    await expectError(context, 'UpdateTable', { TableName: 'nope', GlobalSecondaryIndexUpdates: [{}] }, 'ValidationException',
      `${invalid}One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null`);
    await expectError(context, 'UpdateTable', { TableName: 'nope', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'abc' } }, { Delete: { IndexName: 'abc' } }] }, 'ValidationException',
      `${invalid}Only one global secondary index update per index is allowed simultaneously. Index: abc`);
    await expectError(context, 'UpdateTable', { TableName: 'nope', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }, 'ResourceNotFoundException',
      'Requested resource not found: Table: nope not found');
  });

  test('a GSI past the per-table quota: LimitExceededException, as recorded against DynamoDB', async () => {
    const context = await testContext({ quotas: { ...defaultQuotas, maxGlobalSecondaryIndexes: 1 } });
    await call(context, 'CreateTable', hashTable);
    const AttributeDefinitions = [{ AttributeName: 'b', AttributeType: 'S' }];
    const create = (name: string) => ({
      Create: { IndexName: name, KeySchema: [{ AttributeName: 'b', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
    });
    await call(context, 'UpdateTable', { TableName: 'hash-table', AttributeDefinitions, GlobalSecondaryIndexUpdates: [create('first')] });
    await expectError(context, 'UpdateTable', { TableName: 'hash-table', AttributeDefinitions, GlobalSecondaryIndexUpdates: [create('second')] }, 'LimitExceededException',
      'Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of 1');
  });

  test('billing mode switches, deletion protection, streams', async () => {
    const context = await testContext();
    await call(context, 'CreateTable', hashTable);
    const onDemand = (await call(context, 'UpdateTable', { TableName: 'hash-table', BillingMode: 'PAY_PER_REQUEST' })).TableDescription as JsonObject;
    assert.deepEqual(onDemand.BillingModeSummary, { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: context.clock.now() / 1000 });
    await expectError(context, 'UpdateTable', { TableName: 'hash-table', ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }, 'ValidationException',
      `${invalid}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`);
    const back = (await call(context, 'UpdateTable', { TableName: 'hash-table', BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 } })).TableDescription as JsonObject;
    assert.equal((back.BillingModeSummary as JsonObject).BillingMode, 'PROVISIONED');
    const protectedTable = (await call(context, 'UpdateTable', { TableName: 'hash-table', DeletionProtectionEnabled: true })).TableDescription as JsonObject;
    assert.equal(protectedTable.DeletionProtectionEnabled, true);
    assert.equal(protectedTable.TableStatus, 'ACTIVE');
    const streamed = (await call(context, 'UpdateTable', { TableName: 'hash-table', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } })).TableDescription as JsonObject;
    assert.deepEqual(streamed.StreamSpecification, { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' });
    assert.equal(typeof streamed.LatestStreamArn, 'string');
  });

  test('GSI creation and deletion go through the catalog', async () => {
    const context = await testContext();
    await call(context, 'CreateTable', hashTable);
    await call(context, 'UpdateTable', {
      TableName: 'hash-table',
      AttributeDefinitions: [{ AttributeName: 'g', AttributeType: 'N' }],
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'by-g', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } }],
    });
    let table = (await call(context, 'DescribeTable', { TableName: 'hash-table' })).Table as JsonObject;
    assert.equal((table.GlobalSecondaryIndexes as JsonObject[])[0]!.IndexStatus, 'ACTIVE');
    assert.deepEqual(table.AttributeDefinitions, [{ AttributeName: 'a', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'N' }]);
    await call(context, 'UpdateTable', { TableName: 'hash-table', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'by-g' } }] });
    table = (await call(context, 'DescribeTable', { TableName: 'hash-table' })).Table as JsonObject;
    assert.equal(table.GlobalSecondaryIndexes, undefined);
  });
});

describe('tags', () => {
  test('TagResource, UntagResource, ListTagsOfResource', async () => {
    const context = await testContext();
    await call(context, 'CreateTable', hashTable);
    const arn = 'arn:aws:dynamodb:us-east-1:000000000000:table/hash-table';
    const tags = Array.from({ length: 12 }, (_, i) => ({ Key: `k${i}`, Value: `v${i}` }));
    assert.deepEqual(await call(context, 'TagResource', { ResourceArn: arn, Tags: tags }), {});
    const first = await call(context, 'ListTagsOfResource', { ResourceArn: arn });
    assert.equal((first.Tags as unknown[]).length, 10);
    const second = await call(context, 'ListTagsOfResource', { ResourceArn: arn, NextToken: first.NextToken });
    assert.deepEqual(second, { Tags: [{ Key: 'k10', Value: 'v10' }, { Key: 'k11', Value: 'v11' }] });
    await call(context, 'UntagResource', { ResourceArn: arn, TagKeys: tags.slice(1).map((tag) => tag.Key) });
    assert.deepEqual(await call(context, 'ListTagsOfResource', { ResourceArn: arn }), { Tags: [{ Key: 'k0', Value: 'v0' }] });
    await expectError(context, 'TagResource', { ResourceArn: arn, Tags: [] }, 'ValidationException', 'Atleast one Tag needs to be provided as Input.');
    await expectError(context, 'TagResource', { Tags: [] }, 'ValidationException', 'Invalid TableArn');
    await expectError(context, 'TagResource', { ResourceArn: 'arn:aws:dynamodb:us-east-1:000000000000:tab/x', Tags: tags }, 'ValidationException',
      'Invalid TableArn: Invalid ResourceArn provided as input arn:aws:dynamodb:us-east-1:000000000000:tab/x');
    const missing = 'arn:aws:dynamodb:us-east-1:000000000000:table/missing';
    await expectError(context, 'ListTagsOfResource', { ResourceArn: missing }, 'ResourceNotFoundException', `Requested resource not found: ResourceArn: ${missing} not found`);
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `t${i}`, Value: '' }));
    assert.equal((await failure(context, 'TagResource', { ResourceArn: arn, Tags: tooMany })).errorName, 'ValidationException');
  });
});

describe('TTL, limits, endpoints', () => {
  test('UpdateTimeToLive and DescribeTimeToLive', async () => {
    const context = await testContext();
    await call(context, 'CreateTable', hashTable);
    assert.deepEqual(await call(context, 'DescribeTimeToLive', { TableName: 'hash-table' }), { TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
    await expectError(context, 'UpdateTimeToLive', { TableName: 'hash-table', TimeToLiveSpecification: { Enabled: false, AttributeName: 'exp' } }, 'ValidationException', 'TimeToLive is already disabled');
    assert.deepEqual(await call(context, 'UpdateTimeToLive', { TableName: 'hash-table', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }),
      { TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } });
    assert.deepEqual(await call(context, 'DescribeTimeToLive', { TableName: 'hash-table' }), { TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'exp' } });
    await expectError(context, 'UpdateTimeToLive', { TableName: 'hash-table', TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' } }, 'ValidationException', 'TimeToLive is already enabled');
    await expectError(context, 'UpdateTimeToLive', { TableName: 'hash-table', TimeToLiveSpecification: { Enabled: false, AttributeName: 'exp' } }, 'ValidationException',
      'Time to live has been modified multiple times within a fixed interval');
    await context.clock.advance(60 * 60 * 1000);
    await call(context, 'UpdateTimeToLive', { TableName: 'hash-table', TimeToLiveSpecification: { Enabled: false, AttributeName: 'exp' } });
    assert.deepEqual(await call(context, 'DescribeTimeToLive', { TableName: 'hash-table' }), { TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
    await expectError(context, 'UpdateTimeToLive', { TableName: 'hash-table', TimeToLiveSpecification: { Enabled: true } }, 'ValidationException',
      "1 validation error detected: Value null at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must not be null");
    await expectError(context, 'DescribeTimeToLive', { TableName: 'nope' }, 'ResourceNotFoundException', 'Requested resource not found: Table: nope not found');
  });

  test('DescribeLimits and DescribeEndpoints', async () => {
    const context = await testContext({ region: 'eu-west-1' });
    assert.deepEqual(await call(context, 'DescribeLimits', {}), {
      AccountMaxReadCapacityUnits: 80000, AccountMaxWriteCapacityUnits: 80000, TableMaxReadCapacityUnits: 40000, TableMaxWriteCapacityUnits: 40000,
    });
    assert.deepEqual(await call(context, 'DescribeEndpoints', {}), { Endpoints: [{ Address: 'dynamodb.eu-west-1.amazonaws.com', CachePeriodInMinutes: 1440 }] });
  });
});
