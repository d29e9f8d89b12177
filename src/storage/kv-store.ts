/**
 * The storage contract: an ordered key-value store with atomic, serialised write transactions.
 * Two engines implement it: LMDB (`lmdb-store.ts`, the default, durable on disk) and memory
 * (`memory-store.ts`, for tests and `--in-memory`). Everything above storage/ sees only this.
 *
 * Keys and values are bytes. Keys order by unsigned bytes (memcmp), which is what the key
 * encoding in model/ is designed for. Every value is stored with a checksum that is verified on
 * every read; a mismatch throws `CorruptRecordError` (an internal error, never client data).
 */

/**
 * The longest key either engine accepts: LMDB's limit with lmdb-js's default page size
 * (lmdb-js README, "Keys": 1978 bytes). The memory engine enforces it too, so a layout that
 * outgrows it fails in tests, not first in production. Keys are also never empty.
 */
export const max_key_bytes = 1978;

export interface KvEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

export interface RangeOptions {
  /** Inclusive lower bound; omitted means the start of the keyspace. */
  readonly start?: Uint8Array;
  /** Exclusive upper bound; omitted means the end of the keyspace. */
  readonly end?: Uint8Array;
  /** Iterate from `end` down to `start` (bounds keep their meaning). */
  readonly reverse?: boolean;
  readonly limit?: number;
}

/** Reads, inside a write transaction or against committed state. */
export interface KvReader {
  get(key: Uint8Array): Uint8Array | undefined;
  range(options: RangeOptions): Iterable<KvEntry>;
}

/** A write transaction: sees its own writes; all or nothing. */
export interface KvWriteTxn extends KvReader {
  /** Stores `value`: bytes, or a string stored as its UTF-8 bytes (read back as bytes). */
  put(key: Uint8Array, value: Uint8Array | string): void;
  delete(key: Uint8Array): void;
}

/**
 * `durable`: a write resolves only after it is on disk (fsync; concurrent writes share one
 * commit). `relaxed`: a write resolves once written to the OS; survives a process crash
 * (`kill -9`) but not a power loss. Memory engines ignore it.
 */
export type DurabilityMode = 'durable' | 'relaxed';

export interface KvStore extends KvReader {
  /**
   * Runs `work` in one atomic write transaction, serialised with every other write, and resolves
   * with its result once the transaction is committed (and durable, per the durability mode).
   * `work` is synchronous. If it throws, nothing is written and the promise rejects with that
   * error. Reads outside a transaction see only committed state.
   */
  write<T>(work: (txn: KvWriteTxn) => T): Promise<T>;
  close(): Promise<void>;
}

export class CorruptRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorruptRecordError';
  }
}
