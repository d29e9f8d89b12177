/**
 * The package as its users load it: `import ... from 'dynabase'` by name (Node resolves a package's
 * own name through its package.json `exports`), which is the esbuild bundle dist/lib/index.js,
 * not tsc's dist/src that the other tests import. tsc compiles this file against the `types` that
 * `exports` names, so the published declarations are checked too.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Dynabase, DynabaseOptions, InProcessRequestHandler, LambdaStreamEvent } from 'dynabase';
import * as dynabasePackage from 'dynabase';
import { ManualClock, startDynabase } from 'dynabase';
import { tableDefinition } from '../../helpers/tables.js';
import { test_credentials } from '../../helpers/test-server.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  main: string;
  types: string;
  exports: { '.': { types: string; default: string } };
};

async function useTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand(
      tableDefinition({ TableName: tableName, key: { pk: 'S' }, BillingMode: 'PAY_PER_REQUEST', StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } }),
    ),
  );
  await client.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'one' }, n: { N: '1' } } }));
}

async function readBack(client: DynamoDBClient, tableName: string): Promise<unknown> {
  return (await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'one' } }, ConsistentRead: true }))).Item;
}

describe("import from 'dynabase' (the packaged entry)", () => {
  test("resolves to package.json's entry, the bundle, with the declarations beside tsc's output", () => {
    assert.equal(import.meta.resolve('dynabase'), pathToFileURL(join(repoRoot, packageJson.exports['.'].default)).href);
    assert.equal(join(repoRoot, packageJson.main), join(repoRoot, packageJson.exports['.'].default));
    assert.doesNotMatch(packageJson.exports['.'].default, /dist\/src\//, 'the entry is the bundle, not tsc modules');
    assert.equal(join(repoRoot, packageJson.types), join(repoRoot, packageJson.exports['.'].types));
    assert.match(readFileSync(join(repoRoot, packageJson.types), 'utf8'), /export declare function startDynabase/);
  });

  test('exports at run time exactly what src/index.ts exports', async () => {
    const unbundled = (await import(pathToFileURL(join(repoRoot, 'dist/src/index.js')).href)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(dynabasePackage).sort(), Object.keys(unbundled).sort());
    for (const [name, value] of Object.entries(unbundled)) assert.equal(typeof (dynabasePackage as Record<string, unknown>)[name], typeof value, name);
    assert.equal(dynabasePackage.endpointOf('::', 8000), 'http://[::1]:8000');
  });

  test('startDynabase on a socket serves the SDK', async () => {
    const db: Dynabase = await startDynabase({ inMemory: true });
    const client = new DynamoDBClient({ endpoint: db.endpoint!, region: db.region, credentials: test_credentials, maxAttempts: 1 });
    try {
      assert.match(db.endpoint!, /^http:\/\/127\.0\.0\.1:\d+$/);
      await useTable(client, 'by_name_socket');
      assert.deepEqual(await readBack(client, 'by_name_socket'), { pk: { S: 'one' }, n: { N: '1' } });
    } finally {
      client.destroy();
      await db.close();
    }
  });

  test('startDynabase({ listen: false }) serves the SDK through requestHandler, with its manual clock and stream consumer', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const options: DynabaseOptions = { listen: false, clock, createTableMs: 60_000 };
    const db = await startDynabase(options);
    const requestHandler: InProcessRequestHandler = db.requestHandler;
    const client = new DynamoDBClient({ requestHandler, region: db.region, credentials: test_credentials, maxAttempts: 1 });
    try {
      assert.equal(db.endpoint, undefined);
      assert.equal(db.clock.mode, 'manual');
      assert.equal(db.clock.now(), Date.UTC(2026, 0, 1));
      await assert.rejects(useTable(client, 'by_name_in_process'), { name: 'ResourceNotFoundException' });
      await db.clock.advance(60_000);
      await client.send(new PutItemCommand({ TableName: 'by_name_in_process', Item: { pk: { S: 'one' }, n: { N: '1' } } }));
      assert.deepEqual(await readBack(client, 'by_name_in_process'), { pk: { S: 'one' }, n: { N: '1' } });
      // The stream consumer is a chunk of the bundle loaded by the first onStream.
      const events: LambdaStreamEvent[] = [];
      const consumer = await db.onStream('by_name_in_process', (event) => void events.push(event), { startingPosition: 'TRIM_HORIZON', pollIntervalMs: 5 });
      while (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      await consumer.stop();
      assert.deepEqual(events[0]!.Records.map((record) => [record.eventName, record.dynamodb.NewImage]), [['INSERT', { pk: { S: 'one' }, n: { N: '1' } }]]);
      assert.equal(db.metrics().tables.length, 1);
      assert.match(db.prometheusMetrics(), /by_name_in_process/);
    } finally {
      client.destroy();
      await db.close();
    }
  });

  test('startDynabase({ dataDir }) loads the LMDB engine on demand and keeps the data across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dynabase-package-'));
    try {
      let db = await startDynabase({ dataDir, durability: 'relaxed', listen: false });
      let client = new DynamoDBClient({ requestHandler: db.requestHandler, region: db.region, credentials: test_credentials, maxAttempts: 1 });
      await useTable(client, 'by_name_disk');
      client.destroy();
      await db.close();
      db = await startDynabase({ dataDir, durability: 'relaxed', listen: false });
      client = new DynamoDBClient({ requestHandler: db.requestHandler, region: db.region, credentials: test_credentials, maxAttempts: 1 });
      try {
        assert.deepEqual(await readBack(client, 'by_name_disk'), { pk: { S: 'one' }, n: { N: '1' } });
      } finally {
        client.destroy();
        await db.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
