/**
 * Runtime configuration: what the CLI flags and `startDynabase(options)` set. Adjustable DynamoDB
 * quotas live here; DynamoDB's fixed limits live in `limits.ts`.
 */
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { max_item_collection_bytes, max_partition_size_bytes } from './limits.js';
import type { ThroughputMode } from './partition/admission-control.js';
import type { DurabilityMode } from './storage/kv-store.js';

export interface TableStateDelays {
  /** CREATING -> ACTIVE after CreateTable (and index CREATING -> ACTIVE). */
  readonly createTable_ms: number;
  /** UPDATING -> ACTIVE after UpdateTable. */
  readonly updateTable_ms: number;
  /** DELETING -> gone after DeleteTable. */
  readonly deleteTable_ms: number;
  /** ENABLING -> ENABLED and DISABLING -> DISABLED after UpdateTimeToLive; default 0. */
  readonly updateTimeToLive_ms?: number;
}

export interface Quotas {
  /** Tables per account and region (DynamoDB default 2,500; adjustable up to 10,000). */
  readonly maxTables: number;
  /** GSIs per table (DynamoDB default 20). */
  readonly maxGlobalSecondaryIndexes: number;
  /** Provisioned capacity per table (DynamoDB default 40,000 each). */
  readonly tableMaxReadCapacityUnits: number;
  readonly tableMaxWriteCapacityUnits: number;
  /** Provisioned capacity per account (DynamoDB default 80,000 each). */
  readonly accountMaxReadCapacityUnits: number;
  readonly accountMaxWriteCapacityUnits: number;
  /** Item bytes a partition holds before it splits (DynamoDB: about 10 GB; tests set a few KB). */
  readonly partitionMaxSize_bytes: number;
  /**
   * The largest item collection (one partition-key value's items plus their LSI entries) of a
   * table with LSIs: DynamoDB's 10 GB, lowered in tests to reach it with a few items.
   */
  readonly itemCollectionMax_bytes: number;
}

export interface Config {
  readonly region: string;
  /** The account id that appears in ARNs. */
  readonly accountId: string;
  /** `undefined` means in memory. */
  readonly dataDir: string | undefined;
  readonly durability: DurabilityMode;
  readonly tableStateDelays: TableStateDelays;
  readonly quotas: Quotas;
  readonly clock: Clock;
  /**
   * `--eventual-lag-ms`: eventually consistent reads see the state as of this long ago (0: they
   * see every acknowledged write, like strongly consistent ones).
   */
  readonly eventualLag_ms: number;
  /**
   * Admission control: `report` (default) never throttles but counts what would have been
   * throttled; `enforce` throttles as DynamoDB does.
   */
  readonly throughput: ThroughputMode;
}

export const defaultQuotas: Quotas = {
  maxTables: 2500,
  maxGlobalSecondaryIndexes: 20,
  tableMaxReadCapacityUnits: 40000,
  tableMaxWriteCapacityUnits: 40000,
  accountMaxReadCapacityUnits: 80000,
  accountMaxWriteCapacityUnits: 80000,
  partitionMaxSize_bytes: max_partition_size_bytes,
  itemCollectionMax_bytes: max_item_collection_bytes,
};

export const defaultConfig: Config = {
  region: 'us-east-1',
  accountId: '000000000000',
  dataDir: './data',
  durability: 'durable',
  tableStateDelays: { createTable_ms: 0, updateTable_ms: 0, deleteTable_ms: 0 },
  quotas: defaultQuotas,
  clock: systemClock,
  eventualLag_ms: 0,
  throughput: 'report',
};
