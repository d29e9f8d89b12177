/**
 * BatchGetItem: up to 100 items by key from one or more tables, each table with its own
 * projection and consistency.
 *
 * Order of checks (DynamoDB's; dynalite's tests record them): request shape (1 to 100 keys per
 * table, table names as map keys); then table by table: expression / non-expression mixing,
 * duplicate AttributesToGet, the projection expression, each key's values, duplicate keys, the
 * running total of 100 keys; then every table exists and every key matches its table's schema,
 * all before anything is read.
 *
 * The response holds at most 16 MB of items: the keys that would go past it come back in
 * UnprocessedKeys with their table's options (API reference, BatchGetItem). Capacity is per
 * table, each item rounded up to 4 KB on its own (a missing item still costs one unit).
 */
import { validationError } from '../errors.js';
import { max_batch_get_keys, max_batch_get_response_bytes, max_table_name_length, min_table_name_length } from '../limits.js';
import type { Item } from '../model/attribute-value.js';
import { readCapacityUnits } from '../model/capacity.js';
import { itemSize } from '../model/item-size.js';
import { validateAttributeMap, validateKey } from '../model/validate-item.js';
import type { ResolvedProjection } from '../expr/resolved.js';
import { throttled } from '../partition/admission-control.js';
import { readReservedUnits } from './throughput.js';
import { readOptionsFor, type TableRecord } from '../partition/table-store.js';
import type { Action, JsonObject } from './action.js';
import { consumedCapacity } from './consumed-capacity.js';
import { tableForDataPlane } from './data-plane-table.js';
import { applyProjection, checkExpressionParameters, checkProjectionKeyPaths, prepareProjection } from './item-expressions.js';
import { checkRequest } from './validation/check-request.js';
import { expressionAttributeNames, returnConsumedCapacity, table_name_pattern_source } from './validation/common-shapes.js';
import { attributeMap, boolean, list, map, request, string, structure } from './validation/shape.js';

const keysAndAttributes = structure('KeysAndAttributes', {
  Keys: list(attributeMap(), { notNull: true, minLength: 1, maxLength: max_batch_get_keys }),
  AttributesToGet: list(string(), { minLength: 1, maxLength: 255 }),
  ConsistentRead: boolean(),
  ProjectionExpression: string(),
  ExpressionAttributeNames: expressionAttributeNames(),
});

const batchGetItemShape = request({
  ReturnConsumedCapacity: returnConsumedCapacity(),
  RequestItems: map(keysAndAttributes, {
    notNull: true,
    minLength: 1,
    keys: { maxLength: max_table_name_length, minLength: min_table_name_length, pattern: table_name_pattern_source },
  }),
});

/**
 * A text identifying a key among a request's keys: attribute names in order with their
 * (validated, so canonical) values. DynamoDB compares keys before it knows the schema.
 */
export function keyIdentity(key: Item): string {
  const names = Object.keys(key).sort();
  let text = '';
  for (const name of names) text += `${JSON.stringify(name)}:${JSON.stringify(key[name])};`;
  return text;
}

interface TableRequest {
  readonly tableName: string;
  readonly options: JsonObject;
  readonly keys: readonly Item[];
  readonly projection: ResolvedProjection | undefined;
  readonly consistent: boolean;
}

/** The table's options as the client sent them, to repeat beside its UnprocessedKeys. */
function tableOptions(request: { readonly [member: string]: unknown }): JsonObject {
  const options: JsonObject = {};
  for (const member of ['AttributesToGet', 'ConsistentRead', 'ProjectionExpression', 'ExpressionAttributeNames']) {
    if (request[member] !== undefined) options[member] = request[member];
  }
  return options;
}

export const batchGetItem: Action = {
  name: 'BatchGetItem',
  run(context, rawBody) {
    const body = checkRequest(batchGetItemShape, rawBody);
    const requests: TableRequest[] = [];
    let total = 0;
    for (const tableName in body.RequestItems) {
      const tableRequest = body.RequestItems[tableName]!;
      checkExpressionParameters(tableRequest, ['ProjectionExpression'], ['AttributesToGet']);
      const projection = prepareProjection(tableRequest);
      const seen = new Set<string>();
      const keys: Item[] = [];
      for (const rawKey of tableRequest.Keys) {
        const key = validateAttributeMap(rawKey);
        const identity = keyIdentity(key);
        if (seen.has(identity)) throw validationError('Provided list of item keys contains duplicates');
        seen.add(identity);
        keys.push(key);
        if (++total > max_batch_get_keys) throw validationError('Too many items requested for the BatchGetItem call');
      }
      requests.push({ tableName, options: tableOptions(tableRequest), keys, projection, consistent: tableRequest.ConsistentRead === true });
    }

    const tables: TableRecord[] = [];
    for (const tableRequest of requests) {
      const table = tableForDataPlane(context.store, tableRequest.tableName);
      for (const key of tableRequest.keys) validateKey(table.key, key);
      checkProjectionKeyPaths(tableRequest.projection, table);
      tables.push(table);
    }

    const responses: JsonObject = {};
    const unprocessed: JsonObject = {};
    const capacities: JsonObject[] = [];
    let responseBytes = 0;
    // Once an item does not fit, it and every key after it (in every later table) is left over.
    let cutOff = false;
    const admission = context.admission;
    let processed = 0;
    let firstThrottled: TableRecord | undefined;
    for (let t = 0; t < requests.length; t++) {
      const { tableName, keys, projection, consistent, options } = requests[t]!;
      const table = tables[t]!;
      const items: Item[] = [];
      const left: Item[] = [];
      let units = 0;
      const reserved_units = readReservedUnits(consistent);
      for (const key of keys) {
        if (cutOff) {
          left.push(key);
          continue;
        }
        // Each key is admitted on its own partition; a throttled one comes back unprocessed.
        const slot = admission.slotOf(table, key);
        const verdict = admission.admit(slot, 'read', reserved_units);
        if (verdict === throttled) {
          left.push(key);
          firstThrottled ??= table;
          continue;
        }
        const item = context.store.getItem(table, key, readOptionsFor(consistent));
        const size_bytes = item === undefined ? 0 : itemSize(item);
        if (responseBytes + size_bytes > max_batch_get_response_bytes) {
          admission.release(slot, 'read', verdict, reserved_units);
          cutOff = true;
          left.push(key);
          continue;
        }
        responseBytes += size_bytes;
        processed++;
        const itemUnits = readCapacityUnits(size_bytes, { consistent });
        admission.charge(slot, 'read', itemUnits, verdict, reserved_units);
        units += itemUnits;
        if (item !== undefined) items.push(applyProjection(projection, item));
      }
      responses[tableName] = items;
      if (left.length > 0) unprocessed[tableName] = { ...options, Keys: left };
      const capacity = consumedCapacity(body.ReturnConsumedCapacity, tableName, units);
      if (capacity !== undefined) capacities.push(capacity);
    }
    // Only when not one key could be served does the batch fail (API reference, BatchGetItem).
    // It fails with the error a single read gets (BatchWriteItem's recorded answer for a
    // provisioned table names "the table"; no BatchGetItem one was found).
    if (processed === 0 && firstThrottled !== undefined) throw admission.throttleError(firstThrottled);
    const response: JsonObject = { Responses: responses, UnprocessedKeys: unprocessed };
    if (body.ReturnConsumedCapacity === 'TOTAL' || body.ReturnConsumedCapacity === 'INDEXES') response['ConsumedCapacity'] = capacities;
    return response;
  },
};
