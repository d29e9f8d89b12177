/**
 * The in-process request handler: the AWS SDK v3 served with no socket, answering exactly what
 * the HTTP server answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Dynabase } from '../../../src/index.js';
import { startDynabase } from '../../../src/index.js';
import { crc32 } from '../../../src/server/crc32.js';
import type { TestServer } from '../../helpers/test-server.js';
import { amzDate, dummyAuthorization, missingActions, startTestServer, test_credentials } from '../../helpers/test-server.js';
import { tableDefinition } from '../../helpers/tables.js';

describe('startDynabase({ listen: false })', () => {
  let dynabase: Dynabase;
  let client: DynamoDBClient;
  before(async () => {
    dynabase = await startDynabase({ listen: false });
    client = new DynamoDBClient({ requestHandler: dynabase.requestHandler, region: dynabase.region, credentials: test_credentials, maxAttempts: 1 });
  });
  after(async () => {
    client.destroy();
    await dynabase.close();
  });

  test('opens no socket', () => {
    assert.equal(dynabase.endpoint, undefined);
    assert.equal(dynabase.port, undefined);
    assert.equal(dynabase.region, 'us-east-1');
  });

  test('the SDK reads an error answer in-process (status, type, request id)', async () => {
    const redirected = new DynamoDBClient({ requestHandler: dynabase.requestHandler, region: dynabase.region, credentials: test_credentials, maxAttempts: 1 });
    // Point the request at an operation that does not exist, after the SDK has built it.
    redirected.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-amz-target'] = 'DynamoDB_20120810.NoSuchOperation';
        return next(args);
      },
      { step: 'build' },
    );
    await assert.rejects(redirected.send(new ListTablesCommand({})), (error: Error & { $metadata: { httpStatusCode?: number; requestId?: string } }) => {
      assert.equal(error.name, 'UnknownOperationException');
      assert.equal(error.$metadata.httpStatusCode, 400);
      assert.match(error.$metadata.requestId ?? '', /^[A-Z0-9]{52}$/);
      return true;
    });
    redirected.destroy();
  });

  test('answers GET with the health line through handle()', async () => {
    const { response } = await dynabase.requestHandler.handle({ method: 'GET', path: '/', headers: {} });
    assert.equal(response.statusCode, 200);
    assert.equal(Buffer.from(response.body).toString(), 'healthy: dynamodb.us-east-1.amazonaws.com ');
    assert.equal(response.headers['x-amz-crc32'], String(crc32(response.body)));
  });

  test('ListTables through the SDK', { skip: missingActions('ListTables') }, async () => {
    const output = await client.send(new ListTablesCommand({}));
    assert.ok(Array.isArray(output.TableNames));
    assert.equal(output.$metadata.httpStatusCode, 200);
  });

  test('PutItem then GetItem through the SDK', { skip: missingActions('CreateTable', 'PutItem', 'GetItem') }, async () => {
    await client.send(
      new CreateTableCommand(tableDefinition({ TableName: 'in_process', key: { id: 'S' }, BillingMode: 'PAY_PER_REQUEST' })),
    );
    const item = { id: { S: 'a' }, n: { N: '42' }, b: { B: new Uint8Array([1, 2, 3]) }, l: { L: [{ S: 'x' }, { BOOL: true }] } };
    await client.send(new PutItemCommand({ TableName: 'in_process', Item: item }));
    const got = await client.send(new GetItemCommand({ TableName: 'in_process', Key: { id: { S: 'a' } }, ConsistentRead: true }));
    assert.deepEqual(got.Item, item);
  });
});

describe('the same request in-process and over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const cases: ReadonlyArray<{ name: string; method: string; headers: Record<string, string>; body: string }> = [
    { name: 'health', method: 'GET', headers: {}, body: '' },
    { name: 'not found', method: 'PUT', headers: {}, body: '' },
    { name: 'bad JSON', method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{' },
    { name: 'unknown operation', method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.Nope' }, body: '{}' },
    { name: 'missing token', method: 'POST', headers: { 'content-type': 'application/json', 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}' },
    {
      name: 'list body',
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.ListTables', authorization: dummyAuthorization('us-east-1'), 'x-amz-date': amzDate(new Date()) },
      body: '[1]',
    },
  ];

  for (const each of cases) {
    // Past the target check, an operation must exist for the request to reach authentication.
    const skip = each.headers['x-amz-target'] === 'DynamoDB_20120810.ListTables' && missingActions('ListTables');
    test(each.name, { skip }, async () => {
      const overHttp = await server.rawHttp({ method: each.method, headers: each.headers, body: each.body === '' ? undefined : each.body });
      const { response } = await server.dynabase.requestHandler.handle({ method: each.method, path: '/', headers: each.headers, body: each.body });
      assert.equal(response.statusCode, overHttp.statusCode);
      assert.equal(Buffer.from(response.body).toString('utf8'), overHttp.text);
      for (const name of ['content-type', 'content-length', 'x-amz-crc32']) assert.equal(response.headers[name], overHttp.headers[name], name);
      assert.match(response.headers['x-amzn-requestid']!, /^[A-Z0-9]{52}$/);
    });
  }
});

describe('start-up time', () => {
  test('in memory, with and without a socket (reported, not asserted)', async (t) => {
    for (const listen of [false, true]) {
      const started_ns = process.hrtime.bigint();
      const dynabase = await startDynabase({ listen });
      const elapsed_ms = Number(process.hrtime.bigint() - started_ns) / 1e6;
      await dynabase.close();
      t.diagnostic(`startDynabase({ listen: ${listen} }) took ${elapsed_ms.toFixed(2)} ms`);
    }
  });
});
