/**
 * Scan: every item of a table, in partition-key-hash order then sort-key order, filtered,
 * projected and paged as DynamoDB pages (see paging.ts).
 *
 * A parallel scan's Segment N of TotalSegments T reads the slice [ceil(N * 2^64 / T),
 * ceil((N + 1) * 2^64 / T)) of the 64-bit hash space: contiguous, disjoint, together the whole
 * space, and independent of how the table is partitioned; so the segments return every item
 * exactly once.
 *
 * Order of checks (DynamoDB's; dynalite's tests record them): request shape; expression /
 * non-expression mixing; duplicate AttributesToGet; ScanFilter; ExclusiveStartKey values;
 * Segment with TotalSegments; the expressions; Select; then the table and index; then the
 * ExclusiveStartKey against the schema and the segment; projections into key attributes.
 */
import { validationError, DynamoError } from '../errors.js';
import { keyNames, scalarOf, type Item, type KeyShape } from '../model/attribute-value.js';
import { partitionKeyHash } from '../model/key-codec.js';
import { validateKey } from '../model/validate-item.js';
import { attributesToGetProjection, legacyFilterCondition, type ConditionalOperator } from '../expr/legacy.js';
import type { ResolvedCondition, ResolvedProjection } from '../expr/resolved.js';
import { resolveExpressions } from '../expr/resolve.js';
import { hash_space_end, hash_space_size, hash_space_start, hashOf, partitionHolds } from '../partition/partition-map.js';
import { keyOf, readOptionsFor, type ScanRange, type SecondaryIndex } from '../partition/table-store.js';
import type { Action } from './action.js';
import { tableForDataPlane } from './data-plane-table.js';
import { admitPage, chargePage } from './throughput.js';
import { readHeads, startKeyNameCount } from './query.js';
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

/** TotalSegments is 1 to 1,000,000 (API reference, Scan). */
const max_total_segments = 1_000_000;

const scanShape = request({
  Select: select(),
  IndexName: indexName(false),
  TotalSegments: integer({ min: 1, max: max_total_segments }),
  ReturnConsumedCapacity: returnConsumedCapacity(),
  TableName: tableName(),
  ConditionalOperator: conditionalOperator(),
  ScanFilter: legacyConditions('filter'),
  Segment: integer({ min: 0, max: max_total_segments - 1 }),
  Limit: integer({ min: 1 }),
  AttributesToGet: list(string(), { minLength: 1, maxLength: 255 }),
  ExclusiveStartKey: attributeMap(),
  FilterExpression: string(),
  ProjectionExpression: string(),
  ExpressionAttributeValues: expressionAttributeValues(),
  ExpressionAttributeNames: expressionAttributeNames(),
  ConsistentRead: boolean(),
});

/** The first hash of segment `segment` of `total`: ceil(segment * 2^64 / total), 16 hex digits. */
function segmentStart(segment: number, total: number): string {
  if (segment === total) return hash_space_end;
  const start = (BigInt(segment) * hash_space_size + BigInt(total) - 1n) / BigInt(total);
  return hashOf(start);
}

/** The hash slice a (possibly parallel) Scan reads. */
export function segmentRange(segment: number | undefined, total: number | undefined): { readonly hashStart: string; readonly hashEnd: string } {
  if (total === undefined || segment === undefined) return { hashStart: hash_space_start, hashEnd: hash_space_end };
  return { hashStart: segmentStart(segment, total), hashEnd: segmentStart(segment + 1, total) };
}

function checkSegments(segment: number | undefined, total: number | undefined): void {
  // DynamoDB (as dynalite's tests record) lets Segment 0 stand alone: it is the whole table.
  if (segment !== undefined && segment !== 0 && total === undefined) {
    throw validationError('The TotalSegments parameter is required but was not present in the request when Segment parameter is present');
  }
  if (total === undefined) return;
  if (segment === undefined) {
    throw validationError('The Segment parameter is required but was not present in the request when parameter TotalSegments is present');
  }
  if (segment >= total) {
    throw validationError(
      `The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${segment} is not less than TotalSegments: ${total}`,
    );
  }
}

/** The ExclusiveStartKey against the table's key schema and the segment's slice. */
function checkStartKey(shape: KeyShape, startKey: Item, range: ScanRange, segment: number | undefined, total: number | undefined): void {
  checkTableStartKey(shape, startKey);
  checkStartKeySegment(shape, startKey, range, segment, total);
}

/** A table Scan's ExclusiveStartKey: exactly the table's key attributes, each valid. */
function checkTableStartKey(shape: KeyShape, startKey: Item): void {
  let count = 0;
  for (const _ in startKey) count++;
  if (count !== (shape.rangeName === undefined ? 1 : 2)) {
    throw validationError('The provided starting key is invalid: The provided key element does not match the schema');
  }
  try {
    validateKey(shape, startKey);
  } catch (error) {
    if (error instanceof DynamoError && error.errorName === 'ValidationException') {
      throw validationError(`The provided starting key is invalid: ${error.message}`);
    }
    throw error;
  }
}

/** The start key's partition key (of `shape`: the table's, or a GSI's) hashes into the segment's slice. */
function checkStartKeySegment(shape: KeyShape, startKey: Item, range: ScanRange, segment: number | undefined, total: number | undefined): void {
  if (partitionHolds(range, partitionKeyHash(shape.hashType, scalarOf(startKey[shape.hashName], shape.hashType)!))) return;
  throw validationError(
    'The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. ' +
      `TotalSegments: ${total} Segment: ${segment}`,
  );
}

/**
 * An index Scan's ExclusiveStartKey (dynalite's tests record the order): the table's and the
 * index's key attributes and nothing else, the index key parts valid, then the table key, then
 * the segment of the index partition key's hash.
 */
function checkIndexStartKey(tableKey: KeyShape, index: SecondaryIndex, startKey: Item, range: ScanRange, segment: number | undefined, total: number | undefined): void {
  let count = 0;
  for (const _ in startKey) count++;
  if (count !== startKeyNameCount(tableKey, index)) throw validationError('The provided starting key is invalid');
  const shape = index.key;
  for (const name of keyNames(shape)) {
    if (startKey[name] === undefined) throw validationError('The provided starting key is invalid');
  }
  validateKey(shape, keyOf(shape, startKey));
  for (const name of keyNames(tableKey)) {
    if (startKey[name] === undefined) throw validationError('The provided starting key is invalid');
  }
  checkTableStartKey(tableKey, keyOf(tableKey, startKey));
  checkStartKeySegment(shape, startKey, range, segment, total);
}

export const scan: Action = {
  name: 'Scan',
  run(context, rawBody) {
    const body = checkRequest(scanShape, rawBody);
    checkExpressionParameters(body, ['ProjectionExpression', 'FilterExpression'], ['AttributesToGet', 'ScanFilter', 'ConditionalOperator']);
    let projection: ResolvedProjection | undefined = body.AttributesToGet === undefined ? undefined : attributesToGetProjection(body.AttributesToGet);
    let filter: ResolvedCondition | undefined =
      body.ScanFilter === undefined ? undefined : legacyFilterCondition(body.ScanFilter, body.ConditionalOperator as ConditionalOperator | undefined);
    const startKey = validateStartKeyValues(body.ExclusiveStartKey);
    checkSegments(body.Segment, body.TotalSegments);
    const resolved = resolveExpressions(
      { FilterExpression: body.FilterExpression, ProjectionExpression: body.ProjectionExpression },
      body.ExpressionAttributeNames,
      body.ExpressionAttributeValues,
    );
    if (resolved.filter !== undefined) filter = resolved.filter;
    if (resolved.projection !== undefined) projection = resolved.projection;
    const countOnly = checkSelect(body, '');

    const table = tableForDataPlane(context.store, body.TableName);
    const slice = segmentRange(body.Segment, body.TotalSegments);
    // One literal of every member (a spread with one added made V8 a new hidden class per page).
    const range: ScanRange = { hashStart: slice.hashStart, hashEnd: slice.hashEnd, after: startKey };
    // A Scan page is admitted on the partition it starts in and charged to those it read.
    const admission = context.admission;
    const consistent = body.ConsistentRead === true;
    if (body.IndexName === undefined) {
      if (startKey !== undefined) checkStartKey(table.key, startKey, range, body.Segment, body.TotalSegments);
      checkProjectionKeyPaths(projection, table);
      const slot = startKey === undefined ? admission.slotOfHash(table, range.hashStart) : admission.slotOf(table, startKey);
      const verdict = admitPage(admission, table, slot, undefined, consistent);
      const page = readPage(context.store.scanItemsJson(table, range, readOptionsFor(body.ConsistentRead)), { limit: body.Limit, filter, projection, countOnly, keyShape: table.key });
      chargePage(admission, table, slot, undefined, page, consistent, verdict);
      return pageResponse(page, countOnly, body.ReturnConsumedCapacity, body.TableName, consistent);
    }

    const index = indexForRead(context.store, table, body.IndexName, body.ConsistentRead);
    if (startKey !== undefined) checkIndexStartKey(table.key, index, startKey, range, body.Segment, body.TotalSegments);
    checkSelectOnIndex(index, body.Select);
    checkProjectionKeyPaths(projection, table);
    const fetch = needsTableFetch(index, table.key, body.Select, readHeads(projection, filter)) ? tableFetcher(context.store, table) : undefined;
    // An LSI is scanned in the table's hash order; a GSI in its own.
    const slot = index.kind === 'local' && startKey !== undefined ? admission.slotOf(table, startKey) : admission.slotOfHash(table, range.hashStart);
    const verdict = admitPage(admission, table, slot, index, consistent);
    const source = context.store.scanIndexJson(table, index.name, range, readOptionsFor(body.ConsistentRead));
    const page = readPage(source, { limit: body.Limit, filter, projection, countOnly, keyShape: table.key, indexKeyShape: index.key, ...(fetch === undefined ? {} : { fetch }) });
    chargePage(admission, table, slot, index, page, consistent, verdict);
    return pageResponse(page, countOnly, body.ReturnConsumedCapacity, body.TableName, consistent, index);
  },
};
