/**
 * Query: the items of one partition key, in sort-key order (forwards or backwards), narrowed by a
 * sort-key condition, filtered, projected and paged as DynamoDB pages (see paging.ts).
 *
 * Order of checks (DynamoDB's; dynalite's tests record them): request shape; expression /
 * non-expression mixing; QueryFilter; duplicate AttributesToGet; ExclusiveStartKey values; a key
 * condition is present; the expressions (names, values, syntax, unused keys); the key conditions'
 * structure and values; Select; then the table and index; then, key attribute by key attribute
 * (partition key first), the ExclusiveStartKey's part and the condition on it; then the
 * ExclusiveStartKey against the conditions; projections into key attributes; filters on keys.
 */
import { assertNever, validationError } from '../errors.js';
import { keyNames, type AttributeValue, type Item, type KeyAttributeType, type KeyShape } from '../model/attribute-value.js';
import { validateKey } from '../model/validate-item.js';
import { evaluateLegacy } from '../expr/evaluate.js';
import { conditionPaths } from '../expr/key-paths.js';
import { keyConditionTerms, legacyKeyConditionTerms, type KeyConditionTerm } from '../expr/key-condition.js';
import { attributesToGetProjection, legacyFilterCondition, type ConditionalOperator } from '../expr/legacy.js';
import type { ResolvedCondition, ResolvedProjection } from '../expr/resolved.js';
import { resolveExpressions } from '../expr/resolve.js';
import { keyOf, readOptionsFor, type QueryRange, type SecondaryIndex, type SortKeyBound } from '../partition/table-store.js';
import type { Action } from './action.js';
import { tableForDataPlane } from './data-plane-table.js';
import { admitPage, chargePage, readReservedUnits } from './throughput.js';
import { readCapacityUnits } from '../model/capacity.js';
import { checkSelectOnIndex, indexForRead, needsTableFetch, tableFetcher } from './secondary-indexes.js';
import { checkExpressionParameters, checkProjectionKeyPaths } from './item-expressions.js';
import { checkSelect, legacyConditions, pageResponse, readPage, validateStartKeyValues } from './paging.js';
import { checkRequest } from './validation/check-request.js';
import {
  conditionalOperator,
  expressionAttributeNames,
  expressionAttributeValues,
  indexName,
  returnConsumedCapacity,
  select,
  tableName,
} from './validation/common-shapes.js';
import { attributeMap, boolean, integer, list, request, string } from './validation/shape.js';

const queryShape = request({
  Select: select(),
  IndexName: indexName(false),
  ReturnConsumedCapacity: returnConsumedCapacity(),
  QueryFilter: legacyConditions('filter'),
  TableName: tableName(),
  ConditionalOperator: conditionalOperator(),
  AttributesToGet: list(string(), { minLength: 1, maxLength: 255 }),
  Limit: integer({ min: 1 }),
  KeyConditions: legacyConditions('key'),
  ExclusiveStartKey: attributeMap(),
  ConsistentRead: boolean(),
  ScanIndexForward: boolean(),
  KeyConditionExpression: string(),
  FilterExpression: string(),
  ProjectionExpression: string(),
  ExpressionAttributeValues: expressionAttributeValues(),
  ExpressionAttributeNames: expressionAttributeNames(),
});

const starting_key_invalid = 'The provided starting key is invalid';

/** Operators a key condition cannot use: they select no contiguous range of the index. */
const non_indexable: ReadonlySet<string> = new Set(['NULL', 'NOT_NULL', 'NE', 'CONTAINS', 'NOT_CONTAINS', 'IN']);

function valueOfType(value: AttributeValue, type: KeyAttributeType): boolean {
  return (value as { readonly [type: string]: unknown })[type] !== undefined;
}

/** The ExclusiveStartKey's part for one key attribute: present, of the schema's type, valid. */
function checkStartKeyPart(startKey: Item, shape: KeyShape, name: string): void {
  if (startKey[name] === undefined) throw validationError(starting_key_invalid);
  // validateKey checks both parts; reaching here for the partition key first keeps DynamoDB's order.
  const partial: KeyShape = name === shape.hashName ? { hashName: name, hashType: shape.hashType } : shape;
  validateKey(partial, name === shape.hashName ? { [name]: startKey[name]! } : keyOf(shape, startKey));
}

/** The key conditions against the table's key schema, partition key first (dynalite records the messages). */
function checkKeyConditions(shape: KeyShape, terms: readonly KeyConditionTerm[], startKey: Item | undefined, startKeyNames: number): void {
  if (startKey !== undefined) {
    let count = 0;
    for (const _ in startKey) count++;
    if (count !== startKeyNames) throw validationError(starting_key_invalid);
  }
  const parts: [string, KeyAttributeType, boolean][] = [[shape.hashName, shape.hashType, true]];
  if (shape.rangeName !== undefined && shape.rangeType !== undefined) parts.push([shape.rangeName, shape.rangeType, false]);
  for (const [name, type, isHash] of parts) {
    if (startKey !== undefined) checkStartKeyPart(startKey, shape, name);
    if (isHash && parts.length === 1 && terms.length > 1) throw validationError('Query key condition not supported');
    const term = terms.find((candidate) => candidate.attribute === name);
    if (term === undefined) {
      if (isHash || terms.length > 1) throw validationError(`Query condition missed key schema element: ${name}`);
      continue;
    }
    if (non_indexable.has(term.operator)) throw validationError('Attempted conditional constraint is not an indexable operation');
    if (!term.values.every((value) => valueOfType(value, type))) {
      throw validationError('One or more parameter values were invalid: Condition parameter type does not match schema type');
    }
    if (isHash && term.operator !== 'EQ') throw validationError('Query key condition not supported');
  }
}

/**
 * A store range with every member present (undefined when unused), in one order, so every range
 * shares one hidden class: a spread of a base range with a member added made V8 a new hidden
 * class per Query.
 */
function rangeOf(partitionKey: AttributeValue, lower: SortKeyBound | undefined, upper: SortKeyBound | undefined, prefix: AttributeValue | undefined, forward: boolean, after: Item | undefined): QueryRange {
  return { partitionKey, lower, upper, prefix, forward, after };
}

/** The sort-key condition as a store range (the partition key's term is always EQ). */
function queryRange(shape: KeyShape, terms: readonly KeyConditionTerm[], forward: boolean, after: Item | undefined): QueryRange {
  const partitionKey = terms.find((term) => term.attribute === shape.hashName)!.values[0]!;
  const sortTerm = terms.find((term) => term.attribute !== shape.hashName);
  if (sortTerm === undefined) return rangeOf(partitionKey, undefined, undefined, undefined, forward, after);
  const [first, second] = sortTerm.values as [AttributeValue, AttributeValue | undefined];
  switch (sortTerm.operator) {
    case 'EQ':
      return rangeOf(partitionKey, { value: first, inclusive: true }, { value: first, inclusive: true }, undefined, forward, after);
    case 'LT':
      return rangeOf(partitionKey, undefined, { value: first, inclusive: false }, undefined, forward, after);
    case 'LE':
      return rangeOf(partitionKey, undefined, { value: first, inclusive: true }, undefined, forward, after);
    case 'GT':
      return rangeOf(partitionKey, { value: first, inclusive: false }, undefined, undefined, forward, after);
    case 'GE':
      return rangeOf(partitionKey, { value: first, inclusive: true }, undefined, undefined, forward, after);
    case 'BETWEEN':
      return rangeOf(partitionKey, { value: first, inclusive: true }, { value: second!, inclusive: true }, undefined, forward, after);
    case 'BEGINS_WITH':
      return rangeOf(partitionKey, undefined, undefined, first, forward, after);
    case 'NE':
    case 'NULL':
    case 'NOT_NULL':
    case 'CONTAINS':
    case 'NOT_CONTAINS':
    case 'IN':
      throw validationError('Attempted conditional constraint is not an indexable operation');
    default:
      return assertNever(sortTerm.operator, 'key condition operator');
  }
}

/** An ExclusiveStartKey must lie inside the range the conditions select. */
function checkStartKeyInRange(shape: KeyShape, terms: readonly KeyConditionTerm[], startKey: Item): void {
  const hashTerm = terms.find((term) => term.attribute === shape.hashName)!;
  const sameHash = evaluateLegacy('EQ', startKey[shape.hashName], hashTerm.values);
  const sortTerm = shape.rangeName === undefined ? undefined : terms.find((term) => term.attribute === shape.rangeName);
  if (sortTerm === undefined) {
    if (!sameHash) throw validationError('The provided starting key is outside query boundaries based on provided conditions');
    return;
  }
  if (!evaluateLegacy(sortTerm.operator, startKey[sortTerm.attribute], sortTerm.values)) {
    throw validationError('The provided starting key does not match the range key predicate');
  }
  if (!sameHash) throw validationError('The query can return at most one row and cannot be restarted');
}

/** The top-level attributes a filter reads. */
export function collectHeads(condition: ResolvedCondition, heads: Set<string | number>): void {
  for (const path of conditionPaths(condition)) heads.add(path[0]!);
}

/** DynamoDB refuses a Query filter on the key attributes: the key condition is the place for them. */
function checkFilterKeys(shape: KeyShape, filter: ResolvedCondition | undefined, parameter: string): void {
  if (filter === undefined) return;
  const heads = new Set<string | number>();
  collectHeads(filter, heads);
  for (const name of keyNames(shape)) {
    if (heads.has(name)) throw validationError(`${parameter} can only contain non-primary key attributes: Primary key attribute: ${name}`);
  }
}

/** How many attributes an ExclusiveStartKey has: the table's keys, and an index's too. */
export function startKeyNameCount(tableKey: KeyShape, index: SecondaryIndex | undefined): number {
  const names = new Set([tableKey.hashName]);
  if (tableKey.rangeName !== undefined) names.add(tableKey.rangeName);
  if (index !== undefined) {
    names.add(index.key.hashName);
    if (index.key.rangeName !== undefined) names.add(index.key.rangeName);
  }
  return names.size;
}

/** The top-level attributes a read's projection and filter name. */
export function readHeads(projection: ResolvedProjection | undefined, filter: ResolvedCondition | undefined): Set<string | number> {
  const heads = new Set<string | number>();
  if (projection !== undefined) for (const path of projection) heads.add(path[0]!);
  if (filter !== undefined) collectHeads(filter, heads);
  return heads;
}

export const query: Action = {
  name: 'Query',
  run(context, rawBody) {
    const body = checkRequest(queryShape, rawBody);
    checkExpressionParameters(
      body,
      ['ProjectionExpression', 'FilterExpression', 'KeyConditionExpression'],
      ['AttributesToGet', 'QueryFilter', 'ConditionalOperator', 'KeyConditions'],
    );
    let filter: ResolvedCondition | undefined =
      body.QueryFilter === undefined ? undefined : legacyFilterCondition(body.QueryFilter, body.ConditionalOperator as ConditionalOperator | undefined);
    let projection: ResolvedProjection | undefined = body.AttributesToGet === undefined ? undefined : attributesToGetProjection(body.AttributesToGet);
    const startKey = validateStartKeyValues(body.ExclusiveStartKey);
    if (body.KeyConditions === undefined && body.KeyConditionExpression === undefined) {
      throw validationError('Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.');
    }
    const resolved = resolveExpressions(
      { KeyConditionExpression: body.KeyConditionExpression, FilterExpression: body.FilterExpression, ProjectionExpression: body.ProjectionExpression },
      body.ExpressionAttributeNames,
      body.ExpressionAttributeValues,
    );
    if (resolved.filter !== undefined) filter = resolved.filter;
    if (resolved.projection !== undefined) projection = resolved.projection;
    const terms = resolved.keyCondition !== undefined ? keyConditionTerms(resolved.keyCondition) : legacyKeyConditionTerms(body.KeyConditions);
    const countOnly = checkSelect(body, '1 validation error detected: ');

    const table = tableForDataPlane(context.store, body.TableName);
    const index = body.IndexName === undefined ? undefined : indexForRead(context.store, table, body.IndexName, body.ConsistentRead);
    const shape = index?.key ?? table.key;
    checkKeyConditions(shape, terms, startKey, startKeyNameCount(table.key, index));
    if (startKey !== undefined) checkStartKeyInRange(shape, terms, startKey);
    checkProjectionKeyPaths(projection, table);
    checkFilterKeys(shape, filter, body.QueryFilter !== undefined ? 'QueryFilter' : 'Filter Expression');

    const range = queryRange(shape, terms, body.ScanIndexForward !== false, startKey);
    // A Query reads one partition key: the partition holding it (an LSI shares the table's
    // partition key), or the GSI's own capacity.
    const admission = context.admission;
    const consistent = body.ConsistentRead === true;
    const slot = index !== undefined && index.kind === 'global' ? admission.slotsOf(table)[0]! : admission.slotOf(table, { [table.key.hashName]: range.partitionKey });
    if (index === undefined) {
      const verdict = admitPage(admission, table, slot, undefined, consistent);
      const page = readPage(context.store.queryItemsJson(table, range, readOptionsFor(body.ConsistentRead)), { limit: body.Limit, filter, projection, countOnly, keyShape: shape });
      admission.charge(slot, 'read', readCapacityUnits(page.readBytes, { consistent }), verdict, readReservedUnits(consistent));
      return pageResponse(page, countOnly, body.ReturnConsumedCapacity, body.TableName, consistent);
    }
    checkSelectOnIndex(index, body.Select);
    const fetch = needsTableFetch(index, table.key, body.Select, readHeads(projection, filter)) ? tableFetcher(context.store, table) : undefined;
    const verdict = admitPage(admission, table, slot, index, consistent);
    const source = context.store.queryIndexJson(table, index.name, range, readOptionsFor(body.ConsistentRead));
    const page = readPage(source, { limit: body.Limit, filter, projection, countOnly, keyShape: table.key, indexKeyShape: index.key, ...(fetch === undefined ? {} : { fetch }) });
    chargePage(admission, table, slot, index, page, consistent, verdict);
    return pageResponse(page, countOnly, body.ReturnConsumedCapacity, body.TableName, consistent, index);
  },
};
