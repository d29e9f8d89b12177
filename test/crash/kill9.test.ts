/**
 * kill -9 during a durable write load: every acknowledged write must survive, and the store must
 * be self-consistent afterwards (statistics match the items; replaying the change log rebuilds
 * exactly the items), because item, change record and statistics share one transaction.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../src/clock.js';
import type { Item } from '../../src/model/attribute-value.js';
import { seededRandom as prng } from '../helpers/seeded-random.js';
import { itemSize } from '../../src/model/item-size.js';
import { openTableStore } from '../../src/partition/open-table-store.js';
import { openLmdbStore } from '../../src/storage/lmdb-store.js';
import { crash_table } from './kill9-child.js';

const root = mkdtempSync(join(tmpdir(), 'dynabase-kill9-'));
after(() => rmSync(root, { recursive: true, force: true }));
const childScript = fileURLToPath(new URL('./kill9-child.js', import.meta.url));

/** Writes kept in flight at once, so the kill lands among concurrent, group-committed writes. */
const in_flight_writes = 64;

interface Ledger {
  /** Per id, every version ever submitted (puts only). */
  readonly submitted: Map<string, Set<number>>;
  /** Per id, the highest acknowledged put version. */
  readonly ackedPut: Map<string, number>;
  /** Ids whose delete was acknowledged. */
  readonly ackedDelete: Set<string>;
}


/**
 * The commands of one round: `k*` ids only ever get puts with increasing versions; each `d*` id
 * gets one put and later one delete.
 */
function commandsFor(round: number, firstVersion: number): string[] {
  const random = prng(round * 7919 + 17);
  const commands: string[] = [];
  let version = firstVersion;
  const pendingDeletes: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const roll = random();
    if (roll < 0.7) commands.push(`put k${Math.floor(random() * 300)} ${version++}`);
    else if (roll < 0.85 || pendingDeletes.length === 0) {
      const id = `d${round}-${i}`;
      commands.push(`put ${id} ${version++}`);
      pendingDeletes.push(id);
    } else {
      commands.push(`del ${pendingDeletes.shift()!}`);
    }
  }
  return commands;
}

/** Runs the child, streams `commands`, SIGKILLs it after `killAfterAcks` acks; records acks in the ledger. */
async function runAndKill(dir: string, commands: readonly string[], killAfterAcks: number, ledger: Ledger): Promise<number> {
  const child = spawn(process.execPath, [childScript, '--serve', dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  child.stdin.on('error', () => {
    // The child may die with commands still being written to its stdin.
  });
  for (const command of commands) {
    if (command.startsWith('put ')) {
      const [, id, version] = command.split(' ');
      let versions = ledger.submitted.get(id!);
      if (versions === undefined) ledger.submitted.set(id!, (versions = new Set()));
      versions.add(Number(version));
    }
  }
  let sent = 0;
  let acks = 0;
  const send = (): void => {
    while (sent < commands.length && sent - acks < in_flight_writes) child.stdin.write(`${commands[sent++]}\n`);
  };
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    if (line === 'ready') {
      send();
      continue;
    }
    assert.ok(line.startsWith('ack '), `child said: ${line}`);
    const [, op, id, version] = line.split(' ');
    if (op === 'put') ledger.ackedPut.set(id!, Math.max(ledger.ackedPut.get(id!) ?? -1, Number(version)));
    else ledger.ackedDelete.add(id!);
    acks++;
    if (acks === killAfterAcks) {
      child.kill('SIGKILL');
      break;
    }
    send();
  }
  assert.equal(await exited, 'SIGKILL', 'the child was killed, not finished');
  assert.ok(sent > acks, 'writes were in flight when the child died');
  return acks;
}

async function checkStore(dir: string, ledger: Ledger): Promise<number> {
  const kv = await openLmdbStore({ path: dir, durability: 'durable' });
  const store = await openTableStore(kv, systemClock);
  try {
    const table = store.getTable(crash_table.name);
    assert.ok(table !== undefined, 'the catalog survived');
    const items = new Map<string, Item>();
    for (const item of store.scanItems(table, { hashStart: '0000000000000000', hashEnd: '' })) items.set((item['id'] as { S: string }).S, item);

    // Every acknowledged write is there (or was superseded by a later write that also committed).
    for (const [id, version] of ledger.ackedPut) {
      const item = items.get(id);
      if (ledger.ackedDelete.has(id)) {
        assert.equal(item, undefined, `acknowledged delete of ${id} holds`);
        continue;
      }
      if (id.startsWith('d') && item === undefined) continue; // its delete may have committed unacknowledged
      assert.ok(item !== undefined, `acknowledged put of ${id} v${version} survived`);
      const stored = Number((item['version'] as { N: string }).N);
      assert.ok(stored >= version, `${id} holds v${stored}, at least the acknowledged v${version}`);
    }
    // Nothing appears that was never submitted.
    for (const [id, item] of items) {
      assert.ok(ledger.submitted.get(id)?.has(Number((item['version'] as { N: string }).N)), `${id} holds a submitted version`);
    }

    // Statistics agree with the items.
    let size = 0;
    for (const item of items.values()) size += itemSize(item);
    assert.deepEqual(store.stats(table), { itemCount: items.size, sizeBytes: size });

    // Replaying the change log rebuilds exactly the items; sequence numbers have no gaps.
    const replayed = new Map<string, Item>();
    const changes = store.readChanges(table, table.partitions[0]!.id);
    changes.forEach((change, i) => {
      assert.equal(change.sequenceNumber, String(i + 1).padStart(21, '0'));
      const id = (change.keys['id'] as { S: string }).S;
      if (change.newImage === undefined) replayed.delete(id);
      else replayed.set(id, change.newImage);
    });
    assert.deepEqual(replayed, items);
    return changes.length;
  } finally {
    await store.close();
    await kv.close();
  }
}

test('kill -9 mid-load loses no acknowledged write and leaves a consistent store', { timeout: 30_000 }, async () => {
  const dir = join(root, 'store');
  const ledger: Ledger = { submitted: new Map(), ackedPut: new Map(), ackedDelete: new Set() };
  let version = 1;
  let logLength = 0;
  for (let round = 0; round < 3; round++) {
    const commands = commandsFor(round, version);
    version += commands.length;
    const acks = await runAndKill(dir, commands, 800 + 500 * round, ledger);
    const length = await checkStore(dir, ledger);
    assert.ok(length >= logLength + acks, `round ${round}: the log grew by at least the ${acks} acknowledged writes`);
    logLength = length;
  }
});
