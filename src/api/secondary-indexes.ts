/**
 * The actions' side of secondary indexes: the store's index definitions derived from a table's
 * description, the index-key checks of item writes, and the write capacity indexes consume.
 */
import type { Item, KeyAttributeType, KeyShape, KeySchemaElement } from '../model/attribute-value.js';
import { attributeValuesEqual } from '../model/compare.js';
import { validateItemIndexKeyAttributes, type IndexKeyShape } from '../model/validate-item.js';
import { validationError } from '../errors.js';
import { entryWriteUnits, inIndex, projectedNames, projectedSize, sameEntry } from '../partition/index-entries.js';
import { keyOf, type IndexProjection, type SecondaryIndex, type TableRecord, type TableStore, type WriteOutcome } from '../partition/table-store.js';
import type { JsonObject } from './action.js';
import type { AttributeDefinition, Projection, TableDescription } from './table-description.js';

function keyShapeOf(keySchema: readonly KeySchemaElement[], definitions: readonly AttributeDefinition[]): KeyShape {
  const typeOf = (name: string): KeyAttributeType => definitions.find((definition) => definition.AttributeName === name)!.AttributeType;
  const hashName = keySchema[0]!.AttributeName;
  const rangeName = keySchema[1]?.AttributeName;
  return rangeName === undefined ? { hashName, hashType: typeOf(hashName) } : { hashName, hashType: typeOf(hashName), rangeName, rangeType: typeOf(rangeName) };
}

function projectionOf(projection: Projection): IndexProjection {
  switch (projection.ProjectionType) {
    case 'INCLUDE':
      return { kind: 'INCLUDE', nonKeyAttributes: projection.NonKeyAttributes ?? [] };
    case 'KEYS_ONLY':
      return { kind: 'KEYS_ONLY' };
    default:
      return { kind: 'ALL' };
  }
}

/**
 * The indexes the store maintains for a table description: every LSI, and every GSI but one being
 * deleted (DynamoDB stops serving and maintaining an index as soon as its deletion starts).
 */
export function indexesOf(description: TableDescription): SecondaryIndex[] {
  const definitions = description.AttributeDefinitions;
  const indexes: SecondaryIndex[] = [];
  for (const index of description.GlobalSecondaryIndexes ?? []) {
    if (index.IndexStatus === 'DELETING') continue;
    indexes.push({ name: index.IndexName, kind: 'global', key: keyShapeOf(index.KeySchema, definitions), projection: projectionOf(index.Projection) });
  }
  for (const index of description.LocalSecondaryIndexes ?? []) {
    indexes.push({ name: index.IndexName, kind: 'local', key: keyShapeOf(index.KeySchema, definitions), projection: projectionOf(index.Projection) });
  }
  return indexes;
}

export function findIndex(table: TableRecord, indexName: string): SecondaryIndex | undefined {
  const indexes = table.indexes;
  if (indexes === undefined) return undefined;
  for (let i = 0; i < indexes.length; i++) if (indexes[i]!.name === indexName) return indexes[i];
  return undefined;
}

/** Index key shapes per table record, computed once (records are immutable and replaced on change). */
const keyShapesByRecord = new WeakMap<TableRecord, readonly IndexKeyShape[]>();

/**
 * Checks the index key attributes an item to be written carries: a present one must have the
 * index's type and must not be empty ("Type mismatch for Index Key ..."); GSIs first, then LSIs,
 * as DynamoDB reports them. Absent ones leave the item out of that index.
 */
export function checkIndexKeys(table: TableRecord, item: Item): void {
  const indexes = table.indexes;
  if (indexes === undefined || indexes.length === 0) return;
  let shapes = keyShapesByRecord.get(table);
  if (shapes === undefined) {
    shapes = indexes.map((index) => ({ indexName: index.name, key: index.key }));
    keyShapesByRecord.set(table, shapes);
  }
  validateItemIndexKeyAttributes(shapes, item);
}

/**
 * The write units one index consumes for an item going from `previous` to `next`
 * (`entryWriteUnits`): nothing when the item is in neither state's index or its entry is
 * unchanged. The item sizes, when the caller knows them, spare sizing an ALL entry again. (An
 * item write works them out as it maintains the entries, `WriteOutcome.indexWriteUnits`; this
 * serves the writes that do not report them and the GSI back-pressure check.)
 */
export function indexWriteUnits(
  index: SecondaryIndex,
  tableKey: KeyShape,
  previous: Item | undefined,
  next: Item | undefined,
  previousSize_bytes?: number,
  nextSize_bytes?: number,
): number {
  const oldIn = previous !== undefined && inIndex(index, previous);
  const newIn = next !== undefined && inIndex(index, next);
  if (!oldIn && !newIn) return 0;
  const sameKey = oldIn && newIn && sameIndexKey(index, previous, next);
  if (sameKey && sameEntry(index, tableKey, previous, next)) return 0;
  return entryWriteUnits(
    oldIn ? projectedSize(index, tableKey, previous, previousSize_bytes) : undefined,
    newIn ? projectedSize(index, tableKey, next, nextSize_bytes) : undefined,
    sameKey,
  );
}

function sameIndexKey(index: SecondaryIndex, a: Item, b: Item): boolean {
  const { hashName, rangeName } = index.key;
  if (!attributeValuesEqual(a[hashName]!, b[hashName]!)) return false;
  return rangeName === undefined || attributeValuesEqual(a[rangeName]!, b[rangeName]!);
}

/**
 * ConsumedCapacity of an item write: the table's units plus every affected index's (`indexUnits`,
 * from `indexWriteUnitsOf`, in `table.indexes` order), with the per-index breakdown for INDEXES
 * (`LocalSecondaryIndexes` / `GlobalSecondaryIndexes` maps, only the indexes that consumed).
 */
export function writeConsumedCapacity(
  returnConsumedCapacity: string | undefined,
  table: TableRecord,
  tableName: string,
  tableUnits: number,
  indexUnits: readonly number[] | undefined,
): JsonObject | undefined {
  if (returnConsumedCapacity !== 'TOTAL' && returnConsumedCapacity !== 'INDEXES') return undefined;
  let total = tableUnits;
  const local: Record<string, { CapacityUnits: number }> = {};
  const global: Record<string, { CapacityUnits: number }> = {};
  let anyLocal = false;
  let anyGlobal = false;
  const indexes = table.indexes ?? [];
  for (let i = 0; i < indexes.length; i++) {
    const units = indexUnits?.[i] ?? 0;
    if (units === 0) continue;
    const index = indexes[i]!;
    total += units;
    if (index.kind === 'local') {
      local[index.name] = { CapacityUnits: units };
      anyLocal = true;
    } else {
      global[index.name] = { CapacityUnits: units };
      anyGlobal = true;
    }
  }
  if (returnConsumedCapacity === 'TOTAL') return { TableName: tableName, CapacityUnits: total };
  const answer: JsonObject = { TableName: tableName, CapacityUnits: total, Table: { CapacityUnits: tableUnits } };
  if (anyLocal) answer['LocalSecondaryIndexes'] = local;
  if (anyGlobal) answer['GlobalSecondaryIndexes'] = global;
  return answer;
}

/**
 * The index a Query or Scan names, with DynamoDB's refusals: an unknown index, a strongly
 * consistent read of a GSI (GSIs are updated asynchronously), a GSI still being backfilled.
 */
export function indexForRead(store: TableStore, table: TableRecord, indexName: string, consistentRead: boolean | undefined): SecondaryIndex {
  const index = findIndex(table, indexName);
  if (index === undefined) throw validationError(`The table does not have the specified index: ${indexName}`);
  if (index.kind === 'global') {
    if (consistentRead === true) throw validationError('Consistent reads are not supported on global secondary indexes');
    if (store.indexStats(table, indexName).backfilling) throw validationError(`Cannot read from backfilling global secondary index: ${indexName}`);
  }
  return index;
}

/** Select ALL_ATTRIBUTES needs the whole item: a GSI cannot fetch it from the table. */
export function checkSelectOnIndex(index: SecondaryIndex, select: string | undefined): void {
  if (select === 'ALL_ATTRIBUTES' && index.kind === 'global' && index.projection.kind !== 'ALL') {
    throw validationError(
      `One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index ${index.name} because its projection type is not ALL`,
    );
  }
}

/**
 * Whether a read of an LSI needs attributes the index does not project (Select ALL_ATTRIBUTES, or
 * a projection or filter naming them): DynamoDB then fetches each item from the table, at the
 * table's read cost. A GSI never fetches; attributes it does not project are simply absent.
 */
export function needsTableFetch(index: SecondaryIndex, tableKey: KeyShape, select: string | undefined, heads: ReadonlySet<string | number> | undefined): boolean {
  if (index.kind !== 'local') return false;
  const names = projectedNames(index, tableKey);
  if (names === undefined) return false;
  if (select === 'ALL_ATTRIBUTES') return true;
  if (heads === undefined) return false;
  for (const head of heads) if (typeof head === 'string' && !names.has(head)) return true;
  return false;
}

/** Completes an LSI entry from the table's item (undefined if the item went meanwhile). */
export function tableFetcher(store: TableStore, table: TableRecord): (entry: Item) => Item | undefined {
  return (entry) => store.getItem(table, keyOf(table.key, entry));
}

const bytes_per_gb = 1024 * 1024 * 1024;

/**
 * ItemCollectionMetrics of a write to a table with LSIs (ReturnItemCollectionMetrics SIZE): the
 * partition-key value and the collection's size as a [lower, upper] estimate in GB. DynamoDB
 * documents a range, not its width; Dynabase gives the whole gigabytes below and above the
 * exact size ([0, 1] for any collection under 1 GB, as DynamoDB's documented examples show).
 */
export function itemCollectionMetrics(table: TableRecord, key: Item, size_bytes: number): JsonObject {
  const lower_gb = Math.floor(size_bytes / bytes_per_gb);
  return { ItemCollectionKey: { [table.key.hashName]: key[table.key.hashName]! }, SizeEstimateRangeGB: [lower_gb, lower_gb + 1] };
}

/** ItemCollectionMetrics of one write when asked for and the table has LSIs, else undefined. */
export function writeItemCollectionMetrics(returnItemCollectionMetrics: string | undefined, table: TableRecord, key: Item, outcome: WriteOutcome): JsonObject | undefined {
  if (returnItemCollectionMetrics !== 'SIZE' || outcome.itemCollectionSize_bytes === undefined) return undefined;
  return itemCollectionMetrics(table, key, outcome.itemCollectionSize_bytes);
}

/**
 * BatchWriteItem's and TransactWriteItems' ItemCollectionMetrics: per table name, one entry per
 * item collection written (its size after the last write to it), for tables with LSIs only.
 */
export function itemCollectionMetricsByTable(
  returnItemCollectionMetrics: string | undefined,
  writes: readonly { readonly tableName: string; readonly table: TableRecord; readonly key: Item; readonly outcome: WriteOutcome }[],
): JsonObject | undefined {
  if (returnItemCollectionMetrics !== 'SIZE') return undefined;
  const byTable = new Map<string, Map<string, JsonObject>>();
  for (const { tableName, table, key, outcome } of writes) {
    if (outcome.itemCollectionSize_bytes === undefined) continue;
    let collections = byTable.get(tableName);
    if (collections === undefined) byTable.set(tableName, (collections = new Map()));
    collections.set(JSON.stringify(key[table.key.hashName]), itemCollectionMetrics(table, key, outcome.itemCollectionSize_bytes));
  }
  if (byTable.size === 0) return undefined;
  const metrics: JsonObject = {};
  for (const [tableName, collections] of byTable) metrics[tableName] = [...collections.values()];
  return metrics;
}
