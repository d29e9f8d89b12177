/**
 * Shapes shared by the item actions (PutItem, UpdateItem, DeleteItem, and later the batch and
 * transaction actions): the legacy `Expected` map and ReturnValuesOnConditionCheckFailure.
 * Member order is the order DynamoDB reports constraint violations in.
 */
import { attributeValue, boolean, list, map, string, structure } from './shape.js';

export const comparisonOperators = ['IN', 'NULL', 'BETWEEN', 'LT', 'NOT_CONTAINS', 'EQ', 'GT', 'NOT_NULL', 'NE', 'LE', 'BEGINS_WITH', 'GE', 'CONTAINS'] as const;

const expectedAttributeValue = structure('ExpectedAttributeValue', {
  AttributeValueList: list(attributeValue()),
  ComparisonOperator: string({ enum: comparisonOperators }),
  Exists: boolean(),
  Value: attributeValue(),
});

export const expectedAttributeValues = () => map(expectedAttributeValue);
export const returnValuesOnConditionCheckFailure = () => string({ enum: ['ALL_OLD', 'NONE'] });

const attributeValueUpdate = structure('AttributeValueUpdate', {
  Action: string({ enum: ['ADD', 'PUT', 'DELETE'] }),
  Value: attributeValue(),
});

export const attributeValueUpdates = () => map(attributeValueUpdate);
