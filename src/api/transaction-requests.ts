/**
 * What TransactWriteItems and TransactGetItems share: DynamoDB's refusals of two actions on one
 * item and of more than 4 MB, and ConsumedCapacity as one entry per table, in the order tables first appear.
 */
import type { JsonObject } from './action.js';

export const duplicate_item_message = 'Transaction request cannot include multiple operations on one item';
/** Over 4 MB of items in one transaction: what TransactWriteItems writes or TransactGetItems reads. */
export const transaction_too_large_message = 'Transaction size has exceeded the maximum allowed size';

/** One action's units: its table's, and (writes) each index's, in `indexes` order. */
export interface TransactionCharge {
  readonly tableName: string;
  readonly units: number;
  readonly indexes?: readonly { readonly name: string; readonly kind: 'local' | 'global' }[];
  readonly indexUnits?: readonly number[];
}

/**
 * Sums each table's units, one entry per table in the order tables first appear; INDEXES adds
 * the table's own share (`Table`) and each index that consumed (`LocalSecondaryIndexes`,
 * `GlobalSecondaryIndexes`). Undefined unless ReturnConsumedCapacity asks for them.
 */
export function capacityByTable(returnConsumedCapacity: string | undefined, charges: readonly TransactionCharge[]): JsonObject[] | undefined {
  if (returnConsumedCapacity !== 'TOTAL' && returnConsumedCapacity !== 'INDEXES') return undefined;
  interface Sum {
    table: number;
    total: number;
    local: Record<string, { CapacityUnits: number }>;
    global: Record<string, { CapacityUnits: number }>;
  }
  const sums = new Map<string, Sum>();
  for (const charge of charges) {
    let sum = sums.get(charge.tableName);
    if (sum === undefined) {
      sum = { table: 0, total: 0, local: {}, global: {} };
      sums.set(charge.tableName, sum);
    }
    sum.table += charge.units;
    sum.total += charge.units;
    const indexes = charge.indexes ?? [];
    for (let i = 0; i < indexes.length; i++) {
      const units = charge.indexUnits?.[i] ?? 0;
      if (units === 0) continue;
      const index = indexes[i]!;
      const map = index.kind === 'local' ? sum.local : sum.global;
      map[index.name] = { CapacityUnits: (map[index.name]?.CapacityUnits ?? 0) + units };
      sum.total += units;
    }
  }
  const capacities: JsonObject[] = [];
  for (const [tableName, sum] of sums) {
    if (returnConsumedCapacity === 'TOTAL') {
      capacities.push({ TableName: tableName, CapacityUnits: sum.total });
      continue;
    }
    const capacity: JsonObject = { TableName: tableName, CapacityUnits: sum.total, Table: { CapacityUnits: sum.table } };
    if (Object.keys(sum.local).length > 0) capacity['LocalSecondaryIndexes'] = sum.local;
    if (Object.keys(sum.global).length > 0) capacity['GlobalSecondaryIndexes'] = sum.global;
    capacities.push(capacity);
  }
  return capacities;
}
