/**
 * GetItem: one item by its full primary key, optionally projected.
 * Order of checks (DynamoDB's): request shape; expression/non-expression mixing; key attribute
 * values; duplicate AttributesToGet; projection expression; then the table; then the key against
 * the table's schema.
 */
import { readCapacityUnits } from '../model/capacity.js';
import { itemSize } from '../model/item-size.js';
import { validateAttributeMap, validateKey } from '../model/validate-item.js';
import { readOptionsFor } from '../partition/table-store.js';
import { JsonText, type Action, type JsonObject } from './action.js';
import { consumedCapacity, wantsConsumedCapacity } from './consumed-capacity.js';
import { tableForDataPlane } from './data-plane-table.js';
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

    const response: JsonObject = {};
    if (projection === undefined && !wantsConsumedCapacity(body.ReturnConsumedCapacity)) {
      // The common case: the whole item, no sizes needed; its stored JSON goes out as it is.
      const json = context.store.getItemJson(table, key, readOptionsFor(body.ConsistentRead));
      if (json !== undefined) response['Item'] = new JsonText(json);
      return response;
    }
    const item = context.store.getItem(table, key, readOptionsFor(body.ConsistentRead));
    if (item !== undefined) response['Item'] = applyProjection(projection, item);
    const consistent = body.ConsistentRead === true;
    const capacity = consumedCapacity(body.ReturnConsumedCapacity, body.TableName, readCapacityUnits(item === undefined ? 0 : itemSize(item), { consistent }));
    if (capacity !== undefined) response['ConsumedCapacity'] = capacity;
    return response;
  },
};
