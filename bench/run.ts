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
 * the figures on a machine shared with other work). Every server is started and filled before
 * the first timed run, and each scenario's rounds alternate between the servers (forward, then
 * backward), so the servers compared were measured under the same load; run one after another,
 * a ratio of two servers measured minutes apart swung with the other work on the machine.
 *
 * Each PutItem writes a new version of its item (a changed `v`): rewriting an identical item is a
 * no-op for Dynabase (no change record, no commit), so it would not measure a write.
 * The client's own CPU time per operation is printed too: the client shares the machine's cores,
 * and when server and client together use every core, throughput is bounded by the machine, not
 * by the server alone; the server CPU µs/op is the figure that compares servers.
 */
import type { Pool } from 'undici';
import {
  call,
  conditionalUpdateBody,
  measureMedians,
  medianMeasurement,
  parseArgs,
  rssMegabytes,
  selectServers,
  spawnServer,
  stopSpawned,
  type HttpMeasurement,
  type ServerUnderTest,
  type SpawnedServer,
} from './bench-kit.js';

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

interface RunningServer extends SpawnedServer {
  readonly label: string;
  readonly idleRss_mb: number;
  /** The running count the request bodies are made from. */
  next: number;
  readonly runs: { readonly get: HttpMeasurement[]; readonly put: HttpMeasurement[]; readonly update: HttpMeasurement[] };
}

/** Starts `server`, measures its start-up and idle RSS, and fills its table. */
async function startServer(server: ServerUnderTest): Promise<RunningServer> {
  const spawned = await spawnServer(server, concurrency);
  const pool = spawned.pool;
  try {
    const idleRss_mb = rssMegabytes(spawned.child);
    await call(pool, 'CreateTable', {
      TableName: 'bench',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    await waitForActive(pool);
    for (let i = 0; i < itemCount; i++) await call(pool, 'PutItem', { TableName: 'bench', Item: item1k(i, 0) });
    return { ...spawned, label: server.label, idleRss_mb, next: 0, runs: { get: [], put: [], update: [] } };
  } catch (error) {
    await stopSpawned(spawned);
    throw error;
  }
}

const scenarios: readonly { readonly name: keyof RunningServer['runs']; readonly target: string; readonly body: (subject: RunningServer) => unknown }[] = [
  { name: 'get', target: 'GetItem', body: (subject) => ({ TableName: 'bench', Key: { id: { S: `item-${subject.next++ % itemCount}` } } }) },
  { name: 'put', target: 'PutItem', body: (subject) => ({ TableName: 'bench', Item: item1k(subject.next % itemCount, subject.next++) }) },
  { name: 'update', target: 'UpdateItem', body: (subject) => conditionalUpdateBody('bench', `item-${subject.next++ % itemCount}`) },
];

async function main(): Promise<void> {
  const running: RunningServer[] = [];
  try {
    // Started one at a time, so each start-up and idle RSS is measured with nothing else running.
    for (const server of servers) running.push(await startServer(server));
    for (const scenario of scenarios) {
      for (let round = 0; round < rounds; round++) {
        for (const subject of round % 2 === 0 ? running : [...running].reverse()) {
          const measured = await measureMedians(subject.child, subject.pool, scenario.target, () => scenario.body(subject), { seconds, rounds: 1, concurrency });
          subject.runs[scenario.name].push(measured);
        }
      }
    }
  } finally {
    for (const subject of running) await stopSpawned(subject);
  }
  console.log(`\n${seconds} s per scenario${rounds > 1 ? ` (median of ${rounds} rounds, alternating between the servers)` : ''}, concurrency ${concurrency}, 1 KB items, raw keep-alive HTTP (undici)\n`);
  console.log('| server | start-up ms | idle RSS MB | GetItem ops/s · p50/p99 µs · CPU µs/op | PutItem ops/s · p50/p99 µs · CPU µs/op | cond. UpdateItem SET×3 ops/s · p50/p99 µs · CPU µs/op |');
  console.log('|---|---|---|---|---|---|');
  const figures = running.map((subject) => ({ subject, get: medianMeasurement(subject.runs.get), put: medianMeasurement(subject.runs.put), update: medianMeasurement(subject.runs.update) }));
  for (const { subject, get, put, update } of figures) {
    console.log(`| ${subject.label} | ${subject.startup_ms.toFixed(0)} | ${subject.idleRss_mb.toFixed(0)} | ${format(get)} | ${format(put)} | ${format(update)} |`);
  }
  console.log('\nClient (load generator) CPU µs/op, same runs:\n');
  console.log('| server | GetItem | PutItem | cond. UpdateItem |');
  console.log('|---|---|---|---|');
  for (const { subject, get, put, update } of figures) {
    console.log(`| ${subject.label} | ${[get, put, update].map((m) => m.clientCpuPerOp_us.toFixed(1)).join(' | ')} |`);
  }
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
