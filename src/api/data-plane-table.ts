/**
 * Looking up the table of a data-plane request (GetItem, PutItem, Query, ...). DynamoDB answers
 * these for a table that does not exist, or is still CREATING or already DELETING, with
 * ResourceNotFoundException "Requested resource not found" — without the ": Table: <name> not
 * found" suffix that DescribeTable adds.
 */
import { resourceNotFound } from '../errors.js';
import type { TableRecord, TableStore } from '../partition/table-store.js';

export function tableForDataPlane(store: TableStore, tableName: string): TableRecord {
  const table = store.getTable(tableName);
  if (table === undefined) throw resourceNotFound();
  const status = table.description['TableStatus'];
  if (status === 'CREATING' || status === 'DELETING') throw resourceNotFound();
  return table;
}
