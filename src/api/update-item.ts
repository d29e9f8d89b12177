/**
 * UpdateItem: edit an item's attributes with an UpdateExpression (or the legacy
 * AttributeUpdates), creating the item when it does not exist, optionally only if a condition
 * holds.
 * Order of checks (DynamoDB's): request shape; expression/non-expression mixing; key attribute
 * values; AttributeUpdates; Expected; the update and condition expressions together (names and
 * values unused by both are refused); then the table; the key against the schema; key
 * attributes that the update would write. The condition and the update run inside the write
 * transaction against the current item; the update is pure, so a retry is safe.
 */
import { keyNames, type Item } from '../model/attribute-value.js';
import { validateAttributeMap, validateKey } from '../model/validate-item.js';
import { attributeUpdatesToUpdate, expectedCondition, type ConditionalOperator } from '../expr/legacy.js';
import { project } from '../expr/projection.js';
import type { DocumentPath, ResolvedCondition, ResolvedUpdate } from '../expr/resolved.js';
import { resolveExpressions } from '../expr/resolve.js';
import { applyUpdate, checkKeyAttributesNotUpdated } from '../expr/update.js';
import type { Action } from './action.js';
import { checkIndexKeys } from './secondary-indexes.js';
import { itemWriteResponse } from './item-write-response.js';
import { tableForDataPlane } from './data-plane-table.js';
import { admittedItemWrite } from './throughput.js';
import { checkExpressionParameters, enforceCondition } from './item-expressions.js';
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
import { attributeValueUpdates, expectedAttributeValues, returnValuesOnConditionCheckFailure } from './validation/item-shapes.js';
import { attributeMap, request, string } from './validation/shape.js';

const updateItemShape = request({
  ReturnConsumedCapacity: returnConsumedCapacity(),
  TableName: tableName(),
  ReturnItemCollectionMetrics: returnItemCollectionMetrics(),
  ReturnValues: returnValues(),
  Key: attributeMap({ notNull: true }),
  ConditionalOperator: conditionalOperator(),
  Expected: expectedAttributeValues(),
  AttributeUpdates: attributeValueUpdates(),
  ConditionExpression: string(),
  UpdateExpression: string(),
  ExpressionAttributeValues: expressionAttributeValues(),
  ExpressionAttributeNames: expressionAttributeNames(),
  ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailure(),
});

const no_update: ResolvedUpdate = { actions: [], source: 'expression' };

export const updateItem: Action = {
  name: 'UpdateItem',
  async run(context, rawBody) {
    const body = checkRequest(updateItemShape, rawBody);
    checkExpressionParameters(body, ['UpdateExpression', 'ConditionExpression'], ['AttributeUpdates', 'Expected']);
    const key = validateAttributeMap(body.Key);
    let update: ResolvedUpdate = no_update;
    let condition: ResolvedCondition | undefined;
    if (body.AttributeUpdates !== undefined) update = attributeUpdatesToUpdate(body.AttributeUpdates);
    if (body.Expected !== undefined) condition = expectedCondition(body.Expected, body.ConditionalOperator as ConditionalOperator | undefined);
    if (body.UpdateExpression !== undefined || body.ConditionExpression !== undefined) {
      const resolved = resolveExpressions(
        { UpdateExpression: body.UpdateExpression, ConditionExpression: body.ConditionExpression },
        body.ExpressionAttributeNames,
        body.ExpressionAttributeValues,
      );
      if (resolved.update !== undefined) update = resolved.update;
      condition = resolved.condition;
    }

    const table = tableForDataPlane(context.store, body.TableName);
    validateKey(table.key, key);
    checkKeyAttributesNotUpdated(update, keyNames(table.key));

    let updatedPaths: readonly DocumentPath[] = [];
    const { outcome, consumedCapacity } = await admittedItemWrite(context, table, key, body, (previous) => {
      enforceCondition(condition, previous, body.ReturnValuesOnConditionCheckFailure === 'ALL_OLD');
      const result = applyUpdate(update, previous ?? key);
      updatedPaths = result.updatedPaths;
      // An update made only of REMOVE and DELETE actions does not bring a missing item into
      // existence; one with no actions at all creates the item with just its key.
      if (previous === undefined && update.actions.length > 0 && update.actions.every(removesOnly)) return undefined;
      // The updated item's index keys must have the indexes' types, as for a put.
      checkIndexKeys(table, result.item);
      return result.item;
    });

    const attributes = returnedAttributes(body.ReturnValues, outcome.previous, outcome.next, updatedPaths);
    return itemWriteResponse(attributes, consumedCapacity, body.ReturnItemCollectionMetrics, table, key, outcome);
  },
};

function removesOnly(action: ResolvedUpdate['actions'][number]): boolean {
  return action.kind === 'remove' || action.kind === 'delete';
}

/** ReturnValues: ALL_OLD/ALL_NEW whole images; UPDATED_OLD/UPDATED_NEW only the updated paths. */
function returnedAttributes(
  returnValues: string | undefined,
  previous: Item | undefined,
  next: Item | undefined,
  updatedPaths: readonly DocumentPath[],
): Item | undefined {
  switch (returnValues) {
    case 'ALL_OLD':
      return previous;
    case 'ALL_NEW':
      return next;
    case 'UPDATED_OLD':
      return previous === undefined ? undefined : project(updatedPaths, previous);
    case 'UPDATED_NEW':
      return next === undefined ? undefined : project(updatedPaths, next);
    default:
      return undefined;
  }
}
