/**
 * Start-up to the first answered request, beside dynalite: spawns each server `--spawns N` times
 * (default 15), interleaved (one spawn of every server per turn, so a burst of load on the shared
 * machine hits all of them alike), polls it with ListTables until it answers, and reports the
 * median, the quartiles and the minimum of the wall time from spawn to that first answer, and the
 * idle RSS then. `node -e 0` is measured the same way (its exit) as the floor the machine sets.
 * Dynabase runs as `dynabase` does (package.json's `bin`, the esbuild bundle `npm run build`
 * makes) and as tsc's module graph `dist/src/main.js` ("unbundled"), which shows what the bundle
 * saves.
 *
 * Usage: `node dist/bench/startup.js [--spawns 15] [--servers dynabase,dynalite]
 * [--baseline <dir>]`, where `--baseline` names another checkout's built `dist/` directory
 * (e.g. main's) whose `src/main.js` is measured too, in the same run, for before/after figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'undici';
import { dynabaseBin, freePort, parseArgs, repoRoot, rssMegabytes, waitUntilAnswering } from './bench-kit.js';

interface ServerUnderTest {
  readonly label: string;
  readonly args: (port: number, dataDir: string) => string[];
}

const args = parseArgs(process.argv.slice(2));
const spawns = Number(args.get('spawns') ?? 15);
const baseline = args.get('baseline');

const dynabaseMain = join(repoRoot, 'dist/src/main.js');
const dynaliteCli = join(repoRoot, 'node_modules/dynalite/cli.js');
const allServers: ServerUnderTest[] = [
  { label: 'dynabase (memory)', args: (port) => [dynabaseBin, '--port', String(port), '--in-memory'] },
  { label: 'dynabase (disk)', args: (port, dir) => [dynabaseBin, '--port', String(port), '--data-dir', dir] },
  { label: 'dynabase unbundled (memory)', args: (port) => [dynabaseMain, '--port', String(port), '--in-memory'] },
  { label: 'dynabase unbundled (disk)', args: (port, dir) => [dynabaseMain, '--port', String(port), '--data-dir', dir] },
  { label: 'dynalite (memory)', args: (port) => [dynaliteCli, '--port', String(port)] },
  { label: 'dynalite (disk)', args: (port, dir) => [dynaliteCli, '--port', String(port), '--path', dir] },
];
if (baseline !== undefined) {
  const baselineMain = join(resolve(baseline), 'src/main.js');
  allServers.push(
    { label: 'baseline dynabase (memory)', args: (port) => [baselineMain, '--port', String(port), '--in-memory'] },
    { label: 'baseline dynabase (disk)', args: (port, dir) => [baselineMain, '--port', String(port), '--data-dir', dir] },
  );
}
const serverFilter = (args.get('servers') ?? '').split(',').filter((word) => word !== '');
const servers = allServers.filter((server) => serverFilter.length === 0 || serverFilter.some((word) => server.label.includes(word)));

interface Sample {
  readonly startup_ms: number;
  /** CPU time all the process's threads had run by then: steadier than wall time on a busy machine. */
  readonly cpu_ms: number;
  readonly rss_mb: number;
}

/** Time on CPU of every live thread of `pid`, from /proc/<pid>/task/<tid>/schedstat (ns, first field). */
function threadCpuMilliseconds(pid: number): number {
  let total_ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total_ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return total_ns / 1e6;
}

async function startOnce(server: ServerUnderTest): Promise<Sample> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dynabase-startup-'));
  const port = await freePort();
  const started_ns = process.hrtime.bigint();
  const child = spawn(process.execPath, server.args(port, dataDir), { stdio: ['ignore', 'ignore', 'inherit'] });
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 1 });
  try {
    await waitUntilAnswering(pool);
    const startup_ms = Number(process.hrtime.bigint() - started_ns) / 1e6;
    return { startup_ms, cpu_ms: threadCpuMilliseconds(child.pid!), rss_mb: rssMegabytes(child) };
  } finally {
    await pool.close();
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function nodeFloorOnce(): Promise<Sample> {
  const started_ns = process.hrtime.bigint();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((done) => child.once('exit', done));
  return { startup_ms: Number(process.hrtime.bigint() - started_ns) / 1e6, cpu_ms: NaN, rss_mb: NaN };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

async function main(): Promise<void> {
  const labels = ['node -e 0', ...servers.map((server) => server.label)];
  const samples = new Map<string, Sample[]>(labels.map((label) => [label, []]));
  // One warm-up spawn of each, so the first measured one does not pay for a cold page cache.
  for (const server of servers) await startOnce(server);
  for (let turn = 0; turn < spawns; turn++) {
    samples.get('node -e 0')!.push(await nodeFloorOnce());
    for (const server of servers) samples.get(server.label)!.push(await startOnce(server));
  }
  console.log(`\nStart-up to the first answered request (ListTables), ${spawns} spawns each, interleaved\n`);
  console.log('| server | median ms | p25–p75 ms | min ms | CPU ms (median) | idle RSS MB (median) |');
  console.log('|---|---|---|---|---|---|');
  for (const label of labels) {
    const sorted = (pick: (sample: Sample) => number): number[] => samples.get(label)!.map(pick).sort((a, b) => a - b);
    const times = sorted((sample) => sample.startup_ms);
    const medianShown = (values: number[]): string => (Number.isNaN(values[0]) ? '' : quantile(values, 0.5).toFixed(0));
    console.log(
      `| ${label} | ${quantile(times, 0.5).toFixed(0)} | ${quantile(times, 0.25).toFixed(0)}–${quantile(times, 0.75).toFixed(0)} | ${times[0]!.toFixed(0)} | ${medianShown(sorted((sample) => sample.cpu_ms))} | ${medianShown(sorted((sample) => sample.rss_mb))} |`,
    );
  }
}

await main();
