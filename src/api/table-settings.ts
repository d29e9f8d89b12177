/**
 * Table settings shared by CreateTable and UpdateTable: throughput quotas (config.quotas), stream
 * specifications and labels, server-side encryption descriptions.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { limitExceeded, validationError } from '../errors.js';
import type { ServiceContext } from './action.js';
import { invalidParameters } from './index-definitions.js';
import { descriptionOf } from './table-description.js';

interface Throughput {
  readonly ReadCapacityUnits: number;
  readonly WriteCapacityUnits: number;
}

function totalOf(throughput: Throughput | undefined, indexes: readonly { readonly ProvisionedThroughput?: Throughput }[] | undefined): Throughput {
  let read = throughput?.ReadCapacityUnits ?? 0;
  let write = throughput?.WriteCapacityUnits ?? 0;
  for (const index of indexes ?? []) {
    read += index.ProvisionedThroughput?.ReadCapacityUnits ?? 0;
    write += index.ProvisionedThroughput?.WriteCapacityUnits ?? 0;
  }
  return { ReadCapacityUnits: read, WriteCapacityUnits: write };
}

/**
 * Provisioned capacity quotas: per table (the table and each of its GSIs) and per account (all
 * tables and GSIs together). `replacing` names the table whose current capacity the new figures
 * replace (UpdateTable).
 */
export function checkQuotas(
  context: ServiceContext,
  throughput: Throughput | undefined,
  indexes: readonly { readonly ProvisionedThroughput?: Throughput }[] | undefined,
  replacing: string | undefined,
): void {
  const quotas = context.config.quotas;
  for (const figures of [throughput, ...(indexes ?? []).map((index) => index.ProvisionedThroughput)]) {
    if (figures === undefined) continue;
    if (figures.ReadCapacityUnits > quotas.tableMaxReadCapacityUnits) {
      throw limitExceeded(`Subscriber limit exceeded: Provisioned throughput for a table cannot exceed ${quotas.tableMaxReadCapacityUnits} read capacity units`);
    }
    if (figures.WriteCapacityUnits > quotas.tableMaxWriteCapacityUnits) {
      throw limitExceeded(`Subscriber limit exceeded: Provisioned throughput for a table cannot exceed ${quotas.tableMaxWriteCapacityUnits} write capacity units`);
    }
  }
  const added = totalOf(throughput, indexes);
  let read = added.ReadCapacityUnits;
  let write = added.WriteCapacityUnits;
  for (const record of context.store.listTables()) {
    if (record.name === replacing) continue;
    const description = descriptionOf(record);
    const existing = totalOf(description.ProvisionedThroughput, description.GlobalSecondaryIndexes);
    read += existing.ReadCapacityUnits;
    write += existing.WriteCapacityUnits;
  }
  if (read > quotas.accountMaxReadCapacityUnits) {
    throw limitExceeded(`Subscriber limit exceeded: Provisioned throughput for the account cannot exceed ${quotas.accountMaxReadCapacityUnits} read capacity units`);
  }
  if (write > quotas.accountMaxWriteCapacityUnits) {
    throw limitExceeded(`Subscriber limit exceeded: Provisioned throughput for the account cannot exceed ${quotas.accountMaxWriteCapacityUnits} write capacity units`);
  }
}

export interface StreamSpecificationInput {
  readonly StreamEnabled: boolean;
  readonly StreamViewType?: string;
}

export function checkStreamSpecification(specification: StreamSpecificationInput): void {
  if (specification.StreamEnabled && specification.StreamViewType === undefined) {
    throw validationError(`${invalidParameters}StreamViewType is required when StreamEnabled is true`);
  }
  if (!specification.StreamEnabled && specification.StreamViewType !== undefined) {
    throw validationError(`${invalidParameters}StreamViewType cannot be specified when StreamEnabled is false`);
  }
}

/** A stream's label: its creation time as DynamoDB writes it, ISO 8601 without the zone. */
export function streamLabel(now_ms: number): string {
  return new Date(now_ms).toISOString().slice(0, -1);
}

/**
 * SSEDescription for a table encrypted with a KMS key: the given key (an ARN kept as is, a key id
 * or alias made into an ARN), or an AWS-managed key for DynamoDB.
 */
export function sseDescription(config: Config, kmsMasterKeyId: string | undefined) {
  const prefix = `arn:aws:kms:${config.region}:${config.accountId}:`;
  let keyArn: string;
  if (kmsMasterKeyId === undefined) keyArn = `${prefix}key/${randomUUID()}`;
  else if (kmsMasterKeyId.startsWith('arn:')) keyArn = kmsMasterKeyId;
  else if (kmsMasterKeyId.startsWith('alias/')) keyArn = prefix + kmsMasterKeyId;
  else keyArn = `${prefix}key/${kmsMasterKeyId}`;
  return { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: keyArn };
}
