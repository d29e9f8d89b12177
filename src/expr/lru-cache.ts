/**
 * A bounded cache that evicts a least recently used entry, approximately: "second chance"
 * (CLOCK). A hit only marks its entry recent; when the cache is full, the oldest entries are
 * visited in insertion order, a recent one is cleared and moved to the young end, and the first
 * one not recent is evicted.
 *
 * Why not exact LRU: a Map keeps insertion order, so exact LRU re-inserts on every hit (a delete
 * and a set). Every delete leaves a hole that V8 reclaims by rebuilding the whole table, so a hot
 * cache that only hits kept allocating tables (measured: a fifth of the page faults of a server
 * under a conditional-UpdateItem load). Here a hit writes one field and the Map changes only on
 * a miss. Counts hits and misses so the benchmark can report how well parsed expressions are
 * reused.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, Slot<V>>();
  readonly capacity: number;
  hits = 0;
  misses = 0;

  constructor(capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`cache capacity must be at least 1, got ${capacity}`);
    this.capacity = capacity;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const slot = this.entries.get(key);
    if (slot === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    slot.recent = true;
    return slot.value;
  }

  set(key: K, value: V): void {
    const slot = this.entries.get(key);
    if (slot !== undefined) {
      slot.value = value;
      slot.recent = true;
      return;
    }
    if (this.entries.size >= this.capacity) this.evictOne();
    this.entries.set(key, { value, recent: false });
  }

  clear(): void {
    this.entries.clear();
    this.hits = 0;
    this.misses = 0;
  }

  /** Ends after at most one pass over the entries: every recent one visited is cleared first. */
  private evictOne(): void {
    for (const [key, slot] of this.entries) {
      this.entries.delete(key);
      if (!slot.recent) return;
      slot.recent = false;
      this.entries.set(key, slot);
    }
  }
}

interface Slot<V> {
  value: V;
  /** Hit since the eviction sweep last passed it. */
  recent: boolean;
}
