/**
 * Item locks of the transactions in flight. A transaction locks every item it touches for the
 * time between its prepare and the end of its commit; DynamoDB then answers a single-item write
 * to such an item with TransactionConflictException and cancels another transaction touching it
 * (developer guide, "Transaction conflict handling in DynamoDB").
 *
 * A lock is named by the table's id and the item's encoded key, so it is the same whichever
 * action computes it. Acquisition is all-or-nothing and in lock-name order: on one node it runs
 * in one synchronous step, and partitions on several machines, taking their locks in the same
 * global order, could not deadlock either.
 */
import type { Item } from '../model/attribute-value.js';
import { encodeKey } from '../model/key-codec.js';
import type { TableRecord } from '../partition/table-store.js';

/** The lock name of the item at `key` (validated against the table's key schema). */
export function lockNameOf(table: TableRecord, key: Item): string {
  const encoded = encodeKey(table.key, key);
  return `${table.id}/${encoded.hash}/${Buffer.from(encoded.bytes.buffer, encoded.bytes.byteOffset, encoded.bytes.length).toString('base64')}`;
}

export class ItemLocks {
  /** Lock name -> the transaction holding it. */
  private readonly held = new Map<string, number>();

  /** Whether nothing is locked: the common case, checked before computing any lock name. */
  get empty(): boolean {
    return this.held.size === 0;
  }

  holder(name: string): number | undefined {
    return this.held.get(name);
  }

  /**
   * Locks every name for `owner`, or none: returns the indexes (into `names`) of the names
   * another transaction holds, empty when all were taken.
   */
  acquireAll(owner: number, names: readonly string[]): readonly number[] {
    const conflicts: number[] = [];
    for (let i = 0; i < names.length; i++) {
      const holder = this.held.get(names[i]!);
      if (holder !== undefined && holder !== owner) conflicts.push(i);
    }
    if (conflicts.length > 0) return conflicts;
    const order = names.map((_, i) => i).sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
    for (const i of order) this.held.set(names[i]!, owner);
    return conflicts;
  }

  releaseAll(owner: number, names: readonly string[]): void {
    for (const name of names) if (this.held.get(name) === owner) this.held.delete(name);
  }
}
