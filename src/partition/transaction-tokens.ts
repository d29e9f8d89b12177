/**
 * The storage of ClientRequestTokens (TransactWriteItems idempotency), beside the sections of
 * layout.ts:
 *
 *   0x10 tokens       0x10 + UTF-8 token                        → JSON TransactionTokenRecord
 *   0x11 token expiry 0x11 + expiry (u64 BE ms) + UTF-8 token  → empty
 *
 * A token record is written in the transaction that applies its writes, so after a crash a
 * transaction and the memory of its token exist together or not at all. DynamoDB remembers a
 * token for 10 minutes; the expiry section orders records by expiry time so that each new record
 * purges a bounded number of expired ones, keeping storage flat without a sweeper.
 */
import { assert } from '../errors.js';
import type { KvReader, KvWriteTxn } from '../storage/kv-store.js';
import { readU64, writeU64 } from './layout.js';
import type { TransactionTokenRecord } from './table-store.js';

const token_tag = 0x10;
const token_expiry_tag = 0x11;
const expiry_bytes = 8;
/** Expired records purged per new record: more than one, so purging outpaces creation. */
const purge_per_write = 4;

const encoder = new TextEncoder();

function tokenKey(token: string): Uint8Array {
  const bytes = encoder.encode(token);
  const key = new Uint8Array(1 + bytes.length);
  key[0] = token_tag;
  key.set(bytes, 1);
  return key;
}

function expiryKey(expiresAt_ms: number, token: string): Uint8Array {
  const bytes = encoder.encode(token);
  const key = new Uint8Array(1 + expiry_bytes + bytes.length);
  key[0] = token_expiry_tag;
  writeU64(key, 1, expiresAt_ms);
  key.set(bytes, 1 + expiry_bytes);
  return key;
}

function parseRecord(bytes: Uint8Array): TransactionTokenRecord {
  const record = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8')) as TransactionTokenRecord;
  assert(typeof record.token === 'string' && Number.isSafeInteger(record.expiresAt_ms), 'a token record has its token and expiry');
  return record;
}

/** The live record of `token` at `now_ms`; an expired one is as good as absent. */
export function readTransactionToken(reader: KvReader, token: string, now_ms: number): TransactionTokenRecord | undefined {
  const bytes = reader.get(tokenKey(token));
  if (bytes === undefined) return undefined;
  const record = parseRecord(bytes);
  return record.expiresAt_ms > now_ms ? record : undefined;
}

/** Stores `record` (replacing an expired record of the same token) and purges a few expired ones. */
export function putTransactionToken(txn: KvWriteTxn, record: TransactionTokenRecord, now_ms: number): void {
  const end = new Uint8Array(1 + expiry_bytes);
  end[0] = token_expiry_tag;
  writeU64(end, 1, now_ms + 1);
  const expired: Uint8Array[] = [];
  for (const { key } of txn.range({ start: Uint8Array.of(token_expiry_tag), end, limit: purge_per_write })) expired.push(key);
  for (const key of expired) {
    const token = Buffer.from(key.buffer, key.byteOffset + 1 + expiry_bytes, key.length - 1 - expiry_bytes).toString('utf8');
    txn.delete(key);
    const current = txn.get(tokenKey(token));
    // The token may have been reused since: only its own expired record goes.
    if (current !== undefined && parseRecord(current).expiresAt_ms === readU64(key, 1)) txn.delete(tokenKey(token));
  }
  const previous = txn.get(tokenKey(record.token));
  if (previous !== undefined) txn.delete(expiryKey(parseRecord(previous).expiresAt_ms, record.token));
  txn.put(tokenKey(record.token), Buffer.from(JSON.stringify(record), 'utf8'));
  txn.put(expiryKey(record.expiresAt_ms, record.token), new Uint8Array(0));
}
