/**
 * The in-memory engine (`--in-memory`, `startDynabase({ inMemory: true })`) measured in-process,
 * with no HTTP: what the memory KvStore alone costs for one PutItem's records and for a point
 * read, and the whole GetItem, PutItem and conditional UpdateItem requests served by the request
 * core on that engine. Every write appends a change-log record that is kept for 24 hours, so the
 * store grows by one record per write; the requests are measured after a long write run has
 * grown it (`--writes`), where a deeper ordered structure costs more, and the process's memory
 * is reported after that run (after a full GC when node runs with `--expose-gc`).
 *
 * CPU is the whole process's (the main thread and V8's GC threads), per operation; each figure
 * is the median of `--rounds` timed runs of `--seconds`, after a warm-up run.
 * Usage: `node --expose-gc dist/bench/memory-engine.js [--seconds 3] [--rounds 3] [--writes 200000]`.
 */
import { defaultConfig } from '../src/config.js';
import { openService } from '../src/service.js';
import type { Service } from '../src/service.js';
import * as memoryStore from '../src/storage/memory-store.js';
import type { InProcessFigures as Figures } from './bench-kit.js';
import { callInProcess, conditionalUpdateBody, measureInProcess, parseArgs } from './bench-kit.js';

const args = parseArgs(process.argv.slice(2));
const seconds = Number(args.get('seconds') ?? 3);
const rounds = Number(args.get('rounds') ?? 3);
const longRunWrites = Number(args.get('writes') ?? 200_000);
const concurrency = 16;
const itemCount = 1000;
const payload = 'x'.repeat(1000);

const drive = { seconds, rounds, concurrency };
const medianOf = (op: (n: number) => Promise<unknown>): Promise<Figures> => measureInProcess(op, drive);

function key(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

function format(figures: Figures): string {
  return `${figures.opsPerSecond.toFixed(0)} · ${figures.cpuPerOp_us.toFixed(1)}`;
}

/** The memory KvStore alone: one PutItem's records per write transaction, and a point read. */
async function engineFloor(): Promise<{ write: Figures; read: Figures }> {
  const kv = memoryStore.openMemoryStore();
  const stateKey = key('\x09\x00\x00\x00\x01\x01p');
  const itemKey = (i: number): Uint8Array => key(`\x02\x00\x00\x00\x01${String(i * 7919).padStart(8, '0')}item-${i}`);
  const itemKeys = Array.from({ length: itemCount }, (_, i) => itemKey(i));
  await kv.write((txn) => {
    txn.put(stateKey, new Uint8Array(24));
    for (let i = 0; i < itemCount; i++) txn.put(itemKeys[i]!, JSON.stringify({ id: { S: `item-${i}` }, payload: { S: payload } }));
  });
  let sequence = 0;
  const write = (n: number): Promise<unknown> =>
    kv.write((txn) => {
      const at = itemKeys[n % itemCount]!;
      txn.get(at);
      txn.get(stateKey);
      txn.put(at, JSON.stringify({ id: { S: `item-${n % itemCount}` }, payload: { S: payload }, v: { N: String(n) } }));
      txn.put(stateKey, new Uint8Array(24));
      sequence++;
      txn.put(key(`\x03\x00\x00\x00\x01\x01p${String(sequence).padStart(8, '0')}`), JSON.stringify({ sequenceNumber: sequence, kind: 'MODIFY', keys: { id: { S: `item-${n % itemCount}` } } }));
    });
  for (let n = 0; n < longRunWrites; n++) await write(n);
  // The store's own account of its bytes, where the build has it (an A/B against an older build may not).
  const usage = (memoryStore as Record<string, unknown>)['memoryStoreUsage'] as ((store: unknown) => object) | undefined;
  if (usage !== undefined) console.log(`KvStore after ${longRunWrites} writes: ${JSON.stringify(usage(kv))}; ${memory()}`);
  const writes = await medianOf(write);
  const reads = await medianOf(async (n) => kv.get(itemKeys[n % itemCount]!));
  await kv.close();
  return { write: writes, read: reads };
}

function memory(): string {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const usage = process.memoryUsage();
  const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
  return `RSS ${mb(usage.rss)} MB, V8 heap used ${mb(usage.heapUsed)} MB, array buffers ${mb(usage.arrayBuffers)} MB${gc === undefined ? ' (no --expose-gc: before any forced GC)' : ' (after a full GC)'}`;
}

async function requests(service: Service): Promise<{ get: Figures; put: Figures; update: Figures }> {
  await callInProcess(service, 'CreateTable', {
    TableName: 'bench',
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  const item = (n: number) => ({ TableName: 'bench', Item: { id: { S: `item-${n % itemCount}` }, payload: { S: payload }, n: { N: String(n % itemCount) }, v: { N: String(n) } } });
  for (let i = 0; i < itemCount; i++) await callInProcess(service, 'PutItem', item(i));
  console.log(`after ${itemCount} items: ${memory()}`);
  const started = process.cpuUsage();
  for (let n = 0; n < longRunWrites; n++) await callInProcess(service, 'PutItem', item(n));
  const longRun = process.cpuUsage(started);
  console.log(`after ${longRunWrites} more PutItem (${((longRun.user + longRun.system) / longRunWrites).toFixed(1)} CPU µs each): ${memory()}`);
  let next = 0;
  const get = await medianOf(() => callInProcess(service, 'GetItem', { TableName: 'bench', Key: { id: { S: `item-${next++ % itemCount}` } } }));
  const put = await medianOf(() => callInProcess(service, 'PutItem', item(next++)));
  const update = await medianOf(() => callInProcess(service, 'UpdateItem', conditionalUpdateBody('bench', `item-${next++ % itemCount}`)));
  console.log(`after the measured requests: ${memory()}`);
  return { get, put, update };
}

async function main(): Promise<void> {
  console.log(`${seconds} s × ${rounds} rounds (medians, after a warm-up run), ${concurrency} callers, 1 KB items, ${longRunWrites} writes before measuring; CPU = whole process, per op`);
  // The requests first, so the memory figures are theirs alone.
  const service = await openService({ ...defaultConfig, dataDir: undefined });
  try {
    const { get, put, update } = await requests(service);
    await service.close();
    const floor = await engineFloor();
    console.log('| memory KvStore: PutItem records · point get | GetItem | PutItem | cond. UpdateItem SET×3 |');
    console.log('|---|---|---|---|');
    console.log(`| ${format(floor.write)} · ${format(floor.read)} | ${format(get)} | ${format(put)} | ${format(update)} |`);
    console.log('(ops/s · CPU µs/op)');
  } finally {
    await service.close();
  }
}

await main();
