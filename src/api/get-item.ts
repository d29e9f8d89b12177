/**
 * GetItem: one item by its full primary key, optionally projected.
 * Order of checks (DynamoDB's): request shape; expression/non-expression mixing; key attribute
 * values; duplicate AttributesToGet; projection expression; then the table; then the key against
 * the table's schema.
 */
import { readCapacityUnits, storedItemFitsOneReadUnit } from '../model/capacity.js';
import type { Item } from '../model/attribute-value.js';
import { itemSize } from '../model/item-size.js';
import { validateAttributeMap, validateKey } from '../model/validate-item.js';
import { readOptionsFor } from '../partition/table-store.js';
import { JsonText, type Action, type JsonObject } from './action.js';
import { consumedCapacity, wantsConsumedCapacity } from './consumed-capacity.js';
import { tableForDataPlane } from './data-plane-table.js';
import { admitOrThrow, readReservedUnits } from './throughput.js';
import { applyProjection, checkExpressionParameters, checkProjectionKeyPaths, prepareProjection } from './item-expressions.js';
import { checkRequest } from './validation/check-request.js';
import { expressionAttributeNames, returnConsumedCapacity, tableName } from './validation/common-shapes.js';
import { attributeMap, boolean, list, request, string } from './validation/shape.js';

const getItemShape = request({
  ReturnConsumedCapacity: returnConsumedCapacity(),
  AttributesToGet: list(string(), { minLength: 1, maxLength: 255 }),
  TableName: tableName(),
  Key: attributeMap({ notNull: true }),
  ConsistentRead: boolean(),
  ProjectionExpression: string(),
  ExpressionAttributeNames: expressionAttributeNames(),
});

export const getItem: Action = {
  name: 'GetItem',
  run(context, rawBody) {
    const body = checkRequest(getItemShape, rawBody);
    checkExpressionParameters(body, ['ProjectionExpression'], ['AttributesToGet']);
    const key = validateAttributeMap(body.Key);
    const projection = prepareProjection(body);

    const table = tableForDataPlane(context.store, body.TableName);
    validateKey(table.key, key);
    checkProjectionKeyPaths(projection, table);

    const admission = context.admission;
    const slot = admission.slotOf(table, key);
    const consistent = body.ConsistentRead === true;
    const reserved_units = readReservedUnits(consistent);
    const verdict = admitOrThrow(admission, table, slot, 'read', reserved_units);

    const response: JsonObject = {};
    if (projection === undefined && !wantsConsumedCapacity(body.ReturnConsumedCapacity)) {
      // The common case: the whole item, its stored JSON goes out as it is; its size is needed
      // only for an item whose JSON exceeds one read unit (see storedItemFitsOneReadUnit).
      const json = context.store.getItemJson(table, key, readOptionsFor(body.ConsistentRead));
      let size_bytes = 0;
      if (json !== undefined) {
        response['Item'] = new JsonText(json);
        if (!storedItemFitsOneReadUnit(json)) size_bytes = itemSize(JSON.parse(json) as Item);
      }
      admission.charge(slot, 'read', readCapacityUnits(size_bytes, { consistent }), verdict, reserved_units);
      return response;
    }
    const item = context.store.getItem(table, key, readOptionsFor(body.ConsistentRead));
    if (item !== undefined) response['Item'] = applyProjection(projection, item);
    const units = readCapacityUnits(item === undefined ? 0 : itemSize(item), { consistent });
    admission.charge(slot, 'read', units, verdict, reserved_units);
    const capacity = consumedCapacity(body.ReturnConsumedCapacity, body.TableName, units);
    if (capacity !== undefined) response['ConsumedCapacity'] = capacity;
    return response;
  },
};
