/**
 * kill -9 in the middle of write transactions: after a restart every transaction is there whole
 * or not at all. Each transfer writes two balances and a ledger item in one transaction; so the
 * balances must equal the initial balances plus the ledger's entries, the total must be
 * unchanged, and every acknowledged transfer's ledger item and ClientRequestToken must exist.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { systemClock } from '../../src/clock.js';
import { openTableStore } from '../../src/partition/open-table-store.js';
import { openLmdbStore } from '../../src/storage/lmdb-store.js';
import { accountKey, bank_accounts, bank_table, initial_balance, numberOf } from './txn-kill9-child.js';

const root = mkdtempSync(join(tmpdir(), 'dynabase-txn-kill9-'));
after(() => rmSync(root, { recursive: true, force: true }));
const childScript = fileURLToPath(new URL('./txn-kill9-child.js', import.meta.url));

/** Runs the child until `killAfterAcks` transfers are acknowledged, then SIGKILLs it. */
async function runAndKill(dir: string, seed: number, killAfterAcks: number): Promise<string[]> {
  const child = spawn(process.execPath, [childScript, '--serve', dir, String(seed)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const acked: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('ack ')) acked.push(line.slice(4));
    if (acked.length >= killAfterAcks) {
      child.kill('SIGKILL');
      break;
    }
  }
  assert.equal(await exited, 'SIGKILL');
  return acked;
}

async function check(dir: string, acked: readonly string[], seed: number): Promise<void> {
  const kv = await openLmdbStore({ path: dir, durability: 'durable' });
  try {
    const store = await openTableStore(kv, systemClock);
    const table = store.getTable(bank_table.name)!;
    const expected = Array.from({ length: bank_accounts }, () => initial_balance);
    let ledgerItems = 0;
    for (const item of store.scanItems(table, { hashStart: '0000000000000000', hashEnd: '' })) {
      const id = (item['id'] as { readonly S: string }).S;
      if (!id.startsWith('ledger-')) continue;
      ledgerItems++;
      const amount = numberOf(item['amount']);
      expected[numberOf(item['from'])]! -= amount;
      expected[numberOf(item['to'])]! += amount;
      // The token was stored in the same storage transaction as the ledger item.
      assert.ok(store.readTransactionToken(id.slice('ledger-'.length)) !== undefined, `seed ${seed}: token of ${id}`);
    }
    let total = 0;
    for (let i = 0; i < bank_accounts; i++) {
      const balance = numberOf(store.getItem(table, accountKey(i))!['balance']);
      assert.equal(balance, expected[i], `seed ${seed}: account ${i} matches its ledger`);
      total += balance;
    }
    assert.equal(total, bank_accounts * initial_balance, `seed ${seed}: the total is unchanged`);
    assert.equal(store.stats(table).itemCount, bank_accounts + ledgerItems, `seed ${seed}: statistics match`);
    for (const token of acked) {
      assert.ok(store.getItem(table, { id: { S: `ledger-${token}` } }) !== undefined, `seed ${seed}: acknowledged ${token} survived`);
    }
    await store.close();
  } finally {
    await kv.close();
  }
}

test('SIGKILL during write transactions leaves each whole or absent', async () => {
  const dir = join(root, 'store');
  const base = Number(process.env['TXN_CRASH_SEED'] ?? 7);
  for (let round = 0; round < 3; round++) {
    const seed = base * 100 + round;
    const acked = await runAndKill(dir, seed, 30 + ((seed * 37) % 120));
    await check(dir, acked, seed);
  }
});
