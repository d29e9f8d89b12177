/**
 * Nothing acknowledged is lost: a real `dynabase` server process on disk (default durable mode)
 * takes concurrent PutItem and UpdateItem load, is killed with SIGKILL mid-load, and is started
 * again on the same data directory. Every write it had answered must be read back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';

const mainScript = new URL('../../src/main.js', import.meta.url).pathname;
const writers = 16;
const load_ms = 1500;
/** The load must have done something worth checking before the kill. */
const min_acknowledged_puts = 100;

interface RunningServer {
  readonly child: ChildProcess;
  readonly pool: Pool;
  /** Settles when the process has exited (listened for from the start, so it is never missed). */
  readonly exited: Promise<unknown>;
}

async function startServer(dataDir: string): Promise<RunningServer> {
  const child = spawn(process.execPath, [mainScript, '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const endpoint = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited early with ${code}: ${seen}`)));
  });
  return { child, exited, pool: new Pool(endpoint, { connections: writers }) };
}

async function call(pool: Pool, target: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await pool.request({
    path: '/',
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${target}`,
      'x-amz-date': '20260101T000000Z',
      authorization: 'AWS4-HMAC-SHA256 Credential=crash/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=00',
    },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
}

test('every acknowledged write survives kill -9 of the server', { timeout: 60_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dynabase-kill9-'));
  try {
    const first = await startServer(dataDir);
    const created = await call(first.pool, 'CreateTable', {
      TableName: 'crash',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    assert.equal(created.status, 200);

    // Each writer puts fresh items and bumps a counter item of its own; an answered request is
    // recorded only after its 200 arrives.
    const acknowledgedPuts = new Set<string>();
    const acknowledgedCounts = new Array<number>(writers).fill(0);
    let killed = false;
    const writer = async (w: number) => {
      for (let i = 0; !killed; i++) {
        try {
          const id = `w${w}-i${i}`;
          const put = await call(first.pool, 'PutItem', { TableName: 'crash', Item: { id: { S: id }, payload: { S: 'p'.repeat(200) } } });
          if (put.status === 200) acknowledgedPuts.add(id);
          const bump = await call(first.pool, 'UpdateItem', {
            TableName: 'crash', Key: { id: { S: `counter-${w}` } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } },
          });
          if (bump.status === 200) acknowledgedCounts[w]!++;
        } catch {
          return; // the connection died with the server
        }
      }
    };
    const load = Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
    await new Promise((resolve) => setTimeout(resolve, load_ms));
    // On a loaded machine the first load_ms may not be enough; kill mid-load once it has run.
    while (acknowledgedPuts.size <= min_acknowledged_puts) await new Promise((resolve) => setTimeout(resolve, 10));
    killed = true;
    first.child.kill('SIGKILL');
    await load;
    await first.exited;
    await first.pool.destroy();
    assert.ok(acknowledgedPuts.size > min_acknowledged_puts, `load ran (${acknowledgedPuts.size} puts acknowledged)`);

    const second = await startServer(dataDir);
    try {
      const described = await call(second.pool, 'DescribeTable', { TableName: 'crash' });
      assert.equal(described.status, 200, 'the table survived');
      const missing: string[] = [];
      const ids = [...acknowledgedPuts];
      await Promise.all(Array.from({ length: writers }, async (_, w) => {
        for (let i = w; i < ids.length; i += writers) {
          const got = await call(second.pool, 'GetItem', { TableName: 'crash', Key: { id: { S: ids[i] } }, ConsistentRead: true });
          if (got.json['Item'] === undefined) missing.push(ids[i]!);
        }
      }));
      assert.deepEqual(missing, [], 'acknowledged puts are all present');
      t.diagnostic(`${acknowledgedPuts.size} puts and ${acknowledgedCounts.reduce((a, b) => a + b, 0)} updates acknowledged before SIGKILL; all read back`);
      for (let w = 0; w < writers; w++) {
        const got = await call(second.pool, 'GetItem', { TableName: 'crash', Key: { id: { S: `counter-${w}` } }, ConsistentRead: true });
        const n = Number((got.json['Item'] as { n?: { N: string } } | undefined)?.n?.N ?? 0);
        // The last bump may have been applied without its answer arriving: at most one more.
        assert.ok(n === acknowledgedCounts[w] || n === acknowledgedCounts[w]! + 1, `counter ${w}: stored ${n}, acknowledged ${acknowledgedCounts[w]}`);
      }
      const count = await call(second.pool, 'DescribeTable', { TableName: 'crash' });
      const itemCount = (count.json['Table'] as { ItemCount: number }).ItemCount;
      assert.ok(itemCount >= acknowledgedPuts.size, `ItemCount ${itemCount} covers the ${acknowledgedPuts.size} acknowledged puts`);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
      await second.pool.destroy();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
