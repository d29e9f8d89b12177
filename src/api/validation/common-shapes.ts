/**
 * Shapes that several actions share, with the constraints DynamoDB reports for them (member order
 * and constraint order as DynamoDB reports them; dynalite's tests record the texts).
 */
import { max_table_name_length, min_table_name_length } from '../../limits.js';
import { attributeMap, boolean, list, long, map, string, structure } from './shape.js';

/** How DynamoDB prints the table and index name pattern in its messages. */
export const table_name_pattern_source = '[a-zA-Z0-9_.-]+';

/**
 * TableName of the item actions (GetItem, PutItem, Query, ...): ordinary constraints, collected
 * with the others: "Member must not be null", the pattern, then the length bounds.
 */
export function tableName() {
  return string({
    notNull: true,
    pattern: table_name_pattern_source,
    minLength: min_table_name_length,
    maxLength: max_table_name_length,
  });
}

/**
 * TableName of the control-plane actions (CreateTable, DescribeTable, UpdateTable, DeleteTable,
 * DescribeTimeToLive, UpdateTimeToLive): DynamoDB first answers "The parameter 'TableName' is
 * required but was not present in the request" and "TableName must be at least 3 characters long
 * and at most 255 characters long" on their own, and only then collects the pattern violation.
 */
export function controlPlaneTableName() {
  return string({ required: true, tableNameLength: true, pattern: table_name_pattern_source });
}

/** IndexName wherever an index is declared or named. */
export function indexName<const N extends boolean>(notNull: N) {
  return string({
    notNull,
    pattern: table_name_pattern_source,
    minLength: min_table_name_length,
    maxLength: max_table_name_length,
  });
}

export const returnConsumedCapacity = () => string({ enum: ['INDEXES', 'TOTAL', 'NONE'] });
export const returnItemCollectionMetrics = () => string({ enum: ['SIZE', 'NONE'] });
export const returnValues = () => string({ enum: ['ALL_NEW', 'UPDATED_OLD', 'ALL_OLD', 'NONE', 'UPDATED_NEW'] });
export const conditionalOperator = () => string({ enum: ['OR', 'AND'] });
export const select = () => string({ enum: ['SPECIFIC_ATTRIBUTES', 'COUNT', 'ALL_ATTRIBUTES', 'ALL_PROJECTED_ATTRIBUTES'] });
export const expressionAttributeNames = () => map(string());
export const expressionAttributeValues = () => attributeMap();

export const keyTypes = ['HASH', 'RANGE'] as const;
export const scalarAttributeTypes = ['B', 'N', 'S'] as const;
export const projectionTypes = ['ALL', 'INCLUDE', 'KEYS_ONLY'] as const;
export const billingModes = ['PROVISIONED', 'PAY_PER_REQUEST'] as const;
export const streamViewTypes = ['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY'] as const;
export const tableClasses = ['STANDARD', 'STANDARD_INFREQUENT_ACCESS'] as const;
export const sseTypes = ['AES256', 'KMS'] as const;

/**
 * A key schema element. The table's own schema checks KeyType against [HASH, RANGE] as a
 * constraint; index schemas leave it to the semantic check ("Invalid KeySchema: ..."), as
 * DynamoDB does.
 */
export const tableKeySchemaElement = structure('KeySchemaElement', {
  AttributeName: string({ notNull: true }),
  KeyType: string({ notNull: true, enum: keyTypes }),
});
export const indexKeySchemaElement = structure('KeySchemaElement', {
  AttributeName: string({ notNull: true }),
  KeyType: string({ notNull: true }),
});

export const tableKeySchema = () => list(tableKeySchemaElement, { notNull: true, minLength: 1, maxLength: 2 });
export const indexKeySchema = () => list(indexKeySchemaElement, { notNull: true, minLength: 1, maxLength: 2 });

export const attributeDefinition = structure('AttributeDefinition', {
  AttributeName: string({ notNull: true }),
  AttributeType: string({ notNull: true, enum: scalarAttributeTypes }),
});

/** ProvisionedThroughput: DynamoDB checks WriteCapacityUnits before ReadCapacityUnits. */
export function provisionedThroughput<const N extends boolean>(notNull: N) {
  return structure(
    'ProvisionedThroughput',
    {
      WriteCapacityUnits: long({ notNull: true, min: 1 }),
      ReadCapacityUnits: long({ notNull: true, min: 1 }),
    },
    { notNull },
  );
}

export function projection<const N extends boolean>(notNull: N) {
  return structure(
    'Projection',
    {
      ProjectionType: string({ enum: projectionTypes }),
      NonKeyAttributes: list(string(), { minLength: 1, maxLength: 20 }),
    },
    { notNull },
  );
}

export const localSecondaryIndex = structure('LocalSecondaryIndex', {
  IndexName: indexName(true),
  KeySchema: indexKeySchema(),
  Projection: projection(true),
});

export const globalSecondaryIndex = structure('GlobalSecondaryIndex', {
  IndexName: indexName(true),
  KeySchema: indexKeySchema(),
  Projection: projection(true),
  ProvisionedThroughput: provisionedThroughput(false),
});

export const streamSpecification = structure('StreamSpecification', {
  StreamEnabled: boolean({ notNull: true }),
  StreamViewType: string({ enum: streamViewTypes }),
});

export const sseSpecification = structure('SSESpecification', {
  Enabled: boolean(),
  SSEType: string({ enum: sseTypes }),
  KMSMasterKeyId: string(),
});

export const tag = structure('Tag', {
  Key: string({ notNull: true, minLength: 1, maxLength: 128 }),
  Value: string({ notNull: true, minLength: 0, maxLength: 256 }),
});

