/**
 * The registry of DynamoDB actions, by operation name. One module per action; add a line here
 * when an action module lands. The server routes `X-Amz-Target: DynamoDB_20120810.<name>` here.
 */
import type { Action } from './action.js';
import { batchGetItem } from './batch-get-item.js';
import { batchWriteItem } from './batch-write-item.js';
import { createTable } from './create-table.js';
import { deleteItem } from './delete-item.js';
import { deleteTable } from './delete-table.js';
import { describeEndpoints } from './describe-endpoints.js';
import { describeLimits } from './describe-limits.js';
import { describeTable } from './describe-table.js';
import { describeTimeToLive } from './describe-time-to-live.js';
import { getItem } from './get-item.js';
import { listTables } from './list-tables.js';
import { listTagsOfResource } from './list-tags-of-resource.js';
import { putItem } from './put-item.js';
import { query } from './query.js';
import { scan } from './scan.js';
import { tagResource } from './tag-resource.js';
import { transactGetItems } from './transact-get-items.js';
import { transactWriteItems } from './transact-write-items.js';
import { untagResource } from './untag-resource.js';
import { updateTable } from './update-table.js';
import { updateItem } from './update-item.js';
import { updateTimeToLive } from './update-time-to-live.js';

const allActions: readonly Action[] = [
  createTable,
  describeTable,
  listTables,
  deleteTable,
  updateTable,
  tagResource,
  untagResource,
  listTagsOfResource,
  describeLimits,
  describeEndpoints,
  updateTimeToLive,
  describeTimeToLive,
  putItem,
  getItem,
  deleteItem,
  query,
  scan,
  batchGetItem,
  batchWriteItem,
  updateItem,
  transactWriteItems,
  transactGetItems,
];

export const actionsByName: ReadonlyMap<string, Action> = new Map(allActions.map((action) => [action.name, action]));
