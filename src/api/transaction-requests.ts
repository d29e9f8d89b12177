/**
 * What TransactWriteItems and TransactGetItems share: DynamoDB's refusal of two actions on one
 * item, and ConsumedCapacity as one entry per table, in the order tables first appear.
 */
import type { AdmissionControl } from '../partition/admission-control.js';
import type { TableRecord } from '../partition/table-store.js';
import type { JsonObject } from './action.js';
import { consumedCapacity } from './consumed-capacity.js';

export const duplicate_item_message = 'Transaction request cannot include multiple operations on one item';

/** Sums each table's units; undefined unless ReturnConsumedCapacity asks for them. */
export function capacityByTable(returnConsumedCapacity: string | undefined, charges: readonly { readonly tableName: string; readonly units: number }[]): JsonObject[] | undefined {
  if (returnConsumedCapacity !== 'TOTAL' && returnConsumedCapacity !== 'INDEXES') return undefined;
  const totals = new Map<string, number>();
  for (const { tableName, units } of charges) totals.set(tableName, (totals.get(tableName) ?? 0) + units);
  const capacities: JsonObject[] = [];
  for (const [tableName, units] of totals) capacities.push(consumedCapacity(returnConsumedCapacity, tableName, units)!);
  return capacities;
}

/** A throttled transaction action's CancellationReason code and message. */
export function throttleReason(admission: AdmissionControl, table: TableRecord): { readonly code: string; readonly message: string } {
  const reason = admission.cancellationReason(table);
  return { code: reason.Code, message: reason.Message };
}
