/**
 * Many clients move money between accounts with TransactWriteItems at once. Conflicting
 * transfers are cancelled (TransactionConflict) and retried; the total never changes, no balance
 * goes negative, and TransactGetItems of all accounts always sees a consistent total.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PutItemCommand, TransactGetItemsCommand, TransactionCanceledException, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { createTable, startTransactionService, type TransactionService } from './transaction-service.js';

const accounts = 8;
const initial_balance = 100;
const clients = 12;
const transfers_per_client = 25;

let db: TransactionService;

before(async () => {
  db = await startTransactionService();
  await createTable(db.client, 'bank');
  for (let i = 0; i < accounts; i++) await db.client.send(new PutItemCommand({ TableName: 'bank', Item: { pk: { S: `acct${i}` }, balance: { N: String(initial_balance) } } }));
});
after(() => db.close());

/** A small seeded generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 0x100000000;
  };
}

async function total(): Promise<number> {
  const result = await db.client.send(
    new TransactGetItemsCommand({ TransactItems: Array.from({ length: accounts }, (_, i) => ({ Get: { TableName: 'bank', Key: { pk: { S: `acct${i}` } } } })) }),
  );
  let sum = 0;
  for (const response of result.Responses ?? []) sum += Number(response.Item!['balance']!.N);
  return sum;
}

test('concurrent transfers keep the total; conflicts are seen and retried', async () => {
  const seed = Number(process.env['TXN_BANK_SEED'] ?? 20261122);
  const next = random(seed);
  let conflicts = 0;
  let insufficient = 0;
  let committed = 0;
  let snapshots = 0;

  async function transfer(from: number, to: number, amount: number): Promise<void> {
    for (;;) {
      try {
        await db.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Update: {
                  TableName: 'bank',
                  Key: { pk: { S: `acct${from}` } },
                  UpdateExpression: 'SET balance = balance - :a',
                  ConditionExpression: 'balance >= :a',
                  ExpressionAttributeValues: { ':a': { N: String(amount) } },
                },
              },
              { Update: { TableName: 'bank', Key: { pk: { S: `acct${to}` } }, UpdateExpression: 'SET balance = balance + :a', ExpressionAttributeValues: { ':a': { N: String(amount) } } } },
            ],
          }),
        );
        committed++;
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        if (codes.includes('TransactionConflict')) {
          conflicts++;
          continue;
        }
        assert.deepEqual(codes, ['ConditionalCheckFailed', 'None'], `seed ${seed}`);
        insufficient++;
        return;
      }
    }
  }

  async function client(): Promise<void> {
    for (let t = 0; t < transfers_per_client; t++) {
      const from = Math.floor(next() * accounts);
      const to = (from + 1 + Math.floor(next() * (accounts - 1))) % accounts;
      await transfer(from, to, 1 + Math.floor(next() * 60));
    }
  }

  async function auditor(stop: () => boolean): Promise<void> {
    while (!stop()) {
      try {
        assert.equal(await total(), accounts * initial_balance, `seed ${seed}`);
        snapshots++;
      } catch (error) {
        // A snapshot that meets a transfer in flight is cancelled, as in DynamoDB; retry.
        if (!(error instanceof TransactionCanceledException)) throw error;
      }
    }
  }

  let finished = false;
  const audit = auditor(() => finished);
  await Promise.all(Array.from({ length: clients }, client));
  finished = true;
  await audit;

  assert.equal(await total(), accounts * initial_balance, `seed ${seed}`);
  assert.equal(committed + insufficient, clients * transfers_per_client);
  assert.ok(conflicts > 0, `conflicts were observed (seed ${seed})`);
  assert.ok(snapshots > 0, 'the auditor saw consistent totals');
});
