/**
 * Table definitions for tests: a CreateTableCommandInput from a table's key and its indexes'
 * keys, with the AttributeDefinitions derived from those keys (DynamoDB wants exactly the key
 * attributes of the table and its indexes defined, each once), so a test states only what it is
 * about:
 *
 *   tableDefinition({
 *     TableName: 'orders',
 *     key: { pk: 'S', sk: 'S' },                                   // HASH, then RANGE
 *     lsis: { byRank: { sortKey: { rank: 'N' }, projection: 'ALL' } },
 *     gsis: { byKind: { key: { kind: 'S' }, projection: { include: ['name'] } } },
 *     StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
 *   });
 *
 * A key lists its attributes in key order: the first is the HASH key, the second (if any) the
 * RANGE key. The table is on-demand unless it is given ProvisionedThroughput; any other
 * CreateTable member passes through as written.
 */
import type {
  CreateTableCommandInput,
  GlobalSecondaryIndex,
  KeySchemaElement,
  LocalSecondaryIndex,
  Projection,
  ProvisionedThroughput,
  ScalarAttributeType,
} from '@aws-sdk/client-dynamodb';

/** Key attributes and their types in key order: `{ pk: 'S' }` or `{ pk: 'S', sk: 'N' }`. */
export type KeyAttributes = Readonly<Record<string, ScalarAttributeType>>;

/** ALL, KEYS_ONLY, or INCLUDE of the named non-key attributes. */
export type ProjectionSpec = 'ALL' | 'KEYS_ONLY' | { readonly include: readonly string[] };

export interface GsiSpec {
  readonly key: KeyAttributes;
  readonly projection: ProjectionSpec;
  readonly ProvisionedThroughput?: ProvisionedThroughput;
}

/** An LSI shares the table's partition key: only its sort key is named. */
export interface LsiSpec {
  readonly sortKey: KeyAttributes;
  readonly projection: ProjectionSpec;
}

export interface TableSpec extends Omit<CreateTableCommandInput, 'AttributeDefinitions' | 'KeySchema' | 'GlobalSecondaryIndexes' | 'LocalSecondaryIndexes'> {
  readonly TableName: string;
  readonly key: KeyAttributes;
  /** By index name, in the order the indexes are declared. */
  readonly gsis?: Readonly<Record<string, GsiSpec>>;
  readonly lsis?: Readonly<Record<string, LsiSpec>>;
}

/** The CreateTable request for `spec` (see the module comment). */
export function tableDefinition(spec: TableSpec): CreateTableCommandInput {
  const { key, gsis, lsis, ...rest } = spec;
  const types = new Map<string, ScalarAttributeType>();
  const keySchema = (attributes: KeyAttributes): KeySchemaElement[] => {
    const entries = Object.entries(attributes);
    if (entries.length < 1 || entries.length > 2) throw new Error(`a key has one or two attributes: ${JSON.stringify(attributes)}`);
    for (const [name, type] of entries) {
      const known = types.get(name);
      if (known !== undefined && known !== type) throw new Error(`attribute ${name} is declared both ${known} and ${type}`);
      types.set(name, type);
    }
    return entries.map(([name], i) => ({ AttributeName: name, KeyType: i === 0 ? 'HASH' : 'RANGE' }));
  };
  const tableKey = keySchema(key);
  const hashKey = Object.entries(key)[0]!;
  const localIndexes: LocalSecondaryIndex[] | undefined =
    lsis === undefined
      ? undefined
      : Object.entries(lsis).map(([IndexName, index]) => ({
          IndexName,
          KeySchema: keySchema({ [hashKey[0]]: hashKey[1], ...index.sortKey }),
          Projection: projectionOf(index.projection),
        }));
  const globalIndexes: GlobalSecondaryIndex[] | undefined =
    gsis === undefined
      ? undefined
      : Object.entries(gsis).map(([IndexName, index]) => ({
          IndexName,
          KeySchema: keySchema(index.key),
          Projection: projectionOf(index.projection),
          ...(index.ProvisionedThroughput === undefined ? {} : { ProvisionedThroughput: index.ProvisionedThroughput }),
        }));
  return {
    ...(rest.ProvisionedThroughput === undefined ? { BillingMode: 'PAY_PER_REQUEST' } : {}),
    ...rest,
    AttributeDefinitions: [...types].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: tableKey,
    ...(localIndexes === undefined ? {} : { LocalSecondaryIndexes: localIndexes }),
    ...(globalIndexes === undefined ? {} : { GlobalSecondaryIndexes: globalIndexes }),
  };
}

function projectionOf(spec: ProjectionSpec): Projection {
  return typeof spec === 'string' ? { ProjectionType: spec } : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...spec.include] };
}
