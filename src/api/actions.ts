/**
 * The registry of DynamoDB actions, by operation name. One module per action; add a line here
 * when an action module lands. The server routes `X-Amz-Target: DynamoDB_20120810.<name>` here.
 */
import type { Action } from './action.js';
import { createTable } from './create-table.js';
import { deleteTable } from './delete-table.js';
import { describeTable } from './describe-table.js';
import { listTables } from './list-tables.js';

const allActions: readonly Action[] = [
  createTable,
  describeTable,
  listTables,
  deleteTable,
];

export const actionsByName: ReadonlyMap<string, Action> = new Map(allActions.map((action) => [action.name, action]));
