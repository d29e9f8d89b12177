/**
 * The in-memory KvStore engine, for tests and `--in-memory`.
 *
 * It behaves like the LMDB engine wherever a caller could tell: keys order by unsigned bytes,
 * ranges honour the same bounds, a write transaction sees its own writes and is all-or-nothing,
 * and values are stored with the same checksummed record format (record.ts) and verified on
 * every read, so corruption is reported the same way.
 *
 * Shape, chosen for what the partition layer does with it: every item write reads the item and
 * its partition's state and rewrites both; on a table with a stream it also appends a change
 * record to its partition's log, kept 24 hours, so the store grows by one key per write while most
 * operations touch existing keys.
 * - A hash index answers `get` and the rewrite of an existing key without any ordered search;
 *   only a new key, a deletion and a range use the ordered index. It hashes a key by its CRC32C
 *   (the same function the record's checksum starts with), a few times cheaper than making a
 *   string of the key to look it up by, and confirms a match against the entry's id. It is a
 *   table of its own (`HashIndex`), not a Map: keys churn (each indexed write moves its index
 *   entries, each write to a table with a stream appends a log record that trimming deletes),
 *   and a Map leaves a hole per deletion that it reclaims by rebuilding its whole table, a fresh
 *   large array each time.
 * - Each entry keeps its key's bytes as a one-byte-per-char (latin1) string, its id: the ordered
 *   index compares ids, which V8 does natively.
 * - The ordered index is a B+tree over the ids (`OrderedIndex`): wide leaves, linked both ways
 *   for ranges; latin1 strings compare, natively, in the keys' unsigned byte order, a proper
 *   prefix first. An insert at the end of a leaf (a log's next record) splits it unevenly, so
 *   logs fill their leaves. Each entry records its leaf, so a deletion (an index entry moved, a
 *   log record trimmed) finds its place without a descent from the root.
 * - Keys and records are packed into shared slabs (`Slab`, large Buffers) instead of one
 *   allocation each: a store of millions of records holds a few hundred ArrayBuffers, and an
 *   entry is a small object with offsets. When the slabs hold too many dead bytes, a commit
 *   compacts the emptiest. Their live records move to a slab of survivors,
 *   not among new writes: what outlived one slab (change records, kept a day) likely outlives
 *   the next, while most new records (items, partition states) are soon rewritten, so
 *   survivors fill slabs that stay dense, and a record is rarely copied twice.
 * - A compacted slab's memory is filled again (`spareSlabs`) rather than left to the garbage
 *   collector: the store appends every write, so it needs fresh slab bytes at the rate it is
 *   written (~1.3 KB per UpdateItem), and memory new to the process costs a page fault per
 *   4 KB on first touch, ~13 µs each on the VM the benchmarks run on (measured) — 5 µs per
 *   UpdateItem when every slab was new. Reuse is safe because no reader holds a view of a slab:
 *   reads return copies (`valueOf`, `keyOf`), which cost a copy of the record each (~0.1 µs for
 *   a 1 KB item).
 *
 * Transactions run synchronously inside `write()` (JavaScript is single-threaded, so nothing can
 * interleave with `work`); they write through and keep an undo log that is replayed backwards if
 * `work` throws, which leaves the store exactly as it was. Values (and keys) returned by reads
 * are copies, so a caller may keep or change them.
 */
import { AssertionFailure, assert } from '../errors.js';
import { crc32c } from './checksum.js';
import { max_key_bytes } from './kv-store.js';
import type { KvEntry, KvStore, KvWriteTxn, RangeOptions } from './kv-store.js';
import { openKeyedRecordAt, record_header_bytes, sealKeyedRecordAt, valueByteLength } from './record.js';

/**
 * Bytes per shared slab: large enough that slabs are few (one per ~250 writes of a 1 KB item),
 * small enough that compacting one (copying its live records) is a short pause.
 */
const slab_bytes = 256 * 1024;
/**
 * Compacted slabs kept for reuse: each commit compacts at most the slabs its writes filled, so a
 * few cover the steady state; more would only hold memory a shrinking store no longer needs.
 */
const spare_slabs_max = 4;
/** A key and record this large gets a buffer of its own (a 400 KB item would waste slab tails). */
const own_buffer_min_bytes = 64 * 1024;
/**
 * The slabs' used bytes are kept under the live bytes / this fraction (1.54 times), plus the two
 * slabs being filled: past that, a commit compacts the slabs with the fewest live bytes for their
 * size first (records mostly die young or all at once: an item rewritten, a log trimmed, so the
 * emptiest slabs cost the least to copy). Measured: after 200,000 one-PutItem transactions
 * (bench/memory-engine.ts's floor) the slabs held 1.57 times the live bytes; an indexed put
 * spent 1 % of its CPU copying, against 3.8 % when each slab was compacted as soon as it fell
 * under the fraction (slabs then 1.36 times the live bytes).
 */
const compact_below_live_fraction = 0.65;
/**
 * Entries per B+tree leaf and children per branch: wide enough that a tree of millions of keys
 * is 4 levels deep, narrow enough that inserting into a node (an array splice) stays cheap.
 */
const node_max_width = 64;
/** A leaf or branch narrower than this after a deletion merges with a sibling when both fit in one. */
const node_min_width = node_max_width / 4;

/** A key's id: its bytes as a string of one char per byte, which orders like the bytes. */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice(this: Uint8Array, start: number, end: number): string }).latin1Slice;

function idOf(key: Uint8Array): string {
  return latin1Slice.call(key, 0, key.length);
}

/** The hash index's key for `key`: 30 bits of its CRC32C, so that it stays a V8 small integer. */
function hashOf(key: Uint8Array): number {
  return crc32c(key) >>> 2;
}

function isKeyOf(entry: Entry, key: Uint8Array): boolean {
  const id = entry.id;
  const length = key.length;
  if (id.length !== length) return false;
  for (let i = 0; i < length; i++) if (id.charCodeAt(i) !== key[i]) return false;
  return true;
}

/** A region of memory the store packs keys and records into, written once, front to back. */
class Slab {
  used = 0;
  /** Bytes of the records entries point at (committed, or written by the open transaction). */
  live = 0;
  /** Every entry that was given a record here (some since moved, rewritten or deleted). */
  entries: Entry[] = [];
  /** Set while new records are appended to it; only a slab no longer filled is compacted. */
  filling = false;

  constructor(readonly bytes: Buffer) {}
}

/** Where a deleted entry points: nowhere. */
const no_slab = new Slab(Buffer.alloc(0));

/**
 * A stored key: its id and hash, where its key bytes and then its record lie, and the B+tree leaf
 * that lists it (so a deletion finds its place without a search from the root).
 */
class Entry {
  leaf: Leaf | null = null;
  constructor(
    readonly id: string,
    readonly hash: number,
    public slab: Slab,
    public at: number,
    public end: number,
  ) {}
}

/** A copy of the entry's value, verified against its checksum (slabs are reused: no view escapes). */
function valueOf(entry: Entry): Uint8Array {
  return copyOf(openKeyedRecordAt(entry.slab.bytes, entry.at, entry.id.length, entry.end));
}

/** A copy of the entry's key. */
function keyOf(entry: Entry): Uint8Array {
  return copyOf(entry.slab.bytes.subarray(entry.at, entry.at + entry.id.length));
}

/** Node's pooled allocation (under 4 KB) makes small copies cheap. */
function copyOf(bytes: Uint8Array): Uint8Array {
  const copy = Buffer.allocUnsafe(bytes.length);
  copy.set(bytes);
  return copy;
}

class Leaf {
  readonly leaf = true;
  prev: Leaf | null = null;
  next: Leaf | null = null;
  constructor(public entries: Entry[]) {}
}

class Branch {
  readonly leaf = false;
  /** `children[i]` holds the ids in [separators[i - 1], separators[i]). */
  constructor(
    public separators: string[],
    public children: TreeNode[],
  ) {}
}

type TreeNode = Leaf | Branch;

/** The first index of `entries` whose id is >= `id` (after: > `id`). */
function searchLeaf(entries: readonly Entry[], id: string, after: boolean): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const other = entries[mid]!.id;
    if (other < id || (after && other === id)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The child of a branch that holds `id`: the number of separators <= `id`. */
function searchBranch(separators: readonly string[], id: string): number {
  let low = 0;
  let high = separators.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (separators[mid]! <= id) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A position in the ordered index: a leaf and an index into its entries (possibly one past its end). */
interface Position {
  leaf: Leaf;
  index: number;
}

/** The B+tree over entry ids. */
class OrderedIndex {
  private root: TreeNode = new Leaf([]);
  /** Changes on every insert and delete, so an iterator knows to find its place again. */
  version = 0;
  /** The branches and child indexes of the last descent, root first (scratch, reused). */
  private readonly pathNodes: Branch[] = [];
  private readonly pathIndexes: number[] = [];

  private descend(id: string): Leaf {
    let node = this.root;
    let depth = 0;
    while (!node.leaf) {
      const index = searchBranch(node.separators, id);
      this.pathNodes[depth] = node;
      this.pathIndexes[depth] = index;
      depth++;
      node = node.children[index]!;
    }
    this.pathNodes.length = depth;
    this.pathIndexes.length = depth;
    return node;
  }

  insert(entry: Entry): void {
    this.version++;
    const leaf = this.descend(entry.id);
    const entries = leaf.entries;
    const index = searchLeaf(entries, entry.id, false);
    const appended = index === entries.length;
    entries.splice(index, 0, entry);
    entry.leaf = leaf;
    if (entries.length <= node_max_width) return;
    // Appending to a full leaf (the next record of a log) moves only the new entry, so a log's
    // leaves stay full; otherwise the leaf splits in half.
    const right = new Leaf(entries.splice(appended ? entries.length - 1 : entries.length >>> 1));
    for (const moved of right.entries) moved.leaf = right;
    right.prev = leaf;
    right.next = leaf.next;
    if (leaf.next !== null) leaf.next.prev = right;
    leaf.next = right;
    this.addChild(this.pathNodes.length - 1, right.entries[0]!.id, right, appended);
  }

  /** Puts `child` (with `separator`, its lowest id) right of the node at path depth `depth + 1`. */
  private addChild(depth: number, separator: string, child: TreeNode, appended: boolean): void {
    if (depth < 0) {
      this.root = new Branch([separator], [this.root, child]);
      return;
    }
    const branch = this.pathNodes[depth]!;
    const index = this.pathIndexes[depth]!;
    branch.separators.splice(index, 0, separator);
    branch.children.splice(index + 1, 0, child);
    if (branch.children.length <= node_max_width) return;
    const keep = appended && index + 1 === branch.children.length - 1 ? branch.children.length - 1 : branch.children.length >>> 1;
    // The separator between the halves moves up; the right half keeps the ones after it.
    const rightChildren = branch.children.splice(keep);
    const rightSeparators = branch.separators.splice(keep - 1);
    const up = rightSeparators.shift()!;
    this.addChild(depth - 1, up, new Branch(rightSeparators, rightChildren), appended);
  }

  /**
   * Removes `entry`, found in the leaf it records: a scan of at most `node_max_width` references
   * rather than a descent from the root comparing ids (each put on an indexed table deletes an
   * entry per index it moves, and trimming a stream's change log deletes a record per write).
   * Only a leaf left narrow needs the path from the root, to merge.
   */
  delete(entry: Entry): void {
    this.version++;
    const leaf = entry.leaf;
    assert(leaf !== null, 'a deleted key is in the ordered index');
    const index = leaf.entries.indexOf(entry);
    assert(index >= 0, 'a deleted key is in the leaf it records');
    leaf.entries.splice(index, 1);
    entry.leaf = null;
    if (leaf.entries.length >= node_min_width) return;
    // The path to merge along. Deleting moved no separator: the descent to the deleted id still
    // ends at its leaf.
    const reached = this.descend(entry.id);
    assert(reached === leaf, 'the path to a deleted id leads to its leaf');
    this.shrink(this.pathNodes.length - 1, leaf);
  }

  /** `node`, child of the branch at path depth `depth`, has become narrow: drop it or merge it with a sibling. */
  private shrink(depth: number, node: TreeNode): void {
    if (depth < 0) {
      // The root: a branch with one child hands the root to it.
      while (!this.root.leaf && this.root.children.length === 1) this.root = this.root.children[0]!;
      return;
    }
    const parent = this.pathNodes[depth]!;
    const index = this.pathIndexes[depth]!;
    const width = node.leaf ? node.entries.length : node.children.length;
    if (width === 0) {
      if (node.leaf) unlink(node);
      this.removeChild(depth, index);
      return;
    }
    // Merge the right one of two neighbours into the left one when both fit in one node.
    const leftIndex = index + 1 < parent.children.length ? index : index - 1;
    if (leftIndex < 0) return;
    const left = parent.children[leftIndex]!;
    const right = parent.children[leftIndex + 1]!;
    if (left.leaf && right.leaf) {
      if (left.entries.length + right.entries.length > node_max_width) return;
      for (const moved of right.entries) moved.leaf = left;
      left.entries = left.entries.concat(right.entries);
      unlink(right);
    } else if (!left.leaf && !right.leaf) {
      if (left.children.length + right.children.length > node_max_width) return;
      left.separators = left.separators.concat([parent.separators[leftIndex]!], right.separators);
      left.children = left.children.concat(right.children);
    } else {
      throw new AssertionFailure('B+tree siblings are both leaves or both branches');
    }
    this.removeChild(depth, leftIndex + 1);
  }

  /** Removes child `index` of the branch at path depth `depth`, with the separator below it. */
  private removeChild(depth: number, index: number): void {
    const parent = this.pathNodes[depth]!;
    parent.children.splice(index, 1);
    parent.separators.splice(index > 0 ? index - 1 : 0, 1);
    if (parent.children.length < node_min_width) this.shrink(depth - 1, parent);
  }

  /** The first entry with an id >= `id` (after: > `id`); undefined `id`: the first entry. */
  seek(id: string | undefined, after: boolean): Position {
    if (id === undefined) return this.normalise(this.firstLeaf(), 0);
    const leaf = this.descend(id);
    return this.normalise(leaf, searchLeaf(leaf.entries, id, after));
  }

  /** The last entry with an id < `id` (or: <= `id`); undefined `id`: the last entry. Index -1: none. */
  seekBefore(id: string | undefined, orEqual: boolean): Position {
    let leaf: Leaf;
    let index: number;
    if (id === undefined) {
      leaf = this.lastLeaf();
      index = leaf.entries.length - 1;
    } else {
      leaf = this.descend(id);
      index = searchLeaf(leaf.entries, id, orEqual) - 1;
    }
    while (index < 0 && leaf.prev !== null) {
      leaf = leaf.prev;
      index = leaf.entries.length - 1;
    }
    return { leaf, index };
  }

  /** Moves a position one past its leaf's end to the next leaf's start (empty leaves skipped). */
  private normalise(leaf: Leaf, index: number): Position {
    while (index >= leaf.entries.length && leaf.next !== null) {
      leaf = leaf.next;
      index = 0;
    }
    return { leaf, index };
  }

  private firstLeaf(): Leaf {
    let node = this.root;
    while (!node.leaf) node = node.children[0]!;
    return node;
  }

  private lastLeaf(): Leaf {
    let node = this.root;
    while (!node.leaf) node = node.children[node.children.length - 1]!;
    return node;
  }
}

function unlink(leaf: Leaf): void {
  if (leaf.prev !== null) leaf.prev.next = leaf.next;
  if (leaf.next !== null) leaf.next.prev = leaf.prev;
}

/** The hash index starts with this many slots, and never has fewer (a power of two). */
const hash_index_min_slots = 1024;

/**
 * The hash index over the entries: open addressing, linear probing, in power-of-two arrays kept
 * at most half full. A slot holds an entry and, beside it in an Int32Array, its key's hash + 1
 * (0: empty), so a probe compares numbers and reads an entry only when the hash matches.
 * Deleting shifts the entries after it back into the gap (no tombstones), so deletions and
 * insertions that balance out never rebuild the table; it is rebuilt only to double it as the
 * store grows (or halve it once it is an eighth full).
 */
class HashIndex {
  private slots = new Int32Array(hash_index_min_slots);
  private entries: (Entry | undefined)[] = new Array<Entry | undefined>(hash_index_min_slots).fill(undefined);
  private mask = hash_index_min_slots - 1;
  size = 0;

  find(key: Uint8Array, hash: number): Entry | undefined {
    const slots = this.slots;
    const mask = this.mask;
    const tag = hash + 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === 0) return undefined;
      if (slot === tag) {
        const entry = this.entries[i]!;
        if (isKeyOf(entry, key)) return entry;
      }
    }
  }

  /** Adds an entry whose key is not in the index. */
  add(entry: Entry): void {
    if (2 * (this.size + 1) > this.slots.length) this.resize(2 * this.slots.length);
    this.place(entry);
    this.size++;
  }

  private place(entry: Entry): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = entry.hash & mask;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = entry.hash + 1;
    this.entries[i] = entry;
  }

  /** Removes an entry the index holds. */
  remove(entry: Entry): void {
    const slots = this.slots;
    const entries = this.entries;
    const mask = this.mask;
    let gap = entry.hash & mask;
    while (entries[gap] !== entry) {
      assert(slots[gap] !== 0, 'a removed entry is in the hash index');
      gap = (gap + 1) & mask;
    }
    // Backward shift: an entry after the gap moves into it unless its home slot lies cyclically
    // after the gap (up to the entry's slot), where a probe for it still finds it.
    for (let i = (gap + 1) & mask; slots[i] !== 0; i = (i + 1) & mask) {
      const home = (slots[i]! - 1) & mask;
      const stays = gap <= i ? gap < home && home <= i : gap < home || home <= i;
      if (stays) continue;
      slots[gap] = slots[i]!;
      entries[gap] = entries[i];
      gap = i;
    }
    slots[gap] = 0;
    entries[gap] = undefined;
    this.size--;
    if (8 * this.size < this.slots.length && this.slots.length > hash_index_min_slots) this.resize(this.slots.length / 2);
  }

  private resize(slotCount: number): void {
    const entries = this.entries;
    this.slots = new Int32Array(slotCount);
    this.entries = new Array<Entry | undefined>(slotCount).fill(undefined);
    this.mask = slotCount - 1;
    for (const entry of entries) if (entry !== undefined) this.place(entry);
  }
}

/**
 * The entries, keys and records of the store. The undo log of the open write transaction lives
 * here too, as parallel arrays reused by every transaction (its first `undoCount` slots): for
 * each change, the entry and where it pointed before (`no_slab`: it was absent).
 */
class MemoryTables {
  private readonly byHash = new HashIndex();
  private readonly ordered = new OrderedIndex();
  /** The slab new records are appended to. */
  private current: Slab | null = null;
  /** The slab compaction moves live records to. */
  private survivors: Slab | null = null;
  /** Every slab entries may point into; a slab leaves it when compacted. */
  private readonly slabs = new Set<Slab>();
  /** Memory of compacted slabs, filled again before any new memory is taken. */
  private readonly spareSlabs: Buffer[] = [];
  /** The bytes records use in `slabs`, and of those, the bytes of records entries point at. */
  private used_bytes = 0;
  private live_bytes = 0;
  private readonly undoEntries: Entry[] = [];
  private readonly undoSlabs: Slab[] = [];
  private readonly undoAts: number[] = [];
  private readonly undoEnds: number[] = [];
  private undoCount = 0;

  get(key: Uint8Array): Uint8Array | undefined {
    assertKey(key);
    const entry = this.find(key, hashOf(key));
    return entry === undefined ? undefined : valueOf(entry);
  }

  private find(key: Uint8Array, hash: number): Entry | undefined {
    return this.byHash.find(key, hash);
  }

  range(options: RangeOptions): Iterable<KvEntry> {
    return options.reverse === true ? this.reverseRange(options) : this.forwardRange(options);
  }

  private *forwardRange(options: RangeOptions): Generator<KvEntry> {
    const until = options.end === undefined ? undefined : idOf(options.end);
    let remaining = options.limit ?? Infinity;
    const ordered = this.ordered;
    let { leaf, index } = ordered.seek(options.start === undefined ? undefined : idOf(options.start), false);
    let version = ordered.version;
    while (remaining > 0) {
      if (index >= leaf.entries.length) {
        if (leaf.next === null) return;
        leaf = leaf.next;
        index = 0;
        continue;
      }
      const entry = leaf.entries[index]!;
      if (until !== undefined && entry.id >= until) return;
      remaining--;
      yield { key: keyOf(entry), value: valueOf(entry) };
      // The caller may have written between steps: find the place after this entry again.
      if (ordered.version !== version) {
        ({ leaf, index } = ordered.seek(entry.id, true));
        version = ordered.version;
      } else {
        index++;
      }
    }
  }

  private *reverseRange(options: RangeOptions): Generator<KvEntry> {
    const from = options.start === undefined ? undefined : idOf(options.start);
    let remaining = options.limit ?? Infinity;
    const ordered = this.ordered;
    let { leaf, index } = ordered.seekBefore(options.end === undefined ? undefined : idOf(options.end), false);
    let version = ordered.version;
    while (remaining > 0) {
      if (index < 0) {
        if (leaf.prev === null) return;
        leaf = leaf.prev;
        index = leaf.entries.length - 1;
        continue;
      }
      const entry = leaf.entries[index]!;
      if (from !== undefined && entry.id < from) return;
      remaining--;
      yield { key: keyOf(entry), value: valueOf(entry) };
      if (ordered.version !== version) {
        ({ leaf, index } = ordered.seekBefore(entry.id, false));
        version = ordered.version;
      } else {
        index--;
      }
    }
  }

  put(key: Uint8Array, value: Uint8Array | string): void {
    assertKey(key);
    const hash = hashOf(key);
    const size_bytes = key.length + record_header_bytes + valueByteLength(value);
    const slab = this.slabFor(size_bytes);
    const at = slab.used;
    const end = sealKeyedRecordAt(slab.bytes, at, key, value, size_bytes - key.length - record_header_bytes);
    slab.used = end;
    this.used_bytes += size_bytes;
    const entry = this.find(key, hash);
    if (entry === undefined) {
      const added = new Entry(idOf(key), hash, slab, at, end);
      this.pushUndo(added, no_slab, 0, 0);
      this.attach(added);
      this.addLive(slab, size_bytes);
      slab.entries.push(added);
    } else {
      this.pushUndo(entry, entry.slab, entry.at, entry.end);
      this.relocate(entry, slab, at, end);
    }
  }

  delete(key: Uint8Array): void {
    assertKey(key);
    const entry = this.find(key, hashOf(key));
    if (entry === undefined) return;
    this.pushUndo(entry, entry.slab, entry.at, entry.end);
    this.detach(entry);
  }

  /** Makes the open transaction's changes permanent: forgets its undo log, compacts if the slabs hold too many dead bytes. */
  commit(): void {
    this.clearUndo();
    while (this.used_bytes > this.live_bytes / compact_below_live_fraction + 2 * slab_bytes) {
      // Some slab no longer filled is then under the fraction: were none, the used bytes would
      // be at most the bound.
      let emptiest: Slab | undefined;
      let lowest = compact_below_live_fraction;
      for (const slab of this.slabs) {
        if (slab.filling) continue;
        const fraction = slab.live / slab.used;
        if (fraction < lowest) {
          lowest = fraction;
          emptiest = slab;
        }
      }
      assert(emptiest !== undefined, 'slabs over their bound hold a sparse one');
      this.compact(emptiest);
    }
  }

  /** Undoes the open transaction's changes, newest first. */
  rollback(): void {
    for (let i = this.undoCount - 1; i >= 0; i--) {
      const entry = this.undoEntries[i]!;
      const slab = this.undoSlabs[i]!;
      const present = entry.slab !== no_slab;
      if (slab === no_slab) {
        if (present) this.detach(entry);
      } else if (present) {
        this.relocate(entry, slab, this.undoAts[i]!, this.undoEnds[i]!);
      } else {
        entry.slab = slab;
        entry.at = this.undoAts[i]!;
        entry.end = this.undoEnds[i]!;
        this.addLive(slab, entry.end - entry.at);
        this.attach(entry);
      }
    }
    this.clearUndo();
  }

  private pushUndo(entry: Entry, slab: Slab, at: number, end: number): void {
    const i = this.undoCount++;
    this.undoEntries[i] = entry;
    this.undoSlabs[i] = slab;
    this.undoAts[i] = at;
    this.undoEnds[i] = end;
  }

  /** Empties the undo log, keeping its arrays; no slot keeps a slab from being collected. */
  private clearUndo(): void {
    this.undoSlabs.fill(no_slab, 0, this.undoCount);
    this.undoCount = 0;
  }

  private attach(entry: Entry): void {
    this.byHash.add(entry);
    this.ordered.insert(entry);
  }

  private detach(entry: Entry): void {
    this.byHash.remove(entry);
    this.ordered.delete(entry);
    this.release(entry.slab, entry.end - entry.at);
    entry.slab = no_slab;
  }

  /** Points `entry` at bytes in `slab` instead of where it pointed. */
  private relocate(entry: Entry, slab: Slab, at: number, end: number): void {
    this.release(entry.slab, entry.end - entry.at);
    entry.slab = slab;
    entry.at = at;
    entry.end = end;
    this.addLive(slab, end - at);
    slab.entries.push(entry);
  }

  private addLive(slab: Slab, size_bytes: number): void {
    slab.live += size_bytes;
    this.live_bytes += size_bytes;
  }

  /** `size_bytes` of `slab` are no longer pointed at. */
  private release(slab: Slab, size_bytes: number): void {
    slab.live -= size_bytes;
    this.live_bytes -= size_bytes;
  }

  /** Flips a bit of `key`'s stored bytes: byte `byteOfValue` of its value, or of its key if negative (from the key's end). */
  flipStoredBit(key: Uint8Array, byteOfValue: number): void {
    const entry = this.find(key, hashOf(key));
    assert(entry !== undefined, 'the key to damage is stored');
    const valueAt = entry.at + entry.id.length + record_header_bytes;
    const at = byteOfValue >= 0 ? valueAt + byteOfValue : entry.at + entry.id.length + byteOfValue;
    assert(at >= entry.at && at < entry.end, 'the damaged byte lies in the entry');
    entry.slab.bytes[at] = entry.slab.bytes[at]! ^ 0x10;
  }

  usage(): MemoryStoreUsage {
    let held_bytes = 0;
    for (const slab of this.slabs) held_bytes += slab.bytes.length;
    return { keys: this.byHash.size, live_bytes: this.live_bytes, slab_bytes: held_bytes, spare_bytes: this.spareSlabs.length * slab_bytes };
  }

  /** A slab with `size_bytes` free for a new key and record. */
  private slabFor(size_bytes: number): Slab {
    if (size_bytes >= own_buffer_min_bytes) return this.newSlab(size_bytes);
    const current = this.current;
    if (current !== null && current.used + size_bytes <= current.bytes.length) return current;
    return (this.current = this.replace(current));
  }

  /** A slab with `size_bytes` free for a record that compaction moves. */
  private survivorSlabFor(size_bytes: number): Slab {
    const survivors = this.survivors;
    if (survivors !== null && survivors.used + size_bytes <= survivors.bytes.length) return survivors;
    return (this.survivors = this.replace(survivors));
  }

  /** A new slab to fill instead of `full`, which may now be compacted. */
  private replace(full: Slab | null): Slab {
    const fresh = this.newSlab(slab_bytes);
    fresh.filling = true;
    if (full !== null) full.filling = false;
    return fresh;
  }

  private newSlab(size_bytes: number): Slab {
    const spare = size_bytes === slab_bytes ? this.spareSlabs.pop() : undefined;
    const slab = new Slab(spare ?? Buffer.allocUnsafeSlow(size_bytes));
    this.slabs.add(slab);
    return slab;
  }

  /**
   * Copies the live records of a slab to the survivors' slab, after which nothing points into it
   * and its memory is kept to be filled again (`spareSlabs`) or left to the garbage collector.
   * Runs between transactions only, so no undo log holds a place in it.
   */
  private compact(slab: Slab): void {
    this.slabs.delete(slab);
    this.used_bytes -= slab.used;
    const entries = slab.entries;
    slab.entries = [];
    for (const entry of entries) {
      // An entry rewritten into this slab twice is listed twice; moved once, it no longer points here.
      if (entry.slab !== slab) continue;
      const size_bytes = entry.end - entry.at;
      const target = this.survivorSlabFor(size_bytes);
      const at = target.used;
      copyBytes(slab.bytes, entry.at, entry.end, target.bytes, at);
      target.used = at + size_bytes;
      this.used_bytes += size_bytes;
      this.relocate(entry, target, at, at + size_bytes);
    }
    if (slab.bytes.length === slab_bytes && this.spareSlabs.length < spare_slabs_max) this.spareSlabs.push(slab.bytes);
  }
}

/** Below this many bytes a loop copies faster than a native copy, which needs a view made first. */
const copy_loop_max_bytes = 32;

function copyBytes(source: Uint8Array, start: number, end: number, target: Uint8Array, at: number): void {
  if (end - start <= copy_loop_max_bytes) {
    for (let i = start; i < end; i++) target[at++] = source[i]!;
  } else {
    target.set(source.subarray(start, end), at);
  }
}

function assertKey(key: Uint8Array): void {
  // The message is built only on failure: every read and write passes here.
  if (key.length === 0 || key.length > max_key_bytes) throw new AssertionFailure(`storage key length ${key.length} outside 1..${max_key_bytes}`);
}

class MemoryWriteTxn implements KvWriteTxn {
  open = true;

  constructor(private readonly tables: MemoryTables) {}

  get(key: Uint8Array): Uint8Array | undefined {
    assert(this.open, 'memory transaction used after it ended');
    return this.tables.get(key);
  }

  range(options: RangeOptions): Iterable<KvEntry> {
    assert(this.open, 'memory transaction used after it ended');
    return this.tables.range(options);
  }

  put(key: Uint8Array, value: Uint8Array | string): void {
    assert(this.open, 'memory transaction used after it ended');
    this.tables.put(key, value);
  }

  delete(key: Uint8Array): void {
    assert(this.open, 'memory transaction used after it ended');
    this.tables.delete(key);
  }
}

/** What a memory store holds: its keys, the bytes of their keys and records, and the slabs holding those. */
export interface MemoryStoreUsage {
  readonly keys: number;
  readonly live_bytes: number;
  readonly slab_bytes: number;
  /** Memory of compacted slabs kept to be filled again (at most `spare_slabs_max` slabs). */
  readonly spare_bytes: number;
}

class MemoryStore implements KvStore {
  private readonly tables = new MemoryTables();
  private writing = false;
  private closed = false;

  get(key: Uint8Array): Uint8Array | undefined {
    this.assertOpen();
    return this.tables.get(key);
  }

  range(options: RangeOptions): Iterable<KvEntry> {
    this.assertOpen();
    return this.tables.range(options);
  }

  write<T>(work: (txn: KvWriteTxn) => T): Promise<T> {
    if (this.closed) return Promise.reject(new AssertionFailure('write to a closed memory store'));
    if (this.writing) return Promise.reject(new AssertionFailure('write transactions do not nest'));
    const txn = new MemoryWriteTxn(this.tables);
    this.writing = true;
    try {
      const result = work(txn);
      assert(!(result instanceof Promise), 'write transactions are synchronous');
      this.tables.commit();
      return Promise.resolve(result);
    } catch (error) {
      this.tables.rollback();
      return Promise.reject(error);
    } finally {
      txn.open = false;
      this.writing = false;
    }
  }

  usage(): MemoryStoreUsage {
    return this.tables.usage();
  }

  flipStoredBit(key: Uint8Array, byteOfValue: number): void {
    this.tables.flipStoredBit(key, byteOfValue);
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

/**
 * Damages `store`'s stored copy of `key` as memory rot would, for the tests of checksums (reads
 * return copies, so nothing else reaches the stored bytes): flips a bit of byte `byteOfValue` of
 * the value, or, when negative, of the key counted from its end.
 */
export function damageMemoryStore(store: KvStore, key: Uint8Array, byteOfValue: number): void {
  assert(store instanceof MemoryStore, 'a memory store is damaged');
  store.flipStoredBit(key, byteOfValue);
}

/** What `store`, opened by `openMemoryStore`, holds (for tests and benchmarks). */
export function memoryStoreUsage(store: KvStore): MemoryStoreUsage {
  assert(store instanceof MemoryStore, 'usage is measured on a memory store');
  return store.usage();
}
