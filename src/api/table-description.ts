/**
 * DynamoDB's TableDescription as the catalog keeps it (TableRecord.description, wire form), and
 * the helpers the control-plane actions share: ARNs, times, looking a table up, completing its
 * state transitions, and answering with the live figures (ItemCount, TableSizeBytes) added.
 *
 * A transitional state (CREATING, UPDATING, DELETING) is stored with the table, and the new
 * settings are stored at once; completing the transition only moves the states on (or drops the
 * table). So the completion depends on nothing but the stored record, and a transition cut short by
 * a restart is completed by the next control-plane call that reads the table.
 */
import type { Config } from '../config.js';
import { resourceNotFound } from '../errors.js';
import type { KeySchemaElement } from '../model/attribute-value.js';
import type { TableRecord } from '../partition/table-store.js';
import type { JsonObject, ServiceContext } from './action.js';
import { completeTransition, hasPendingTransition } from './table-transitions.js';
import { asKeySchema, storedProjection, type IndexDefinition } from './index-definitions.js';
import { indexesOf } from './secondary-indexes.js';

export type TableStatus = 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE';
export type IndexStatus = 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE';
export type BillingMode = 'PROVISIONED' | 'PAY_PER_REQUEST';

export interface AttributeDefinition {
  readonly AttributeName: string;
  readonly AttributeType: 'S' | 'N' | 'B';
}

export interface Projection {
  readonly ProjectionType?: 'ALL' | 'INCLUDE' | 'KEYS_ONLY';
  readonly NonKeyAttributes?: readonly string[];
}

export interface ThroughputDescription {
  readonly LastIncreaseDateTime?: number;
  readonly LastDecreaseDateTime?: number;
  readonly NumberOfDecreasesToday: number;
  readonly ReadCapacityUnits: number;
  readonly WriteCapacityUnits: number;
}

export interface LocalIndexDescription {
  readonly IndexName: string;
  readonly KeySchema: readonly KeySchemaElement[];
  readonly Projection: Projection;
  readonly IndexArn: string;
}

export interface GlobalIndexDescription {
  readonly IndexName: string;
  readonly KeySchema: readonly KeySchemaElement[];
  readonly Projection: Projection;
  readonly IndexStatus: IndexStatus;
  readonly ProvisionedThroughput: ThroughputDescription;
  readonly IndexArn: string;
}

export interface TableDescription {
  readonly AttributeDefinitions: readonly AttributeDefinition[];
  readonly TableName: string;
  readonly KeySchema: readonly KeySchemaElement[];
  readonly TableStatus: TableStatus;
  readonly CreationDateTime: number;
  readonly ProvisionedThroughput: ThroughputDescription;
  readonly TableArn: string;
  readonly TableId: string;
  readonly BillingModeSummary?: { readonly BillingMode: BillingMode; readonly LastUpdateToPayPerRequestDateTime?: number };
  readonly LocalSecondaryIndexes?: readonly LocalIndexDescription[];
  readonly GlobalSecondaryIndexes?: readonly GlobalIndexDescription[];
  readonly StreamSpecification?: { readonly StreamEnabled: boolean; readonly StreamViewType?: string };
  readonly LatestStreamLabel?: string;
  readonly LatestStreamArn?: string;
  readonly SSEDescription?: { readonly Status: string; readonly SSEType: string; readonly KMSMasterKeyArn: string };
  readonly TableClassSummary?: { readonly TableClass: string; readonly LastUpdateDateTime?: number };
  readonly DeletionProtectionEnabled: boolean;
}

export function descriptionOf(record: TableRecord): TableDescription {
  return record.description as unknown as TableDescription;
}

/** The record with a new description, and the secondary indexes the store maintains for it. */
export function withDescription(record: TableRecord, description: TableDescription): TableRecord {
  return { ...record, description: description as unknown as Readonly<Record<string, unknown>>, indexes: indexesOf(description) };
}

/** arn:aws:dynamodb:<region>:<account>:table/<name> */
export function tableArn(config: Config, tableName: string): string {
  return `arn:aws:dynamodb:${config.region}:${config.accountId}:table/${tableName}`;
}

export function indexArn(tableArnValue: string, indexName: string): string {
  return `${tableArnValue}/index/${indexName}`;
}

/** Throughput as a new table or GSI describes it: the units given (0 when on-demand), no decrease yet. */
export function newThroughputDescription(throughput: { readonly ReadCapacityUnits: number; readonly WriteCapacityUnits: number } | undefined): ThroughputDescription {
  return { NumberOfDecreasesToday: 0, ReadCapacityUnits: throughput?.ReadCapacityUnits ?? 0, WriteCapacityUnits: throughput?.WriteCapacityUnits ?? 0 };
}

/** A GSI as CreateTable and UpdateTable's Create describe it: CREATING until its table's transition completes. */
export function newGlobalIndexDescription(index: IndexDefinition, tableArnValue: string): GlobalIndexDescription {
  return {
    IndexName: index.IndexName,
    KeySchema: asKeySchema(index.KeySchema),
    Projection: storedProjection(index.Projection),
    IndexStatus: 'CREATING',
    ProvisionedThroughput: newThroughputDescription(index.ProvisionedThroughput),
    IndexArn: indexArn(tableArnValue, index.IndexName),
  };
}

/** DynamoDB's timestamps are epoch seconds with a fractional part. */
export function epochSeconds(time_ms: number): number {
  return time_ms / 1000;
}

export function billingModeOf(description: TableDescription): BillingMode {
  return description.BillingModeSummary?.BillingMode ?? 'PROVISIONED';
}

/** DescribeTable, UpdateTable, DeleteTable and the TTL actions name the missing table. */
export function tableNotFound(tableName: string) {
  return resourceNotFound(`Requested resource not found: Table: ${tableName} not found`);
}

/**
 * The table as the control plane sees it: undefined if it does not exist (or has just finished
 * being deleted). A transition left without its timer (the process restarted) is completed here.
 */
export async function findTable(context: ServiceContext, tableName: string): Promise<TableRecord | undefined> {
  const record = context.store.getTable(tableName);
  if (record === undefined) return undefined;
  if (descriptionOf(record).TableStatus === 'ACTIVE' && !hasTransitionalIndex(descriptionOf(record))) return record;
  if (hasPendingTransition(context.store, tableName)) return record;
  await finishTransition(context, tableName);
  return context.store.getTable(tableName);
}

export async function requireTable(context: ServiceContext, tableName: string): Promise<TableRecord> {
  const record = await findTable(context, tableName);
  if (record === undefined) throw tableNotFound(tableName);
  return record;
}

function hasTransitionalIndex(description: TableDescription): boolean {
  return description.GlobalSecondaryIndexes?.some((index) => index.IndexStatus !== 'ACTIVE') === true;
}

/** Schedules (or, with a zero delay, performs) the end of the table's current transition. */
export function scheduleTransition(context: ServiceContext, tableName: string, delay_ms: number): Promise<void> {
  return completeTransition(context, tableName, delay_ms, () => finishTransition(context, tableName));
}

/**
 * Moves a table out of its transitional state: CREATING and UPDATING become ACTIVE (its indexes
 * too; a deleted index goes), DELETING drops the table and its data.
 */
export async function finishTransition(context: ServiceContext, tableName: string): Promise<void> {
  const record = context.store.getTable(tableName);
  if (record === undefined) return;
  const description = descriptionOf(record);
  if (description.TableStatus === 'DELETING') {
    await context.store.dropTable(tableName);
    return;
  }
  // An index added to a populated table stays CREATING (and the table UPDATING) until its
  // backfill is done; the next control-plane read of the table settles it.
  const backfilling = (index: GlobalIndexDescription): boolean =>
    index.IndexStatus === 'CREATING' && record.indexes?.some((known) => known.name === index.IndexName) === true && context.store.indexStats(record, index.IndexName).backfilling;
  const stillBackfilling = description.GlobalSecondaryIndexes?.some(backfilling) === true;
  const indexes = description.GlobalSecondaryIndexes?.filter((index) => index.IndexStatus !== 'DELETING')
    .map((index): GlobalIndexDescription => (index.IndexStatus === 'ACTIVE' || backfilling(index) ? index : { ...index, IndexStatus: 'ACTIVE' }));
  let billing = description.BillingModeSummary;
  if (description.TableStatus === 'CREATING' && billing?.BillingMode === 'PAY_PER_REQUEST') {
    // DynamoDB stamps an on-demand table's billing summary when it becomes ACTIVE.
    billing = { ...billing, LastUpdateToPayPerRequestDateTime: description.CreationDateTime };
  }
  const next: TableDescription = {
    ...description,
    TableStatus: stillBackfilling ? 'UPDATING' : 'ACTIVE',
    ...(billing === undefined ? {} : { BillingModeSummary: billing }),
    ...(indexes === undefined ? {} : { GlobalSecondaryIndexes: indexes }),
  };
  if (next.GlobalSecondaryIndexes?.length === 0) delete (next as { GlobalSecondaryIndexes?: unknown }).GlobalSecondaryIndexes;
  // Still waiting on a backfill with nothing else to settle: no need to rewrite the record.
  if (stillBackfilling && JSON.stringify(next) === JSON.stringify(description)) return;
  await context.store.saveTable(withDescription(record, next));
}

const ms_per_day = 24 * 60 * 60 * 1000;

/** NumberOfDecreasesToday counts decreases in the current UTC day only. */
function throughputNow(throughput: ThroughputDescription, now_ms: number): ThroughputDescription {
  if (throughput.NumberOfDecreasesToday === 0 || throughput.LastDecreaseDateTime === undefined) return throughput;
  const sameDay = Math.floor((throughput.LastDecreaseDateTime * 1000) / ms_per_day) === Math.floor(now_ms / ms_per_day);
  return sameDay ? throughput : { ...throughput, NumberOfDecreasesToday: 0 };
}

/** The decreases made so far in the current UTC day (NumberOfDecreasesToday as of now). */
export function decreasesToday(throughput: ThroughputDescription, now_ms: number): number {
  return throughputNow(throughput, now_ms).NumberOfDecreasesToday;
}

/**
 * The TableDescription as DynamoDB answers it, with the live figures: ItemCount and
 * TableSizeBytes from the store (exact, where DynamoDB refreshes them about every six hours).
 * Index figures are reported as 0: index sizes are not tracked per index.
 */
export function liveDescription(context: ServiceContext, record: TableRecord): JsonObject {
  const description = descriptionOf(record);
  const now_ms = context.config.clock.now();
  const stats = description.TableStatus === 'DELETING' ? undefined : context.store.stats(record);
  const answer: JsonObject = { ...description };
  answer.ProvisionedThroughput = throughputNow(description.ProvisionedThroughput, now_ms);
  answer.TableSizeBytes = stats?.sizeBytes ?? 0;
  answer.ItemCount = stats?.itemCount ?? 0;
  // Index figures are the store's exact entry counts and sizes (DynamoDB refreshes them about every
  // six hours); an index being deleted, or a table being deleted, reports 0.
  const indexStats = (name: string): { readonly itemCount: number; readonly sizeBytes: number; readonly backfilling: boolean } =>
    stats === undefined || record.indexes?.some((index) => index.name === name) !== true
      ? { itemCount: 0, sizeBytes: 0, backfilling: false }
      : context.store.indexStats(record, name);
  if (description.LocalSecondaryIndexes !== undefined) {
    answer.LocalSecondaryIndexes = description.LocalSecondaryIndexes.map((index) => {
      const figures = indexStats(index.IndexName);
      return { ...index, IndexSizeBytes: figures.sizeBytes, ItemCount: figures.itemCount };
    });
  }
  if (description.GlobalSecondaryIndexes !== undefined) {
    answer.GlobalSecondaryIndexes = description.GlobalSecondaryIndexes.map((index) => {
      const figures = indexStats(index.IndexName);
      return {
        ...index,
        ...(index.IndexStatus === 'CREATING' && figures.backfilling ? { Backfilling: true } : {}),
        ProvisionedThroughput: throughputNow(index.ProvisionedThroughput, now_ms),
        IndexSizeBytes: figures.sizeBytes,
        ItemCount: figures.itemCount,
      };
    });
  }
  return answer;
}
