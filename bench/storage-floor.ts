/**
 * The storage engine's own floor under a durable PutItem: what the LMDB KvStore alone costs for
 * the records one PutItem of a 1 KB item writes (read the item and its partition's state; write
 * the item, the state and a keys-only change record), one write transaction per item, 16 writers
 * at once (so group commit batches them), next to the whole PutItem request served in-process
 * (no HTTP) on the same engine. The gap between the two is what Dynabase adds above its storage;
 * the floor itself is LMDB's page copying and the machine's cost of writing and syncing pages.
 *
 * CPU is the whole process's (every thread: LMDB commits and syncs on its own thread), per write.
 * Usage: `node dist/bench/storage-floor.js [--seconds 3] [--rounds 3] [--concurrency 16]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../src/config.js';
import { openService } from '../src/service.js';
import type { DurabilityMode, KvStore } from '../src/storage/kv-store.js';
import { openLmdbStore } from '../src/storage/lmdb-store.js';
import type { InProcessFigures as Figures } from './bench-kit.js';
import { callInProcess, measureInProcess, parseArgs } from './bench-kit.js';

const args = parseArgs(process.argv.slice(2));
const seconds = Number(args.get('seconds') ?? 3);
const rounds = Number(args.get('rounds') ?? 3);
const concurrency = Number(args.get('concurrency') ?? 16);
const itemCount = 1000;
const payload = 'x'.repeat(1000);

const drive = { seconds, rounds, concurrency };

function key(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** The records of one PutItem that replaces a 1 KB item, straight on the KvStore. */
async function engineFloor(durability: DurabilityMode): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'dynabase-floor-'));
  const kv: KvStore = await openLmdbStore({ path: dir, durability });
  try {
    const stateKey = key('state');
    await kv.write((txn) => {
      txn.put(stateKey, new Uint8Array(24));
      for (let i = 0; i < itemCount; i++) txn.put(key(`item-${i}`), JSON.stringify({ id: { S: `item-${i}` }, payload: { S: payload } }));
    });
    let sequence = 0;
    return await measureInProcess(
      (n) =>
        kv.write((txn) => {
          const itemKey = key(`item-${n % itemCount}`);
          txn.get(itemKey);
          txn.get(stateKey);
          txn.put(itemKey, JSON.stringify({ id: { S: `item-${n % itemCount}` }, payload: { S: payload }, v: { N: String(n) } }));
          txn.put(stateKey, new Uint8Array(24));
          sequence++;
          txn.put(key(`log-${String(sequence).padStart(12, '0')}`), JSON.stringify({ sequenceNumber: sequence, kind: 'MODIFY', keys: { id: { S: `item-${n % itemCount}` } } }));
        }),
      drive,
    );
  } finally {
    await kv.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The whole PutItem request (validation, admission, the store's write) in-process on LMDB. */
async function putItemInProcess(durability: DurabilityMode): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'dynabase-floor-'));
  const service = await openService({ ...defaultConfig, dataDir: dir, durability });
  try {
    await callInProcess(service, 'CreateTable', {
      TableName: 'bench',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    for (let i = 0; i < itemCount; i++) await callInProcess(service, 'PutItem', { TableName: 'bench', Item: { id: { S: `item-${i}` }, payload: { S: payload } } });
    return await measureInProcess(
      (n) => callInProcess(service, 'PutItem', { TableName: 'bench', Item: { id: { S: `item-${n % itemCount}` }, payload: { S: payload }, v: { N: String(n) } } }),
      drive,
    );
  } finally {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`concurrency ${concurrency}, ${seconds} s × ${rounds} rounds (medians), 1 KB items; CPU = whole process, per write`);
  console.log('| durability | KvStore floor writes/s · CPU µs/write | PutItem in-process writes/s · CPU µs/write |');
  console.log('|---|---|---|');
  for (const durability of ['durable', 'relaxed'] as const) {
    const floor = await engineFloor(durability);
    const whole = await putItemInProcess(durability);
    console.log(`| ${durability} | ${floor.opsPerSecond.toFixed(0)} · ${floor.cpuPerOp_us.toFixed(1)} | ${whole.opsPerSecond.toFixed(0)} · ${whole.cpuPerOp_us.toFixed(1)} |`);
  }
}

await main();
