/**
 * Token records in the KvStore: read back until they expire, replaced when a token is reused
 * after expiry, and expired records purged as new ones are written.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { putTransactionToken, readTransactionToken } from '../../../src/partition/transaction-tokens.js';
import { openMemoryStore } from '../../../src/storage/memory-store.js';

function record(token: string, expiresAt_ms: number, fingerprint = 'f') {
  return { token, expiresAt_ms, fingerprint, response: {} };
}

test('a token is remembered until it expires, then replaced; expired records are purged', async () => {
  const kv = await openMemoryStore();
  await kv.write((txn) => putTransactionToken(txn, record('a', 1000), 0));
  assert.deepEqual(readTransactionToken(kv, 'a', 999), record('a', 1000));
  assert.equal(readTransactionToken(kv, 'a', 1000), undefined);
  assert.equal(readTransactionToken(kv, 'b', 0), undefined);

  await kv.write((txn) => putTransactionToken(txn, record('a', 3000, 'g'), 2000));
  assert.deepEqual(readTransactionToken(kv, 'a', 2500), record('a', 3000, 'g'));

  for (let i = 0; i < 6; i++) await kv.write((txn) => putTransactionToken(txn, record(`old${i}`, 4000 + i), 3500));
  // Each new record purges up to four expired ones: two writes clear all seven ('a' and old0-5).
  await kv.write((txn) => putTransactionToken(txn, record('new1', 20000), 10000));
  await kv.write((txn) => putTransactionToken(txn, record('new2', 20000), 10000));
  const left = [...kv.range({})].length;
  // Only the live records remain: 'new1' and 'new2', two keys each.
  assert.equal(left, 4);
  await kv.close();
});
