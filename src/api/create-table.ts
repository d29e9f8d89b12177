/**
 * CreateTable: validates the definition completely (shape, then DynamoDB's semantic checks in its
 * order), refuses an existing name and the quotas, stores the table CREATING and answers with its
 * description; the table becomes ACTIVE after config.tableStateDelays.createTable_ms.
 */
import { limitExceeded, resourceInUse, validationError } from '../errors.js';
import { nodeCrypto } from '../lazy-builtins.js';
import { max_local_secondary_indexes, on_demand_initial_partitions } from '../limits.js';
import type { KeyAttributeType, KeyShape } from '../model/attribute-value.js';
import { evenPartitions, partitionsForThroughput } from '../partition/partition-map.js';
import type { PartitionRange, TableRecord } from '../partition/table-store.js';
import type { Action, JsonObject, ServiceContext } from './action.js';
import {
  asKeySchema,
  checkIndexKeysDefined,
  checkProjectedAttributeTotal,
  checkKeySchemaOrder,
  checkProjection,
  checkThroughputBounds,
  invalidParameters,
  storedProjection,
} from './index-definitions.js';
import type { IndexDefinition } from './index-definitions.js';
import { checkTagKeys, mergeTags } from './tags.js';
import type { LocalIndexDescription, TableDescription } from './table-description.js';
import {
  epochSeconds,
  indexArn,
  liveDescription,
  newGlobalIndexDescription,
  newThroughputDescription,
  scheduleTransition,
  tableArn,
  withDescription,
} from './table-description.js';
import { checkQuotas, checkSseSpecification, sseDescription, streamLabel, checkStreamSpecification } from './table-settings.js';
import { withStreamEpochs } from '../streams/stream-epochs.js';
import {
  attributeDefinition,
  billingModes,
  controlPlaneTableName,
  globalSecondaryIndex,
  localSecondaryIndex,
  provisionedThroughput,
  sseSpecification,
  streamSpecification,
  tableClasses,
  tableKeySchema,
  tag,
} from './validation/common-shapes.js';
import { checkRequest } from './validation/check-request.js';
import type { TypeOfShape } from './validation/shape.js';
import { boolean, list, request, string } from './validation/shape.js';

const shape = request({
  AttributeDefinitions: list(attributeDefinition, { notNull: true }),
  TableName: controlPlaneTableName(),
  BillingMode: string({ enum: billingModes }),
  ProvisionedThroughput: provisionedThroughput(false),
  KeySchema: tableKeySchema(),
  LocalSecondaryIndexes: list(localSecondaryIndex),
  GlobalSecondaryIndexes: list(globalSecondaryIndex),
  StreamSpecification: streamSpecification,
  SSESpecification: sseSpecification,
  TableClass: string({ enum: tableClasses }),
  DeletionProtectionEnabled: boolean(),
  Tags: list(tag),
});

type CreateTableRequest = TypeOfShape<typeof shape>;

/**
 * A new table's partitions divide the hash space evenly: as many as its provisioned throughput
 * needs (3,000 RCU and 1,000 WCU each), or for an on-demand table as many as serve its initial
 * level (4,000 WRU and 12,000 RRU: four). GSIs have partitions of their own in DynamoDB; here
 * their entries live in the index keyspace and only the table's partitions are modelled.
 */
function initialPartitionsOf(body: CreateTableRequest): readonly PartitionRange[] {
  const throughput = body.ProvisionedThroughput;
  if (body.BillingMode === 'PAY_PER_REQUEST' || throughput === undefined) return evenPartitions(on_demand_initial_partitions);
  return evenPartitions(partitionsForThroughput(throughput.ReadCapacityUnits, throughput.WriteCapacityUnits));
}

/**
 * Names being created right now: the catalog write is asynchronous, and two concurrent
 * CreateTables of one name must not both succeed.
 */
const creating = new WeakMap<object, Set<string>>();

function checkDefinition(body: CreateTableRequest, context: ServiceContext): void {
  const billingMode = body.BillingMode ?? 'PROVISIONED';
  if (billingMode === 'PAY_PER_REQUEST') {
    if (body.ProvisionedThroughput !== undefined) {
      throw validationError(`${invalidParameters}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`);
    }
  } else {
    if (body.ProvisionedThroughput === undefined) {
      // Whether BillingMode says PROVISIONED or is left out (recorded against DynamoDB,
      // ack-api-quirks DDB-TABLE-024, 2026-10).
      throw validationError(`${invalidParameters}ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED`);
    }
    checkThroughputBounds(body.ProvisionedThroughput);
  }
  if (body.SSESpecification !== undefined) checkSseSpecification(body.SSESpecification);

  const definedNames = body.AttributeDefinitions.map((definition) => definition.AttributeName);
  // Recorded against DynamoDB (2026), whether the two definitions agree on the type or not.
  const duplicated = definedNames.find((name, i) => definedNames.indexOf(name) !== i);
  if (duplicated !== undefined) throw validationError(`Attribute Name is duplicated: ${duplicated}`);
  const keyNames = body.KeySchema.map((element) => element.AttributeName);
  if (keyNames.length > definedNames.length) throw validationError('Invalid KeySchema: Some index key attribute have no definition');
  if (keyNames.some((name) => !definedNames.includes(name))) {
    throw validationError(
      `${invalidParameters}Some index key attributes are not defined in AttributeDefinitions. Keys: [${keyNames.join(', ')}], AttributeDefinitions: [${definedNames.join(', ')}]`,
    );
  }
  checkKeySchemaOrder(body.KeySchema);

  const localIndexes = body.LocalSecondaryIndexes;
  const globalIndexes = body.GlobalSecondaryIndexes;
  if (localIndexes === undefined && globalIndexes === undefined && body.KeySchema.length !== body.AttributeDefinitions.length) {
    throw validationError(`${invalidParameters}Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions`);
  }

  const indexNames = new Set<string>();
  const usedNames = new Set<string>(keyNames);
  if (localIndexes !== undefined) {
    if (localIndexes.length === 0) throw validationError(`${invalidParameters}List of LocalSecondaryIndexes is empty`);
    if (body.KeySchema.length !== 2) {
      throw validationError(`${invalidParameters}Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex`);
    }
    const tableHash = keyNames[0]!;
    for (const index of localIndexes) {
      checkIndexKeysDefined(index.KeySchema, definedNames);
      checkKeySchemaOrder(index.KeySchema);
      if (index.KeySchema.length !== 2) {
        throw validationError(`${invalidParameters}Index KeySchema does not have a range key for index: ${index.IndexName}`);
      }
      const indexHash = index.KeySchema[0]!.AttributeName;
      if (indexHash !== tableHash) {
        throw validationError(
          `${invalidParameters}Index KeySchema does not have the same leading hash key as table KeySchema for index: ${index.IndexName}. index hash key: ${indexHash}, table hash key: ${tableHash}`,
        );
      }
      checkProjection(index.Projection);
      if (indexNames.has(index.IndexName)) throw validationError(`${invalidParameters}Duplicate index name: ${index.IndexName}`);
      indexNames.add(index.IndexName);
      for (const element of index.KeySchema) usedNames.add(element.AttributeName);
    }
    if (localIndexes.length > max_local_secondary_indexes) {
      throw validationError(`${invalidParameters}Number of LocalSecondaryIndexes exceeds per-table limit of ${max_local_secondary_indexes}`);
    }
  }

  if (globalIndexes !== undefined) {
    if (globalIndexes.length === 0) throw validationError(`${invalidParameters}List of GlobalSecondaryIndexes is empty`);
    for (const index of globalIndexes) {
      checkGlobalIndex(index, definedNames, billingMode);
      if (indexNames.has(index.IndexName)) throw validationError(`${invalidParameters}Duplicate index name: ${index.IndexName}`);
      indexNames.add(index.IndexName);
      for (const element of index.KeySchema) usedNames.add(element.AttributeName);
    }
    const maxGlobal = context.config.quotas.maxGlobalSecondaryIndexes;
    if (globalIndexes.length > maxGlobal) {
      throw validationError(`${invalidParameters}GlobalSecondaryIndex count exceeds the per-table limit of ${maxGlobal}`);
    }
  }
  checkProjectedAttributeTotal([...(localIndexes ?? []), ...(globalIndexes ?? [])]);

  if (definedNames.some((name) => !usedNames.has(name))) {
    throw validationError(
      `${invalidParameters}Some AttributeDefinitions are not used. AttributeDefinitions: [${definedNames.join(', ')}], keys used: [${[...usedNames].join(', ')}]`,
    );
  }

  if (body.StreamSpecification !== undefined) checkStreamSpecification(body.StreamSpecification, 'CreateTable');
  if (body.Tags !== undefined) {
    checkTagKeys(body.Tags);
    mergeTags({}, body.Tags);
  }
}

export function checkGlobalIndex(index: IndexDefinition, definedNames: readonly string[], billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST'): void {
  checkIndexKeysDefined(index.KeySchema, definedNames);
  checkKeySchemaOrder(index.KeySchema);
  checkProjection(index.Projection);
  if (billingMode === 'PAY_PER_REQUEST') {
    if (index.ProvisionedThroughput !== undefined) {
      throw validationError(
        `${invalidParameters}ProvisionedThroughput should not be specified for index: ${index.IndexName} when BillingMode is PAY_PER_REQUEST`,
      );
    }
  } else {
    if (index.ProvisionedThroughput === undefined) {
      throw validationError(`${invalidParameters}ProvisionedThroughput must be specified for index: ${index.IndexName}`);
    }
    checkThroughputBounds(index.ProvisionedThroughput);
  }
}

function keyShapeOf(body: CreateTableRequest): KeyShape {
  const typeOf = (name: string): KeyAttributeType =>
    body.AttributeDefinitions.find((definition) => definition.AttributeName === name)!.AttributeType;
  const hashName = body.KeySchema[0]!.AttributeName;
  const rangeName = body.KeySchema[1]?.AttributeName;
  return rangeName === undefined
    ? { hashName, hashType: typeOf(hashName) }
    : { hashName, hashType: typeOf(hashName), rangeName, rangeType: typeOf(rangeName) };
}

function describeNewTable(body: CreateTableRequest, context: ServiceContext, tableId: string, now_ms: number): TableDescription {
  const arn = tableArn(context.config, body.TableName);
  const onDemand = body.BillingMode === 'PAY_PER_REQUEST';
  const throughput = newThroughputDescription(body.ProvisionedThroughput);
  const localIndexes = body.LocalSecondaryIndexes?.map(
    (index): LocalIndexDescription => ({
      IndexName: index.IndexName,
      KeySchema: asKeySchema(index.KeySchema),
      Projection: storedProjection(index.Projection),
      IndexArn: indexArn(arn, index.IndexName),
    }),
  );
  const globalIndexes = body.GlobalSecondaryIndexes?.map((index) => newGlobalIndexDescription(index, arn));
  const stream = body.StreamSpecification?.StreamEnabled === true ? body.StreamSpecification : undefined;
  const label = stream === undefined ? undefined : streamLabel(now_ms);
  const sse = body.SSESpecification?.Enabled === true ? sseDescription(context.config, body.SSESpecification.KMSMasterKeyId) : undefined;
  return {
    AttributeDefinitions: body.AttributeDefinitions.map((definition) => ({ ...definition })),
    TableName: body.TableName,
    KeySchema: asKeySchema(body.KeySchema),
    TableStatus: 'CREATING',
    CreationDateTime: epochSeconds(now_ms),
    ProvisionedThroughput: throughput,
    TableArn: arn,
    TableId: tableId,
    ...(onDemand ? { BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' as const } } : {}),
    ...(localIndexes === undefined ? {} : { LocalSecondaryIndexes: localIndexes }),
    ...(globalIndexes === undefined ? {} : { GlobalSecondaryIndexes: globalIndexes }),
    ...(stream === undefined || label === undefined
      ? {}
      : {
          StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType! },
          LatestStreamLabel: label,
          LatestStreamArn: `${arn}/stream/${label}`,
        }),
    ...(sse === undefined ? {} : { SSEDescription: sse }),
    ...(body.TableClass === undefined ? {} : { TableClassSummary: { TableClass: body.TableClass } }),
    DeletionProtectionEnabled: body.DeletionProtectionEnabled ?? false,
  };
}

async function run(context: ServiceContext, rawBody: JsonObject): Promise<JsonObject> {
  const body = checkRequest(shape, rawBody);
  checkDefinition(body, context);

  const { store, config } = context;
  let names = creating.get(store);
  if (names === undefined) {
    names = new Set();
    creating.set(store, names);
  }
  if (store.getTable(body.TableName) !== undefined || names.has(body.TableName)) {
    throw resourceInUse(`Table already exists: ${body.TableName}`);
  }
  if (store.listTables().length + names.size >= config.quotas.maxTables) {
    throw limitExceeded(`Subscriber limit exceeded: There is a limit of ${config.quotas.maxTables} tables per subscriber`);
  }
  checkQuotas(context, body.ProvisionedThroughput, body.GlobalSecondaryIndexes, undefined);

  const now_ms = config.clock.now();
  const tableId = nodeCrypto().randomUUID();
  const description = describeNewTable(body, context, tableId, now_ms);
  const record: TableRecord = withStreamEpochs(
    withDescription(
      {
        name: body.TableName,
        id: tableId,
        key: keyShapeOf(body),
        description: {},
        tags: body.Tags === undefined ? {} : mergeTags({}, body.Tags),
        partitions: initialPartitionsOf(body),
      },
      description,
    ),
    now_ms,
  );
  names.add(body.TableName);
  try {
    await store.saveTable(record);
  } finally {
    names.delete(body.TableName);
  }
  const answer = liveDescription(context, record);
  await scheduleTransition(context, body.TableName, config.tableStateDelays.createTable_ms);
  return { TableDescription: answer };
}

export const createTable: Action = { name: 'CreateTable', run };
