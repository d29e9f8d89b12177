/**
 * Side-by-side benchmark: Dynabase and dynalite, each in its own child process on this machine,
 * driven in one run by the same raw keep-alive HTTP client (undici). The AWS SDK is deliberately
 * not used: it costs ~600 µs of client CPU per call and would hide the servers.
 *
 * For each server and scenario it reports throughput, p50/p99 latency and the server process's
 * CPU time per operation (from /proc/<pid>/stat), plus start-up time to the first answered
 * request and idle RSS. Dynabase runs as the `dynabase` command does (the bundle `npm run build`
 * makes; `npm run bench` builds it). Usage: `npm run bench [-- --seconds 5 --concurrency 16 --servers dynabase]`
 * (`--servers` keeps the servers whose label contains one of the comma-separated words;
 * `--rounds N` repeats each timed run N times and reports the median of each figure, which steadies
 * the figures on a machine shared with other work).
 *
 * Each PutItem writes a new version of its item (a changed `v`): rewriting an identical item is a
 * no-op for Dynabase (no change record, no commit), so it would not measure a write.
 * The client's own CPU time per operation is printed too: the client shares the machine's cores,
 * and when server and client together use every core, throughput is bounded by the machine, not
 * by the server alone; the server CPU µs/op is the figure that compares servers.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { call, conditionalUpdateBody, freePort, measureMedians, parseArgs, rssMegabytes, selectServers, waitUntilAnswering, type HttpMeasurement } from './bench-kit.js';

const args = parseArgs(process.argv.slice(2));
const seconds = Number(args.get('seconds') ?? 5);
const concurrency = Number(args.get('concurrency') ?? 16);
/** Timed rounds per scenario; each figure reported is the median over them (the box is shared). */
const rounds = Number(args.get('rounds') ?? 1);
const itemCount = 1000;

const servers = selectServers(args);

const item1k = (id: number, version: number) => ({
  id: { S: `item-${id}` },
  payload: { S: 'x'.repeat(1000) },
  n: { N: String(id) },
  v: { N: String(version) },
});

async function main(): Promise<void> {
  const rows: string[] = [];
  const clientRows: string[] = [];
  for (const server of servers) {
    const dataDir = mkdtempSync(join(tmpdir(), 'dynabase-bench-'));
    const port = await freePort();
    const started_ns = process.hrtime.bigint();
    const child = spawn(process.execPath, server.args(port, dataDir), { stdio: ['ignore', 'ignore', 'inherit'] });
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: concurrency, pipelining: 1 });
    try {
      await waitUntilAnswering(pool);
      const startup_ms = Number(process.hrtime.bigint() - started_ns) / 1e6;
      const idleRss_mb = rssMegabytes(child);
      await call(pool, 'CreateTable', {
        TableName: 'bench',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      });
      await waitForActive(pool);
      for (let i = 0; i < itemCount; i++) await call(pool, 'PutItem', { TableName: 'bench', Item: item1k(i, 0) });

      let next = 0;
      const drive = { seconds, rounds, concurrency };
      const get = await measureMedians(child, pool, 'GetItem', () => ({ TableName: 'bench', Key: { id: { S: `item-${next++ % itemCount}` } } }), drive);
      const put = await measureMedians(child, pool, 'PutItem', () => ({ TableName: 'bench', Item: item1k(next % itemCount, next++) }), drive);
      const update = await measureMedians(child, pool, 'UpdateItem', () => conditionalUpdateBody('bench', `item-${next++ % itemCount}`), drive);
      rows.push(`| ${server.label} | ${startup_ms.toFixed(0)} | ${idleRss_mb.toFixed(0)} | ${format(get)} | ${format(put)} | ${format(update)} |`);
      clientRows.push(`| ${server.label} | ${[get, put, update].map((m) => m.clientCpuPerOp_us.toFixed(1)).join(' | ')} |`);
    } finally {
      await pool.close();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  console.log(`\n${seconds} s per scenario${rounds > 1 ? ` (median of ${rounds} rounds)` : ''}, concurrency ${concurrency}, 1 KB items, raw keep-alive HTTP (undici)\n`);
  console.log('| server | start-up ms | idle RSS MB | GetItem ops/s · p50/p99 µs · CPU µs/op | PutItem ops/s · p50/p99 µs · CPU µs/op | cond. UpdateItem SET×3 ops/s · p50/p99 µs · CPU µs/op |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log('\nClient (load generator) CPU µs/op, same runs:\n');
  console.log('| server | GetItem | PutItem | cond. UpdateItem |');
  console.log('|---|---|---|---|');
  for (const row of clientRows) console.log(row);
}

function format(m: HttpMeasurement): string {
  return `${m.opsPerSecond.toFixed(0)} · ${m.p50_us.toFixed(0)}/${m.p99_us.toFixed(0)} · ${m.cpuPerOp_us.toFixed(1)}`;
}

async function waitForActive(pool: Pool): Promise<void> {
  for (;;) {
    const text = (await call(pool, 'DescribeTable', { TableName: 'bench' })) as string;
    if (JSON.parse(text).Table.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

await main();
