/**
 * Side-by-side Query and Scan benchmark: Dynabase and dynalite (both in memory), each in its own
 * child process, driven by the same raw keep-alive HTTP client (undici), as bench/run.ts does.
 *
 *  - Query: one partition key's 10 items of 1 KB per call, at the given concurrency; throughput,
 *    p50/p99 latency and the server's CPU time per query (from /proc/<pid>/stat).
 *  - Scan: a full table scan of `--scan-items` items (default 100,000, ~100 bytes each), page by
 *    page with LastEvaluatedKey; items per second and server CPU per item.
 *
 * Usage: `npx tsc -p tsconfig.json && node dist/bench/query-scan.js [--seconds 5 --concurrency 16 --scan-items 100000 --rounds 1]`
 * (`--rounds N`: N timed Query runs, each figure the median over them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Pool } from 'undici';
import { call, clock_ticks_per_second, cpuTicks, freePort, measureMedians, parseArgs, selectServers, waitUntilAnswering } from './bench-kit.js';

const options = parseArgs(process.argv.slice(2));
const seconds = Number(options.get('seconds') ?? 5);
const concurrency = Number(options.get('concurrency') ?? 16);
const scanItems = Number(options.get('scan-items') ?? 100_000);
/** Timed Query rounds; each figure reported is the median over them (the box is shared). */
const rounds = Number(options.get('rounds') ?? 1);
const queryPartitions = 200;
const itemsPerPartition = 10;
const batch_write_requests = 25;

const servers = selectServers(options, ['dynabase (memory)', 'dynalite (memory)']);

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const server of servers) {
    const port = await freePort();
    const child = spawn(process.execPath, server.args(port, ''), { stdio: ['ignore', 'ignore', 'inherit'] });
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: concurrency, pipelining: 1 });
    try {
      await waitUntilAnswering(pool);
      await createTable(pool, 'queried');
      await createTable(pool, 'scanned');
      await load(pool, 'queried', queryPartitions * itemsPerPartition, (i) => ({
        pk: { S: `p${i % queryPartitions}` },
        sk: { N: String(Math.floor(i / queryPartitions)) },
        payload: { S: 'x'.repeat(1000) },
      }));
      await load(pool, 'scanned', scanItems, (i) => ({ pk: { S: `item-${i}` }, sk: { N: '0' }, payload: { S: 'y'.repeat(80) } }));

      let next = 0;
      const query = await measureMedians(
        child,
        pool,
        'Query',
        () => ({
          TableName: 'queried',
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `p${next++ % queryPartitions}` } },
        }),
        { seconds, rounds, concurrency },
        (answer) => {
          if (!answer.includes('"Count":10')) throw new Error(`a query returned the wrong items: ${answer.slice(0, 200)}`);
        },
      );
      const scan = await fullScan(child, pool);
      rows.push(
        `| ${server.label} | ${query.opsPerSecond.toFixed(0)} · ${query.p50_us.toFixed(0)}/${query.p99_us.toFixed(0)} · ${query.cpuPerOp_us.toFixed(0)} ` +
          `| ${scan.itemsPerSecond.toFixed(0)} · ${scan.cpuPerItem_us.toFixed(2)} |`,
      );
    } finally {
      await pool.close();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
  console.log(`\nQuery: ${seconds} s${rounds > 1 ? ` (median of ${rounds} rounds)` : ''}, concurrency ${concurrency}, 10 items of 1 KB per query. Scan: ${scanItems} items of ~100 bytes, one client, 1 MB pages.\n`);
  console.log('| server | Query ops/s · p50/p99 µs · server CPU µs/query | full Scan items/s · server CPU µs/item |');
  console.log('|---|---|---|');
  for (const row of rows) console.log(row);
}

async function createTable(pool: Pool, name: string): Promise<void> {
  await call(pool, 'CreateTable', {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (;;) {
    const text = await call(pool, 'DescribeTable', { TableName: name });
    if (JSON.parse(text).Table.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Writes `count` items with BatchWriteItem, `concurrency` batches in flight. */
async function load(pool: Pool, table: string, count: number, itemAt: (i: number) => unknown): Promise<void> {
  let at = 0;
  const worker = async () => {
    while (at < count) {
      const start = at;
      at = Math.min(count, at + batch_write_requests);
      const requests = [];
      for (let i = start; i < at; i++) requests.push({ PutRequest: { Item: itemAt(i) } });
      await call(pool, 'BatchWriteItem', { RequestItems: { [table]: requests } });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function fullScan(child: ChildProcess, pool: Pool) {
  const cpuBefore = cpuTicks(child);
  const started = process.hrtime.bigint();
  let items = 0;
  let startKey: unknown;
  do {
    const page = JSON.parse(await call(pool, 'Scan', { TableName: 'scanned', ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    items += page.Count;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  const elapsed_s = Number(process.hrtime.bigint() - started) / 1e9;
  if (items !== scanItems) throw new Error(`the scan returned ${items} of ${scanItems} items`);
  const cpu_us = ((cpuTicks(child) - cpuBefore) / clock_ticks_per_second) * 1e6;
  return { itemsPerSecond: items / elapsed_s, cpuPerItem_us: cpu_us / items };
}

await main();
