/**
 * Start-up to the first answered request, beside dynalite: spawns each server `--spawns N` times
 * (default 15), interleaved (one spawn of every server per turn, so a burst of load on the shared
 * machine hits all of them alike), polls it with ListTables until it answers, and reports the
 * median, the quartiles and the minimum of the wall time from spawn to that first answer, and the
 * idle RSS then. `node -e 0` is measured the same way (its exit) as the floor the machine sets,
 * and "node floor" is the least a server can do: Node listening with node:net and answering every
 * request head with a canned ListTables answer, measured like the servers.
 * Dynabase runs as `dynabase` does (package.json's `bin`, the esbuild bundle `npm run build`
 * makes) and as tsc's module graph `dist/src/main.js` ("unbundled"), which shows what the bundle
 * saves.
 *
 * The embedded API is measured the same way, in the same turns: a process that runs
 * `const { startDynabase } = await import('dynabase')`, `startDynabase({ inMemory: true })`, one
 * ListTables over its socket and `close()`, what each test file of a runner that isolates files
 * in processes pays. 'dynabase' resolves by name from a scratch directory whose
 * node_modules/dynabase links to this checkout ("embedded"), so package.json's `exports` decide
 * what loads; "embedded unbundled" imports tsc's dist/src/index.js. The process reports the time
 * and its own CPU time (all threads, since it started) when the import, the start and the answer
 * were done.
 *
 * Usage: `node dist/bench/startup.js [--spawns 15] [--servers dynabase,dynalite,embedded]
 * [--baseline <dir>]`, where `--servers` keeps the rows whose label contains one of the words and
 * `--baseline` names another checkout's built `dist/` directory (e.g. main's) whose command
 * (its package.json's `bin`, else `src/main.js`) is measured too, and the package around it (its
 * package.json's `exports`) imported by name, in the same run, for before/after figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import {
  dynabaseBin,
  dynaliteCli,
  freePort,
  median,
  parseArgs,
  repoRoot,
  requestHeaders,
  rssMegabytes,
  serverFilterWords,
  waitUntilAnswering,
  type ServerUnderTest,
} from './bench-kit.js';

const args = parseArgs(process.argv.slice(2));
const spawns = Number(args.get('spawns') ?? 15);
const baseline = args.get('baseline');

const dynabaseMain = join(repoRoot, 'dist/src/main.js');
/** The floor server: node:net, one canned 200 per request head (a CommonJS `-e` script, as light as Node starts). */
const floorScript = `
const answer = 'HTTP/1.1 200 OK\\r\\ncontent-type: application/x-amz-json-1.0\\r\\ncontent-length: 17\\r\\n\\r\\n{"TableNames":[]}';
require('node:net').createServer((socket) => {
  let head = '';
  socket.on('data', (data) => { head += data; while (head.includes('\\r\\n\\r\\n')) { head = head.slice(head.indexOf('\\r\\n\\r\\n') + 4).replace(/^\\{\\}/, ''); socket.write(answer); } });
}).listen(Number(process.argv[1]), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;
const allServers: ServerUnderTest[] = [
  { label: 'node floor (node:net, canned answer)', args: (port) => ['-e', floorScript, String(port)] },
  { label: 'dynabase (memory)', args: (port) => [dynabaseBin, '--port', String(port), '--in-memory'] },
  { label: 'dynabase (disk)', args: (port, dir) => [dynabaseBin, '--port', String(port), '--data-dir', dir] },
  { label: 'dynabase unbundled (memory)', args: (port) => [dynabaseMain, '--port', String(port), '--in-memory'] },
  { label: 'dynabase unbundled (disk)', args: (port, dir) => [dynabaseMain, '--port', String(port), '--data-dir', dir] },
  { label: 'dynalite (memory)', args: (port) => [dynaliteCli, '--port', String(port)] },
  { label: 'dynalite (disk)', args: (port, dir) => [dynaliteCli, '--port', String(port), '--path', dir] },
];
if (baseline !== undefined) {
  // The baseline's command as its package.json's `bin` names it, or tsc's main.js before there was one.
  const baselinePackage = JSON.parse(readFileSync(join(dirname(resolve(baseline)), 'package.json'), 'utf8')) as { bin?: { dynabase?: string } };
  const baselineBin = baselinePackage.bin?.dynabase;
  const baselineMain = baselineBin === undefined ? join(resolve(baseline), 'src/main.js') : join(dirname(resolve(baseline)), baselineBin);
  allServers.push(
    { label: 'baseline dynabase (memory)', args: (port) => [baselineMain, '--port', String(port), '--in-memory'] },
    { label: 'baseline dynabase (disk)', args: (port, dir) => [baselineMain, '--port', String(port), '--data-dir', dir] },
  );
}
const serverFilter = serverFilterWords(args);
const servers = allServers.filter((server) => serverFilter.length === 0 || serverFilter.some((word) => server.label.includes(word)));

interface EmbeddedUnderTest {
  readonly label: string;
  /** What the process imports: 'dynabase' (resolved from `cwd`) or a file URL. */
  readonly specifier: string;
  readonly cwd: string;
}

/** A scratch directory whose node_modules/dynabase links to the package at `packageRoot`. */
function scratchDependent(packageRoot: string): string {
  const scratch = mkdtempSync(join(tmpdir(), 'dynabase-embedded-'));
  mkdirSync(join(scratch, 'node_modules'));
  symlinkSync(resolve(packageRoot), join(scratch, 'node_modules/dynabase'), 'dir');
  return scratch;
}

const allEmbedded: EmbeddedUnderTest[] = [
  { label: 'embedded', specifier: 'dynabase', cwd: scratchDependent(repoRoot) },
  { label: 'embedded unbundled', specifier: pathToFileURL(join(repoRoot, 'dist/src/index.js')).href, cwd: repoRoot },
];
if (baseline !== undefined) allEmbedded.push({ label: 'baseline embedded', specifier: 'dynabase', cwd: scratchDependent(dirname(resolve(baseline))) });
const embedded = allEmbedded.filter((subject) => serverFilter.length === 0 || serverFilter.some((word) => subject.label.includes(word)));

/** A mark the embedding process reports: ms since it started, and its CPU time by then. */
interface Mark {
  readonly ms: number;
  readonly cpu_ms: number;
}

interface EmbeddedSample {
  readonly imported: Mark;
  readonly started: Mark;
  readonly answered: Mark;
  /** Wall time from spawn to exit (after close), measured by this process. */
  readonly exit_ms: number;
}

/** The embedding process: import, start in memory, one ListTables over the socket, close. */
function embeddedScript(specifier: string): string {
  return `
import { request } from 'node:http';
const mark = () => { const cpu = process.cpuUsage(); return { ms: performance.now(), cpu_ms: (cpu.user + cpu.system) / 1000 }; };
const { startDynabase } = await import(${JSON.stringify(specifier)});
const imported = mark();
const db = await startDynabase({ inMemory: true });
const started = mark();
const status = await new Promise((done, fail) => {
  const call = request(db.endpoint, { method: 'POST', headers: ${JSON.stringify(requestHeaders('ListTables'))} }, (answer) => { answer.resume(); answer.on('end', () => done(answer.statusCode)); });
  call.on('error', fail);
  call.end('{}');
});
if (status !== 200) throw new Error('ListTables answered ' + status);
const answered = mark();
await db.close();
process.stdout.write(JSON.stringify({ imported, started, answered }));
`;
}

async function embeddedOnce(subject: EmbeddedUnderTest): Promise<EmbeddedSample> {
  const started_ns = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--input-type=module', '-e', embeddedScript(subject.specifier)], { cwd: subject.cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  const code = await new Promise((done) => child.once('exit', done));
  const exit_ms = Number(process.hrtime.bigint() - started_ns) / 1e6;
  if (code !== 0) throw new Error(`${subject.label} exited with ${String(code)}`);
  return { ...(JSON.parse(output) as Omit<EmbeddedSample, 'exit_ms'>), exit_ms };
}

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
  const embeddedSamples = new Map<string, EmbeddedSample[]>(embedded.map((subject) => [subject.label, []]));
  // One warm-up spawn of each, so the first measured one does not pay for a cold page cache.
  for (const server of servers) await startOnce(server);
  for (const subject of embedded) await embeddedOnce(subject);
  for (let turn = 0; turn < spawns; turn++) {
    samples.get('node -e 0')!.push(await nodeFloorOnce());
    for (const server of servers) samples.get(server.label)!.push(await startOnce(server));
    for (const subject of embedded) embeddedSamples.get(subject.label)!.push(await embeddedOnce(subject));
  }
  if (servers.length > 0) {
    console.log(`\nStart-up to the first answered request (ListTables), ${spawns} spawns each, interleaved\n`);
    console.log('| server | median ms | p25–p75 ms | min ms | CPU ms (median) | idle RSS MB (median) |');
    console.log('|---|---|---|---|---|---|');
  } else {
    console.log(`\nnode -e 0, ${spawns} spawns: median ${median(samples.get('node -e 0')!.map((sample) => sample.startup_ms)).toFixed(0)} ms`);
  }
  for (const label of servers.length > 0 ? labels : []) {
    const sorted = (pick: (sample: Sample) => number): number[] => samples.get(label)!.map(pick).sort((a, b) => a - b);
    const times = sorted((sample) => sample.startup_ms);
    const medianShown = (values: number[]): string => (Number.isNaN(values[0]) ? '' : quantile(values, 0.5).toFixed(0));
    console.log(
      `| ${label} | ${quantile(times, 0.5).toFixed(0)} | ${quantile(times, 0.25).toFixed(0)}–${quantile(times, 0.75).toFixed(0)} | ${times[0]!.toFixed(0)} | ${medianShown(sorted((sample) => sample.cpu_ms))} | ${medianShown(sorted((sample) => sample.rss_mb))} |`,
    );
  }
  if (embedded.length === 0) return;
  console.log(`\nEmbedded: import, startDynabase({ inMemory: true }), first ListTables, close; ${spawns} spawns each, interleaved; medians of ms since the process started (wall / its CPU)\n`);
  console.log('| import from | imported ms | CPU ms | started ms | CPU ms | answered ms | CPU ms | spawn to exit ms (p25–p75) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const subject of embedded) {
    const runs = embeddedSamples.get(subject.label)!;
    const cells = (['imported', 'started', 'answered'] as const).flatMap((key) => [median(runs.map((run) => run[key].ms)), median(runs.map((run) => run[key].cpu_ms))]);
    const exits = runs.map((run) => run.exit_ms).sort((a, b) => a - b);
    console.log(`| ${subject.label} | ${cells.map((cell) => cell.toFixed(0)).join(' | ')} | ${quantile(exits, 0.5).toFixed(0)} (${quantile(exits, 0.25).toFixed(0)}–${quantile(exits, 0.75).toFixed(0)}) |`);
  }
  for (const subject of allEmbedded) if (subject.cwd !== repoRoot) rmSync(subject.cwd, { recursive: true, force: true });
}

await main();
