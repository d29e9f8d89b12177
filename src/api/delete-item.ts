/**
 * DeleteItem: remove one item by its full primary key, optionally only if a condition holds.
 * Order of checks (DynamoDB's): request shape; expression/non-expression mixing; key attribute
 * values; ReturnValues (only NONE or ALL_OLD); legacy Expected; condition expression; then the
 * table; then the key against the table's schema.
 */
import { writeCapacityUnits } from '../model/capacity.js';
import { itemSize } from '../model/item-size.js';
import { validateAttributeMap, validateKey } from '../model/validate-item.js';
import type { Item } from '../model/attribute-value.js';
import { admitted, reported } from '../partition/admission-control.js';
import { assertItemNotInTransaction } from '../txn/transaction-coordinator.js';
import type { Action, JsonObject } from './action.js';
import { writeConsumedCapacity, writeItemCollectionMetrics } from './secondary-indexes.js';
import { tableForDataPlane } from './data-plane-table.js';
import { admitOrThrow, chargeFailedWrite, chargeWrite, checkIndexBackPressure, indexWriteUnitsOf, write_reserved_units } from './throughput.js';
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

    const admission = context.admission;
    const slot = admission.slotOf(table, key);
    let verdict = admitOrThrow(admission, table, slot, 'write', write_reserved_units);
    let seen: Item | undefined;
    let outcome;
    try {
      outcome = await context.store.writeItem(table, key, (previous) => {
        seen = previous;
        assertItemNotInTransaction(context.store, table, key);
        enforceCondition(condition, previous, body.ReturnValuesOnConditionCheckFailure === 'ALL_OLD');
        if (checkIndexBackPressure(admission, table, previous, undefined) !== admitted) verdict = reported;
        return undefined;
      });
    } catch (error) {
      chargeFailedWrite(admission, slot, verdict, error, seen);
      throw error;
    }

    const response: JsonObject = {};
    if (body.ReturnValues === 'ALL_OLD' && outcome.previous !== undefined) response['Attributes'] = outcome.previous;
    const units = writeCapacityUnits(outcome.previous === undefined ? 0 : itemSize(outcome.previous));
    const indexUnits = indexWriteUnitsOf(table, [outcome]);
    chargeWrite(admission, table, slot, verdict, units, indexUnits, write_reserved_units);
    const capacity = writeConsumedCapacity(body.ReturnConsumedCapacity, table, body.TableName, units, indexUnits);
    if (capacity !== undefined) response['ConsumedCapacity'] = capacity;
    const metrics = writeItemCollectionMetrics(body.ReturnItemCollectionMetrics, table, key, outcome);
    if (metrics !== undefined) response['ItemCollectionMetrics'] = metrics;
    return response;
  },
};
