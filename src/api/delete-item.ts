/**
 * DeleteItem: remove one item by its full primary key, optionally only if a condition holds.
 * Order of checks (DynamoDB's): request shape; expression/non-expression mixing; key attribute
 * values; ReturnValues (only NONE or ALL_OLD); legacy Expected; condition expression; then the
 * table; then the key against the table's schema.
 */
import { validateAttributeMap, validateKey } from '../model/validate-item.js';
import type { Action } from './action.js';
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

const deleteItemShape = request({
  ReturnConsumedCapacity: returnConsumedCapacity(),
  TableName: tableName(),
  ReturnValues: returnValues(),
  ReturnItemCollectionMetrics: returnItemCollectionMetrics(),
  Key: attributeMap({ notNull: true }),
  ConditionalOperator: conditionalOperator(),
  Expected: expectedAttributeValues(),
  ConditionExpression: string(),
  ExpressionAttributeValues: expressionAttributeValues(),
  ExpressionAttributeNames: expressionAttributeNames(),
  ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailure(),
});

export const deleteItem: Action = {
  name: 'DeleteItem',
  async run(context, rawBody) {
    const body = checkRequest(deleteItemShape, rawBody);
    checkExpressionParameters(body, ['ConditionExpression'], ['Expected']);
    const key = validateAttributeMap(body.Key);
    checkReturnValuesOldOrNone(body.ReturnValues);
    const condition = prepareCondition(body);

    const table = tableForDataPlane(context.store, body.TableName);
    validateKey(table.key, key);

    const { outcome, consumedCapacity } = await admittedItemWrite(context, table, key, body, (previous) => {
      enforceCondition(condition, previous, body.ReturnValuesOnConditionCheckFailure === 'ALL_OLD');
      return undefined;
    });

    const attributes = body.ReturnValues === 'ALL_OLD' ? outcome.previous : undefined;
    return itemWriteResponse(attributes, consumedCapacity, body.ReturnItemCollectionMetrics, table, key, outcome);
  },
};
