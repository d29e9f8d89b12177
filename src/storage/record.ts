/**
 * The stored form of a value, shared by both engines so they detect corruption identically:
 * 4 bytes of CRC32C (little-endian) followed by the value's bytes. The checksum covers the key
 * and the value (the key's CRC seeds the value's), so a flipped bit and a value found under the
 * wrong key are both caught on read.
 */
import { crc32c } from './checksum.js';
import { CorruptRecordError } from './kv-store.js';

export const record_header_bytes = 4;

/**
 * V8 keeps typed arrays up to this many bytes on its heap, without a backing store of their own:
 * far cheaper to make and collect than a separate allocation.
 */
const on_heap_max_bytes = 64;

/**
 * Returns a new buffer holding the checksum and `value`: its bytes, or a string's UTF-8 encoded
 * straight into the record (a JSON value needs no intermediate buffer). The checksum is computed
 * over the record in place. `transient`: the caller copies the record at once (LMDB does), so it
 * may come from Node's shared allocation pool, far cheaper than a buffer of its own; a record
 * kept (the memory engine's) gets its own, so it never pins a pool slab: on V8's heap when it is
 * small (partition states, counters), else a separate allocation.
 */
export function sealRecord(key: Uint8Array, value: Uint8Array | string, transient: boolean): Uint8Array {
  const text = typeof value === 'string';
  const length = record_header_bytes + (text ? Buffer.byteLength(value, 'utf8') : value.length);
  if (!text && !transient && length <= on_heap_max_bytes) {
    const small = new Uint8Array(length);
    small.set(value, record_header_bytes);
    return writeChecksum(key, small);
  }
  const record = transient ? Buffer.allocUnsafe(length) : Buffer.allocUnsafeSlow(length);
  if (text) record.write(value, record_header_bytes, 'utf8');
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
  if (stored !== actual) {
    throw new CorruptRecordError(
      `checksum mismatch under key ${describeKey(key)}: stored ${stored.toString(16)}, computed ${actual.toString(16)}`,
    );
  }
  return record.subarray(record_header_bytes);
}

const max_described_key_bytes = 64;

function describeKey(key: Uint8Array): string {
  const shown = Buffer.from(key.buffer, key.byteOffset, Math.min(key.length, max_described_key_bytes)).toString('hex');
  return key.length > max_described_key_bytes ? `${shown}… (${key.length} bytes)` : shown;
}
