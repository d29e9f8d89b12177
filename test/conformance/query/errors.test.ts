/**
 * Query and Scan refusals through the AWS SDK v3, with DynamoDB's messages (as dynalite's tests
 * record them), plus Select COUNT, capacity and LastEvaluatedKey edge cases.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, PutItemCommand, QueryCommand, ScanCommand, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/client-dynamodb';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

let server: TestServer;

async function queryFails(input: Partial<QueryCommandInput>, message: string): Promise<void> {
  await assert.rejects(server.client.send(new QueryCommand({ TableName: 'errs', ...input } as QueryCommandInput)), (error: Error) => {
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, message);
    return true;
  });
}

async function scanFails(input: Partial<ScanCommandInput>, message: string): Promise<void> {
  await assert.rejects(server.client.send(new ScanCommand({ TableName: 'errs', ...input } as ScanCommandInput)), (error: Error) => {
    assert.equal(error.name, 'ValidationException');
    assert.equal(error.message, message);
    return true;
  });
}

before(async () => {
  server = await startTestServer();
  await server.client.send(
    new CreateTableCommand({
      TableName: 'errs',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  for (let i = 0; i < 3; i++) await server.client.send(new PutItemCommand({ TableName: 'errs', Item: { pk: { S: 'a' }, sk: { N: String(i) }, v: { S: 'x'.repeat(3000) } } }));
});
after(() => server.close());

const pkIsA = { KeyConditionExpression: 'pk = :a', ExpressionAttributeValues: { ':a': { S: 'a' } } };

describe('Query refusals', () => {
  test('key conditions', async () => {
    await queryFails({}, 'Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
    await queryFails({ KeyConditionExpression: 'sk = :n', ExpressionAttributeValues: { ':n': { N: '1' } } }, 'Query condition missed key schema element: pk');
    await queryFails({ KeyConditionExpression: 'pk > :a', ExpressionAttributeValues: { ':a': { S: 'a' } } }, 'Query key condition not supported');
    await queryFails(
      { KeyConditionExpression: 'pk = :a AND sk = :n', ExpressionAttributeValues: { ':a': { S: 'a' }, ':n': { S: '1' } } },
      'One or more parameter values were invalid: Condition parameter type does not match schema type',
    );
    await queryFails(
      { KeyConditions: { pk: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'a' }] }, sk: { ComparisonOperator: 'NE', AttributeValueList: [{ N: '1' }] } } },
      'Attempted conditional constraint is not an indexable operation',
    );
    await queryFails(
      { ...pkIsA, FilterExpression: 'sk > :a' },
      'Filter Expression can only contain non-primary key attributes: Primary key attribute: sk',
    );
  });

  test('ExclusiveStartKey', async () => {
    await queryFails({ ...pkIsA, ExclusiveStartKey: { pk: { S: 'a' } } }, 'The provided starting key is invalid');
    await queryFails({ ...pkIsA, ExclusiveStartKey: { pk: { S: 'b' }, sk: { N: '1' } } }, 'The provided starting key is outside query boundaries based on provided conditions');
    await queryFails(
      { KeyConditionExpression: 'pk = :a AND sk > :n', ExpressionAttributeValues: { ':a': { S: 'a' }, ':n': { N: '5' } }, ExclusiveStartKey: { pk: { S: 'a' }, sk: { N: '1' } } },
      'The provided starting key does not match the range key predicate',
    );
  });

  test('Select', async () => {
    await queryFails({ ...pkIsA, Select: 'COUNT', ProjectionExpression: 'v' }, 'Cannot specify the ProjectionExpression when choosing to get only the Count');
    await queryFails(
      { ...pkIsA, Select: 'SPECIFIC_ATTRIBUTES' },
      '1 validation error detected: Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES',
    );
    const counted = await server.client.send(new QueryCommand({ TableName: 'errs', ...pkIsA, Select: 'COUNT', ReturnConsumedCapacity: 'TOTAL' }));
    assert.equal(counted.Items, undefined);
    assert.equal(counted.Count, 3);
    assert.equal(counted.ScannedCount, 3);
    // Three items of ~3 KB read eventually consistently: 9 KB rounds once to 3 units, halved.
    assert.deepEqual(counted.ConsumedCapacity, { TableName: 'errs', CapacityUnits: 1.5 });
  });

  test('Limit equal to the matches still returns LastEvaluatedKey; the next page is empty', async () => {
    const page = await server.client.send(new QueryCommand({ TableName: 'errs', ...pkIsA, Limit: 3 }));
    assert.equal(page.Count, 3);
    assert.deepEqual(page.LastEvaluatedKey, { pk: { S: 'a' }, sk: { N: '2' } });
    const next = await server.client.send(new QueryCommand({ TableName: 'errs', ...pkIsA, Limit: 3, ExclusiveStartKey: page.LastEvaluatedKey }));
    assert.deepEqual(next.Items, []);
    assert.equal(next.LastEvaluatedKey, undefined);
  });
});

describe('Scan refusals', () => {
  test('segments', async () => {
    await scanFails({ Segment: 1 }, 'The TotalSegments parameter is required but was not present in the request when Segment parameter is present');
    await scanFails({ TotalSegments: 2 }, 'The Segment parameter is required but was not present in the request when parameter TotalSegments is present');
    await scanFails({ Segment: 2, TotalSegments: 2 }, 'The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 2 is not less than TotalSegments: 2');
    await scanFails(
      { Segment: 0, TotalSegments: 1000001 },
      "1 validation error detected: Value '1000001' at 'totalSegments' failed to satisfy constraint: Member must have value less than or equal to 1000000",
    );
  });

  test('ExclusiveStartKey against the schema', async () => {
    await scanFails({ ExclusiveStartKey: { pk: { S: 'a' } } }, 'The provided starting key is invalid: The provided key element does not match the schema');
    await scanFails({ ExclusiveStartKey: { pk: { S: 'a' }, sk: { S: '1' } } }, 'The provided starting key is invalid: The provided key element does not match the schema');
  });

  test('Select and the ScannedCount with a filter', async () => {
    await scanFails({ Select: 'SPECIFIC_ATTRIBUTES' }, 'Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES');
    const filtered = await server.client.send(new ScanCommand({ TableName: 'errs', FilterExpression: 'sk >= :one', ExpressionAttributeValues: { ':one': { N: '1' } } }));
    assert.equal(filtered.Count, 2);
    assert.equal(filtered.ScannedCount, 3);
    assert.equal(filtered.LastEvaluatedKey, undefined);
  });
});
