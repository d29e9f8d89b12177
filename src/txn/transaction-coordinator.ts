/**
 * The transaction coordinator: TransactWriteItems and TransactGetItems run through it, and the
 * single-item writes consult its locks.
 *
 * A write transaction runs in explicit phases, as DynamoDB's transaction coordinator does
 * (developer guide, "How transactions work"; the 2023 USENIX ATC paper on DynamoDB transactions):
 *   1. prepare: lock every touched item (all or none, in lock-name order); read the items' current
 *      state; evaluate every action against that one state. A lock held by another transaction,
 *      a failed condition or an action that cannot apply cancels the transaction, with one
 *      CancellationReason per action.
 *   2. commit: one atomic multi-item write (`TableStore.writeItems`: items, index entries,
 *      change-log records and the ClientRequestToken together). Each write re-checks that its
 *      item is still the state prepare read; a write that committed in between cancels with
 *      TransactionConflict rather than being overwritten.
 *   3. release the locks.
 * On one node the store's single storage transaction is the degenerate form of a two-phase
 * commit over partitions: the locks are the prepare records, the storage commit the decision.
 *
 * A single-item write checks, inside its own storage transaction, that no transaction holds its
 * item (`assertItemNotInTransaction`), so it is serialised before the lock or answered with
 * TransactionConflictException, never interleaved with a transaction.
 */
import { assert, DynamoError } from '../errors.js';
import type { Item } from '../model/attribute-value.js';
import { ItemWriteFailed, type ItemMutation, type TableRecord, type TableStore, type TransactionTokenToStore, type WriteOutcome } from '../partition/table-store.js';
import { ItemLocks, lockNameOf } from './item-locks.js';

/** DynamoDB's text for an item a transaction in flight holds. */
export const transaction_conflict_message = 'Transaction is ongoing for the item';

/** Why one action of a cancelled transaction failed (or `none`), as CancellationReasons lists it. */
export type CancellationReason =
  | { readonly kind: 'none' }
  | { readonly kind: 'conditionalCheckFailed'; readonly item: Item | undefined }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'itemCollectionSizeLimitExceeded'; readonly message: string }
  | { readonly kind: 'validation'; readonly message: string }
  /** Admission control refused the action (ProvisionedThroughputExceeded or ThrottlingError). */
  | { readonly kind: 'throttled'; readonly code: string; readonly message: string };

/**
 * One action of a write transaction. `apply` is pure: given the item's current state it returns
 * the item to store, or undefined to delete it; a ConditionCheck returns `previous` unchanged.
 * It throws ConditionalCheckFailedException or ValidationException to cancel the transaction.
 */
export interface TransactionWrite {
  readonly table: TableRecord;
  readonly key: Item;
  readonly apply: ItemMutation;
}

/** One read of a TransactGetItems. */
export interface TransactionRead {
  readonly table: TableRecord;
  readonly key: Item;
}

export const none: CancellationReason = { kind: 'none' };
const conflict: CancellationReason = { kind: 'conflict' };

/** TransactionCanceledException: "[None, ConditionalCheckFailed]" lists each action's reason code. */
export function transactionCanceled(reasons: readonly CancellationReason[]): DynamoError {
  const wire = reasons.map(reasonToWire);
  const codes = wire.map((reason) => reason['Code']).join(', ');
  return new DynamoError('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`, {
    CancellationReasons: wire,
  });
}

function reasonToWire(reason: CancellationReason): Record<string, unknown> {
  switch (reason.kind) {
    case 'none':
      return { Code: 'None' };
    case 'conditionalCheckFailed':
      return reason.item === undefined
        ? { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }
        : { Item: reason.item, Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
    case 'conflict':
      return { Code: 'TransactionConflict', Message: transaction_conflict_message };
    case 'itemCollectionSizeLimitExceeded':
      return { Code: 'ItemCollectionSizeLimitExceeded', Message: reason.message };
    case 'validation':
      return { Code: 'ValidationError', Message: reason.message };
    case 'throttled':
      return { Code: reason.code, Message: reason.message };
  }
}

/**
 * The CancellationReason of an action refused by admission control, from the error a single
 * request would get: `ProvisionedThroughputExceeded` for a provisioned table or GSI,
 * `ThrottlingError` on demand, each with that error's message (API reference, TransactWriteItems
 * and TransactGetItems, "Cancellation reason codes and possible error messages").
 */
export function throttledReason(error: DynamoError): CancellationReason {
  assert(error.errorName === 'ProvisionedThroughputExceededException' || error.errorName === 'ThrottlingException', 'a throttle reason comes from a throttling error');
  return { kind: 'throttled', code: error.errorName === 'ThrottlingException' ? 'ThrottlingError' : 'ProvisionedThroughputExceeded', message: error.message };
}

/** The reason a DynamoError thrown by an action's `apply` stands for; other errors are bugs. */
function reasonOf(error: unknown): CancellationReason {
  if (error instanceof DynamoError) {
    if (error.errorName === 'ConditionalCheckFailedException') return { kind: 'conditionalCheckFailed', item: error.extraBody?.['Item'] as Item | undefined };
    if (error.errorName === 'ValidationException') return { kind: 'validation', message: error.message };
    // A GSI out of write capacity refuses the action (its back-pressure on table writes).
    if (error.errorName === 'ProvisionedThroughputExceededException' || error.errorName === 'ThrottlingException') return throttledReason(error);
  }
  throw error;
}

/** Thrown inside the commit when an item changed since prepare read it. */
class ChangedSincePrepare extends Error {
  constructor() {
    super('item changed since prepare');
  }
}

function conflictAt(count: number, indexes: readonly number[]): CancellationReason[] {
  const reasons: CancellationReason[] = new Array<CancellationReason>(count).fill(none);
  for (const i of indexes) reasons[i] = conflict;
  return reasons;
}

export class TransactionCoordinator {
  private readonly locks = new ItemLocks();
  private nextTransaction = 1;
  /** ClientRequestTokens of the transactions in flight. */
  private readonly tokensInFlight = new Set<string>();
  /**
   * Tests only: awaited while a write transaction holds its locks, between prepare and commit,
   * so a test can exercise conflicts deterministically.
   */
  onPrepared: ((writes: readonly TransactionWrite[]) => Promise<void>) | undefined;

  constructor(private readonly store: TableStore) {}

  /** Throws TransactionConflictException when a transaction in flight holds the item. */
  assertNotLocked(table: TableRecord, key: Item): void {
    if (this.locks.empty) return;
    if (this.locks.holder(lockNameOf(table, key)) !== undefined) throw new DynamoError('TransactionConflictException', transaction_conflict_message);
  }

  /**
   * Reads every item from one committed state, or cancels with TransactionConflict for the items
   * a write transaction in flight holds (DynamoDB cancels a TransactGetItems that meets one).
   * The reads run in one synchronous step: no commit can land between them.
   */
  read(reads: readonly TransactionRead[]): readonly (Item | undefined)[] {
    if (!this.locks.empty) {
      const conflicts: number[] = [];
      for (let i = 0; i < reads.length; i++) if (this.locks.holder(lockNameOf(reads[i]!.table, reads[i]!.key)) !== undefined) conflicts.push(i);
      if (conflicts.length > 0) throw transactionCanceled(conflictAt(reads.length, conflicts));
    }
    return reads.map((read) => this.store.getItem(read.table, read.key));
  }

  /**
   * Runs a write transaction through prepare, commit and release (see the file comment); with a
   * token, the token is stored in the commit. Resolves with one outcome per action.
   */
  async write(writes: readonly TransactionWrite[], token?: TransactionTokenToStore): Promise<readonly WriteOutcome[]> {
    const owner = this.nextTransaction++;
    const names = writes.map((write) => lockNameOf(write.table, write.key));
    const conflicts = this.locks.acquireAll(owner, names);
    if (conflicts.length > 0) throw transactionCanceled(conflictAt(writes.length, conflicts));
    try {
      // Prepare: one consistent state, every action evaluated against it.
      const snapshots: (string | undefined)[] = [];
      const nexts: (Item | undefined)[] = [];
      const reasons: CancellationReason[] = [];
      let cancelled = false;
      for (const write of writes) {
        const json = this.store.getItemJson(write.table, write.key);
        snapshots.push(json);
        const previous = json === undefined ? undefined : (JSON.parse(json) as Item);
        try {
          nexts.push(write.apply(previous));
          reasons.push(none);
        } catch (error) {
          reasons.push(reasonOf(error));
          nexts.push(undefined);
          cancelled = true;
        }
      }
      if (cancelled) throw transactionCanceled(reasons);
      if (this.onPrepared !== undefined) await this.onPrepared(writes);

      // Commit: all writes in one storage transaction, each checking its item is as prepared.
      const storeWrites = writes.map((write, i) => ({
        table: write.table,
        key: write.key,
        mutation: (previous: Item | undefined): Item | undefined => {
          const current = previous === undefined ? undefined : JSON.stringify(previous);
          if (current !== snapshots[i]) throw new ChangedSincePrepare();
          return nexts[i];
        },
      }));
      try {
        return await this.store.writeItems(storeWrites, token);
      } catch (error) {
        if (!(error instanceof ItemWriteFailed)) throw error;
        const { failure } = error;
        // An item changed since prepare is a conflict; the store refuses a write that grows an
        // LSI item collection past its limit. Either cancels the transaction, naming that action.
        let reason: CancellationReason | undefined;
        if (failure instanceof ChangedSincePrepare) reason = conflict;
        else if (failure instanceof DynamoError && failure.errorName === 'ItemCollectionSizeLimitExceededException') {
          reason = { kind: 'itemCollectionSizeLimitExceeded', message: failure.message };
        }
        if (reason === undefined) throw failure;
        const reasons = new Array<CancellationReason>(writes.length).fill(none);
        reasons[error.index] = reason;
        throw transactionCanceled(reasons);
      }
    } finally {
      this.locks.releaseAll(owner, names);
    }
  }

  /**
   * Marks `token` in flight for the duration of `run`: DynamoDB answers a second request with the
   * token of a transaction still running with TransactionInProgressException.
   */
  async withToken<T>(token: string, run: () => Promise<T>): Promise<T> {
    if (this.tokensInFlight.has(token)) {
      throw new DynamoError('TransactionInProgressException', 'The transaction with the given request token is already in progress.');
    }
    this.tokensInFlight.add(token);
    try {
      return await run();
    } finally {
      this.tokensInFlight.delete(token);
    }
  }
}

const coordinators = new WeakMap<TableStore, TransactionCoordinator>();

/** The coordinator of a store: one per store, shared by every action that uses the store. */
export function transactionCoordinator(store: TableStore): TransactionCoordinator {
  let coordinator = coordinators.get(store);
  if (coordinator === undefined) {
    coordinator = new TransactionCoordinator(store);
    coordinators.set(store, coordinator);
  }
  return coordinator;
}

/**
 * The single-item writes' conflict check (PutItem, UpdateItem, DeleteItem, BatchWriteItem): call
 * it inside the write's mutation, so it runs in the write's storage transaction.
 */
export function assertItemNotInTransaction(store: TableStore, table: TableRecord, key: Item): void {
  coordinators.get(store)?.assertNotLocked(table, key);
}
