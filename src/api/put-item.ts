/**
 * PutItem: create or replace one item, optionally only if a condition holds.
 * Order of checks (DynamoDB's): request shape; expression/non-expression mixing; attribute values;
 * ReturnValues (only NONE or ALL_OLD); item size; legacy Expected; condition expression; then the
 * table; then the item's key attributes against the table's schema. The condition is evaluated
 * inside the write transaction against the current item.
 */
import { max_item_size_bytes } from '../limits.js';
import { itemSize } from '../model/item-size.js';
import { item_too_large_message, validateAttributeMap, validateItemKeyAttributes } from '../model/validate-item.js';
import { keyOf } from '../partition/table-store.js';
import { validationError } from '../errors.js';
import type { Action } from './action.js';
import { checkIndexKeys } from './secondary-indexes.js';
import { itemWriteResponse } from './item-write-response.js';
import { tableForDataPlane } from './data-plane-table.js';
import { admittedItemWrite } from './throughput.js';
import { checkExpressionParameters, checkReturnValuesOldOrNone, enforceCondition, prepareCondition } from './item-expressions.js';
import { checkRequest } from './validation/check-request.js';
import {
  conditionalOperator,
  expressionAttributeNames,
  expressionAttributeValues,
  returnConsumedCapacity,
  returnItemCollectionMetrics,
  returnValues,
  tableName,
} from './validation/common-shapes.js';
import { expectedAttributeValues, returnValuesOnConditionCheckFailure } from './validation/item-shapes.js';
import { attributeMap, request, string } from './validation/shape.js';

const putItemShape = request({
  ReturnConsumedCapacity: returnConsumedCapacity(),
  TableName: tableName(),
  Item: attributeMap({ notNull: true }),
  ConditionalOperator: conditionalOperator(),
  Expected: expectedAttributeValues(),
  ReturnValues: returnValues(),
  ReturnItemCollectionMetrics: returnItemCollectionMetrics(),
  ConditionExpression: string(),
  ExpressionAttributeValues: expressionAttributeValues(),
  ExpressionAttributeNames: expressionAttributeNames(),
  ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailure(),
});

export const putItem: Action = {
  name: 'PutItem',
  async run(context, rawBody) {
    const body = checkRequest(putItemShape, rawBody);
    checkExpressionParameters(body, ['ConditionExpression'], ['Expected']);
    const item = validateAttributeMap(body.Item);
    checkReturnValuesOldOrNone(body.ReturnValues);
    const newSize_bytes = itemSize(item);
    if (newSize_bytes > max_item_size_bytes) throw validationError(item_too_large_message);
    const condition = prepareCondition(body);

    const table = tableForDataPlane(context.store, body.TableName);
    validateItemKeyAttributes(table.key, item);
    checkIndexKeys(table, item);

    const { outcome, consumedCapacity } = await admittedItemWrite(
      context,
      table,
      keyOf(table.key, item),
      body,
      (previous) => {
        enforceCondition(condition, previous, body.ReturnValuesOnConditionCheckFailure === 'ALL_OLD');
        return item;
      },
      { item, size_bytes: newSize_bytes },
    );

    const attributes = body.ReturnValues === 'ALL_OLD' ? outcome.previous : undefined;
    return itemWriteResponse(attributes, consumedCapacity, body.ReturnItemCollectionMetrics, table, item, outcome);
  },
};
