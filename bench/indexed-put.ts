/**
 * PutItem on an indexed table (issue 5's benchmark): Dynabase and dynalite side by side, each in
 * its own child process, driven by the same raw keep-alive HTTP client (undici) as bench/run.ts.
 *
 * The table has a partition and a sort key and three indexes, each projecting something a
 * single-table design would: a KEYS_ONLY GSI (`gsi1`), an ALL GSI (`gsi2`) and an INCLUDE LSI
 * (`lsi1`, two non-key attributes). Every item (1 KB) carries all three index keys, and every put
 * writes a new version of an existing item whose index sort keys hold the version (an `updatedAt`
 * pattern), so each put moves the item's entry in all three indexes: a delete and a put in each,
 * and the LSI's item-collection size kept. 100 partition-key values of 10 items make the LSI's
 * item collections. Target (issue 5): Dynabase's server CPU per write at most half of dynalite's.
 *
 * For each server it reports throughput, p50/p99 latency and the server process's CPU time per
 * write (/proc/<pid>/stat), and after the timed runs checks that every index answers a Query with
 * the latest versions, so both servers are seen doing the index work.
 *
 *   node dist/bench/indexed-put.js [--seconds 5 --rounds 1 --concurrency 16 --servers dynabase]
 *
 * `--rounds N` repeats each timed run and reports each figure's median (the machine is shared):
 * all the servers run at once and the rounds alternate between them, so each server's median is
 * taken under the same load; `--servers` keeps the servers whose label contains one of the
 * comma-separated words.
 *
 * `--in-process N` measures Dynabase alone without a socket instead: windows of N puts through the
 * request core (`callInProcess`) at the same concurrency, memory then durable LMDB, `--rounds`
 * windows each after a warm-up window, printing each window's wall-clock and CPU µs per put and
 * their minima: the figures to compare two builds on a shared machine (alternate the builds,
 * compare minima), and the loop to run under `node --cpu-prof` (`--servers memory` or
 * `--servers durable` keeps one of the two). `--against <checkout>` runs another checkout's build
 * (e.g. main's, built) in the same process, windows alternating: the A/B to trust under load.
 * `--indexes none` runs the same puts on the same table without its three indexes: the
 * difference is what the indexes cost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Pool } from 'undici';
import { defaultConfig } from '../src/config.js';
import { openService, type Service } from '../src/service.js';
import {
  call,
  callInProcess,
  measureMedians,
  medianMeasurement,
  parseArgs,
  selectServers,
  serverFilterWords,
  spawnServer,
  stopSpawned,
  type HttpMeasurement,
  type ServerUnderTest,
  type SpawnedServer,
} from './bench-kit.js';

const args = parseArgs(process.argv.slice(2));
const seconds = Number(args.get('seconds') ?? 5);
const concurrency = Number(args.get('concurrency') ?? 16);
/** Timed rounds per server; each figure reported is the median over them (the box is shared). */
const rounds = Number(args.get('rounds') ?? 1);
const inProcessWindow = args.has('in-process') ? Number(args.get('in-process') || 2000) : undefined;
const withoutIndexes = args.get('indexes') === 'none';

const partition_keys = 100;
const items_per_partition_key = 10;
const item_count = partition_keys * items_per_partition_key;
/** Pads each item to about 1 KB (attribute names and values together). */
const payload = 'x'.repeat(830);

const servers = selectServers(args, ['dynabase (memory)', 'dynalite (memory)', 'dynabase (disk, durable)', 'dynalite (disk)']);

const createTableRequest = {
  TableName: 'indexed',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
    { AttributeName: 'gsi1pk', AttributeType: 'S' },
    { AttributeName: 'gsi1sk', AttributeType: 'S' },
    { AttributeName: 'gsi2pk', AttributeType: 'S' },
    { AttributeName: 'gsi2sk', AttributeType: 'N' },
    { AttributeName: 'lsi1sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'gsi1',
      KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
    {
      IndexName: 'gsi2',
      KeySchema: [{ AttributeName: 'gsi2pk', KeyType: 'HASH' }, { AttributeName: 'gsi2sk', KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  LocalSecondaryIndexes: [
    {
      IndexName: 'lsi1',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'lsi1sk', KeyType: 'RANGE' }],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status', 'total'] },
    },
  ],
  BillingMode: 'PAY_PER_REQUEST',
};

/** The same table without its indexes (`--indexes none`): a plain put of the same items. */
const plainTableRequest = {
  TableName: 'indexed',
  AttributeDefinitions: createTableRequest.AttributeDefinitions.slice(0, 2),
  KeySchema: createTableRequest.KeySchema,
  BillingMode: 'PAY_PER_REQUEST',
};

/** Item `id` at `version`: a customer's order, listed by owner (gsi1), by shop (gsi2) and by update time (lsi1). */
function indexedItem(id: number, version: number) {
  const updatedAt = `2026-11-30T${String(version).padStart(12, '0')}`;
  return {
    pk: { S: `customer-${id % partition_keys}` },
    sk: { S: `order-${id}` },
    gsi1pk: { S: `owner-${id % 50}` },
    gsi1sk: { S: updatedAt },
    gsi2pk: { S: `shop-${id % 20}` },
    gsi2sk: { N: String(version) },
    lsi1sk: { S: updatedAt },
    status: { S: version % 2 === 0 ? 'OPEN' : 'SHIPPED' },
    total: { N: String(version % 1000) },
    payload: { S: payload },
  };
}

function putRequest(id: number, version: number) {
  return { TableName: 'indexed', Item: indexedItem(id, version) };
}

async function main(): Promise<void> {
  if (inProcessWindow !== undefined) return inProcess(inProcessWindow);
  const rows: string[] = [];
  const cpu = new Map<string, number>();
  const running: RunningServer[] = [];
  try {
    for (const server of servers) running.push(await startServer(server));
    // Every server is up before the first timed run, and the rounds alternate between them
    // (forward, then backward), so each one's median is taken under the same load of a shared
    // machine; one server's rounds after another's saw different loads.
    for (let round = 0; round < rounds; round++) {
      for (const subject of round % 2 === 0 ? running : [...running].reverse()) {
        const body = (): unknown => {
          const version = subject.next++;
          return putRequest(version % item_count, version);
        };
        subject.runs.push(await measureMedians(subject.child, subject.pool, 'PutItem', body, { seconds, rounds: 1, concurrency }));
      }
    }
    for (const subject of running) {
      await checkIndexes(subject.pool, subject.next);
      const figures = medianMeasurement(subject.runs);
      cpu.set(subject.label, figures.cpuPerOp_us);
      rows.push(`| ${subject.label} | ${figures.opsPerSecond.toFixed(0)} | ${figures.p50_us.toFixed(0)}/${figures.p99_us.toFixed(0)} | ${figures.cpuPerOp_us.toFixed(1)} |`);
    }
  } finally {
    for (const subject of running) await stopSpawned(subject);
  }
  console.log(
    `\nPutItem of 1 KB items on a table with 2 GSIs (KEYS_ONLY, ALL) and 1 LSI (INCLUDE), every index key moved by every put; ` +
      `${seconds} s${rounds > 1 ? ` (median of ${rounds} rounds)` : ''}, concurrency ${concurrency}, raw keep-alive HTTP (undici)\n`,
  );
  console.log('| server | PutItem ops/s | p50/p99 µs | server CPU µs/write |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(row);
  for (const medium of ['memory', 'disk']) {
    const dynabase = [...cpu].find(([label]) => label.startsWith('dynabase') && label.includes(medium));
    const dynalite = [...cpu].find(([label]) => label.startsWith('dynalite') && label.includes(medium));
    if (dynabase && dynalite) console.log(`\n${medium}: Dynabase's CPU per write is ${(dynabase[1] / dynalite[1]).toFixed(2)} of dynalite's (target: at most 0.50)`);
  }
}

/**
 * Every index holds the newest version of the items it was last given: the last item written
 * (version `next - 1`) is found through each index under its latest keys, projected as declared.
 */
async function checkIndexes(pool: Pool, next: number): Promise<void> {
  const version = next - 1;
  const expected = indexedItem(version % item_count, version);
  const queries = [
    { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :h AND gsi1sk = :s', values: { ':h': expected.gsi1pk, ':s': expected.gsi1sk }, projected: ['pk', 'sk', 'gsi1pk', 'gsi1sk'] },
    { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :h AND gsi2sk = :s', values: { ':h': expected.gsi2pk, ':s': expected.gsi2sk }, projected: Object.keys(expected) },
    { IndexName: 'lsi1', KeyConditionExpression: 'pk = :h AND lsi1sk = :s', values: { ':h': expected.pk, ':s': expected.lsi1sk }, projected: ['pk', 'sk', 'lsi1sk', 'status', 'total'] },
  ];
  for (const query of queries) {
    const page = JSON.parse(
      await call(pool, 'Query', { TableName: 'indexed', IndexName: query.IndexName, KeyConditionExpression: query.KeyConditionExpression, ExpressionAttributeValues: query.values }),
    ) as { Items: Record<string, unknown>[] };
    const names = page.Items.length === 1 ? Object.keys(page.Items[0]!).sort() : [];
    if (names.join() !== [...query.projected].sort().join()) throw new Error(`index ${query.IndexName} does not hold the last write as projected: ${JSON.stringify(page.Items)}`);
  }
  const lsiCount = JSON.parse(await call(pool, 'Query', { TableName: 'indexed', IndexName: 'lsi1', KeyConditionExpression: 'pk = :h', ExpressionAttributeValues: { ':h': expected.pk }, Select: 'COUNT' })) as { Count: number };
  if (lsiCount.Count !== items_per_partition_key) throw new Error(`lsi1 holds ${lsiCount.Count} entries for ${expected.pk.S}, not ${items_per_partition_key}: stale entries were left`);
}

/** A server under test, running with the benchmark table and its items, and its timed runs. */
interface RunningServer extends SpawnedServer {
  readonly label: string;
  next: number;
  readonly runs: HttpMeasurement[];
}

async function startServer(server: ServerUnderTest): Promise<RunningServer> {
  const spawned = await spawnServer(server, concurrency);
  try {
    await call(spawned.pool, 'CreateTable', createTableRequest);
    await waitForActive(spawned.pool);
    for (let id = 0; id < item_count; id++) await call(spawned.pool, 'PutItem', putRequest(id, id));
    return { ...spawned, label: server.label, next: item_count, runs: [] };
  } catch (error) {
    await stopSpawned(spawned);
    throw error;
  }
}

async function waitForActive(pool: Pool): Promise<void> {
  for (;;) {
    const table = JSON.parse(await call(pool, 'DescribeTable', { TableName: 'indexed' })).Table;
    const indexes: { IndexStatus?: string }[] = table.GlobalSecondaryIndexes ?? [];
    if (table.TableStatus === 'ACTIVE' && indexes.every((index) => index.IndexStatus === undefined || index.IndexStatus === 'ACTIVE')) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One build under test in-process: its service, the put function of its own request core, and its figures. */
interface InProcessSubject {
  readonly label: string;
  readonly service: Service;
  readonly call: typeof callInProcess;
  readonly dataDir: string | undefined;
  next: number;
  readonly wall_us: number[];
  readonly cpu_us: number[];
}

/**
 * Opens a service of the build in `checkout` (this one when undefined: its own modules; another
 * checkout's compiled `dist/` otherwise, a separate module graph in this process) with the
 * benchmark table and its items.
 */
async function openSubject(checkout: string | undefined, medium: 'memory' | 'durable'): Promise<InProcessSubject> {
  let open = openService;
  let config = defaultConfig;
  let call = callInProcess;
  if (checkout !== undefined) {
    const root = resolve(checkout, 'dist');
    open = ((await import(pathToFileURL(join(root, 'src/service.js')).href)) as { openService: typeof openService }).openService;
    config = ((await import(pathToFileURL(join(root, 'src/config.js')).href)) as { defaultConfig: typeof defaultConfig }).defaultConfig;
    call = ((await import(pathToFileURL(join(root, 'bench/bench-kit.js')).href)) as { callInProcess: typeof callInProcess }).callInProcess;
  }
  const dataDir = medium === 'memory' ? undefined : mkdtempSync(join(tmpdir(), 'dynabase-bench-'));
  const service = await open({ ...config, dataDir });
  await call(service, 'CreateTable', withoutIndexes ? plainTableRequest : createTableRequest);
  for (let id = 0; id < item_count; id++) await call(service, 'PutItem', putRequest(id, id));
  return { label: checkout === undefined ? 'this build' : checkout, service, call, dataDir, next: item_count, wall_us: [], cpu_us: [] };
}

/** Runs `window` puts on `subject`, `concurrency` in flight; returns wall-clock and CPU µs per put. */
async function runWindow(subject: InProcessSubject, window: number): Promise<{ readonly wall_us: number; readonly cpu_us: number }> {
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  let left = window;
  const worker = async (): Promise<void> => {
    while (left-- > 0) {
      const version = subject.next++;
      await subject.call(subject.service, 'PutItem', putRequest(version % item_count, version));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  return { wall_us: Number(process.hrtime.bigint() - started) / 1000 / window, cpu_us: (cpu.user + cpu.system) / window };
}

/**
 * Dynabase alone through the request core, `concurrency` puts in flight: for each `window`-put
 * window the wall-clock and the process's CPU µs per put, and the minimum of each. With
 * `--against <checkout>`, that checkout's build (its compiled `dist/`) runs beside this one in
 * the same process, their windows alternating (ABBA), so both see the same load on a shared
 * machine: the fairest A/B there is; each build's minimum, lower quartile and median are printed.
 */
async function inProcess(window: number): Promise<void> {
  const against = args.get('against');
  const serverFilter = serverFilterWords(args);
  for (const medium of ['memory', 'durable'] as const) {
    if (serverFilter.length > 0 && !serverFilter.some((word) => medium.includes(word))) continue;
    const subjects = [await openSubject(undefined, medium)];
    if (against !== undefined) subjects.push(await openSubject(against, medium));
    try {
      // The first window of each warms the JIT up and is not counted.
      for (const subject of subjects) await runWindow(subject, window);
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? subjects : [...subjects].reverse();
        for (const subject of order) {
          const figures = await runWindow(subject, window);
          subject.wall_us.push(figures.wall_us);
          subject.cpu_us.push(figures.cpu_us);
        }
      }
      for (const subject of subjects) {
        const name = against === undefined ? medium : `${medium}, ${subject.label}`;
        if (against === undefined) {
          const show = (values: number[]) => `${values.map((us) => us.toFixed(1)).join(' ')}; minimum ${Math.min(...values).toFixed(1)}`;
          console.log(`${name}: wall µs per put ${show(subject.wall_us)}`);
          console.log(`${name}: CPU µs per put ${show(subject.cpu_us)}`);
        } else {
          const sorted = [...subject.cpu_us].sort((a, b) => a - b);
          const at = (fraction: number) => sorted[Math.floor(fraction * (sorted.length - 1))]!.toFixed(1);
          console.log(`${name}: CPU µs per put minimum ${at(0)}, lower quartile ${at(0.25)}, median ${at(0.5)} (${sorted.length} windows of ${window})`);
        }
      }
    } finally {
      for (const subject of subjects) {
        await subject.service.close();
        if (subject.dataDir !== undefined) rmSync(subject.dataDir, { recursive: true, force: true });
      }
    }
  }
}

await main();
