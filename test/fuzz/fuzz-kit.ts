/**
 * Shared machinery of the request-path fuzzers: a seedable generator, an in-memory service
 * driven through `handleDynamoRequest` (no socket), the checks every answer must pass, and random
 * attribute values and item keys for the seeded table.
 */
import { errorCatalogue, type ErrorName } from '../../src/errors.js';
import type { AttributeValue, Item } from '../../src/model/attribute-value.js';
import type { TableRecord } from '../../src/partition/table-store.js';
import { defaultConfig } from '../../src/config.js';
import { handleDynamoRequest, type DynamoHttpResponse } from '../../src/server/handle-dynamo-request.js';
import { openService, type Service } from '../../src/service.js';
import { streamActionsByName } from '../../src/streams/stream-actions.js';
import { Gen } from '../helpers/seeded-random.js';
export { Gen };

/** A number from the environment (cases, seeds), or the fallback when unset or empty. */
export function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${text}`);
  return value;
}

/** A seed that differs from run to run unless pinned by the environment. */
export function envSeed(name: string): number {
  return envNumber(name, Math.floor(Math.random() * 2 ** 31));
}


// ---- the service under test ---------------------------------------------------------------------

export interface Answer {
  readonly status: number;
  readonly text: string;
  /** The body parsed as JSON; undefined for an empty or non-JSON body. */
  readonly json: unknown;
  readonly elapsed_ms: number;
}

export interface FuzzTarget {
  readonly service: Service;
  /** POSTs `DynamoDB_20120810.<operation>` with `body` (an object is sent as JSON, a string or bytes as is). */
  call(operation: string, body: unknown): Promise<Answer>;
  /** Sends exactly this request. */
  send(method: string, headers: Record<string, string>, body: Uint8Array): Promise<Answer>;
  close(): Promise<void>;
}

/**
 * A call slower than this is a hang. In-process calls take tens of microseconds; the worst
 * inputs (a few MB of JSON, 16 MB bodies) take tens of milliseconds; the margin absorbs
 * garbage-collection pauses on a busy machine (2 s was exceeded once with the load average at
 * ~11 on 2 cores).
 */
export const max_call_ms = 5000;

/** Well-formed SigV4 headers: Dynabase checks their shape, not the signature, without credentials. */
const signed_headers: Readonly<Record<string, string>> = {
  'content-type': 'application/x-amz-json-1.0',
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIDFUZZ/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=' +
    '0'.repeat(64),
  'x-amz-date': '20240101T000000Z',
};

export async function openFuzzTarget(): Promise<FuzzTarget> {
  const service = await openService({ ...defaultConfig, dataDir: undefined });
  async function send(method: string, headers: Record<string, string>, body: Uint8Array): Promise<Answer> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${max_call_ms} ms`)), max_call_ms);
    });
    let response: DynamoHttpResponse;
    try {
      response = await Promise.race([handleDynamoRequest(service, { method, path: '/', headers, body }), timeout]);
    } finally {
      clearTimeout(timer);
    }
    const elapsed_ms = performance.now() - started;
    if (elapsed_ms > max_call_ms) throw new Error(`answered after ${elapsed_ms.toFixed(0)} ms (limit ${max_call_ms} ms)`);
    const text = Buffer.from(response.body).toString('utf8');
    return { status: response.statusCode, text, json: parseJson(text), elapsed_ms };
  }
  return {
    service,
    send,
    call(operation, body) {
      const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body instanceof Uint8Array ? body : Buffer.from(JSON.stringify(body), 'utf8');
      return send('POST', { ...signed_headers, 'x-amz-target': targetOf(operation) }, bytes);
    },
    close: () => service.close(),
  };
}

export { signed_headers };

/** `DynamoDBStreams_20120810.<operation>` for the Streams actions, `DynamoDB_20120810.<operation>` otherwise. */
export function targetOf(operation: string): string {
  return streamActionsByName.has(operation) ? `DynamoDBStreams_20120810.${operation}` : `DynamoDB_20120810.${operation}`;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---- what every answer must be ------------------------------------------------------------------

const names_by_type: ReadonlyMap<string, ErrorName> = new Map(
  (Object.keys(errorCatalogue) as ErrorName[]).map((name) => [errorCatalogue[name].type, name]),
);

/**
 * Errors DynamoDB sends without a message: the coral deserialiser's bare SerializationException
 * (a body that is not a JSON object) and an unknown X-Amz-Target.
 */
const may_lack_message: ReadonlySet<ErrorName> = new Set<ErrorName>(['SerializationException', 'UnknownOperationException']);

/**
 * Checks one answer to a JSON request: 200 with a JSON object, or 400 with a catalogued `__type`
 * and a non-empty message. Returns the error's name (undefined for 200); throws a description of
 * what is wrong otherwise.
 */
export function checkAnswer(answer: Answer): ErrorName | undefined {
  const json = answer.json;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`status ${answer.status}, body is not a JSON object: ${answer.text.slice(0, 300)}`);
  if (answer.status === 200) {
    if ('__type' in json) throw new Error(`200 with an error body: ${answer.text.slice(0, 300)}`);
    return undefined;
  }
  const body = json as Record<string, unknown>;
  const type = body['__type'];
  const name = typeof type === 'string' ? names_by_type.get(type) : undefined;
  if (name === undefined) throw new Error(`status ${answer.status} with an uncatalogued __type: ${answer.text.slice(0, 300)}`);
  if (name === 'InternalServerError') throw new Error(`500 InternalServerError: ${answer.text.slice(0, 300)}`);
  if (answer.status !== errorCatalogue[name].status) throw new Error(`${name} with status ${answer.status}`);
  const message = body['message'] ?? body['Message'];
  if (message === undefined) {
    if (!may_lack_message.has(name)) throw new Error(`${name} without a message`);
  } else if (typeof message !== 'string' || message.length === 0) {
    throw new Error(`${name} with an empty or non-string message: ${answer.text.slice(0, 300)}`);
  }
  return name;
}

// ---- the seeded table ---------------------------------------------------------------------------

/**
 * The table both fuzzers use: a string partition key, a number sort key, a GSI on `g` and an LSI
 * on `l`, so Query and Scan meet indexes and every key type check; and a stream, for the Streams
 * actions.
 */
export const fuzz_table = 'fuzz';
export const fuzz_table_arn = `arn:aws:dynamodb:${defaultConfig.region}:${defaultConfig.accountId}:table/${fuzz_table}`;

export const fuzz_table_definition = {
  TableName: fuzz_table,
  AttributeDefinitions: [
    { AttributeName: 'id', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'N' },
    { AttributeName: 'g', AttributeType: 'S' },
    { AttributeName: 'l', AttributeType: 'B' },
  ],
  KeySchema: [
    { AttributeName: 'id', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    { IndexName: 'byG', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
  ],
  LocalSecondaryIndexes: [
    { IndexName: 'byL', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }, { AttributeName: 'l', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
  ],
  BillingMode: 'PAY_PER_REQUEST',
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
} as const;

export const partition_keys = ['p0', 'p1', 'p2', 'p3'] as const;
export const sort_keys = ['0', '1', '2', '-1.5', '1000'] as const;

/** One of the keys the seeded table holds (or a neighbour that is absent). */
export function randomKey(g: Gen): Item {
  return { id: { S: g.pick(partition_keys) }, sk: { N: g.pick(sort_keys) } };
}

/** Creates the table (again, if a fuzz case deleted it) and puts an item under every seeded key. */
export async function seedTable(target: FuzzTarget, g: Gen): Promise<void> {
  if (tableOf(target) === undefined) {
    const created = await target.call('CreateTable', fuzz_table_definition);
    if (created.status !== 200) throw new Error(`CreateTable failed: ${created.text}`);
  }
  for (const id of partition_keys) {
    for (const sk of sort_keys) {
      if (g.chance(0.2)) continue;
      const item: Record<string, AttributeValue> = { id: { S: id }, sk: { N: sk } };
      for (let i = g.int(5); i > 0; i--) item[g.pick(non_key_names)] = attributeValue(g, 0, true);
      if (g.chance(0.5)) item['g'] = { S: g.pick(['ga', 'gb']) };
      if (g.chance(0.5)) item['l'] = { B: g.pick(['AQ==', 'Ag==']) };
      const put = await target.call('PutItem', { TableName: fuzz_table, Item: item });
      if (put.status !== 200) throw new Error(`seed PutItem failed: ${put.text} for ${JSON.stringify(item)}`);
    }
  }
}

export function tableOf(target: FuzzTarget): TableRecord | undefined {
  return target.service.context.store.getTable(fuzz_table);
}

/** The stored JSON of the item under `key`, or undefined (also when the table is gone). */
export function storedItem(target: FuzzTarget, key: Item): string | undefined {
  const table = tableOf(target);
  return table === undefined ? undefined : target.service.context.store.getItemJson(table, key);
}

/** A fingerprint of the whole table (count and bytes): cheap, and moved by any write. */
export function tableFingerprint(target: FuzzTarget): string {
  const table = tableOf(target);
  if (table === undefined) return 'absent';
  const stats = target.service.context.store.stats(table);
  return `${stats.itemCount}/${stats.sizeBytes}`;
}

// ---- attribute values ---------------------------------------------------------------------------

/** Plain names, key names, names that are reserved words, and names that need a placeholder. */
export const attribute_names = ['a', 'b', 'c', 'id', 'sk', 'g', 'l', 'm', 'list1', 'x_1', 'B2', 'size', 'name', 'Status', 'é', 'with space'];

const key_names = new Set(['id', 'sk', 'g', 'l']);
const non_key_names = attribute_names.filter((name) => !key_names.has(name));

const valid_strings = ['', 'a', 'abc', 'S', 'N', 'é𝄞', '\u0000', 'p0', 'x'.repeat(300)];
/** Strings DynamoDB may refuse somewhere (key values, lengths) or that stress encoders: a lone surrogate. */
const strings = [...valid_strings, '\ud800', 'x'.repeat(1100), '😀'.repeat(300)];
const valid_numbers = ['0', '1', '-2.5', '1e10', '-0', '00.100', '99999999999999999999999999999999999999', '1E-130', '9.9999999999999999999999999999999999999E+125'];
const numbers = [...valid_numbers, '.5', '1.', '1e126', '1E-131', '123456789012345678901234567890123456789', 'NaN', 'Infinity', '', ' 1', '0x10', '+1', '1e', '1e+', '--1', '1_000'];
const valid_binaries = ['', 'AQID', '/w=='];
const binaries = [...valid_binaries, 'AQ', '!!!!', 'AQ=ID', '====', 'YQ==\n', 'Y Q=='];

/**
 * A random attribute value: mostly valid, sometimes DynamoDB-invalid (empty sets, duplicate set
 * members, bad numbers, bad base64, two type keys, no type key, wrong JSON types inside).
 */
export function attributeValue(g: Gen, depth = 0, validOnly = false): AttributeValue {
  const bad = !validOnly && g.chance(0.2);
  switch (g.int(depth < 2 ? 13 : 9)) {
    case 0:
    case 1:
      return { S: bad ? g.pick(strings) : g.pick(valid_strings) };
    case 2:
      return { N: bad ? g.pick(numbers) : g.pick(valid_numbers) };
    case 3:
      return { B: bad ? g.pick(binaries) : g.pick(valid_binaries) };
    case 4:
      return { BOOL: g.chance(0.5) };
    case 5:
      return { NULL: true };
    case 6:
      return g.pick<AttributeValue>([{ SS: ['a', 'b'] }, { NS: ['1', '2', '3.5'] }, { BS: ['AQ==', 'Ag=='] }, { SS: ['x'] }]);
    case 7:
      if (!bad) return { S: g.pick(valid_strings) };
      // DynamoDB-invalid shapes, typed loosely on purpose.
      return g.pick<unknown>([{ SS: [] }, { SS: ['a', 'a'] }, { NS: ['1', '1.0'] }, { BS: ['AQ==', 'AQ=='] }, { NULL: false }, {}, { S: 'a', N: '1' }, { S: 1 }, { N: 1 }, { BOOL: 'yes' }, { L: {} }, { M: [] }, { SS: 'a' }, { X: 'a' }]) as AttributeValue;
    case 8:
      return { S: g.chance(0.5) ? 'x' : 'p1' };
    case 9:
    case 10:
      return { L: Array.from({ length: g.int(4) }, () => attributeValue(g, depth + 1, validOnly)) };
    default: {
      const map: Record<string, AttributeValue> = {};
      for (let i = g.int(4); i > 0; i--) map[g.pick(attribute_names)] = attributeValue(g, depth + 1, validOnly);
      return { M: map };
    }
  }
}
