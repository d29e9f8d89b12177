/**
 * The stored form of a value, shared by both engines so they detect corruption identically:
 * 4 bytes of CRC32C (little-endian) followed by the value's bytes (the memory engine stores the
 * key just before it: `sealKeyedRecordAt`). The checksum covers the key
 * and the value (the key's CRC seeds the value's), so a flipped bit and a value found under the
 * wrong key are both caught on read.
 */
import { crc32c } from './checksum.js';
import { CorruptRecordError } from './kv-store.js';

export const record_header_bytes = 4;

/**
 * Returns a new buffer holding the checksum and `value`: its bytes, or a string's UTF-8 encoded
 * straight into the record (a JSON value needs no intermediate buffer). The checksum is computed
 * over the record in place. The caller copies the record at once (LMDB does), so it comes from
 * Node's shared allocation pool, far cheaper than a buffer of its own.
 */
export function sealRecord(key: Uint8Array, value: Uint8Array | string): Uint8Array {
  const record = Buffer.allocUnsafe(record_header_bytes + valueByteLength(value));
  if (typeof value === 'string') record.write(value, record_header_bytes, 'utf8');
  else record.set(value, record_header_bytes);
  return writeChecksum(key, record);
}

function writeChecksum(key: Uint8Array, record: Uint8Array): Uint8Array {
  const length = record.length;
  const sum = crc32c(record, crc32c(key), record_header_bytes, length);
  record[0] = sum & 0xff;
  record[1] = (sum >>> 8) & 0xff;
  record[2] = (sum >>> 16) & 0xff;
  record[3] = sum >>> 24;
  return record;
}

/**
 * Verifies a stored record and returns its value (a view into `record`, not a copy).
 * Throws CorruptRecordError when the checksum does not match.
 */
export function openRecord(key: Uint8Array, record: Uint8Array): Uint8Array {
  if (record.length < record_header_bytes) {
    throw new CorruptRecordError(`record of ${record.length} bytes under key ${describeKey(key)} is shorter than its header`);
  }
  const stored = (record[0] | (record[1] << 8) | (record[2] << 16) | (record[3] << 24)) >>> 0;
  const actual = crc32c(record, crc32c(key), record_header_bytes, record.length);
  if (stored !== actual) throw checksumMismatch(key, stored, actual);
  return record.subarray(record_header_bytes);
}

/** The bytes `value` takes in a record: its length, or a string's UTF-8 length. */
export function valueByteLength(value: Uint8Array | string): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
}

/**
 * Writes `key` and then its record (checksum and `value`, `valueBytes` long) into `target` at
 * `at`, and returns where they end: the memory engine packs what it stores into shared slabs
 * (memory-store.ts), the key beside its record. The checksum is the one `sealRecord` computes.
 */
export function sealKeyedRecordAt(target: Buffer, at: number, key: Uint8Array, value: Uint8Array | string, valueBytes: number): number {
  target.set(key, at);
  const recordAt = at + key.length;
  const valueAt = recordAt + record_header_bytes;
  if (typeof value === 'string') target.write(value, valueAt, valueBytes, 'utf8');
  else target.set(value, valueAt);
  const end = valueAt + valueBytes;
  const sum = crc32c(target, crc32c(target, 0, at, recordAt), valueAt, end);
  target[recordAt] = sum & 0xff;
  target[recordAt + 1] = (sum >>> 8) & 0xff;
  target[recordAt + 2] = (sum >>> 16) & 0xff;
  target[recordAt + 3] = sum >>> 24;
  return end;
}

/**
 * Verifies what `sealKeyedRecordAt` wrote at `bytes[at..end)` (a key of `keyBytes` bytes, then
 * its record) and returns the value, a view into `bytes`. Throws CorruptRecordError when the
 * checksum does not match.
 */
export function openKeyedRecordAt(bytes: Uint8Array, at: number, keyBytes: number, end: number): Uint8Array {
  const recordAt = at + keyBytes;
  const valueAt = recordAt + record_header_bytes;
  if (valueAt > end) {
    throw new CorruptRecordError(`record of ${end - recordAt} bytes under key ${describeKey(bytes.subarray(at, recordAt))} is shorter than its header`);
  }
  const stored = (bytes[recordAt] | (bytes[recordAt + 1] << 8) | (bytes[recordAt + 2] << 16) | (bytes[recordAt + 3] << 24)) >>> 0;
  const actual = crc32c(bytes, crc32c(bytes, 0, at, recordAt), valueAt, end);
  if (stored !== actual) throw checksumMismatch(bytes.subarray(at, recordAt), stored, actual);
  return bytes.subarray(valueAt, end);
}

function checksumMismatch(key: Uint8Array, stored: number, actual: number): CorruptRecordError {
  return new CorruptRecordError(`checksum mismatch under key ${describeKey(key)}: stored ${stored.toString(16)}, computed ${actual.toString(16)}`);
}

const max_described_key_bytes = 64;

function describeKey(key: Uint8Array): string {
  const shown = Buffer.from(key.buffer, key.byteOffset, Math.min(key.length, max_described_key_bytes)).toString('hex');
  return key.length > max_described_key_bytes ? `${shown}… (${key.length} bytes)` : shown;
}
