/**
 * The process the transaction kill -9 test murders: over a durable LMDB TableStore, runs bank
 * transfers as write transactions through the coordinator, 16 at a time, each moving an amount
 * between two accounts and writing a ledger item, with a ClientRequestToken; prints
 * `ack <token>` once a transfer has committed (fsynced).
 *
 *   node txn-kill9-child.js --serve <dir> <seed>
 *
 * Without `--serve` it does nothing, so a test runner that picks it up as a test file is harmless.
 */
import { conditionalCheckFailed, DynamoError } from '../../src/errors.js';
import { systemClock } from '../../src/clock.js';
import type { AttributeValue, Item } from '../../src/model/attribute-value.js';
import { openTableStore } from '../../src/partition/open-table-store.js';
import { initialPartitions } from '../../src/partition/partition-map.js';
import type { TableRecord, TableStore } from '../../src/partition/table-store.js';
import { openLmdbStore } from '../../src/storage/lmdb-store.js';
import { transactionCoordinator } from '../../src/txn/transaction-coordinator.js';

export const bank_table: TableRecord = {
  name: 'bank',
  id: '6b1a7a0e-0000-4000-8000-0000000ba4c0',
  key: { hashName: 'id', hashType: 'S' },
  description: { TableName: 'bank' },
  tags: {},
  partitions: initialPartitions,
};
export const bank_accounts = 6;
export const initial_balance = 1000;
const concurrent_transfers = 16;

/** The number an N attribute holds. */
export function numberOf(value: AttributeValue | undefined): number {
  return Number((value as { readonly N: string }).N);
}

export function accountKey(i: number): Item {
  return { id: { S: `acct${i}` } };
}

async function setUp(store: TableStore): Promise<TableRecord> {
  if (store.getTable(bank_table.name) === undefined) await store.saveTable(bank_table);
  const table = store.getTable(bank_table.name)!;
  if (store.getItem(table, accountKey(0)) === undefined) {
    await store.writeItems(
      Array.from({ length: bank_accounts }, (_, i) => ({ table, key: accountKey(i), mutation: () => ({ ...accountKey(i), balance: { N: String(initial_balance) } }) })),
    );
  }
  return table;
}

async function serve(dir: string, seed: number): Promise<void> {
  const kv = await openLmdbStore({ path: dir, durability: 'durable' });
  const store = await openTableStore(kv, systemClock);
  const table = await setUp(store);
  const coordinator = transactionCoordinator(store);
  process.stdout.write('ready\n');
  let state = seed >>> 0;
  const next = (): number => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 0x100000000;
  };
  let serial = 0;
  async function worker(): Promise<void> {
    for (;;) {
      const token = `s${seed}-${serial++}`;
      const from = Math.floor(next() * bank_accounts);
      const to = (from + 1 + Math.floor(next() * (bank_accounts - 1))) % bank_accounts;
      const amount = 1 + Math.floor(next() * 50);
      try {
        await coordinator.write(
          [
            {
              table,
              key: accountKey(from),
              apply: (previous) => {
                const balance = numberOf(previous!['balance']);
                if (balance < amount) throw conditionalCheckFailed();
                return { ...previous!, balance: { N: String(balance - amount) } };
              },
            },
            { table, key: accountKey(to), apply: (previous) => ({ ...previous!, balance: { N: String(numberOf(previous!['balance']) + amount) } }) },
            { table, key: { id: { S: `ledger-${token}` } }, apply: () => ({ id: { S: `ledger-${token}` }, from: { N: String(from) }, to: { N: String(to) }, amount: { N: String(amount) } }) },
          ],
          { token, expiresAt_ms: systemClock.now() + 600_000, fingerprint: token, responseOf: () => ({}) },
        );
        process.stdout.write(`ack ${token}\n`);
      } catch (error) {
        if (!(error instanceof DynamoError) || error.errorName !== 'TransactionCanceledException') throw error;
        // A cancelled transfer is retried on a later turn, so commits in flight can complete.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  }
  await Promise.all(Array.from({ length: concurrent_transfers }, worker));
}

if (process.argv[2] === '--serve' && process.argv[3] !== undefined) await serve(process.argv[3], Number(process.argv[4] ?? 1));
