/**
 * The expression language: pure (no I/O), imports only `model/`, `errors.ts` and `limits.ts`.
 *
 * Stages, each usable on its own:
 *  1. parse (`parse.ts`): text -> AST, with every error that does not depend on the names and
 *     values maps; cached in a bounded LRU keyed by expression type and text.
 *       parseCondition(text, 'ConditionExpression' | 'FilterExpression' | 'KeyConditionExpression')
 *       parseUpdate(text), parseProjection(text), expressionCacheStats()
 *  2. resolve (`resolve.ts`): all of one request's expressions against its
 *     ExpressionAttributeNames/Values, in DynamoDB's order, including unused names and values.
 *       resolveExpressions({ UpdateExpression?, ConditionExpression?, KeyConditionExpression?,
 *         FilterExpression?, ProjectionExpression? }, names, values) -> ResolvedExpressions
 *  3. evaluate (`evaluate.ts`, `update.ts`, `projection.ts`):
 *       evaluateCondition(condition, item | undefined): boolean
 *       applyUpdate(update, itemOrKey): { item, updatedPaths }   (pure)
 *       project(paths, item): Item   (ProjectionExpression, AttributesToGet, UPDATED_OLD/NEW)
 *       checkKeyAttributesNotUpdated(update, keyNames)
 *  4. keys (`key-condition.ts`, `key-paths.ts`): keyConditionTerms(resolvedKeyCondition),
 *     legacyKeyConditionTerms(KeyConditions) -> one term per key attribute;
 *     checkScalarKeyPaths(conditionPaths(c) | updatePaths(u) | projection, keyNames, 'Key' |
 *     'IndexKey') refuses paths that look inside a key attribute.
 *  5. legacy parameters (`legacy.ts`): checkExpressionParameters, expectedCondition,
 *     legacyFilterCondition (QueryFilter/ScanFilter), attributeUpdatesToUpdate,
 *     attributesToGetProjection; they produce the same resolved forms as expressions.
 *
 * A typical UpdateItem: checkExpressionParameters(request, ['UpdateExpression',
 * 'ConditionExpression'], ['AttributeUpdates', 'Expected']); resolveExpressions(...) (or the
 * legacy converters); after the table lookup checkKeyAttributesNotUpdated; then, on the stored
 * item, evaluateCondition and applyUpdate.
 */
export type {
  Comparator,
  ConditionKind,
  ConditionNode,
  ExpressionKind,
  OperandNode,
  PathNode,
  ProjectionNode,
  UpdateNode,
} from './ast.js';
export { clearExpressionCache, expressionCacheStats, parseCondition, parseProjection, parseUpdate } from './parse.js';
export {
  resolveExpressions,
  type ExpressionAttributeNames,
  type ExpressionAttributeValues,
  type ExpressionTexts,
  type ResolvedExpressions,
} from './resolve.js';
export {
  formatPath,
  type ComparisonOperator,
  type DocumentPath,
  type ResolvedCondition,
  type ResolvedOperand,
  type ResolvedProjection,
  type ResolvedSetValue,
  type ResolvedUpdate,
  type ResolvedUpdateAction,
} from './resolved.js';
export { evaluateCondition, evaluateLegacy, valueAtPath } from './evaluate.js';
export { applyUpdate, checkKeyAttributesNotUpdated, type UpdateResult } from './update.js';
export { project } from './projection.js';
export { keyConditionTerms, legacyKeyConditionTerms, type KeyConditionTerm } from './key-condition.js';
export { checkScalarKeyPaths, conditionPaths, updatePaths } from './key-paths.js';
export {
  attributesToGetProjection,
  attributeUpdatesToUpdate,
  checkExpressionParameters,
  expectedCondition,
  legacyFilterCondition,
  type AttributeValueUpdate,
  type ConditionalOperator,
  type ExpectedAttributeValue,
  type LegacyCondition,
} from './legacy.js';
