/**
 * The process the kill -9 test murders: opens the LMDB KvStore and the TableStore in durable mode
 * on the directory given, then applies write commands read from stdin, concurrently, printing
 * `ack <command>` once each write has resolved (committed and fsynced).
 *
 *   node kill9-child.js --serve <dir>
 *   stdin:  put <id> <version>   |   del <id>
 *   stdout: ready, then one `ack put <id> <version>` / `ack del <id>` per resolved write
 *
 * Without `--serve` it does nothing, so a test runner that picks it up as a test file is harmless.
 */
import { createInterface } from 'node:readline';
import { systemClock } from '../../src/clock.js';
import type { Item } from '../../src/model/attribute-value.js';
import { openTableStore } from '../../src/partition/open-table-store.js';
import { initialPartitions } from '../../src/partition/partition-map.js';
import type { TableRecord } from '../../src/partition/table-store.js';
import { openLmdbStore } from '../../src/storage/lmdb-store.js';

export const crash_table: TableRecord = {
  name: 'crash',
  id: '6b1a7a0e-0000-4000-8000-00000000c4a5',
  key: { hashName: 'id', hashType: 'S' },
  description: { TableName: 'crash' },
  tags: {},
  partitions: initialPartitions,
  // The replay check rebuilds the items from the change log's new images, which a NEW_IMAGE
  // stream keeps.
  streams: [{ label: '2026-01-01T00:00:00.000', viewType: 'NEW_IMAGE', enabledAt_ms: 0 }],
};

/** Padding so commits carry some bytes (each item is ~300 bytes). */
const padding = 'x'.repeat(256);

export function crashItem(id: string, version: number): Item {
  return { id: { S: id }, version: { N: String(version) }, pad: { S: padding } };
}

async function serve(dir: string): Promise<void> {
  const kv = await openLmdbStore({ path: dir, durability: 'durable' });
  const store = await openTableStore(kv, systemClock);
  if (store.getTable(crash_table.name) === undefined) await store.saveTable(crash_table);
  const table = store.getTable(crash_table.name)!;
  process.stdout.write('ready\n');
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const [op, id, version] = line.split(' ');
    const key = { id: { S: id! } };
    const next = op === 'put' ? crashItem(id!, Number(version)) : undefined;
    store.writeItem(table, key, () => next).then(
      () => process.stdout.write(`ack ${line}\n`),
      (error: unknown) => {
        process.stderr.write(`write failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
}

if (process.argv[2] === '--serve' && process.argv[3] !== undefined) await serve(process.argv[3]);
