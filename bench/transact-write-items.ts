/**
 * TransactWriteItems of 4 items at concurrency 16 on Dynabase, beside what an application without
 * transactions does instead: 4 sequential PutItems, on Dynabase and on dynalite (which has no
 * transactions). One "op" is one 4-item unit of work. Servers run in memory, each in its own
 * child process, driven by raw keep-alive HTTP (undici).
 *
 *   node dist/bench/transact-write-items.js [--seconds 5 --concurrency 16]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Pool } from 'undici';
import { call, freePort, parseArgs, repoRoot } from './bench-kit.js';

const args = parseArgs(process.argv.slice(2));
const seconds = Number(args.get('seconds') ?? 5);
const concurrency = Number(args.get('concurrency') ?? 16);
const items_per_op = 4;
/** Each worker writes its own items, so the transactions measure throughput, not conflicts. */
const keys_per_worker = 64;

const item = (worker: number, n: number, version: number) => ({ id: { S: `w${worker}-${n % keys_per_worker}` }, payload: { S: 'x'.repeat(200) }, v: { N: String(version) } });

/** Runs `op(worker, n)` from `concurrency` workers for `seconds`; ops/s and p50/p99 µs. */
async function measure(op: (worker: number, n: number) => Promise<unknown>): Promise<string> {
  const latencies_us: number[] = [];
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let n = 0; Date.now() < end; n++) {
        const start = process.hrtime.bigint();
        await op(worker, n);
        latencies_us.push(Number(process.hrtime.bigint() - start) / 1000);
      }
    }),
  );
  latencies_us.sort((a, b) => a - b);
  const at = (q: number) => latencies_us[Math.min(latencies_us.length - 1, Math.floor(q * latencies_us.length))]!.toFixed(0);
  return `${(latencies_us.length / seconds).toFixed(0)} · ${at(0.5)}/${at(0.99)}`;
}

async function withServer(script: string, extra: string[], run: (pool: Pool) => Promise<void>): Promise<void> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(repoRoot, script), '--port', String(port), ...extra], { stdio: ['ignore', 'ignore', 'inherit'] });
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: concurrency, pipelining: 1 });
  try {
    for (;;) {
      try {
        await call(pool, 'ListTables', {});
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    await call(pool, 'CreateTable', {
      TableName: 'bench',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    // dynalite creates tables asynchronously: wait until a write is accepted.
    for (;;) {
      try {
        await call(pool, 'PutItem', { TableName: 'bench', Item: item(0, 0, 0) });
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    await run(pool);
  } finally {
    await pool.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

const fourPuts = (pool: Pool) => async (worker: number, n: number) => {
  for (let i = 0; i < items_per_op; i++) await call(pool, 'PutItem', { TableName: 'bench', Item: item(worker, n * items_per_op + i, n) });
};

async function main(): Promise<void> {
  const rows: string[] = [];
  await withServer('dist/src/main.js', ['--in-memory'], async (pool) => {
    const transact = await measure((worker, n) =>
      call(pool, 'TransactWriteItems', {
        TransactItems: Array.from({ length: items_per_op }, (_, i) => ({ Put: { TableName: 'bench', Item: item(worker, n * items_per_op + i, n) } })),
      }),
    );
    rows.push(`| dynabase (memory) | TransactWriteItems × 4 items | ${transact} |`);
    rows.push(`| dynabase (memory) | 4 sequential PutItems | ${await measure(fourPuts(pool))} |`);
  });
  await withServer('node_modules/dynalite/cli.js', [], async (pool) => {
    rows.push(`| dynalite (memory) | 4 sequential PutItems | ${await measure(fourPuts(pool))} |`);
  });
  console.log(`\n${seconds} s per scenario, concurrency ${concurrency}, 4 items of ~250 bytes per op\n`);
  console.log('| server | op | ops/s · p50/p99 µs |');
  console.log('|---|---|---|');
  for (const row of rows) console.log(row);
}

await main();
