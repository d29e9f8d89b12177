/**
 * The ConsumedCapacity member of a response, shaped as DynamoDB shapes it for
 * ReturnConsumedCapacity TOTAL (`{TableName, CapacityUnits}`) and INDEXES (adds `Table` with the
 * table's own share; index entries join once indexes exist). NONE or absent: no member at all.
 */
import type { JsonObject } from './action.js';

export function consumedCapacity(returnConsumedCapacity: string | undefined, tableName: string, capacityUnits: number): JsonObject | undefined {
  if (returnConsumedCapacity === 'TOTAL') return { TableName: tableName, CapacityUnits: capacityUnits };
  if (returnConsumedCapacity === 'INDEXES') return { TableName: tableName, CapacityUnits: capacityUnits, Table: { CapacityUnits: capacityUnits } };
  return undefined;
}

/** Whether the response carries ConsumedCapacity (TOTAL or INDEXES), so its item sizes are needed. */
export function wantsConsumedCapacity(returnConsumedCapacity: string | undefined): boolean {
  return returnConsumedCapacity === 'TOTAL' || returnConsumedCapacity === 'INDEXES';
}
