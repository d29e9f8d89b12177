/**
 * The durable KvStore engine on LMDB (the `lmdb` package, lmdb-js 3.x). The only module of
 * Dynabase that imports `lmdb`.
 *
 * - Keys and values are raw bytes (`keyEncoding: 'binary'`, `encoding: 'binary'`); every value is
 *   stored as a checksummed record (record.ts) and verified on every read.
 * - `write(work)` runs `work` as an lmdb-js child transaction: lmdb-js queues every transaction
 *   callback issued in one event turn and runs them, one after another on the main thread, inside
 *   ONE LMDB write transaction that it then commits on its writer thread. That is group commit:
 *   sixteen concurrent writes cost one commit and one fsync. The child transaction makes each
 *   callback individually abortable: if `work` throws, only its own writes are rolled back and the
 *   others in the batch still commit. Reads inside `work` see its own writes.
 * - Durability. `durable` opens LMDB with its default sync-on-commit (lmdb-js's
 *   `overlappingSync` off): the commit, and so the promise, completes only after the data and
 *   the meta page are fsynced. `relaxed` opens with `noSync`: a commit is written to the OS page
 *   cache and not flushed, so it survives the process dying (kill -9) but an OS crash or power
 *   loss can lose the latest commits (LMDB's documentation warns it can also damage the file).
 *   Measured (1 KB puts, wall time, a VM with a fast virtual disk): `durable` ~500 µs per lone
 *   write, ~38 µs per write with 16 concurrent writers (group commit: one fdatasync per batch,
 *   checked with strace); `relaxed` ~115 µs and ~16 µs.
 *   lmdb-js's default `overlappingSync` (commit, then sync off the write lock) measured slower
 *   for both a lone writer and 16 concurrent ones, so it is not used.
 */
import { createRequire } from 'node:module';
import type { RootDatabase } from 'lmdb';
import { assert } from '../errors.js';
import { max_key_bytes } from './kv-store.js';
import type { DurabilityMode, KvEntry, KvReader, KvStore, KvWriteTxn, RangeOptions } from './kv-store.js';
import { openRecord, sealRecord } from './record.js';

/**
 * lmdb-js through its CommonJS build, one bundled file, rather than its ESM entry, a graph of a
 * dozen modules (and msgpackr's) that Node 20's ESM loader takes ~30 ms more CPU to load: that is
 * start-up time of every on-disk server (bench/startup.ts). Both builds are the same code,
 * including the direct V8 calls the ESM entry enables.
 */
const { open } = createRequire(import.meta.url)('lmdb') as typeof import('lmdb');

/** LMDB's key size limit with the default page size; `max_key_bytes` is defined by it. */
export const lmdb_max_key_bytes = 1978;
assert(max_key_bytes === lmdb_max_key_bytes, 'the storage key limit is LMDB\'s');

export interface LmdbStoreOptions {
  /** Directory holding `data.mdb` and `lock.mdb`; created if missing. */
  readonly path: string;
  readonly durability: DurabilityMode;
  /** Initial size of the memory map; lmdb-js grows it as the data grows. */
  readonly mapSize_bytes?: number;
}

type BinaryDatabase = RootDatabase<Uint8Array, Uint8Array>;

function assertKey(key: Uint8Array): void {
  assert(key.length > 0 && key.length <= lmdb_max_key_bytes, `storage key length ${key.length} outside 1..${lmdb_max_key_bytes}`);
}

function readValue(db: BinaryDatabase, key: Uint8Array): Uint8Array | undefined {
  assertKey(key);
  const record = db.getBinary(key);
  return record === undefined ? undefined : openRecord(key, record);
}

function* readRange(db: BinaryDatabase, options: RangeOptions): Generator<KvEntry> {
  const { start, end, limit } = options;
  // lmdb-js iterates a reverse range from `start` (its upper end) down to `end`; our bounds keep
  // their meaning in both directions, so they swap and their inclusiveness flips.
  const entries =
    options.reverse === true
      ? db.getRange({ start: end, end: start, reverse: true, exclusiveStart: true, inclusiveEnd: true, limit })
      : db.getRange({ start, end, limit });
  for (const { key, value } of entries) {
    yield { key, value: openRecord(key, value) };
  }
}

/**
 * The handle `work` receives. lmdb-js routes calls on `db` to the write transaction running at
 * the time; outside one, `putSync` would silently commit on its own, so a handle kept past its
 * callback is refused.
 */
class LmdbWriteTxn implements KvWriteTxn {
  open = true;

  constructor(private readonly db: BinaryDatabase) {}

  get(key: Uint8Array): Uint8Array | undefined {
    assert(this.open, 'LMDB transaction used after it ended');
    return readValue(this.db, key);
  }

  range(options: RangeOptions): Iterable<KvEntry> {
    assert(this.open, 'LMDB transaction used after it ended');
    return readRange(this.db, options);
  }

  put(key: Uint8Array, value: Uint8Array | string): void {
    assert(this.open, 'LMDB transaction used after it ended');
    assertKey(key);
    // Inside a write transaction lmdb-js hands the value to mdb_put at once, which copies it into
    // the page: the record may come from Node's shared pool (sealRecord).
    this.db.putSync(key, sealRecord(key, value));
  }

  delete(key: Uint8Array): void {
    assert(this.open, 'LMDB transaction used after it ended');
    assertKey(key);
    this.db.removeSync(key);
  }
}

class LmdbStore implements KvStore, KvReader {
  constructor(private readonly db: BinaryDatabase) {}

  get(key: Uint8Array): Uint8Array | undefined {
    return readValue(this.db, key);
  }

  range(options: RangeOptions): Iterable<KvEntry> {
    return readRange(this.db, options);
  }

  /** Set while a `work` callback runs: lmdb-js would run a nested write inline; refuse it as the memory engine does. */
  private writing = false;

  async write<T>(work: (txn: KvWriteTxn) => T): Promise<T> {
    assert(!this.writing, 'write transactions do not nest');
    const db = this.db;
    const result = await db.childTransaction(() => {
      const txn = new LmdbWriteTxn(db);
      this.writing = true;
      try {
        const value = work(txn);
        assert(!(value instanceof Promise), 'write transactions are synchronous');
        return value;
      } finally {
        txn.open = false;
        this.writing = false;
      }
    });
    return result;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** Opens (creating if needed) an LMDB environment at `options.path`. */
export async function openLmdbStore(options: LmdbStoreOptions): Promise<KvStore> {
  const db: BinaryDatabase = open<Uint8Array, Uint8Array>({
    path: options.path,
    keyEncoding: 'binary',
    encoding: 'binary',
    overlappingSync: false,
    noSync: options.durability === 'relaxed',
    ...(options.mapSize_bytes === undefined ? {} : { mapSize: options.mapSize_bytes }),
  });
  return new LmdbStore(db);
}
