/**
 * startDynabase: options, on-disk persistence across restarts, closing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startDynabase } from '../../../src/index.js';
import { missingActions, test_credentials } from '../../helpers/test-server.js';
import { tableDefinition } from '../../helpers/tables.js';

describe('startDynabase', () => {
  test('defaults: in memory, 127.0.0.1, a random port, us-east-1', async () => {
    const dynabase = await startDynabase();
    try {
      assert.match(dynabase.endpoint!, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(dynabase.port! > 0);
      assert.equal(dynabase.endpoint, `http://127.0.0.1:${dynabase.port}`);
      assert.equal(dynabase.region, 'us-east-1');
      const health = await fetch(dynabase.endpoint!);
      assert.equal(await health.text(), 'healthy: dynamodb.us-east-1.amazonaws.com ');
    } finally {
      await dynabase.close();
    }
  });

  test('close is idempotent and stops the listener', async () => {
    const dynabase = await startDynabase({ region: 'ap-south-1' });
    await Promise.all([dynabase.close(), dynabase.close()]);
    await dynabase.close();
    await assert.rejects(fetch(dynabase.endpoint!));
  });

  test('contradictory or invalid options are refused with a clear message', async () => {
    await assert.rejects(startDynabase({ inMemory: true, dataDir: '/tmp/x' }), /inMemory and dataDir contradict/);
    await assert.rejects(startDynabase({ port: 70000 }), /port must be an integer from 0 to 65535/);
    await assert.rejects(startDynabase({ createTableMs: -1 }), /createTableMs must be a non-negative number/);
    await assert.rejects(startDynabase({ durability: 'sometimes' as 'durable' }), /durability must be 'durable' or 'relaxed'/);
  });

  test('a port in use rejects, and leaves nothing open', async () => {
    const first = await startDynabase();
    try {
      await assert.rejects(startDynabase({ port: first.port! }), /EADDRINUSE/);
    } finally {
      await first.close();
    }
  });

  test('dataDir: created if missing, and the data survives a restart', { skip: missingActions('CreateTable', 'PutItem', 'GetItem', 'ListTables') }, async () => {
    const parent = mkdtempSync(join(tmpdir(), 'dynabase-embedded-'));
    const dataDir = join(parent, 'a', 'b');
    try {
      const first = await startDynabase({ dataDir, listen: false });
      assert.ok(existsSync(dataDir));
      const client = new DynamoDBClient({ requestHandler: first.requestHandler, region: first.region, credentials: test_credentials, maxAttempts: 1 });
      await client.send(
        new CreateTableCommand(tableDefinition({ TableName: 'kept', key: { id: 'S' }, BillingMode: 'PAY_PER_REQUEST' })),
      );
      await client.send(new PutItemCommand({ TableName: 'kept', Item: { id: { S: 'x' }, v: { N: '1' } } }));
      await first.close();

      const second = await startDynabase({ dataDir, listen: false });
      const again = new DynamoDBClient({ requestHandler: second.requestHandler, region: second.region, credentials: test_credentials, maxAttempts: 1 });
      assert.deepEqual((await again.send(new ListTablesCommand({}))).TableNames, ['kept']);
      const got = await again.send(new GetItemCommand({ TableName: 'kept', Key: { id: { S: 'x' } }, ConsistentRead: true }));
      assert.deepEqual(got.Item, { id: { S: 'x' }, v: { N: '1' } });
      await second.close();
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
