/**
 * Fuzz: random and mutated request bodies for every registered action (DynamoDB's and the Streams
 * API's), and raw protocol garbage,
 * through the real request core (`handleDynamoRequest`, in-process, no socket). Bad input never
 * hurts: every answer is 200, or 400 with a catalogued `__type` and a message (the bare
 * SerializationException and UnknownOperationException excepted, as DynamoDB sends them), never a
 * 500 or a thrown exception, always within a time limit; and a refused request leaves the seeded
 * table as it was. A failure prints the seed, the case number and the input.
 *
 *   DYNABASE_FUZZ_CASES=200000 DYNABASE_FUZZ_SEED=1234 node --test dist/test/fuzz/request-body.test.js
 *
 * DYNABASE_FUZZ_CASES is the number of mutated bodies (default 10,000, spread over the actions);
 * the raw-protocol test runs a tenth as many.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { actionsByName } from '../../src/api/actions.js';
import { max_request_body_bytes } from '../../src/limits.js';
import { streamActionsByName } from '../../src/streams/stream-actions.js';
import {
  attributeValue,
  attribute_names,
  checkAnswer,
  envNumber,
  envSeed,
  fuzz_table,
  fuzz_table_arn,
  fuzz_table_definition,
  Gen,
  openFuzzTarget,
  randomKey,
  seedTable,
  signed_headers,
  tableFingerprint,
  tableOf,
  targetOf,
  type Answer,
  type FuzzTarget,
} from './fuzz-kit.js';

const case_count = envNumber('DYNABASE_FUZZ_CASES', 10_000);
const seed = envSeed('DYNABASE_FUZZ_SEED');

// Members typed `undefined` are absent: JSON.stringify leaves them out.
type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };
type JsonObject = { [key: string]: Json | undefined };

let target: FuzzTarget;
before(async () => {
  target = await openFuzzTarget();
  await seed_and_learn_stream(new Gen(seed));
});

/** Every action the endpoint serves: DynamoDB's and the Streams API's. */
const all_operations = [...actionsByName.keys(), ...streamActionsByName.keys()].sort();

/** The seeded table's stream, one of its shards, an iterator and a sequence number, for Streams bodies. */
const stream = { arn: '', shardId: '', iterator: '', sequenceNumber: '' };

async function seed_and_learn_stream(g: Gen): Promise<void> {
  await seedTable(target, g);
  const table = (await target.call('DescribeTable', { TableName: fuzz_table })).json as { Table: { LatestStreamArn: string } };
  stream.arn = table.Table.LatestStreamArn;
  const described = (await target.call('DescribeStream', { StreamArn: stream.arn })).json as { StreamDescription: { Shards: Array<{ ShardId: string }> } };
  stream.shardId = described.StreamDescription.Shards[0]!.ShardId;
  const iterator = (await target.call('GetShardIterator', { StreamArn: stream.arn, ShardId: stream.shardId, ShardIteratorType: 'TRIM_HORIZON' })).json as { ShardIterator: string };
  stream.iterator = iterator.ShardIterator;
  const records = (await target.call('GetRecords', { ShardIterator: stream.iterator, Limit: 1 })).json as { Records: Array<{ dynamodb: { SequenceNumber: string } }> };
  stream.sequenceNumber = records.Records[0]?.dynamodb.SequenceNumber ?? '000000000000000000001';
}
after(() => target.close());

// ---- valid bodies, one generator per action -----------------------------------------------------

function av(g: Gen): Json {
  return attributeValue(g, 0, true) as Json;
}

function item(g: Gen): JsonObject {
  const out: JsonObject = randomKey(g) as JsonObject;
  for (let i = g.int(4); i > 0; i--) out[g.pick(['a', 'b', 'c', 'm', 'list1'])] = av(g);
  if (g.chance(0.3)) out['g'] = { S: 'ga' };
  return out;
}

function key(g: Gen): JsonObject {
  return randomKey(g) as JsonObject;
}

const return_consumed = ['NONE', 'TOTAL', 'INDEXES'];

function condition(g: Gen): JsonObject {
  return g.pick<JsonObject>([
    { ConditionExpression: 'attribute_exists(#a)', ExpressionAttributeNames: { '#a': 'a' } },
    { ConditionExpression: 'attribute_not_exists(id) OR b = :v', ExpressionAttributeValues: { ':v': av(g) } },
    { ConditionExpression: 'size(#m) > :n AND begins_with(c, :s)', ExpressionAttributeNames: { '#m': 'm' }, ExpressionAttributeValues: { ':n': { N: '1' }, ':s': { S: 'a' } } },
    { Expected: { a: { Exists: false } } },
    { Expected: { b: { ComparisonOperator: 'EQ', AttributeValueList: [av(g)] } }, ConditionalOperator: 'OR' },
    {},
  ]);
}

const table_name = (g: Gen): string => (g.chance(0.9) ? fuzz_table : g.pick(['missing', 'fuzz2', 'a', 'x'.repeat(255)]));

const valid_bodies: Readonly<Record<string, (g: Gen) => JsonObject>> = {
  CreateTable: (g) => {
    const body = structuredClone(fuzz_table_definition) as unknown as JsonObject;
    body['TableName'] = `created-${g.int(50)}`;
    if (g.chance(0.5)) body['Tags'] = [{ Key: 'k', Value: 'v' }];
    if (g.chance(0.3)) body['StreamSpecification'] = { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' };
    if (g.chance(0.3)) {
      delete body['BillingMode'];
      body['ProvisionedThroughput'] = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };
      for (const index of body['GlobalSecondaryIndexes'] as JsonObject[]) index['ProvisionedThroughput'] = { ReadCapacityUnits: 1, WriteCapacityUnits: 1 };
    }
    return body;
  },
  DescribeTable: (g) => ({ TableName: table_name(g) }),
  ListTables: (g) => ({ Limit: 1 + g.int(100), ...(g.chance(0.5) ? { ExclusiveStartTableName: g.pick(['created-1', 'fuzz', 'a']) } : {}) }),
  // Deletes a table the fuzzer created, rarely the seeded one (it is re-created and re-seeded).
  DeleteTable: (g) => ({ TableName: g.chance(0.02) ? fuzz_table : `created-${g.int(50)}` }),
  UpdateTable: (g) =>
    g.pick<JsonObject>([
      { TableName: fuzz_table, BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 100 }, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'byG', ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 10 } } }] },
      { TableName: fuzz_table, BillingMode: 'PAY_PER_REQUEST' },
      { TableName: `created-${g.int(50)}`, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byG' } }] },
      {
        TableName: `created-${g.int(50)}`,
        AttributeDefinitions: [{ AttributeName: 'h', AttributeType: 'N' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'byH', KeySchema: [{ AttributeName: 'h', KeyType: 'HASH' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['a'] } } }],
      },
      // One concern per request: DynamoDB refuses deletion protection or table class with anything else.
      { TableName: fuzz_table, StreamSpecification: { StreamEnabled: false } },
      { TableName: fuzz_table, DeletionProtectionEnabled: false },
      { TableName: fuzz_table, TableClass: 'STANDARD' },
    ]),
  TagResource: (g) => ({ ResourceArn: fuzz_table_arn, Tags: Array.from({ length: 1 + g.int(3) }, (_, i) => ({ Key: `k${i}`, Value: g.pick(['', 'v', 'é']) })) }),
  UntagResource: (g) => ({ ResourceArn: fuzz_table_arn, TagKeys: g.pick([['k0'], ['k1', 'k2'], ['absent']]) }),
  ListTagsOfResource: (g) => ({ ResourceArn: fuzz_table_arn, ...(g.chance(0.3) ? { NextToken: 'k0' } : {}) }),
  DescribeLimits: () => ({}),
  DescribeEndpoints: () => ({}),
  UpdateTimeToLive: (g) => ({ TableName: fuzz_table, TimeToLiveSpecification: { Enabled: g.chance(0.5), AttributeName: g.pick(['ttl', 'a', 'expires']) } }),
  DescribeTimeToLive: (g) => ({ TableName: table_name(g) }),
  PutItem: (g) => ({ TableName: table_name(g), Item: item(g), ReturnValues: g.pick(['NONE', 'ALL_OLD']), ReturnConsumedCapacity: g.pick(return_consumed), ReturnItemCollectionMetrics: g.pick(['NONE', 'SIZE']), ...condition(g) }),
  GetItem: (g) =>
    g.chance(0.5)
      ? { TableName: table_name(g), Key: key(g), ConsistentRead: g.chance(0.5), ProjectionExpression: '#a, b.c[0], m', ExpressionAttributeNames: { '#a': 'a' }, ReturnConsumedCapacity: g.pick(return_consumed) }
      : { TableName: table_name(g), Key: key(g), AttributesToGet: ['a', 'id'] },
  DeleteItem: (g) => ({ TableName: table_name(g), Key: key(g), ReturnValues: g.pick(['NONE', 'ALL_OLD']), ReturnValuesOnConditionCheckFailure: g.pick(['NONE', 'ALL_OLD']), ...condition(g) }),
  UpdateItem: (g) =>
    g.chance(0.6)
      ? {
          TableName: table_name(g),
          Key: key(g),
          UpdateExpression: 'SET #a = :v, b = if_not_exists(b, :n) + :n REMOVE c ADD s :ss',
          ExpressionAttributeNames: { '#a': 'a' },
          ExpressionAttributeValues: { ':v': av(g), ':n': { N: '1' }, ':ss': { SS: ['x', 'y'] } },
          ReturnValues: g.pick(['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW']),
        }
      : { TableName: table_name(g), Key: key(g), AttributeUpdates: { a: { Action: 'PUT', Value: av(g) }, n: { Action: 'ADD', Value: { N: '2' } }, c: { Action: 'DELETE' } }, ...condition(g) },
  Query: (g) =>
    g.pick<JsonObject>([
      {
        TableName: fuzz_table,
        KeyConditionExpression: 'id = :p AND sk BETWEEN :lo AND :hi',
        FilterExpression: 'attribute_exists(a)',
        ExpressionAttributeValues: { ':p': { S: 'p1' }, ':lo': { N: '-5' }, ':hi': { N: '5' } },
        Limit: 1 + g.int(5),
        ScanIndexForward: g.chance(0.5),
        ReturnConsumedCapacity: g.pick(return_consumed),
        ExclusiveStartKey: key(g),
      },
      { TableName: fuzz_table, IndexName: 'byG', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': { S: 'ga' } }, Select: g.pick(['ALL_ATTRIBUTES', 'COUNT', 'ALL_PROJECTED_ATTRIBUTES']) },
      { TableName: fuzz_table, IndexName: 'byL', KeyConditionExpression: 'id = :p AND begins_with(l, :b)', ExpressionAttributeValues: { ':p': { S: 'p0' }, ':b': { B: 'AQ==' } } },
      { TableName: fuzz_table, KeyConditions: { id: { ComparisonOperator: 'EQ', AttributeValueList: [{ S: 'p2' }] } }, QueryFilter: { a: { ComparisonOperator: 'NOT_NULL' } }, AttributesToGet: ['a'] },
    ]),
  Scan: (g) =>
    g.pick<JsonObject>([
      { TableName: fuzz_table, FilterExpression: 'a <> :v', ExpressionAttributeValues: { ':v': av(g) }, Limit: 1 + g.int(10), ProjectionExpression: 'id, a' },
      { TableName: fuzz_table, Segment: g.int(4), TotalSegments: 4, ExclusiveStartKey: key(g), ConsistentRead: true },
      { TableName: fuzz_table, IndexName: 'byG', Select: 'COUNT', ScanFilter: { sk: { ComparisonOperator: 'GT', AttributeValueList: [{ N: '0' }] } } },
    ]),
  ListStreams: (g) => ({ ...(g.chance(0.5) ? { TableName: fuzz_table } : {}), Limit: 1 + g.int(100), ...(g.chance(0.3) ? { ExclusiveStartStreamArn: stream.arn } : {}) }),
  DescribeStream: (g) => ({ StreamArn: stream.arn, Limit: 1 + g.int(100), ...(g.chance(0.3) ? { ExclusiveStartShardId: stream.shardId } : {}) }),
  GetShardIterator: (g) => {
    const type = g.pick(['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER']);
    return { StreamArn: stream.arn, ShardId: stream.shardId, ShardIteratorType: type, ...(type.endsWith('SEQUENCE_NUMBER') ? { SequenceNumber: stream.sequenceNumber } : {}) };
  },
  GetRecords: (g) => ({ ShardIterator: stream.iterator, ...(g.chance(0.5) ? { Limit: 1 + g.int(1000) } : {}) }),
  BatchGetItem: (g) => ({ RequestItems: { [fuzz_table]: { Keys: [key(g), { id: { S: 'p3' }, sk: { N: '2' } }], ProjectionExpression: 'id, a', ConsistentRead: g.chance(0.5) } }, ReturnConsumedCapacity: g.pick(return_consumed) }),
  TransactWriteItems: (g) => ({
    TransactItems: [
      { Put: { TableName: fuzz_table, Item: item(g), ...condition(g) } },
      { Update: { TableName: fuzz_table, Key: { id: { S: 'p2' }, sk: { N: '0' } }, UpdateExpression: 'SET #a = :v ADD n :one', ExpressionAttributeNames: { '#a': 'a' }, ExpressionAttributeValues: { ':v': av(g), ':one': { N: '1' } } } },
      { Delete: { TableName: fuzz_table, Key: { id: { S: 'p3' }, sk: { N: '1000' } } } },
      { ConditionCheck: { TableName: fuzz_table, Key: { id: { S: 'p0' }, sk: { N: '2' } }, ConditionExpression: g.pick(['attribute_exists(id)', 'attribute_not_exists(id)', 'size(a) > :z']), ...(g.chance(0.5) ? { ExpressionAttributeValues: { ':z': { N: '0' } } } : {}), ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
    ].filter(() => g.chance(0.7)),
    ReturnConsumedCapacity: g.pick(return_consumed),
    ...(g.chance(0.3) ? { ClientRequestToken: `token-${g.int(20)}` } : {}),
  }),
  TransactGetItems: (g) => ({
    TransactItems: [
      { Get: { TableName: fuzz_table, Key: key(g), ProjectionExpression: '#a, id', ExpressionAttributeNames: { '#a': 'a' } } },
      { Get: { TableName: fuzz_table, Key: key(g) } },
    ],
    ReturnConsumedCapacity: g.pick(return_consumed),
  }),
  BatchWriteItem: (g) => ({ RequestItems: { [fuzz_table]: [{ PutRequest: { Item: item(g) } }, { DeleteRequest: { Key: { id: { S: 'p3' }, sk: { N: '1000' } } } }] }, ReturnItemCollectionMetrics: 'SIZE' }),
};

/** Every member name any action reads, for "add a member" mutations and bodies of unknown actions. */
const member_names = [
  ...new Set(
    Object.values(valid_bodies)
      .flatMap((make) => Object.keys(make(new Gen(1))))
      .concat(['TableName', 'Key', 'Item', 'TransactItems', 'ClientRequestToken', 'Statement', 'Parameters', 'StreamArn', 'ShardId', 'ShardIterator', 'ShardIteratorType', 'SequenceNumber', 'ExclusiveStartShardId', 'Limit', 'ReturnValues', 'Unknown']),
  ),
];

/** Actions without a tailored body (registered after this file was written) start from random members. */
function genericBody(g: Gen): JsonObject {
  const body: JsonObject = {};
  for (let i = g.int(5); i > 0; i--) body[g.pick(member_names)] = randomJson(g, 1);
  if (g.chance(0.7)) body['TableName'] = fuzz_table;
  return body;
}

// ---- random JSON and mutations ------------------------------------------------------------------

const json_numbers = [0, -1, 1, 1.5, -0.5, 1e308, -1e308, 5e-324, 2 ** 31, 2 ** 53 + 2, 10, 25, 100, 101, 1e21];
const json_strings = ['', 'a', 'fuzz', 'NONE', 'ALL_NEW', 'PAY_PER_REQUEST', 'S', 'HASH', 'EQ', 'true', 'null', '#a', ':v', 'é𝄞', '\u0000', '\ud83d', 'x'.repeat(1025), 'arn:aws:dynamodb:us-east-1:000000000000:table/fuzz'];

function randomScalar(g: Gen): Json {
  switch (g.int(4)) {
    case 0:
      return null;
    case 1:
      return g.chance(0.5);
    case 2:
      return g.pick(json_numbers);
    default:
      return g.pick(json_strings);
  }
}

function randomJson(g: Gen, depth: number): Json {
  const r = g.int(10);
  if (depth > 3 || r < 5) return randomScalar(g);
  if (r < 7) return Array.from({ length: g.int(4) }, () => randomJson(g, depth + 1));
  if (r < 8) return av(g);
  const out: JsonObject = {};
  for (let i = g.int(4); i > 0; i--) out[g.pick([...member_names, ...attribute_names, 'S', 'N', 'M', 'L'])] = randomJson(g, depth + 1);
  return out;
}

/** A value nested `levels` deep: attribute-value maps and lists, or bare JSON arrays and objects. */
function deeplyNested(g: Gen, levels: number): Json {
  let value: Json = { S: 'bottom' };
  const style = g.int(4);
  for (let i = 0; i < levels; i++) {
    if (style === 0) value = { L: [value] };
    else if (style === 1) value = { M: { m: value } };
    else if (style === 2) value = [value];
    else value = { a: value };
  }
  return value;
}

function hugeString(g: Gen): string {
  return g.pick(['a', 'é', '😀', '\u0000']).repeat(g.chance(0.9) ? g.pick([1024, 65_536]) : 400_001);
}

/** Whether `value` written as JSON takes at most about `limit` characters (stops counting early). */
function sizeAtMost(value: Json | undefined, limit: number): boolean {
  let budget = limit;
  const visit = (node: Json | undefined): boolean => {
    if (node === null || node === undefined || typeof node !== 'object') {
      // Six characters per string unit at worst (`\u0000`), as JSON.stringify escapes controls.
      budget -= typeof node === 'string' ? node.length * 6 + 2 : 6;
    } else if (Array.isArray(node)) {
      // Brackets and commas count too: a deeply nested array shared across a body is mostly them.
      budget -= 2 + node.length;
      for (const item of node) {
        if (!visit(item)) return false;
      }
    } else {
      budget -= 2;
      for (const name in node) {
        budget -= name.length + 3;
        if (!visit(node[name])) return false;
      }
    }
    return budget >= 0;
  };
  return visit(value);
}

/** Every container in `root` with its member keys, for picking a mutation site. */
function sites(root: Json, out: Array<{ parent: Json[] | JsonObject; key: string | number }>, depth = 0): void {
  if (root === null || typeof root !== 'object' || depth > 40) return;
  if (Array.isArray(root)) {
    for (let i = 0; i < root.length; i++) {
      out.push({ parent: root, key: i });
      sites(root[i]!, out, depth + 1);
    }
  } else {
    for (const name of Object.keys(root)) {
      out.push({ parent: root, key: name });
      sites(root[name]!, out, depth + 1);
    }
  }
}

function setAt(parent: Json[] | JsonObject, key: string | number, value: Json): void {
  (parent as Record<string | number, Json>)[key] = value;
}

function mutate(g: Gen, body: JsonObject): void {
  const found: Array<{ parent: Json[] | JsonObject; key: string | number }> = [];
  sites(body, found);
  const site = found.length > 0 && g.chance(0.9) ? g.pick(found) : { parent: body, key: g.pick(member_names) };
  const parent = site.parent;
  const key = site.key;
  const current = (parent as Record<string | number, Json>)[key];
  switch (g.int(12)) {
    case 0: // drop a member or element
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      break;
    case 1: // add a member beside it
      if (Array.isArray(parent)) parent.push(randomJson(g, 1));
      else parent[g.chance(0.5) ? g.pick(member_names) : g.pick([...attribute_names, 'S', 'N', 'SS', 'NULL', 'BOOL', 'Exists', 'Value', ''])] = randomJson(g, 1);
      break;
    case 2: // a JSON value of another type
      setAt(parent, key, randomScalar(g));
      break;
    case 3:
      setAt(parent, key, randomJson(g, 0));
      break;
    case 4: // an attribute value, valid or not, where anything stood
      setAt(parent, key, attributeValue(g) as Json);
      break;
    case 5:
      setAt(parent, key, g.chance(0.5) ? hugeString(g) : g.pick(json_strings));
      break;
    case 6: // an array for an object, an object for an array
      if (Array.isArray(current)) setAt(parent, key, Object.fromEntries(current.map((value, i) => [String(i), value])));
      else setAt(parent, key, [current ?? null]);
      break;
    case 7:
      setAt(parent, key, deeplyNested(g, g.pick([5, 31, 32, 33, 100, 1000])));
      break;
    case 8: // duplicate an element (duplicate set members, duplicate keys in a batch)
      if (Array.isArray(current) && current.length > 0) current.push(current[g.int(current.length)]!);
      else if (Array.isArray(parent)) parent.push(current ?? null);
      else setAt(parent, key, [current ?? null, current ?? null]);
      break;
    case 9: // numbers as numbers and as strings, in and out of range
      setAt(parent, key, g.chance(0.5) ? g.pick(json_numbers) : g.pick(['1e126', '-1e-131', '0.0', '007', 'NaN', '1e', '', ' 5', String(2 ** 64)]));
      break;
    case 10: // misspell a member name
      if (!Array.isArray(parent)) {
        delete parent[key as string];
        parent[g.pick([String(key).toLowerCase(), `${String(key)} `, `${String(key)}s`, String(key).slice(1)])] = current ?? null;
      }
      break;
    default: // a long list of the same thing (limits on counts: 100 keys, 25 writes, 50 tags, 20 indexes)
      // The same value, shared (JSON.stringify writes it out each time); a large one only twice,
      // so repeated edits cannot multiply a body into hundreds of MB.
      setAt(parent, key, Array.from({ length: sizeAtMost(current ?? null, 4000) ? g.pick([20, 26, 51, 101, 1000]) : 2 }, () => current ?? null));
  }
}

/**
 * The first failing case of each kind (by action and first line), so one run shows every distinct
 * bug rather than the first; stops the run after a few.
 */
class Failures {
  private readonly byKind = new Map<string, string>();
  constructor(private readonly seed: number) {}
  get full(): boolean {
    return this.byKind.size >= 8;
  }
  add(operation: string, index: number, description: string): void {
    const kind = `${operation}: ${description.split('\n', 1)[0]!.slice(0, 80)}`;
    if (!this.byKind.has(kind)) this.byKind.set(kind, `case ${index} with DYNABASE_FUZZ_SEED=${this.seed}: ${description}`);
  }
  assertNone(): void {
    if (this.byKind.size > 0) assert.fail(`${this.byKind.size} kinds of failure:\n\n${[...this.byKind.values()].join('\n\n')}`);
  }
}

// ---- the tests ----------------------------------------------------------------------------------

/** Actions that read or write the seeded table: a refused one must leave it as it was. */
const item_actions = new Set(['PutItem', 'GetItem', 'DeleteItem', 'UpdateItem', 'Query', 'Scan', 'BatchGetItem', 'BatchWriteItem', 'TransactWriteItems', 'TransactGetItems']);

const max_fuzz_body_chars = 4_000_000;

function describeInput(operation: string, body: string): string {
  return `${operation} ${body.length > 2000 ? `${body.slice(0, 2000)}... (${body.length} chars)` : body}`;
}

test(`fuzz: ${case_count} random and mutated bodies for every action (seed ${seed})`, async (t) => {
  const g = new Gen(seed ^ 0x5eed);
  const operations = all_operations;
  const generic = operations.filter((name) => valid_bodies[name] === undefined);
  if (generic.length > 0) t.diagnostic(`no tailored body (random members only): ${generic.join(', ')}`);
  const outcomes = new Map<string, number>();
  const failures = new Failures(seed);
  const time_ms = new Map<string, number>();
  for (let i = 0; i < case_count && !failures.full; i++) {
    const operation = operations[i % operations.length]!;
    const make = valid_bodies[operation] ?? genericBody;
    const body = make(g);
    if (g.chance(0.9)) for (let edits = 1 + g.int(3); edits > 0; edits--) mutate(g, body);
    // Shared values edited after being repeated could make bodies of hundreds of MB; the raw
    // test covers the size limit.
    const text = JSON.stringify(sizeAtMost(body, max_fuzz_body_chars) ? body : make(g));
    const before = tableFingerprint(target);
    let answer: Answer;
    let error: string | undefined;
    try {
      answer = await target.call(operation, text);
      error = checkAnswer(answer);
    } catch (failure) {
      failures.add(operation, i, `${(failure as Error).message}\ninput: ${describeInput(operation, text)}`);
      continue;
    }
    time_ms.set(operation, (time_ms.get(operation) ?? 0) + answer.elapsed_ms);
    const outcome = `${operation} ${error ?? 200}`;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    if (error !== undefined && item_actions.has(operation)) {
      const now = tableFingerprint(target);
      if (now !== before) failures.add(operation, i, `refused with ${error} but the table changed (${before} -> ${now})\ninput: ${describeInput(operation, text)}\nanswer: ${answer.text.slice(0, 300)}`);
    }
    if (tableOf(target) === undefined) await seed_and_learn_stream(g);
  }
  failures.assertNone();
  // The mutations must leave some requests valid and refuse others, for every action with a
  // tailored body, or the fuzzer tests nothing there.
  for (const operation of operations) {
    const total = [...outcomes].filter(([name]) => name.startsWith(`${operation} `)).reduce((sum, [, n]) => sum + n, 0);
    const ok = outcomes.get(`${operation} 200`) ?? 0;
    const make = valid_bodies[operation];
    if (case_count >= 1000 && make !== undefined) {
      assert.ok(ok > 0, `${operation}: no request succeeded in ${total}`);
      // DescribeLimits and DescribeEndpoints read nothing from the body, so nothing is refused.
      if (Object.keys(make(g)).length > 0) assert.ok(ok < total, `${operation}: every request succeeded`);
    }
  }
  t.diagnostic([...outcomes].sort().map(([name, n]) => `${name}: ${n}`).join(', '));
  t.diagnostic(`time in calls: ${[...time_ms].sort((a, b) => b[1] - a[1]).map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(', ')}`);
});

// ---- raw protocol garbage -----------------------------------------------------------------------

const raw_case_count = Math.ceil(case_count / 10);

/**
 * Answers allowed to a request that may not be JSON at all: any answer `checkAnswer` allows, the
 * 404 `<UnknownOperationException/>` for a method or content type DynamoDB does not serve, the
 * bare 413 for an oversize body, and the health line for GET.
 */
function checkRawAnswer(method: string, answer: Answer): void {
  if (answer.status === 404) {
    assert.equal(answer.text, '<UnknownOperationException/>\n');
    return;
  }
  if (answer.status === 413) {
    assert.equal(answer.text, '');
    return;
  }
  if (method === 'GET' || method === 'OPTIONS') {
    assert.equal(answer.status, 200);
    return;
  }
  checkAnswer(answer);
}

function garbageBody(g: Gen, operation: string): Uint8Array {
  const valid = JSON.stringify((valid_bodies[operation] ?? genericBody)(g));
  switch (g.int(9)) {
    case 0: // truncated JSON
      return Buffer.from(valid.slice(0, g.int(valid.length)));
    case 1: // random bytes, invalid UTF-8 included
      return Buffer.from(Array.from({ length: g.int(200) }, () => g.int(256)));
    case 2: { // one character replaced
      const at = g.int(valid.length);
      return Buffer.from(valid.slice(0, at) + String.fromCharCode(g.int(128)) + valid.slice(at + 1));
    }
    case 3: // JSON that is not an object
      return Buffer.from(g.pick(['null', '[]', '[{}]', '"x"', '1', 'true', '', ' ', '{}', '{"TableName":}', '{"a":1,}', '{"a":1}{"b":2}', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}']));
    case 4: // duplicate members: the last one wins in JSON.parse
      return Buffer.from(valid.replace(/^\{/, '{"TableName":123,'));
    case 5: // a very deep document
      return Buffer.from('['.repeat(g.pick([100, 10_000, 100_000])) + ']'.repeat(g.chance(0.5) ? 0 : 100_000));
    case 6: // a large body near the 16 MB limit, on either side (rarely: each costs tens of ms)
      if (g.chance(0.9)) return Buffer.from(valid);
      return Buffer.from(JSON.stringify({ TableName: fuzz_table, Item: { id: { S: 'p0' }, sk: { N: '0' }, big: { S: 'x'.repeat(max_request_body_bytes - 100 + g.pick([-1000, 0, 1000])) } } }));
    case 7: // a UTF-8 byte-order mark, or a lone continuation byte, before valid JSON
      return Buffer.concat([Buffer.from(g.pick([[0xef, 0xbb, 0xbf], [0x80], [0x00]])), Buffer.from(valid)]);
    default:
      return Buffer.from(valid);
  }
}

function garbageHeaders(g: Gen, operation: string): Record<string, string> {
  const headers: Record<string, string> = { ...signed_headers, 'x-amz-target': targetOf(operation) };
  for (let edits = g.int(3); edits > 0; edits--) {
    switch (g.int(7)) {
      case 0:
        delete headers[g.pick(['content-type', 'authorization', 'x-amz-date', 'x-amz-target'])];
        break;
      case 1:
        headers['content-type'] = g.pick(['application/json', 'application/x-amz-json-1.1', 'text/plain', 'application/x-amz-json-1.0; charset=latin1', '', 'APPLICATION/X-AMZ-JSON-1.0']);
        break;
      case 2:
        headers['x-amz-target'] = g.pick(['', 'DynamoDB_20120810.', 'DynamoDB_20120810.Nope', `dynamodb_20120810.${operation}`, `DynamoDBStreams_20120810.${operation}`, `DynamoDB_20120810.${operation}`, 'DynamoDBStreams_20120810.', `DynamoDB_20111205.${operation}`, `DynamoDB_20120810.${operation}.x`, 'DynamoDB_20120810.constructor', 'DynamoDB_20120810.__proto__', 'DynamoDB_20120810.toString']);
        break;
      case 3:
        headers['authorization'] = g.pick(['', 'AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA256 Credential=a/b', 'Basic abc', 'AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=', 'x'.repeat(10_000)]);
        break;
      case 4:
        headers['x-amz-date'] = g.pick(['', 'yesterday', '20240101', '99991231T235959Z']);
        break;
      case 5:
        headers['x-amz-security-token'] = g.pick(['', 'token']);
        break;
      default:
        headers['origin'] = 'https://example.com';
    }
  }
  return headers;
}

test(`fuzz: ${raw_case_count} raw protocol requests (seed ${seed})`, async () => {
  const g = new Gen(seed ^ 0x1a2b);
  const operations = all_operations;
  for (let i = 0; i < raw_case_count; i++) {
    const operation = g.pick(operations);
    const method = g.chance(0.9) ? 'POST' : g.pick(['GET', 'PUT', 'OPTIONS', 'DELETE', 'post']);
    const headers = garbageHeaders(g, operation);
    const body = garbageBody(g, operation);
    try {
      checkRawAnswer(method, await target.send(method, headers, body));
    } catch (failure) {
      const shown = Buffer.from(body.subarray(0, 2000)).toString('utf8');
      assert.fail(`raw case ${i} with DYNABASE_FUZZ_SEED=${seed}: ${(failure as Error).message}\n${method} ${JSON.stringify(headers)}\nbody (${body.length} bytes): ${shown}`);
    }
    if (tableOf(target) === undefined) await seed_and_learn_stream(g);
  }
});
