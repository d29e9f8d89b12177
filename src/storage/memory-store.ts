/**
 * The in-memory KvStore engine, for tests and `--in-memory`: an ordered skip list of byte keys.
 *
 * It behaves like the LMDB engine wherever a caller could tell: keys order by unsigned bytes,
 * ranges honour the same bounds, a write transaction sees its own writes and is all-or-nothing,
 * and values are stored with the same checksummed record format (record.ts) and verified on
 * every read, so corruption is reported the same way.
 *
 * Transactions run synchronously inside `write()` (JavaScript is single-threaded, so nothing can
 * interleave with `work`); they write through to the skip list and keep an undo log that is
 * replayed backwards if `work` throws, which leaves the store exactly as it was. Values returned
 * by reads are views of the stored records: callers treat them as read-only (a caller that
 * scribbles on one is caught by the checksum on the next read).
 */
import { AssertionFailure, assert } from '../errors.js';
import { max_key_bytes } from './kv-store.js';
import type { KvEntry, KvStore, KvWriteTxn, RangeOptions } from './kv-store.js';
import { openRecord, sealRecord } from './record.js';

/** Levels allow ~4^24 entries at the expected cost; a cap keeps the head node small. */
const max_level = 24;
/** Each level holds about a quarter of the nodes of the level below (Pugh's p = 1/4). */
const level_up_probability_bits = 2;

/**
 * Keys share long prefixes (section tag, table ordinal, partition): comparing them byte by byte
 * from the start was most of a write's time in the list. Each node therefore carries its key's
 * first `prefix_chunks` × 3 bytes as small integers that compare in the key's order (each byte
 * + 1, a missing byte 0, so a proper prefix sorts first; 257³ stays a V8 small integer), and a
 * search works out its key's once; bytes are compared only past them.
 */
const prefix_chunks = 3;
const chunk_bytes = 3;
const prefix_bytes = prefix_chunks * chunk_bytes;

function chunkOf(key: Uint8Array, at: number): number {
  const length = key.length;
  const b0 = at < length ? key[at]! + 1 : 0;
  const b1 = at + 1 < length ? key[at + 1]! + 1 : 0;
  const b2 = at + 2 < length ? key[at + 2]! + 1 : 0;
  return (b0 * 257 + b1) * 257 + b2;
}

/** A search key with its prefix chunks. */
class SearchKey {
  readonly c0: number;
  readonly c1: number;
  readonly c2: number;

  constructor(readonly key: Uint8Array) {
    this.c0 = chunkOf(key, 0);
    this.c1 = chunkOf(key, chunk_bytes);
    this.c2 = chunkOf(key, 2 * chunk_bytes);
  }
}

/** compareBytes(node.key, search.key), deciding on the prefix chunks first. */
function compareToKey(node: SkipNode, search: SearchKey): number {
  let d = node.c0 - search.c0;
  if (d !== 0) return d;
  d = node.c1 - search.c1;
  if (d !== 0) return d;
  d = node.c2 - search.c2;
  if (d !== 0) return d;
  const a = node.key;
  const b = search.key;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = prefix_bytes; i < n; i++) {
    const byteDifference = a[i]! - b[i]!;
    if (byteDifference !== 0) return byteDifference;
  }
  return a.length - b.length;
}

interface SkipNode {
  readonly key: Uint8Array;
  /** The key's prefix chunks (see `compareToKey`). */
  readonly c0: number;
  readonly c1: number;
  readonly c2: number;
  record: Uint8Array;
  /** `next[i]` is the following node at level i; `next.length` is the node's height. */
  readonly next: (SkipNode | null)[];
  /** The preceding node at level 0 (the head for the first node), for reverse iteration. */
  prev: SkipNode | null;
}

class SkipList {
  private readonly head: SkipNode = { key: new Uint8Array(0), c0: 0, c1: 0, c2: 0, record: new Uint8Array(0), next: new Array(max_level).fill(null), prev: null };
  private level = 1;
  /** xorshift32 state: levels are pseudo-random but the same on every run (replayable). */
  private seed = 0x9e3779b9;
  /** Scratch array of per-level predecessors, reused by every insert and delete. */
  private readonly update: SkipNode[] = new Array(max_level);
  /**
   * The node the last `get` found, until the next `delete`: a write transaction reads a record
   * and rewrites it at once (statistics, counters, log heads; about half of an indexed write's
   * operations), and that rewrite replaces the record in place instead of searching again.
   */
  private lastFound: SkipNode | null = null;
  size = 0;

  private randomLevel(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    let level = 1;
    const mask = (1 << level_up_probability_bits) - 1;
    while (level < max_level && (x & mask) === 0) {
      level++;
      x >>>= level_up_probability_bits;
    }
    return level;
  }

  /** Fills `update` with the last node before `key` at each level; returns the candidate at level 0. */
  private descend(key: SearchKey): SkipNode | null {
    let node = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = node.next[i];
      while (next !== null && compareToKey(next, key) < 0) {
        node = next;
        next = node.next[i];
      }
      this.update[i] = node;
    }
    return node.next[0];
  }

  get(key: Uint8Array): SkipNode | undefined {
    const search = new SearchKey(key);
    let node = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = node.next[i];
      while (next !== null) {
        const c = compareToKey(next, search);
        if (c === 0) {
          this.lastFound = next;
          return next;
        }
        if (c > 0) break;
        node = next;
        next = node.next[i];
      }
    }
    return undefined;
  }

  /** Stores `record` at `key`; returns the record it replaced, if any. */
  set(key: Uint8Array, record: Uint8Array): Uint8Array | undefined {
    const search = new SearchKey(key);
    const last = this.lastFound;
    if (last !== null && compareToKey(last, search) === 0) {
      const previous = last.record;
      last.record = record;
      return previous;
    }
    const found = this.descend(search);
    if (found !== null && compareToKey(found, search) === 0) {
      const previous = found.record;
      found.record = record;
      return previous;
    }
    const height = this.randomLevel();
    if (height > this.level) {
      for (let i = this.level; i < height; i++) this.update[i] = this.head;
      this.level = height;
    }
    const node: SkipNode = { key: key.slice(), c0: search.c0, c1: search.c1, c2: search.c2, record, next: new Array(height), prev: this.update[0] };
    for (let i = 0; i < height; i++) {
      const before = this.update[i];
      node.next[i] = before.next[i];
      before.next[i] = node;
    }
    const after = node.next[0];
    if (after !== null) after.prev = node;
    this.size++;
    return undefined;
  }

  /** Removes `key`; returns the record it held, if any. */
  delete(key: Uint8Array): Uint8Array | undefined {
    this.lastFound = null;
    const search = new SearchKey(key);
    const found = this.descend(search);
    if (found === null || compareToKey(found, search) !== 0) return undefined;
    for (let i = 0; i < found.next.length; i++) this.update[i].next[i] = found.next[i];
    const after = found.next[0];
    if (after !== null) after.prev = found.prev;
    while (this.level > 1 && this.head.next[this.level - 1] === null) this.level--;
    this.size--;
    return found.record;
  }

  /** The first node with a key >= `key`. */
  seekAtLeast(key: Uint8Array): SkipNode | null {
    const search = new SearchKey(key);
    let node = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = node.next[i];
      while (next !== null && compareToKey(next, search) < 0) {
        node = next;
        next = node.next[i];
      }
    }
    return node.next[0];
  }

  /** The last node with a key < `key` (undefined: the whole keyspace), or null if there is none. */
  seekBelow(key: Uint8Array | undefined): SkipNode | null {
    const search = key === undefined ? undefined : new SearchKey(key);
    let node = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let next = node.next[i];
      while (next !== null && (search === undefined || compareToKey(next, search) < 0)) {
        node = next;
        next = node.next[i];
      }
    }
    return node === this.head ? null : node;
  }

  first(): SkipNode | null {
    return this.head.next[0];
  }

  isHead(node: SkipNode): boolean {
    return node === this.head;
  }
}

function* forwardRange(list: SkipList, options: RangeOptions): Generator<KvEntry> {
  const { start, end } = options;
  let remaining = options.limit ?? Infinity;
  let node = start === undefined ? list.first() : list.seekAtLeast(start);
  const until = end === undefined ? undefined : new SearchKey(end);
  while (node !== null && remaining > 0 && (until === undefined || compareToKey(node, until) < 0)) {
    yield { key: node.key, value: openRecord(node.key, node.record) };
    remaining--;
    node = node.next[0];
  }
}

function* reverseRange(list: SkipList, options: RangeOptions): Generator<KvEntry> {
  const { start, end } = options;
  let remaining = options.limit ?? Infinity;
  let node = list.seekBelow(end);
  const from = start === undefined ? undefined : new SearchKey(start);
  while (node !== null && !list.isHead(node) && remaining > 0 && (from === undefined || compareToKey(node, from) >= 0)) {
    yield { key: node.key, value: openRecord(node.key, node.record) };
    remaining--;
    node = node.prev;
  }
}

function readRange(list: SkipList, options: RangeOptions): Iterable<KvEntry> {
  return options.reverse === true ? reverseRange(list, options) : forwardRange(list, options);
}

function assertKey(key: Uint8Array): void {
  assert(key.length > 0 && key.length <= max_key_bytes, `storage key length ${key.length} outside 1..${max_key_bytes}`);
}

function readValue(list: SkipList, key: Uint8Array): Uint8Array | undefined {
  assertKey(key);
  const node = list.get(key);
  return node === undefined ? undefined : openRecord(node.key, node.record);
}

/** One undo step: the key and the record it held before the transaction touched it. */
interface UndoEntry {
  readonly key: Uint8Array;
  readonly previous: Uint8Array | undefined;
}

class MemoryWriteTxn implements KvWriteTxn {
  readonly undo: UndoEntry[] = [];
  open = true;

  constructor(private readonly list: SkipList) {}

  get(key: Uint8Array): Uint8Array | undefined {
    assert(this.open, 'memory transaction used after it ended');
    return readValue(this.list, key);
  }

  range(options: RangeOptions): Iterable<KvEntry> {
    assert(this.open, 'memory transaction used after it ended');
    return readRange(this.list, options);
  }

  put(key: Uint8Array, value: Uint8Array | string): void {
    assert(this.open, 'memory transaction used after it ended');
    assertKey(key);
    const previous = this.list.set(key, sealRecord(key, value, false));
    this.undo.push({ key: key.slice(), previous });
  }

  delete(key: Uint8Array): void {
    assert(this.open, 'memory transaction used after it ended');
    assertKey(key);
    const previous = this.list.delete(key);
    if (previous !== undefined) this.undo.push({ key: key.slice(), previous });
  }

  rollback(): void {
    for (let i = this.undo.length - 1; i >= 0; i--) {
      const { key, previous } = this.undo[i];
      if (previous === undefined) this.list.delete(key);
      else this.list.set(key, previous);
    }
  }
}

class MemoryStore implements KvStore {
  private readonly list = new SkipList();
  private writing = false;
  private closed = false;

  get(key: Uint8Array): Uint8Array | undefined {
    this.assertOpen();
    return readValue(this.list, key);
  }

  range(options: RangeOptions): Iterable<KvEntry> {
    this.assertOpen();
    return readRange(this.list, options);
  }

  write<T>(work: (txn: KvWriteTxn) => T): Promise<T> {
    if (this.closed) return Promise.reject(new AssertionFailure('write to a closed memory store'));
    if (this.writing) return Promise.reject(new AssertionFailure('write transactions do not nest'));
    const txn = new MemoryWriteTxn(this.list);
    this.writing = true;
    try {
      const result = work(txn);
      assert(!(result instanceof Promise), 'write transactions are synchronous');
      return Promise.resolve(result);
    } catch (error) {
      txn.rollback();
      return Promise.reject(error);
    } finally {
      txn.open = false;
      this.writing = false;
    }
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private assertOpen(): void {
    assert(!this.closed, 'memory store used after close');
  }
}

/** Opens an empty in-memory store. */
export function openMemoryStore(): KvStore {
  return new MemoryStore();
}
