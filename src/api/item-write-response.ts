/**
 * The answer PutItem, UpdateItem and DeleteItem share: the returned attributes when there are
 * any (DynamoDB omits an empty Attributes), ConsumedCapacity when asked for, and
 * ItemCollectionMetrics when asked for on a table with LSIs.
 */
import type { Item } from '../model/attribute-value.js';
import type { TableRecord, WriteOutcome } from '../partition/table-store.js';
import type { JsonObject } from './action.js';
import { writeItemCollectionMetrics } from './secondary-indexes.js';

export function itemWriteResponse(
  attributes: Item | undefined,
  consumedCapacity: JsonObject | undefined,
  returnItemCollectionMetrics: string | undefined,
  table: TableRecord,
  key: Item,
  outcome: WriteOutcome,
): JsonObject {
  const response: JsonObject = {};
  if (attributes !== undefined && Object.keys(attributes).length > 0) response['Attributes'] = attributes;
  if (consumedCapacity !== undefined) response['ConsumedCapacity'] = consumedCapacity;
  const metrics = writeItemCollectionMetrics(returnItemCollectionMetrics, table, key, outcome);
  if (metrics !== undefined) response['ItemCollectionMetrics'] = metrics;
  return response;
}
