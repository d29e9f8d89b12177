/**
 * The actions' side of admission control (partition/admission-control.ts): admitting a request
 * on its partition or GSI, the index write units of an item write (computed once, for both the
 * ConsumedCapacity answer and the GSI buckets), charging an item write, and the back-pressure a
 * GSI out of write capacity puts on table writes.
 */
import { DynamoError } from '../errors.js';
import type { Item } from '../model/attribute-value.js';
import { writeCapacityUnits } from '../model/capacity.js';
import { itemSize } from '../model/item-size.js';
import type { AdmissionControl, CapacityKind, PartitionSlot, Verdict } from '../partition/admission-control.js';
import { admitted, reported, throttled } from '../partition/admission-control.js';
import type { ItemMutation, SizedItem, TableRecord, WriteOutcome } from '../partition/table-store.js';
import { assertItemNotInTransaction, none, throttledReason, transactionCanceled } from '../txn/transaction-coordinator.js';
import type { JsonObject, ServiceContext } from './action.js';
import { readCapacityUnits } from '../model/capacity.js';
import type { SecondaryIndex } from '../partition/table-store.js';
import type { Page } from './paging.js';
import { indexWriteUnits, writeConsumedCapacity } from './secondary-indexes.js';

/** What admitting a single-item write reserves: the least a write costs, one unit. */
export const write_reserved_units = writeCapacityUnits(0);

/** What admitting a TransactGetItems Get or a ConditionCheck reserves: the least a transactional read costs. */
export const transactional_read_reserved_units = readCapacityUnits(0, { consistent: true, transactional: true });

/** What admitting a transaction's Put, Update or Delete reserves: the least a transactional write costs. */
export const transactional_write_reserved_units = writeCapacityUnits(0, { transactional: true });

/** What admitting a read reserves: the least it costs (an item not found, an empty page). */
export function readReservedUnits(consistent: boolean): number {
  return readCapacityUnits(0, { consistent });
}

/** Admits a request on its partition (reserving `reserved_units`), or throws the table's throttling error. */
export function admitOrThrow(admission: AdmissionControl, table: TableRecord, slot: PartitionSlot, kind: CapacityKind, reserved_units: number): Verdict {
  const verdict = admission.admit(slot, kind, reserved_units);
  if (verdict === throttled) throw admission.throttleError(table);
  return verdict;
}

/** Admits a read of a GSI with its own capacity (undefined: the read is the table's). */
export function admitIndexReadOrThrow(admission: AdmissionControl, table: TableRecord, indexName: string, reserved_units: number): Verdict {
  const slot = admission.indexSlotOf(table, indexName);
  if (slot === undefined) return admitted;
  const verdict = admission.admitIndex(slot, 'read', reserved_units);
  if (verdict === throttled) throw admission.throttleError(table);
  return verdict;
}

/** One action of a transaction to admit: a Get or ConditionCheck reads, the others write. */
export interface TransactionAction {
  readonly table: TableRecord;
  readonly key: Item;
  readonly kind: CapacityKind;
}

/** A transaction every action of which was admitted: what charging or releasing them needs. */
export interface AdmittedTransaction {
  readonly slots: readonly PartitionSlot[];
  /** Each action's verdict; an action's may become `reported` once its GSI back-pressure is known. */
  readonly verdicts: Verdict[];
  readonly reserved: readonly number[];
  /** Gives every reservation back (the transaction failed before it ran). */
  releaseAll(): void;
}

/**
 * TransactWriteItems and TransactGetItems through admission control: every action is admitted on
 * its item's partition, reserving the least it costs as a transactional read or write, before
 * anything is read. If one is throttled the transaction is cancelled (every reservation given
 * back) with TransactionCanceledException naming it — `ProvisionedThroughputExceeded` or
 * `ThrottlingError` with the table's throttling message — and `None` for the others.
 */
export function admitTransaction(admission: AdmissionControl, actions: readonly TransactionAction[]): AdmittedTransaction {
  const slots = actions.map((action) => admission.slotOf(action.table, action.key));
  const reserved = actions.map((action) => (action.kind === 'read' ? transactional_read_reserved_units : transactional_write_reserved_units));
  const verdicts = actions.map((action, i) => admission.admit(slots[i]!, action.kind, reserved[i]!));
  const releaseAll = (): void => slots.forEach((slot, i) => admission.release(slot, actions[i]!.kind, verdicts[i]!, reserved[i]!));
  if (verdicts.includes(throttled)) {
    releaseAll();
    throw transactionCanceled(verdicts.map((verdict, i) => (verdict === throttled ? throttledReason(admission.throttleError(actions[i]!.table)) : none)));
  }
  return { slots, verdicts, reserved, releaseAll };
}

/**
 * The write units each of the table's indexes consumes for one item write, in `table.indexes`
 * order; undefined for a table without indexes. The store works them out as it maintains the
 * entries; when it did so for other indexes than `table` names (the table's indexes changed
 * under the request) or did not (a write that changed nothing), they are worked out here from
 * the outcome's images and sizes.
 */
export function indexWriteUnitsOf(table: TableRecord, outcome: WriteOutcome): readonly number[] | undefined {
  const indexes = table.indexes;
  if (indexes === undefined || indexes.length === 0) return undefined;
  const fromStore = outcome.indexWriteUnits;
  if (fromStore !== undefined && fromStore.indexes === indexes) return fromStore.units;
  // The store reports no units for a write that changed nothing, nor when the table no longer has
  // the indexes: nothing was written to any index.
  if (fromStore === undefined) return indexes.map(() => 0);
  return indexes.map((index) =>
    indexWriteUnits(index, table.key, outcome.previous, outcome.next, outcome.previousSize_bytes, outcome.nextSize_bytes),
  );
}

/**
 * Charges an item write: the table's units and its LSIs' (an LSI lives in the item's partition)
 * to the partition, each GSI's units to that GSI's buckets.
 */
export function chargeWrite(
  admission: AdmissionControl,
  table: TableRecord,
  slot: PartitionSlot,
  verdict: Verdict,
  tableUnits: number,
  indexUnits: readonly number[] | undefined,
  reserved_units: number,
): void {
  let partitionUnits = tableUnits;
  if (indexUnits !== undefined) {
    const indexes = table.indexes!;
    for (let i = 0; i < indexes.length; i++) {
      const units = indexUnits[i]!;
      if (units === 0) continue;
      const index = indexes[i]!;
      if (index.kind === 'local') {
        partitionUnits += units;
        continue;
      }
      const indexSlot = admission.indexSlotOf(table, index.name);
      if (indexSlot !== undefined) admission.chargeIndex(indexSlot, 'write', units, verdict, 0);
    }
  }
  admission.charge(slot, 'write', partitionUnits, verdict, reserved_units);
}

/**
 * Inside an item write's mutation (so the old image is known): a write that would update a GSI
 * whose write bucket is in debt is refused (enforce: the GSI variant of the throttling error) —
 * DynamoDB throttles table writes to keep an under-provisioned GSI from falling behind. Returns
 * `reported` when report mode lets such a write through. Cheap when no GSI is out of capacity.
 */
export function checkIndexBackPressure(admission: AdmissionControl, table: TableRecord, previous: Item | undefined, next: Item | undefined): Verdict {
  if (!admission.anyIndexOutOfWrites(table)) return admitted;
  let verdict: Verdict = admitted;
  for (const index of table.indexes ?? []) {
    if (index.kind !== 'global') continue;
    const slot = admission.indexSlotOf(table, index.name);
    if (slot === undefined || slot.write.bucket.hasTokens()) continue;
    if (indexWriteUnits(index, table.key, previous, next) === 0) continue;
    const indexVerdict = admission.admitIndex(slot, 'write', 0);
    if (indexVerdict === throttled) throw admission.indexThrottleError(table);
    if (indexVerdict !== admitted) verdict = indexVerdict;
  }
  return verdict;
}

/**
 * A write refused by its condition still consumes write capacity, by the size of the item as it
 * stands (at least one unit; developer guide, "Condition expressions": "If the condition
 * evaluates to false, DynamoDB still consumes write capacity"). Other failures consume nothing:
 * the reservation goes back.
 */
function chargeFailedWrite(admission: AdmissionControl, slot: PartitionSlot, verdict: Verdict, error: unknown, previous: Item | undefined): void {
  if (!(error instanceof DynamoError) || error.errorName !== 'ConditionalCheckFailedException') {
    admission.release(slot, 'write', verdict, write_reserved_units);
    return;
  }
  admission.charge(slot, 'write', writeCapacityUnits(previous === undefined ? 0 : itemSize(previous)), verdict, write_reserved_units);
}

/** What a single-item write returns to its action: the store's outcome and the response's ConsumedCapacity. */
export interface AdmittedItemWrite {
  readonly outcome: WriteOutcome;
  readonly consumedCapacity: JsonObject | undefined;
}

/**
 * PutItem, UpdateItem and DeleteItem through admission control, the one way they write:
 * admitted on the item's partition before anything is read; `mutation` (the action's condition
 * and change) runs inside the store's write after the check that no transaction holds the item,
 * and its result passes the GSI back-pressure check; afterwards the write is charged its exact
 * units (the larger of the old and new images, plus each index's writes) or, if it failed, what
 * DynamoDB charges a failed write; the ConsumedCapacity member comes from the same figures.
 * Unless the request asks for ItemCollectionMetrics, the store is told it need not read an item
 * collection's size the write leaves unchanged.
 */
export async function admittedItemWrite(
  context: ServiceContext,
  table: TableRecord,
  key: Item,
  request: { readonly TableName: string; readonly ReturnConsumedCapacity?: string | undefined; readonly ReturnItemCollectionMetrics?: string | undefined },
  mutation: ItemMutation,
  sizedNext?: SizedItem,
): Promise<AdmittedItemWrite> {
  const admission = context.admission;
  const slot = admission.slotOf(table, key);
  let verdict = admitOrThrow(admission, table, slot, 'write', write_reserved_units);
  let seen: Item | undefined;
  let outcome: WriteOutcome;
  try {
    outcome = await context.store.writeItem(table, key, (previous) => {
      seen = previous;
      assertItemNotInTransaction(context.store, table, key);
      const next = mutation(previous);
      if (checkIndexBackPressure(admission, table, previous, next) !== admitted) verdict = reported;
      return next;
    }, { itemCollectionMetrics: request.ReturnItemCollectionMetrics === 'SIZE', sizedNext });
  } catch (error) {
    chargeFailedWrite(admission, slot, verdict, error, seen);
    throw error;
  }
  const units = writeCapacityUnits(Math.max(outcome.previousSize_bytes, outcome.nextSize_bytes));
  const indexUnits = indexWriteUnitsOf(table, outcome);
  chargeWrite(admission, table, slot, verdict, units, indexUnits, write_reserved_units);
  return { outcome, consumedCapacity: writeConsumedCapacity(request.ReturnConsumedCapacity, table, request.TableName, units, indexUnits) };
}

/**
 * Admits a Query or Scan page before it is read: on the GSI's buckets for a GSI with its own
 * capacity, else on `slot` (the partition the read starts in).
 */
export function admitPage(admission: AdmissionControl, table: TableRecord, slot: PartitionSlot, index: SecondaryIndex | undefined, consistent: boolean): Verdict {
  const reserved_units = readReservedUnits(consistent);
  if (index !== undefined && index.kind === 'global') return admitIndexReadOrThrow(admission, table, index.name, reserved_units);
  return admitOrThrow(admission, table, slot, 'read', reserved_units);
}

/**
 * Charges a page once read: its units (the bytes read rounded up once, as the response reports
 * them) go to the GSI, or to the partitions it read — `slot` when it read one, else shared evenly
 * among the partitions from the first item's to the last's (a Scan page is read in hash order, so
 * those are exactly the partitions it crossed). Items an LSI read fetched from the table go to the
 * same partitions.
 */
export function chargePage(
  admission: AdmissionControl,
  table: TableRecord,
  slot: PartitionSlot,
  index: SecondaryIndex | undefined,
  page: Page,
  consistent: boolean,
  verdict: Verdict,
): void {
  const reserved_units = readReservedUnits(consistent);
  const readUnits = readCapacityUnits(page.readBytes, { consistent });
  const fetchedUnits = page.fetchedBytes === 0 ? 0 : readCapacityUnits(page.fetchedBytes, { consistent });
  if (index !== undefined && index.kind === 'global') {
    const indexSlot = admission.indexSlotOf(table, index.name);
    if (indexSlot !== undefined) admission.chargeIndex(indexSlot, 'read', readUnits, verdict, reserved_units);
    return;
  }
  const units = readUnits + fetchedUnits;
  const slots = admission.slotsOf(table);
  if (slots.length === 1 || page.firstRead === undefined || page.lastRead === undefined) {
    admission.charge(slot, 'read', units, verdict, reserved_units);
    return;
  }
  admission.release(slot, 'read', verdict, reserved_units);
  const first = admission.slotOf(table, page.firstRead);
  const last = admission.slotOf(table, page.lastRead);
  if (first === last) {
    admission.charge(first, 'read', units, verdict, 0);
    return;
  }
  const from = slots.indexOf(first);
  const to = slots.indexOf(last);
  const share = units / (to - from + 1);
  for (let i = from; i <= to; i++) admission.charge(slots[i]!, 'read', share, verdict, 0);
}
