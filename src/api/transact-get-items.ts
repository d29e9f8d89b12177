/**
 * TransactGetItems: up to 100 items, from one or more tables, read from one committed state.
 *
 * Order of checks: request shape (1 to 100 Gets); each Get's key values and projection; then
 * every table exists (and is ACTIVE or UPDATING), each key matches its table's schema, projected
 * key paths, and no item is named twice; all before anything is read. Items of more than 4 MB
 * together are refused once read.
 *
 * Isolation: the reads run in one synchronous step over committed state, so they see every
 * transaction wholly or not at all; an item a write transaction holds between its prepare and
 * its commit cancels the read with TransactionConflict (DynamoDB, "Isolation levels for
 * DynamoDB transactions"). Capacity: each item costs twice a strongly consistent read, rounded
 * up to 4 KB on its own; a missing item still costs that much.
 */
import { validationError } from '../errors.js';
import { max_transaction_actions, max_transaction_bytes } from '../limits.js';
import type { Item } from '../model/attribute-value.js';
import { readCapacityUnits } from '../model/capacity.js';
import { itemSize } from '../model/item-size.js';
import { validateAttributeMap, validateKey } from '../model/validate-item.js';
import type { ResolvedProjection } from '../expr/resolved.js';
import type { TableRecord } from '../partition/table-store.js';
import { lockNameOf } from '../txn/item-locks.js';
import { admitTransaction } from './throughput.js';
import { transactionCoordinator } from '../txn/transaction-coordinator.js';
import type { Action, JsonObject } from './action.js';
import { tableForDataPlane } from './data-plane-table.js';
import { applyProjection, checkProjectionKeyPaths, prepareProjection } from './item-expressions.js';
import { capacityByTable, duplicate_item_message, transaction_too_large_message } from './transaction-requests.js';
import { checkRequest } from './validation/check-request.js';
import { expressionAttributeNames, returnConsumedCapacity, tableName } from './validation/common-shapes.js';
import { attributeMap, list, request, string, structure } from './validation/shape.js';

const get = structure(
  'Get',
  {
    Key: attributeMap({ notNull: true }),
    TableName: tableName(),
    ProjectionExpression: string(),
    ExpressionAttributeNames: expressionAttributeNames(),
  },
  { notNull: true },
);

const transactGetItemsShape = request({
  TransactItems: list(structure('TransactGetItem', { Get: get }), { notNull: true, minLength: 1, maxLength: max_transaction_actions }),
  ReturnConsumedCapacity: returnConsumedCapacity(),
});

interface PlannedGet {
  readonly tableName: string;
  readonly key: Item;
  readonly projection: ResolvedProjection | undefined;
}

export const transactGetItems: Action = {
  name: 'TransactGetItems',
  run(context, rawBody) {
    const body = checkRequest(transactGetItemsShape, rawBody);
    const planned: PlannedGet[] = [];
    for (const { Get } of body.TransactItems) {
      const key = validateAttributeMap(Get.Key);
      // Only the declared members: an undeclared AttributesToGet is ignored, as DynamoDB's
      // deserialiser ignores unknown members (it reached prepareProjection and answered 500).
      const projection = prepareProjection({ ProjectionExpression: Get.ProjectionExpression, ExpressionAttributeNames: Get.ExpressionAttributeNames });
      planned.push({ tableName: Get.TableName, key, projection });
    }

    const tables: TableRecord[] = [];
    const seen = new Set<string>();
    for (const each of planned) {
      const table = tableForDataPlane(context.store, each.tableName);
      validateKey(table.key, each.key);
      checkProjectionKeyPaths(each.projection, table);
      const name = lockNameOf(table, each.key);
      if (seen.has(name)) throw validationError(duplicate_item_message);
      seen.add(name);
      tables.push(table);
    }

    // Every item is admitted on its partition before anything is read; a throttled one cancels
    // the transaction, naming it in CancellationReasons.
    const admission = context.admission;
    const admitted = admitTransaction(admission, planned.map((each, i) => ({ table: tables[i]!, key: each.key, kind: 'read' })));
    let items;
    try {
      items = transactionCoordinator(context.store).read(planned.map((each, i) => ({ table: tables[i]!, key: each.key })));
    } catch (error) {
      admitted.releaseAll();
      throw error;
    }
    const sizes_bytes = items.map((item) => (item === undefined ? 0 : itemSize(item)));
    // The aggregate size of the items read is at most 4 MB, as for TransactWriteItems (API
    // reference, TransactGetItems); over it the read answers nothing but the refusal.
    let total_bytes = 0;
    for (const size_bytes of sizes_bytes) total_bytes += size_bytes;
    if (total_bytes > max_transaction_bytes) {
      admitted.releaseAll();
      throw validationError(transaction_too_large_message);
    }
    const responses: JsonObject[] = [];
    const units: { tableName: string; units: number }[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      responses.push(item === undefined ? {} : { Item: applyProjection(planned[i]!.projection, item) });
      const itemUnits = readCapacityUnits(sizes_bytes[i]!, { consistent: true, transactional: true });
      admission.charge(admitted.slots[i]!, 'read', itemUnits, admitted.verdicts[i]!, admitted.reserved[i]!);
      units.push({ tableName: planned[i]!.tableName, units: itemUnits });
    }
    const response: JsonObject = { Responses: responses };
    const capacity = capacityByTable(body.ReturnConsumedCapacity, units);
    if (capacity !== undefined) response['ConsumedCapacity'] = capacity;
    return response;
  },
};
