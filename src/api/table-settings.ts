/**
 * Table settings shared by CreateTable and UpdateTable: throughput quotas (config.quotas), stream
 * specifications and labels, server-side encryption descriptions.
 */
import type { Config } from '../config.js';
import { limitExceeded, validationError } from '../errors.js';
import { nodeCrypto } from '../lazy-builtins.js';
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

/** The end of DynamoDB's capacity-quota messages. */
const quota_advice = 'Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.';

/**
 * Provisioned capacity quotas: per table (the table and each of its GSIs) and per account (all
 * tables and GSIs together). `replacing` names the table whose current capacity the new figures
 * replace (UpdateTable). The texts are those recorded against DynamoDB (2026, CreateTable and
 * UpdateTable): "The requested ReadCapacityUnits, N, is above the per table maximum for the
 * account in REGION. Per table maximum: 40000. Refer to ..." and, for the account, "This request
 * would have caused the ReadCapacityUnits limit to be exceeded for the account in REGION. Current
 * ReadCapacityUnits reserved by the account: N. Limit: 80000. Requested: M. Refer to ...". The
 * index form ("for index gsi1, N, is above the per index maximum") was recorded only in part.
 */
export function checkQuotas(
  context: ServiceContext,
  throughput: Throughput | undefined,
  indexes: readonly { readonly IndexName?: string; readonly ProvisionedThroughput?: Throughput }[] | undefined,
  replacing: string | undefined,
): void {
  const { quotas, region } = context.config;
  const perResource = (figures: Throughput | undefined, indexName: string | undefined): void => {
    if (figures === undefined) return;
    const subject = indexName === undefined ? '' : ` for index ${indexName}`;
    const scope = indexName === undefined ? 'table' : 'index';
    const units: readonly (readonly [string, number, number])[] = [
      ['ReadCapacityUnits', figures.ReadCapacityUnits, quotas.tableMaxReadCapacityUnits],
      ['WriteCapacityUnits', figures.WriteCapacityUnits, quotas.tableMaxWriteCapacityUnits],
    ];
    for (const [name, requested, max] of units) {
      if (requested <= max) continue;
      throw limitExceeded(
        `The requested ${name}${subject}, ${requested}, is above the per ${scope} maximum for the account in ${region}. Per ${scope} maximum: ${max}. ${quota_advice}`,
      );
    }
  };
  perResource(throughput, undefined);
  for (const index of indexes ?? []) perResource(index.ProvisionedThroughput, index.IndexName);
  const requested = totalOf(throughput, indexes);
  let readReserved = 0;
  let writeReserved = 0;
  for (const record of context.store.listTables()) {
    if (record.name === replacing) continue;
    const description = descriptionOf(record);
    const existing = totalOf(description.ProvisionedThroughput, description.GlobalSecondaryIndexes);
    readReserved += existing.ReadCapacityUnits;
    writeReserved += existing.WriteCapacityUnits;
  }
  const account: readonly (readonly [string, number, number, number])[] = [
    ['ReadCapacityUnits', readReserved, requested.ReadCapacityUnits, quotas.accountMaxReadCapacityUnits],
    ['WriteCapacityUnits', writeReserved, requested.WriteCapacityUnits, quotas.accountMaxWriteCapacityUnits],
  ];
  for (const [name, reserved, wanted, limit] of account) {
    if (reserved + wanted <= limit) continue;
    throw limitExceeded(
      `This request would have caused the ${name} limit to be exceeded for the account in ${region}. ` +
        `Current ${name} reserved by the account: ${reserved}. Limit: ${limit}. Requested: ${wanted}. ${quota_advice}`,
    );
  }
}

export interface StreamSpecificationInput {
  readonly StreamEnabled: boolean;
  readonly StreamViewType?: string;
}

/**
 * DynamoDB's texts for a StreamSpecification whose view type does not go with StreamEnabled, as
 * recorded against DynamoDB (2026; both name the view type "UpdateViewType"; CreateTable's from
 * the ack-api-quirks probes, DDB-TABLE-442).
 */
const stream_view_type_messages = {
  CreateTable: {
    missing: 'Table is being created with a stream enabled, UpdateViewType is required',
    unexpected: 'Table is being created with a stream disabled, UpdateViewType should not be specified',
  },
  UpdateTable: { missing: 'If stream is being enabled then UpdateViewType is required', unexpected: 'If stream is being disabled, then UpdateViewType must not be specified' },
} as const;

export function checkStreamSpecification(specification: StreamSpecificationInput, action: keyof typeof stream_view_type_messages): void {
  const messages = stream_view_type_messages[action];
  if (specification.StreamEnabled && specification.StreamViewType === undefined) throw validationError(`${invalidParameters}${messages.missing}`);
  if (!specification.StreamEnabled && specification.StreamViewType !== undefined) throw validationError(`${invalidParameters}${messages.unexpected}`);
}

/** A stream's label: its creation time as DynamoDB writes it, ISO 8601 without the zone. */
export function streamLabel(now_ms: number): string {
  return new Date(now_ms).toISOString().slice(0, -1);
}

/**
 * Encryption turned off names no type and no key (DynamoDB's texts for CreateTable and
 * UpdateTable, ack-api-quirks DDB-TABLE-437/-442, 2026-10).
 */
export function checkSseSpecification(sse: { readonly Enabled?: boolean; readonly SSEType?: string; readonly KMSMasterKeyId?: string }): void {
  if (sse.Enabled !== false) return;
  if (sse.SSEType !== undefined) throw validationError(`${invalidParameters}SSEType can not be specified if Enabled is false`);
  if (sse.KMSMasterKeyId !== undefined) throw validationError(`${invalidParameters}KMSMasterKeyId can not be specified if Enabled is false`);
}

/**
 * SSEDescription for a table encrypted with a KMS key: the given key (an ARN kept as is, a key id
 * or alias made into an ARN), or an AWS-managed key for DynamoDB.
 */
export function sseDescription(config: Config, kmsMasterKeyId: string | undefined) {
  const prefix = `arn:aws:kms:${config.region}:${config.accountId}:`;
  let keyArn: string;
  if (kmsMasterKeyId === undefined) keyArn = `${prefix}key/${nodeCrypto().randomUUID()}`;
  else if (kmsMasterKeyId.startsWith('arn:')) keyArn = kmsMasterKeyId;
  else if (kmsMasterKeyId.startsWith('alias/')) keyArn = prefix + kmsMasterKeyId;
  else keyArn = `${prefix}key/${kmsMasterKeyId}`;
  return { Status: 'ENABLED', SSEType: 'KMS', KMSMasterKeyArn: keyArn };
}
