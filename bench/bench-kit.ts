/**
 * What every side-by-side benchmark needs: a raw keep-alive DynamoDB call (undici; the AWS SDK
 * would cost more client CPU than the server spends), a free port, waiting for a server to
 * answer, the command-line flags, and a server process's CPU time and RSS from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { handleDynamoRequest } from '../src/server/handle-dynamo-request.js';
import type { Service } from '../src/service.js';

export const repoRoot = new URL('../..', import.meta.url).pathname;
/** What the `dynabase` command runs (package.json's `bin`): the launcher of the bundle `npm run build` makes. */
export const dynabaseBin = join(repoRoot, (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: { dynabase: string } }).bin.dynabase);
export const dynaliteCli = join(repoRoot, 'node_modules/dynalite/cli.js');

/** A server a benchmark spawns (with `process.execPath`) on `port`, its data (if any) in `dataDir`. */
export interface ServerUnderTest {
  readonly label: string;
  readonly args: (port: number, dataDir: string) => string[];
}

/** The servers the benchmarks compare, side by side. */
const bench_servers: readonly ServerUnderTest[] = [
  { label: 'dynabase (memory)', args: (port) => [dynabaseBin, '--port', String(port), '--in-memory'] },
  { label: 'dynalite (memory)', args: (port) => [dynaliteCli, '--port', String(port)] },
  { label: 'dynabase (disk, durable)', args: (port, dir) => [dynabaseBin, '--port', String(port), '--data-dir', dir] },
  { label: 'dynalite (disk)', args: (port, dir) => [dynaliteCli, '--port', String(port), '--path', dir] },
  // dynalite's LevelDB never fsyncs: `relaxed` (written to the OS, survives kill -9) is the mode
  // that does the same work, so it shows what the fsyncs of the durable default cost.
  { label: 'dynabase (disk, relaxed)', args: (port, dir) => [dynabaseBin, '--port', String(port), '--data-dir', dir, '--durability', 'relaxed'] },
];

/** The comma-separated words of `--servers` (none: no filter). */
export function serverFilterWords(args: Map<string, string>): string[] {
  return (args.get('servers') ?? '').split(',').filter((word) => word !== '');
}

/**
 * The servers named in `labels` (all when omitted), kept by `--servers`: the servers whose label
 * contains one of its comma-separated words.
 */
export function selectServers(args: Map<string, string>, labels?: readonly string[]): ServerUnderTest[] {
  const filter = serverFilterWords(args);
  return bench_servers.filter(
    (server) => (labels === undefined || labels.includes(server.label)) && (filter.length === 0 || filter.some((word) => server.label.includes(word))),
  );
}
/** /proc reports CPU time in clock ticks of 1/100 s on Linux. */
export const clock_ticks_per_second = 100;

/**
 * POSTs one request and returns the body text; throws unless the answer is 200. `target` is an
 * operation name (`GetItem`, sent as `DynamoDB_20120810.GetItem`) or a whole X-Amz-Target
 * (`DynamoDBStreams_20120810.GetRecords`).
 */
export async function call(pool: Pool, target: string, body: unknown): Promise<string> {
  const response = await pool.request({ path: '/', method: 'POST', headers: requestHeaders(target), body: JSON.stringify(body) });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`${target} answered ${response.statusCode}: ${text}`);
  return text;
}

/**
 * The same request served in-process by the request core, no HTTP: for benchmarks that measure
 * the service itself (admission control, the expression cache). Throws unless the answer is 200.
 */
export async function callInProcess(service: Service, target: string, body: unknown): Promise<void> {
  const response = await handleDynamoRequest(service, { method: 'POST', path: '/', headers: requestHeaders(target), body: Buffer.from(JSON.stringify(body)) });
  if (response.statusCode !== 200) throw new Error(`${target} answered ${response.statusCode}: ${Buffer.from(response.body).toString()}`);
}

/** The headers of a DynamoDB call: its target, a date and a well-formed dummy signature. */
export function requestHeaders(target: string): Record<string, string> {
  return {
    'content-type': 'application/x-amz-json-1.0',
    'x-amz-target': target.includes('.') ? target : `DynamoDB_20120810.${target}`,
    'x-amz-date': '20260101T000000Z',
    authorization: 'AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=00',
  };
}

/** A server a benchmark started: its process, a keep-alive pool to it, its data directory, and how long it took to answer. */
export interface SpawnedServer {
  readonly child: ChildProcess;
  readonly pool: Pool;
  readonly dataDir: string;
  readonly startup_ms: number;
}

/** Spawns `server` on a free port with a fresh data directory and waits until it answers (stopping it if it never does). */
export async function spawnServer(server: ServerUnderTest, connections: number): Promise<SpawnedServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dynabase-bench-'));
  const port = await freePort();
  const started_ns = process.hrtime.bigint();
  const child = spawn(process.execPath, server.args(port, dataDir), { stdio: ['ignore', 'ignore', 'inherit'] });
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections, pipelining: 1 });
  const spawned = { child, pool, dataDir, startup_ms: 0 };
  try {
    await waitUntilAnswering(pool);
  } catch (error) {
    await stopSpawned(spawned);
    throw error;
  }
  return { ...spawned, startup_ms: Number(process.hrtime.bigint() - started_ns) / 1e6 };
}

/** Closes the pool, stops the process and removes its data directory. */
export async function stopSpawned(spawned: SpawnedServer): Promise<void> {
  await spawned.pool.close();
  spawned.child.kill('SIGTERM');
  if (spawned.child.exitCode === null && spawned.child.signalCode === null) await new Promise((resolve) => spawned.child.once('exit', resolve));
  rmSync(spawned.dataDir, { recursive: true, force: true });
}

export async function waitUntilAnswering(pool: Pool): Promise<void> {
  for (;;) {
    try {
      await call(pool, 'ListTables', {});
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
}

/** User plus system CPU time of a child process, in clock ticks. */
export function cpuTicks(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat; after the ") " split they are 11 and 12.
  return Number(fields[11]) + Number(fields[12]);
}

export function rssMegabytes(child: ChildProcess): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `--name value` pairs. */
export function parseArgs(argv: readonly string[]): Map<string, string> {
  const result = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) result.set(argv[i]!.replace(/^--/, ''), argv[i + 1] ?? '');
  return result;
}

/** One side-by-side figure: throughput, latency percentiles and the server's CPU per operation. */
export interface HttpMeasurement {
  readonly opsPerSecond: number;
  readonly p50_us: number;
  readonly p99_us: number;
  readonly cpuPerOp_us: number;
  /** The load generator's own CPU per operation (this process). */
  readonly clientCpuPerOp_us: number;
}

export interface DriveOptions {
  readonly seconds: number;
  readonly rounds: number;
  readonly concurrency: number;
}

/**
 * Sends `target` requests (bodies from `nextBody`) to the server `child` answers on, from
 * `concurrency` workers: one second of warm-up (JIT and caches settle), then `rounds` timed runs
 * of `seconds` each; returns each figure's median over the rounds. `check` inspects every answer.
 */
export async function measureMedians(
  child: ChildProcess,
  pool: Pool,
  target: string,
  nextBody: () => unknown,
  options: DriveOptions,
  check?: (answer: string) => void,
): Promise<HttpMeasurement> {
  const drive = async (until_ms: number): Promise<number[]> => {
    const latencies_us: number[] = [];
    const worker = async (): Promise<void> => {
      while (Date.now() < until_ms) {
        const body = nextBody();
        const t0 = process.hrtime.bigint();
        const answer = await call(pool, target, body);
        check?.(answer);
        latencies_us.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    return latencies_us;
  };
  await drive(Date.now() + 1000);
  const runs: HttpMeasurement[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const cpuBefore = cpuTicks(child);
    const clientBefore = process.cpuUsage();
    const started = Date.now();
    const latencies_us = await drive(started + options.seconds * 1000);
    const elapsed_s = (Date.now() - started) / 1000;
    const cpu_us = ((cpuTicks(child) - cpuBefore) / clock_ticks_per_second) * 1e6;
    const client = process.cpuUsage(clientBefore);
    latencies_us.sort((a, b) => a - b);
    runs.push({
      opsPerSecond: latencies_us.length / elapsed_s,
      p50_us: latencies_us[Math.floor(latencies_us.length * 0.5)] ?? 0,
      p99_us: latencies_us[Math.floor(latencies_us.length * 0.99)] ?? 0,
      cpuPerOp_us: cpu_us / Math.max(1, latencies_us.length),
      clientCpuPerOp_us: (client.user + client.system) / Math.max(1, latencies_us.length),
    });
  }
  return medianMeasurement(runs);
}

/** Each figure's median over `runs` (figures of different runs may come from different runs). */
export function medianMeasurement(runs: readonly HttpMeasurement[]): HttpMeasurement {
  const medianOf = (pick: (m: HttpMeasurement) => number): number => median(runs.map(pick));
  return {
    opsPerSecond: medianOf((m) => m.opsPerSecond),
    p50_us: medianOf((m) => m.p50_us),
    p99_us: medianOf((m) => m.p99_us),
    cpuPerOp_us: medianOf((m) => m.cpuPerOp_us),
    clientCpuPerOp_us: medianOf((m) => m.clientCpuPerOp_us),
  };
}

/** The middle value (the upper middle of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Throughput and this process's CPU (every thread) per operation, for in-process benchmarks. */
export interface InProcessFigures {
  readonly opsPerSecond: number;
  readonly cpuPerOp_us: number;
}

/**
 * Runs `op` (given a running count) from `concurrency` callers in this process: one untimed run
 * (JIT and caches settle), then `rounds` timed runs of `seconds` each; returns each figure's
 * median over the rounds.
 */
export async function measureInProcess(op: (n: number) => Promise<unknown>, options: DriveOptions): Promise<InProcessFigures> {
  let n = 0;
  const timed = async (): Promise<InProcessFigures> => {
    const first = n;
    const started = Date.now();
    const until = started + options.seconds * 1000;
    const cpuBefore = process.cpuUsage();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (Date.now() < until) await op(n++);
      }),
    );
    const cpu = process.cpuUsage(cpuBefore);
    const count = n - first;
    return { opsPerSecond: count / ((Date.now() - started) / 1000), cpuPerOp_us: (cpu.user + cpu.system) / count };
  };
  await timed();
  const runs: InProcessFigures[] = [];
  for (let round = 0; round < options.rounds; round++) runs.push(await timed());
  return { opsPerSecond: median(runs.map((r) => r.opsPerSecond)), cpuPerOp_us: median(runs.map((r) => r.cpuPerOp_us)) };
}

/** The benchmarks' conditional UpdateItem (issue 3's shape: SET of three attributes, one an increment). */
export function conditionalUpdateBody(tableName: string, id: string): Record<string, unknown> {
  return {
    TableName: tableName,
    Key: { id: { S: id } },
    UpdateExpression: 'SET #a = :a, #b = :b, #c = #c + :one',
    ConditionExpression: 'attribute_exists(id)',
    ExpressionAttributeNames: { '#a': 'a', '#b': 'b', '#c': 'n' },
    ExpressionAttributeValues: { ':a': { S: 'alpha' }, ':b': { N: '42' }, ':one': { N: '1' } },
  };
}
