/**
 * What Query and Scan share: reading one page from an ordered source of items, the response it
 * makes, Select's rules and the ExclusiveStartKey value checks.
 *
 * A page, as DynamoDB pages (developer guide, "Paginating table query results" and "Scan"):
 *  - items are read in order until Limit items have been READ or 1 MB of data has been read, both
 *    counted before the filter; the item that reaches 1 MB is still part of the page;
 *  - the filter then keeps some of them: ScannedCount counts items read, Count items kept;
 *  - LastEvaluatedKey, the table key of the last item read, is returned when and only when the
 *    page ended on Limit or on 1 MB, even if no item follows (DynamoDB does not look ahead); a
 *    read that reached the end of its range has none;
 *  - the page's read capacity is the size of all items read, rounded up to 4 KB once.
 */
import { assertNever, DynamoError, validationError } from '../errors.js';
import { max_page_read_bytes } from '../limits.js';
import { setOwnMember, type AttributeMap, type AttributeValue, type Item, type KeyShape } from '../model/attribute-value.js';
import { readCapacityUnits } from '../model/capacity.js';
import { itemSize } from '../model/item-size.js';
import { validateAttributeValue } from '../model/validate-item.js';
import { evaluateCondition } from '../expr/evaluate.js';
import { project } from '../expr/projection.js';
import type { ResolvedCondition, ResolvedProjection } from '../expr/resolved.js';
import { keyOf, type SecondaryIndex } from '../partition/table-store.js';
import { JsonText, type JsonObject } from './action.js';
import { consumedCapacity } from './consumed-capacity.js';
import { comparisonOperators } from './validation/item-shapes.js';
import { attributeValue, list, map, string, structure } from './validation/shape.js';

export interface PageOptions {
  /** Limit: the most items to read (before the filter). */
  readonly limit: number | undefined;
  readonly filter: ResolvedCondition | undefined;
  readonly projection: ResolvedProjection | undefined;
  /** Select COUNT: count, keep no items. */
  readonly countOnly: boolean;
  /** The key LastEvaluatedKey is made of: the table's. */
  readonly keyShape: KeyShape;
  /** Reading an index: LastEvaluatedKey holds its keys too (the entry to resume after). */
  readonly indexKeyShape?: KeyShape;
  /**
   * Reading an LSI for attributes it does not project: the table's item of an entry (its read
   * is charged to the table, and the page's 1 MB counts only the index entries).
   */
  readonly fetch?: (entry: Item) => Item | undefined;
}

export interface Page {
  /** The page's items; an item returned whole is its stored JSON text, spliced into the response. */
  readonly items: (Item | JsonText)[];
  readonly count: number;
  readonly scannedCount: number;
  readonly lastEvaluatedKey: Item | undefined;
  /** Bytes of every item (or index entry) read, for capacity. */
  readonly readBytes: number;
  /** Bytes of the table items fetched for index entries (`fetch`). */
  readonly fetchedBytes: number;
  /** The first and last entries read (undefined when none): the partitions a Scan page read. */
  readonly firstRead: Item | undefined;
  readonly lastRead: Item | undefined;
}

/**
 * Reads one page from `source` (items as their stored JSON text); stops pulling from it at Limit
 * or 1 MB. Each item is parsed for its size, key and filter; one returned whole goes out as the
 * text it was stored as.
 */
export function readPage(source: Iterable<string>, options: PageOptions): Page {
  const { limit, filter, projection, countOnly, fetch } = options;
  const items: (Item | JsonText)[] = [];
  let count = 0;
  let scannedCount = 0;
  let readBytes = 0;
  let fetchedBytes = 0;
  let lastEvaluatedKey: Item | undefined;
  let firstRead: Item | undefined;
  let lastRead: Item | undefined;
  for (const json of source) {
    const entry = JSON.parse(json) as Item;
    scannedCount++;
    firstRead ??= entry;
    lastRead = entry;
    readBytes += itemSize(entry);
    let item = entry;
    if (fetch !== undefined) {
      const full = fetch(entry);
      if (full !== undefined) {
        fetchedBytes += itemSize(full);
        item = full;
      }
    }
    if (filter === undefined || evaluateCondition(filter, item)) {
      count++;
      if (!countOnly) items.push(projection !== undefined ? project(projection, item) : item === entry ? new JsonText(json) : item);
    }
    if (scannedCount === limit || readBytes >= max_page_read_bytes) {
      // keyOf makes a new object: the index's key attributes are added to it one by one (a
      // spread of two keys made V8 a new hidden class per page).
      const key = keyOf(options.keyShape, entry) as Record<string, AttributeValue>;
      const indexKeyShape = options.indexKeyShape;
      if (indexKeyShape !== undefined) {
        setOwnMember(key, indexKeyShape.hashName, entry[indexKeyShape.hashName]!);
        if (indexKeyShape.rangeName !== undefined) setOwnMember(key, indexKeyShape.rangeName, entry[indexKeyShape.rangeName]!);
      }
      lastEvaluatedKey = key;
      break;
    }
  }
  return { items, count, scannedCount, lastEvaluatedKey, readBytes, fetchedBytes, firstRead, lastRead };
}

/** The Query/Scan response for a page; Select COUNT leaves Items out. */
export function pageResponse(
  page: Page,
  countOnly: boolean,
  returnConsumedCapacity: string | undefined,
  tableName: string,
  consistent: boolean,
  index?: SecondaryIndex,
): JsonObject {
  const response: JsonObject = {};
  if (!countOnly) response['Items'] = page.items;
  response['Count'] = page.count;
  response['ScannedCount'] = page.scannedCount;
  if (page.lastEvaluatedKey !== undefined) response['LastEvaluatedKey'] = page.lastEvaluatedKey;
  if (index === undefined) {
    const capacity = consumedCapacity(returnConsumedCapacity, tableName, readCapacityUnits(page.readBytes, { consistent }));
    if (capacity !== undefined) response['ConsumedCapacity'] = capacity;
    return response;
  }
  if (returnConsumedCapacity !== 'TOTAL' && returnConsumedCapacity !== 'INDEXES') return response;
  // An index read charges the index for its entries and the table for items fetched from it.
  const indexUnits = readCapacityUnits(page.readBytes, { consistent });
  const tableUnits = page.fetchedBytes === 0 ? 0 : readCapacityUnits(page.fetchedBytes, { consistent });
  const capacity: JsonObject = { TableName: tableName, CapacityUnits: indexUnits + tableUnits };
  if (returnConsumedCapacity === 'INDEXES') {
    capacity['Table'] = { CapacityUnits: tableUnits };
    capacity[index.kind === 'local' ? 'LocalSecondaryIndexes' : 'GlobalSecondaryIndexes'] = { [index.name]: { CapacityUnits: indexUnits } };
  }
  response['ConsumedCapacity'] = capacity;
  return response;
}

interface SelectParameters {
  readonly Select?: 'SPECIFIC_ATTRIBUTES' | 'COUNT' | 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | undefined;
  readonly IndexName?: string | undefined;
  readonly AttributesToGet?: readonly string[] | undefined;
  readonly ProjectionExpression?: string | undefined;
}

/**
 * Select against the projection parameters, with DynamoDB's messages; returns whether only the
 * count is wanted. `specificPrefix`: Query wraps the SPECIFIC_ATTRIBUTES message in a
 * "1 validation error detected: " envelope, Scan does not.
 */
export function checkSelect(body: SelectParameters, specificPrefix: string): boolean {
  const projectionParameter =
    body.AttributesToGet !== undefined ? 'AttributesToGet' : body.ProjectionExpression !== undefined ? 'ProjectionExpression' : undefined;
  switch (body.Select) {
    case undefined:
      return false;
    case 'COUNT':
      if (projectionParameter !== undefined) throw validationError(`Cannot specify the ${projectionParameter} when choosing to get only the Count`);
      return true;
    case 'ALL_ATTRIBUTES':
      if (projectionParameter !== undefined) throw validationError(`Cannot specify the ${projectionParameter} when choosing to get ALL_ATTRIBUTES`);
      return false;
    case 'ALL_PROJECTED_ATTRIBUTES':
      if (body.IndexName === undefined) throw validationError('ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName');
      if (projectionParameter !== undefined) {
        throw validationError(`Cannot specify the ${projectionParameter} when choosing to get ALL_PROJECTED_ATTRIBUTES`);
      }
      return false;
    case 'SPECIFIC_ATTRIBUTES':
      if (projectionParameter === undefined) {
        throw validationError(`${specificPrefix}Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES`);
      }
      return false;
    default:
      return assertNever(body.Select, 'Select');
  }
}

/** Messages DynamoDB reports for a bad ExclusiveStartKey value without the starting-key prefix. */
const unprefixed_start_key_messages = /contains duplicates|number set|numeric value|significant digits|number with magnitude/;

/**
 * The values of an ExclusiveStartKey, before the table is looked up: each must be a valid
 * attribute value. DynamoDB prefixes most messages with "The provided starting key is invalid: ",
 * but not those about numbers and duplicates.
 */
export function validateStartKeyValues(startKey: AttributeMap | undefined): Item | undefined {
  if (startKey === undefined) return undefined;
  const validated: Record<string, ReturnType<typeof validateAttributeValue>> = {};
  for (const name in startKey) {
    try {
      setOwnMember(validated, name, validateAttributeValue(startKey[name]));
    } catch (error) {
      if (error instanceof DynamoError && error.errorName === 'ValidationException' && !unprefixed_start_key_messages.test(error.message)) {
        throw validationError(`The provided starting key is invalid: ${error.message}`);
      }
      throw error;
    }
  }
  return validated;
}

/**
 * QueryFilter, ScanFilter and KeyConditions: maps of legacy conditions. DynamoDB's model lists a
 * filter Condition's members as AttributeValueList, ComparisonOperator, but a key Condition's the
 * other way round, which orders their constraint messages.
 */
export function legacyConditions(order: 'filter' | 'key') {
  const comparisonOperator = string({ notNull: true, enum: comparisonOperators });
  const attributeValueList = list(attributeValue());
  const condition =
    order === 'filter'
      ? structure('Condition', { AttributeValueList: attributeValueList, ComparisonOperator: comparisonOperator })
      : structure('Condition', { ComparisonOperator: comparisonOperator, AttributeValueList: attributeValueList });
  return map(condition);
}
