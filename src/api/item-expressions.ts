/**
 * The item actions' use of the expression engine: a request's condition (ConditionExpression or
 * the legacy Expected) and projection (ProjectionExpression or the legacy AttributesToGet),
 * validated with DynamoDB's messages before the table is looked up, and evaluated later against
 * the stored item.
 */
import { conditionalCheckFailed, validationError } from '../errors.js';
import type { Item } from '../model/attribute-value.js';
import { evaluateCondition } from '../expr/evaluate.js';
import { attributesToGetProjection, expectedCondition, type ConditionalOperator, type ExpectedAttributeValue } from '../expr/legacy.js';
import { project } from '../expr/projection.js';
import type { ResolvedCondition, ResolvedProjection } from '../expr/resolved.js';
import { resolveExpressions, type ExpressionAttributeNames, type ExpressionAttributeValues } from '../expr/resolve.js';
import type { TableRecord } from '../partition/table-store.js';

export { checkExpressionParameters } from '../expr/legacy.js';

/** PutItem and DeleteItem answer only with the old item, if at all (DynamoDB's rule). */
export function checkReturnValuesOldOrNone(returnValues: string | undefined): void {
  if (returnValues !== undefined && returnValues !== 'ALL_OLD' && returnValues !== 'NONE') {
    throw validationError('ReturnValues can only be ALL_OLD or NONE');
  }
}

interface ConditionParameters {
  readonly ConditionExpression?: string | undefined;
  readonly Expected?: Readonly<Record<string, ExpectedAttributeValue>> | undefined;
  readonly ConditionalOperator?: string | undefined;
  readonly ExpressionAttributeNames?: ExpressionAttributeNames | undefined;
  readonly ExpressionAttributeValues?: ExpressionAttributeValues | undefined;
}

/** The request's condition, resolved; undefined when the write is unconditional. */
export function prepareCondition(body: ConditionParameters): ResolvedCondition | undefined {
  if (body.Expected !== undefined) return expectedCondition(body.Expected, body.ConditionalOperator as ConditionalOperator | undefined);
  if (body.ConditionExpression === undefined) return undefined;
  return resolveExpressions({ ConditionExpression: body.ConditionExpression }, body.ExpressionAttributeNames, body.ExpressionAttributeValues).condition;
}

/**
 * Inside the write: throws ConditionalCheckFailedException when the condition does not hold for
 * the current item, carrying that item when ReturnValuesOnConditionCheckFailure is ALL_OLD.
 */
export function enforceCondition(condition: ResolvedCondition | undefined, previous: Item | undefined, returnOldOnFailure: boolean): void {
  if (condition === undefined || evaluateCondition(condition, previous)) return;
  throw conditionalCheckFailed(returnOldOnFailure ? previous : undefined);
}

interface ProjectionParameters {
  readonly ProjectionExpression?: string | undefined;
  readonly AttributesToGet?: readonly string[] | undefined;
  readonly ExpressionAttributeNames?: ExpressionAttributeNames | undefined;
}

/** The request's projection, resolved; undefined when the whole item is wanted. */
export function prepareProjection(body: ProjectionParameters): ResolvedProjection | undefined {
  if (body.AttributesToGet !== undefined) return attributesToGetProjection(body.AttributesToGet);
  if (body.ProjectionExpression === undefined) return undefined;
  return resolveExpressions({ ProjectionExpression: body.ProjectionExpression }, body.ExpressionAttributeNames, undefined).projection;
}

/**
 * DynamoDB refuses a projection that reaches inside a key attribute (`pk.a`, `pk[0]`): key
 * attributes are scalars.
 */
export function checkProjectionKeyPaths(projection: ResolvedProjection | undefined, table: TableRecord): void {
  if (projection === undefined) return;
  for (const path of projection) {
    if (path.length > 1 && (path[0] === table.key.hashName || path[0] === table.key.rangeName)) {
      throw validationError(`Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: ${String(path[0])}`);
    }
  }
}

export function applyProjection(projection: ResolvedProjection | undefined, item: Item): Item {
  return projection === undefined ? item : project(projection, item);
}
