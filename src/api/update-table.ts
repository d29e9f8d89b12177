/**
 * UpdateTable: provisioned throughput (table and GSIs), billing mode, GSI creation and deletion
 * (catalog side; index maintenance follows the catalog), stream specification, SSE, table class
 * and deletion protection. Validates in DynamoDB's order (shape, request-only rules, then the table
 * and its state), stores the new settings with the table UPDATING and answers; the table is ACTIVE
 * again after config.tableStateDelays.updateTable_ms.
 */
import { limitExceeded, resourceInUse, resourceNotFound, validationError } from '../errors.js';
import type { Action, JsonObject, ServiceContext } from './action.js';
import { checkGlobalIndex } from './create-table.js';
import { tableInUse } from './delete-table.js';
import { checkProjectedAttributeTotal, checkThroughputBounds, invalidParameters, max_capacity_units_value } from './index-definitions.js';
import type { AttributeDefinition, GlobalIndexDescription, TableDescription, ThroughputDescription } from './table-description.js';
import {
  billingModeOf,
  decreasesToday,
  descriptionOf,
  epochSeconds,
  liveDescription,
  newGlobalIndexDescription,
  requireTable,
  scheduleTransition,
  withDescription,
} from './table-description.js';
import { checkQuotas, checkSseSpecification, checkStreamSpecification, sseDescription, streamLabel } from './table-settings.js';
import { checkDecreaseAllowed, checkOnDemandSwitchAllowed } from './throughput-limits.js';
import { withStreamEpochs } from '../streams/stream-epochs.js';
import { partitionsForThroughput } from '../partition/partition-map.js';
import {
  attributeDefinition,
  billingModes,
  controlPlaneTableName,
  indexKeySchema,
  indexName,
  projection,
  provisionedThroughput,
  sseSpecification,
  streamSpecification,
  tableClasses,
} from './validation/common-shapes.js';
import { checkRequest } from './validation/check-request.js';
import type { TypeOfShape } from './validation/shape.js';
import { boolean, list, request, string, structure } from './validation/shape.js';

const shape = request({
  TableName: controlPlaneTableName(),
  ProvisionedThroughput: provisionedThroughput(false),
  BillingMode: string({ enum: billingModes }),
  GlobalSecondaryIndexUpdates: list(
    structure('GlobalSecondaryIndexUpdate', {
      Update: structure('UpdateGlobalSecondaryIndexAction', {
        IndexName: indexName(true),
        ProvisionedThroughput: provisionedThroughput(true),
      }),
      Create: structure('CreateGlobalSecondaryIndexAction', {
        Projection: projection(true),
        IndexName: indexName(true),
        ProvisionedThroughput: provisionedThroughput(false),
        KeySchema: indexKeySchema(),
      }),
      Delete: structure('DeleteGlobalSecondaryIndexAction', { IndexName: indexName(true) }),
    }),
  ),
  AttributeDefinitions: list(attributeDefinition),
  StreamSpecification: streamSpecification,
  SSESpecification: sseSpecification,
  TableClass: string({ enum: tableClasses }),
  DeletionProtectionEnabled: boolean(),
});

type UpdateTableRequest = TypeOfShape<typeof shape>;
interface Throughput {
  readonly ReadCapacityUnits: number;
  readonly WriteCapacityUnits: number;
}

/**
 * Encryption, table class and deletion protection are each changed alone: paired with any other
 * change DynamoDB refuses the request, naming the first of SSE, TableClass, DeletionProtection
 * present (recorded against DynamoDB, ack-api-quirks DDB-TABLE-433/-382/-442, 2026-10).
 */
function checkSingleConcern(body: UpdateTableRequest): void {
  const changes = [
    body.ProvisionedThroughput,
    body.BillingMode,
    (body.GlobalSecondaryIndexUpdates ?? []).length > 0 ? body.GlobalSecondaryIndexUpdates : undefined,
    body.StreamSpecification,
    body.SSESpecification,
    body.TableClass,
    body.DeletionProtectionEnabled,
  ].filter((change) => change !== undefined).length;
  if (changes < 2) return;
  const alone =
    body.SSESpecification !== undefined ? 'Server-Side Encryption'
    : body.TableClass !== undefined ? 'TableClass'
    : body.DeletionProtectionEnabled !== undefined ? 'DeletionProtection'
    : undefined;
  if (alone !== undefined) throw validationError(`${invalidParameters}${alone} modification must be the only operation in the request`);
  // Table throughput, the stream and adding or removing an index also exclude one another, even
  // with no update running (recorded, ack-api-quirks DDB-TABLE-382, -174, -442, 2026-10).
  const throughput = body.ProvisionedThroughput !== undefined;
  const stream = body.StreamSpecification !== undefined;
  const structuralIndex = (body.GlobalSecondaryIndexUpdates ?? []).some((update) => update.Create !== undefined || update.Delete !== undefined);
  if (stream && throughput) throw validationError(`${invalidParameters}You cannot modify stream status while updating table IOPS`);
  if (structuralIndex && throughput) throw validationError(`${invalidParameters}You cannot create or delete index while updating table IOPS`);
  if (structuralIndex && stream) throw validationError(`${invalidParameters}You cannot create or delete index while changing stream status`);
}

/** The checks that need only the request, made before the table is looked up. */
function checkRequestRules(body: UpdateTableRequest): void {
  const indexUpdates = body.GlobalSecondaryIndexUpdates;
  if (
    body.ProvisionedThroughput === undefined &&
    body.BillingMode === undefined &&
    (indexUpdates === undefined || indexUpdates.length === 0) &&
    body.SSESpecification === undefined &&
    body.StreamSpecification === undefined &&
    body.TableClass === undefined &&
    body.DeletionProtectionEnabled === undefined
  ) {
    // The list names members Dynabase does not implement too: it is DynamoDB's text as recorded
    // (ack-api-quirks DDB-TABLE-442, live, 2026-10).
    throw validationError(
      'At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ' +
        'ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, ' +
        'OnDemandThroughput, WarmThroughput or TableClass is required',
    );
  }
  checkSingleConcern(body);
  if (body.SSESpecification !== undefined) checkSseSpecification(body.SSESpecification);
  if (body.BillingMode === 'PROVISIONED' && body.ProvisionedThroughput === undefined) {
    throw validationError(`${invalidParameters}ProvisionedThroughput must be specified when BillingMode is PROVISIONED`);
  }
  if (body.ProvisionedThroughput !== undefined) checkThroughputBounds(body.ProvisionedThroughput);
  if (indexUpdates !== undefined) {
    const names = new Set<string>();
    for (const update of indexUpdates) {
      const name = update.Update?.IndexName ?? update.Create?.IndexName ?? update.Delete?.IndexName;
      if (name === undefined) {
        throw validationError(
          `${invalidParameters}One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null`,
        );
      }
      if (names.has(name)) {
        throw validationError(`${invalidParameters}Only one global secondary index update per index is allowed simultaneously. Index: ${name}`);
      }
      names.add(name);
    }
  }
  if (body.StreamSpecification !== undefined) checkStreamSpecification(body.StreamSpecification, 'UpdateTable');
}

function unchangedThroughput(current: Throughput, requested: Throughput): string {
  return (
    'The provisioned throughput for the table will not change. The requested value equals the current value. ' +
    `Current ReadCapacityUnits provisioned for the table: ${current.ReadCapacityUnits}. Requested ReadCapacityUnits: ${requested.ReadCapacityUnits}. ` +
    `Current WriteCapacityUnits provisioned for the table: ${current.WriteCapacityUnits}. Requested WriteCapacityUnits: ${requested.WriteCapacityUnits}. ` +
    'Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.'
  );
}

/** New throughput figures with DynamoDB's increase/decrease bookkeeping. */
function changedThroughput(current: ThroughputDescription, requested: Throughput, now_ms: number): ThroughputDescription {
  const increased = requested.ReadCapacityUnits > current.ReadCapacityUnits || requested.WriteCapacityUnits > current.WriteCapacityUnits;
  const decreased = requested.ReadCapacityUnits < current.ReadCapacityUnits || requested.WriteCapacityUnits < current.WriteCapacityUnits;
  const today = decreasesToday(current, now_ms);
  if (decreased) checkDecreaseAllowed(today, current.LastDecreaseDateTime, now_ms);
  return {
    ...current,
    ...(increased ? { LastIncreaseDateTime: epochSeconds(now_ms) } : {}),
    ...(decreased ? { LastDecreaseDateTime: epochSeconds(now_ms), NumberOfDecreasesToday: today + 1 } : {}),
    ReadCapacityUnits: requested.ReadCapacityUnits,
    WriteCapacityUnits: requested.WriteCapacityUnits,
  };
}

function sameThroughput(a: Throughput, b: Throughput): boolean {
  return a.ReadCapacityUnits === b.ReadCapacityUnits && a.WriteCapacityUnits === b.WriteCapacityUnits;
}

const onDemandThroughput = (current: ThroughputDescription): ThroughputDescription => ({
  ...current,
  ReadCapacityUnits: 0,
  WriteCapacityUnits: 0,
});

function updatedIndexes(
  body: UpdateTableRequest,
  description: TableDescription,
  billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST',
  definitions: readonly AttributeDefinition[],
  now_ms: number,
  maxGlobalSecondaryIndexes: number,
): GlobalIndexDescription[] | undefined {
  const existing = description.GlobalSecondaryIndexes ?? [];
  let indexes: GlobalIndexDescription[] = [...existing];
  const updates = body.GlobalSecondaryIndexUpdates ?? [];
  const structural = updates.filter((update) => update.Create !== undefined || update.Delete !== undefined).length;
  if (structural > 1) throw limitExceeded('Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table');
  const updatedNames = new Set<string>();
  for (const update of updates) {
    if (update.Update !== undefined) {
      const { IndexName, ProvisionedThroughput } = update.Update;
      const position = indexes.findIndex((index) => index.IndexName === IndexName);
      if (position < 0) {
        if (ProvisionedThroughput.ReadCapacityUnits > max_capacity_units_value || ProvisionedThroughput.WriteCapacityUnits > max_capacity_units_value) {
          throw validationError(
            'This operation cannot be performed with given input values. Please contact DynamoDB service team for more info: Action Blocked: IndexUpdate',
          );
        }
        throw resourceNotFound(`Requested resource not found: Index: ${IndexName} not found`);
      }
      checkThroughputBounds(ProvisionedThroughput);
      if (billingMode === 'PAY_PER_REQUEST') {
        throw validationError(
          `${invalidParameters}ProvisionedThroughput should not be specified for index: ${IndexName} when BillingMode is PAY_PER_REQUEST`,
        );
      }
      const index = indexes[position]!;
      if (sameThroughput(index.ProvisionedThroughput, ProvisionedThroughput) && billingModeOf(description) === 'PROVISIONED') {
        throw validationError(unchangedThroughput(index.ProvisionedThroughput, ProvisionedThroughput));
      }
      indexes[position] = { ...index, IndexStatus: 'UPDATING', ProvisionedThroughput: changedThroughput(index.ProvisionedThroughput, ProvisionedThroughput, now_ms) };
      updatedNames.add(IndexName);
    } else if (update.Create !== undefined) {
      const create = update.Create;
      const taken = indexes.some((index) => index.IndexName === create.IndexName) ||
        description.LocalSecondaryIndexes?.some((index) => index.IndexName === create.IndexName) === true;
      // DynamoDB's text names no index (recorded, ack-api-quirks DDB-TABLE-442, 2026-10).
      if (taken) throw validationError('Attempting to create an index which already exists');
      checkGlobalIndex(create, definitions.map((definition) => definition.AttributeName), billingMode);
      // Recorded against DynamoDB (2026): at UpdateTable the GSI quota is a LimitExceededException
      // (CreateTable refuses too many with a ValidationException).
      if (indexes.length >= maxGlobalSecondaryIndexes) {
        throw limitExceeded(`Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of ${maxGlobalSecondaryIndexes}`);
      }
      indexes.push(newGlobalIndexDescription(create, description.TableArn));
    } else if (update.Delete !== undefined) {
      const name = update.Delete.IndexName;
      const position = indexes.findIndex((index) => index.IndexName === name);
      if (position < 0) throw resourceNotFound(`Requested resource not found: Index: ${name} not found`);
      indexes[position] = { ...indexes[position]!, IndexStatus: 'DELETING' };
    }
  }
  if (body.BillingMode === 'PAY_PER_REQUEST' && billingModeOf(description) !== 'PAY_PER_REQUEST') {
    indexes = indexes.map((index) => ({ ...index, IndexStatus: index.IndexStatus === 'ACTIVE' ? 'UPDATING' : index.IndexStatus, ProvisionedThroughput: onDemandThroughput(index.ProvisionedThroughput) }));
  }
  if (body.BillingMode === 'PROVISIONED' && billingModeOf(description) === 'PAY_PER_REQUEST') {
    const missing = existing.filter((index) => !updatedNames.has(index.IndexName)).map((index) => index.IndexName);
    if (missing.length > 0) throw validationError(`${invalidParameters}ProvisionedThroughput must be specified for index: ${missing.join(',')}`);
  }
  // An index being deleted no longer counts toward the projected-attribute total.
  if (updates.some((update) => update.Create !== undefined)) {
    checkProjectedAttributeTotal([...(description.LocalSecondaryIndexes ?? []), ...indexes.filter((index) => index.IndexStatus !== 'DELETING')]);
  }
  return indexes.length === 0 && description.GlobalSecondaryIndexes === undefined ? undefined : indexes;
}

function mergedDefinitions(description: TableDescription, added: readonly AttributeDefinition[] | undefined): AttributeDefinition[] {
  const definitions = [...description.AttributeDefinitions];
  for (const definition of added ?? []) {
    if (!definitions.some((existing) => existing.AttributeName === definition.AttributeName)) definitions.push({ ...definition });
  }
  return definitions;
}

async function run(context: ServiceContext, rawBody: JsonObject): Promise<JsonObject> {
  const body = checkRequest(shape, rawBody);
  checkRequestRules(body);
  const record = await requireTable(context, body.TableName);
  const description = descriptionOf(record);
  const inUse = tableInUse(description);
  if (inUse !== undefined) throw resourceInUse(inUse);

  const now_ms = context.config.clock.now();
  const currentMode = billingModeOf(description);
  const nextMode = body.BillingMode ?? currentMode;
  if (body.ProvisionedThroughput !== undefined && nextMode === 'PAY_PER_REQUEST') {
    throw validationError(`${invalidParameters}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`);
  }

  const toOnDemand = nextMode === 'PAY_PER_REQUEST' && currentMode !== 'PAY_PER_REQUEST';
  const recentSwitches_ms = toOnDemand ? checkOnDemandSwitchAllowed(record.onDemandSwitches_ms, now_ms) : undefined;

  let throughput = description.ProvisionedThroughput;
  if (body.ProvisionedThroughput !== undefined) {
    if (currentMode === 'PROVISIONED' && sameThroughput(throughput, body.ProvisionedThroughput) && (body.GlobalSecondaryIndexUpdates ?? []).length === 0) {
      throw validationError(unchangedThroughput(throughput, body.ProvisionedThroughput));
    }
    throughput = changedThroughput(throughput, body.ProvisionedThroughput, now_ms);
  } else if (toOnDemand) {
    throughput = onDemandThroughput(throughput);
  }

  const definitions = mergedDefinitions(description, body.AttributeDefinitions);
  const indexes = updatedIndexes(body, description, nextMode, definitions, now_ms, context.config.quotas.maxGlobalSecondaryIndexes);
  checkQuotas(context, nextMode === 'PROVISIONED' ? throughput : undefined, indexes, body.TableName);

  let next: TableDescription = { ...description, AttributeDefinitions: definitions, ProvisionedThroughput: throughput };
  if (indexes !== undefined) next = { ...next, GlobalSecondaryIndexes: indexes };
  if (nextMode !== currentMode) {
    next = {
      ...next,
      BillingModeSummary:
        nextMode === 'PAY_PER_REQUEST'
          ? { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: epochSeconds(now_ms) }
          : { ...description.BillingModeSummary, BillingMode: 'PROVISIONED' },
    };
  }
  if (body.StreamSpecification !== undefined) next = withStream(next, body.StreamSpecification, now_ms);
  if (body.SSESpecification !== undefined) {
    // Asking a table under DynamoDB's own key for that key again ({} or Enabled false) is refused
    // as a no-op (recorded, ack-api-quirks DDB-TABLE-047/-437/-442, 2026-10).
    if (body.SSESpecification.Enabled !== true && body.SSESpecification.SSEType === undefined && next.SSEDescription === undefined) {
      throw validationError(`${invalidParameters}Table is already encrypted by default`);
    }
    if (body.SSESpecification.Enabled === false) {
      const { SSEDescription: _dropped, ...rest } = next;
      next = rest;
    } else {
      next = { ...next, SSEDescription: sseDescription(context.config, body.SSESpecification.KMSMasterKeyId) };
    }
  }
  if (body.TableClass !== undefined) next = { ...next, TableClassSummary: { TableClass: body.TableClass, LastUpdateDateTime: epochSeconds(now_ms) } };
  if (body.DeletionProtectionEnabled !== undefined) next = { ...next, DeletionProtectionEnabled: body.DeletionProtectionEnabled };

  // Changing only deletion protection or the stream takes effect at once; everything else
  // passes through UPDATING, as in DynamoDB.
  const updating =
    body.ProvisionedThroughput !== undefined ||
    body.BillingMode !== undefined ||
    (body.GlobalSecondaryIndexUpdates ?? []).length > 0 ||
    body.SSESpecification !== undefined ||
    body.TableClass !== undefined;
  if (updating) next = { ...next, TableStatus: 'UPDATING' };

  let updated = withStreamEpochs(withDescription(record, next), now_ms);
  if (recentSwitches_ms !== undefined) updated = { ...updated, onDemandSwitches_ms: [...recentSwitches_ms, now_ms] };
  await context.store.saveTable(updated);
  if (body.ProvisionedThroughput !== undefined && nextMode === 'PROVISIONED') {
    // More throughput than the partitions can serve splits them (3,000 RCU and 1,000 WCU each);
    // DynamoDB never merges partitions when throughput goes down again.
    await context.store.ensurePartitionCount(updated, partitionsForThroughput(throughput.ReadCapacityUnits, throughput.WriteCapacityUnits));
  }
  const answer = liveDescription(context, updated);
  // DynamoDB answers with the throughput still in force while the change is under way.
  answer.ProvisionedThroughput = {
    ...(answer.ProvisionedThroughput as ThroughputDescription),
    ReadCapacityUnits: description.ProvisionedThroughput.ReadCapacityUnits,
    WriteCapacityUnits: description.ProvisionedThroughput.WriteCapacityUnits,
    NumberOfDecreasesToday: description.ProvisionedThroughput.NumberOfDecreasesToday,
  };
  if (updating) await scheduleTransition(context, body.TableName, context.config.tableStateDelays.updateTable_ms);
  return { TableDescription: answer };
}

function withStream(description: TableDescription, specification: { readonly StreamEnabled: boolean; readonly StreamViewType?: string }, now_ms: number): TableDescription {
  const enabled = description.StreamSpecification?.StreamEnabled === true;
  if (specification.StreamEnabled) {
    if (enabled) throw validationError(`Table already has an enabled stream: TableName: ${description.TableName}`);
    const label = streamLabel(now_ms);
    return {
      ...description,
      StreamSpecification: { StreamEnabled: true, StreamViewType: specification.StreamViewType! },
      LatestStreamLabel: label,
      LatestStreamArn: `${description.TableArn}/stream/${label}`,
    };
  }
  if (!enabled) throw validationError(`Table has no stream to disable: TableName: ${description.TableName}`);
  // As recorded against DynamoDB, a disabled stream leaves no StreamSpecification, as on a table
  // that never had one; the disabled stream stays readable for 24 hours, so its label and ARN
  // remain described.
  const { StreamSpecification: _disabled, ...rest } = description;
  return rest;
}

export const updateTable: Action = { name: 'UpdateTable', run };
