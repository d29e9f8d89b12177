/**
 * `dynabase indexes <table>` as a child process against a real server with a GSI backfill in
 * progress: the server runs in this process, so the store's test hook can hold the backfill
 * between two batches while the CLI looks, then let it finish while `--watch` follows it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, UpdateTableCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { defaultConfig } from '../../../src/config.js';
import { listenHttp, type HttpListener } from '../../../src/server/http-server.js';
import { openService, type Service } from '../../../src/service.js';
import { tableDefinition } from '../../helpers/tables.js';
import { test_credentials } from '../../helpers/test-server.js';
import { holdBackfillAfterFirstBatch } from '../../helpers/backfill-hold.js';

const mainJs = fileURLToPath(new URL('../../../src/main.js', import.meta.url));
/** More than two backfill batches (256 items each), so a backfill can be held after its first. */
const table_items = 600;
/** Items with a `color` (every third one is left out): the GSI is sparse. */
const colored_items = table_items - Math.ceil(table_items / 3);

let service: Service;
let listener: HttpListener;
let endpoint: string;
let client: DynamoDBClient;

before(async () => {
  service = await openService({ ...defaultConfig, dataDir: undefined });
  listener = await listenHttp(service, 0, '127.0.0.1');
  endpoint = `http://127.0.0.1:${listener.port}`;
  client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: test_credentials, maxAttempts: 1 });
  await client.send(new CreateTableCommand(tableDefinition({ TableName: 'orders', key: { pk: 'S' }, gsis: { byShop: { key: { shop: 'S' }, projection: 'KEYS_ONLY' } } })));
  for (let start = 0; start < table_items; start += 25) {
    const requests: WriteRequest[] = [];
    for (let i = start; i < start + 25; i++) {
      const item: Record<string, { S: string }> = { pk: { S: `order-${i}` }, shop: { S: `shop-${i % 7}` } };
      if (i % 3 !== 0) item['color'] = { S: `color-${i % 5}` };
      requests.push({ PutRequest: { Item: item } });
    }
    await client.send(new BatchWriteItemCommand({ RequestItems: { orders: requests } }));
  }
});

after(async () => {
  client.destroy();
  await listener.close();
  await service.close();
});

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI without blocking this process (which serves its requests); `onOutput` sees stdout as it grows. */
function run(args: string[], onOutput?: (stdout: string) => void): Promise<Run> {
  const child = spawn(process.execPath, [mainJs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => {
    stdout += data.toString();
    onOutput?.(stdout);
  });
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
}

test('shows a backfill in progress with the items read so far, and --watch follows it to ACTIVE', async () => {
  const store = service.context.store;
  // Hold the backfill after its first batch (256 items read) until the test lets it go.
  const { holding, release } = holdBackfillAfterFirstBatch(store);
  try {
    await client.send(
      new UpdateTableCommand({
        TableName: 'orders',
        AttributeDefinitions: [{ AttributeName: 'color', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byColor', KeySchema: [{ AttributeName: 'color', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
      }),
    );
    await holding;

    const once = await run(['indexes', 'orders', '--endpoint', endpoint]);
    assert.equal(once.status, 0, once.stderr);
    const lines = once.stdout.split('\n');
    assert.equal(lines[0], `Table orders: UPDATING, ${table_items} items`);
    assert.match(once.stdout, /\n {2}byShop +GSI +ACTIVE +600 entries, \d+ bytes\n/);
    const progress = /\n {2}byColor +GSI +CREATING +backfilling: 256 of 600 items read \(42\.7 %\), (\d+) entries\n/.exec(once.stdout);
    assert.ok(progress, once.stdout);
    // The first batch indexed the colored items among the first 256 read (in key order).
    assert.ok(Number(progress[1]) > 0 && Number(progress[1]) < 256, once.stdout);

    // --watch prints the held state, then follows the backfill once released, and ends by itself.
    const watched = run(['indexes', 'orders', '--endpoint', endpoint, '--watch', '--interval-ms', '20'], (stdout) => {
      if (stdout.includes('256 of 600 items read')) release();
    });
    const { status, stdout, stderr } = await watched;
    assert.equal(status, 0, stderr);
    const snapshots = stdout.split('\n\n');
    assert.match(snapshots[0]!, /byColor +GSI +CREATING +backfilling: 256 of 600 items read/);
    const last = snapshots[snapshots.length - 1]!;
    assert.match(last, /^Table orders: ACTIVE, 600 items\n/);
    assert.match(last, new RegExp(`\\n {2}byColor +GSI +ACTIVE +${colored_items} entries, \\d+ bytes\\n`));
  } finally {
    store.afterBackfillBatch = undefined;
    release();
  }
});

test('GET /_dynabase/backfills lists nothing once backfills are done, and refuses an unknown table', async () => {
  const all = await fetch(`${endpoint}/_dynabase/backfills`);
  assert.deepEqual(await all.json(), { backfills: [] });
  const missing = await fetch(`${endpoint}/_dynabase/backfills?table=nothing_here`);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { message: 'no such table: nothing_here' });
});

test('a missing table, a server that is not there, or bad flags end with an error', async () => {
  const missing = await run(['indexes', 'nothing_here', '--endpoint', endpoint]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /dynabase indexes: ResourceNotFoundException: Requested resource not found: Table: nothing_here not found/);
  // Port 1 on the loopback address: nothing listens there.
  const noServer = await run(['indexes', 'orders', '--endpoint', 'http://127.0.0.1:1']);
  assert.equal(noServer.status, 1);
  assert.match(noServer.stderr, /^dynabase indexes: TypeError: fetch failed\n$/);
  const noTable = await run(['indexes']);
  assert.equal(noTable.status, 2);
  assert.match(noTable.stderr, /indexes takes one table name/);
  const badInterval = await run(['indexes', 'orders', '--watch', '--interval-ms', '0']);
  assert.equal(badInterval.status, 2);
  assert.match(badInterval.stderr, /--interval-ms must be a positive integer/);
});
