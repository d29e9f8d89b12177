/**
 * Query and Scan paging through the AWS SDK v3, checked against a model: an in-test sorted array
 * of the table's items, cut into the pages DynamoDB would return (Limit and 1 MB counted before
 * the filter, LastEvaluatedKey when and only when a page ended on a limit). Random tables, key
 * conditions, directions, filters and Limits; the seed is printed on failure.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, PutItemCommand, QueryCommand, ScanCommand, type AttributeValue, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { max_page_read_bytes } from '../../../src/limits.js';
import type { Item } from '../../../src/model/attribute-value.js';
import { compareBinary, compareStrings } from '../../../src/model/compare.js';
import { itemSize } from '../../../src/model/item-size.js';
import { partitionKeyHash } from '../../../src/model/key-codec.js';
import { compareNumbers } from '../../../src/model/number.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { seededRandom as random } from '../../helpers/seeded-random.js';

type SortType = 'S' | 'N' | 'B';
type Av = Record<string, AttributeValue>;

function sortValue(type: SortType, next: () => number): string {
  switch (type) {
    case 'S': {
      const alphabet = ['a', 'b', 'ab', 'B', '\u00e9', '\u{1f600}', 'z', '0'];
      let text = '';
      const length = 1 + Math.floor(next() * 4);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      return text;
    }
    case 'N': {
      const magnitude = Math.floor(next() * 2000) - 1000;
      const scale = Math.floor(next() * 4);
      return String(magnitude / 10 ** scale);
    }
    case 'B': {
      const bytes = Buffer.alloc(1 + Math.floor(next() * 3));
      for (let i = 0; i < bytes.length; i++) bytes[i] = [0, 1, 127, 128, 255][Math.floor(next() * 5)]!;
      return bytes.toString('base64');
    }
  }
}

function compareSort(type: SortType, a: string, b: string): number {
  return type === 'S' ? compareStrings(a, b) : type === 'N' ? compareNumbers(a, b) : compareBinary(a, b);
}

function canonicalNumber(text: string): string {
  // The server stores numbers canonically; the model must compare the same text.
  return String(Number(text));
}

interface Model {
  readonly name: string;
  readonly sortType: SortType;
  readonly items: Item[];
}

let server: TestServer;

async function createTable(name: string, sortType: SortType | undefined): Promise<void> {
  await server.client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, ...(sortType ? [{ AttributeName: 'sk', AttributeType: sortType }] : [])],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, ...(sortType ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : [])],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

async function fillTable(name: string, sortType: SortType, next: () => number, count: number, partitions: number, bigItems: boolean): Promise<Model> {
  await createTable(name, sortType);
  const byKey = new Map<string, Item>();
  for (let i = 0; i < count; i++) {
    const pk = `p${Math.floor(next() * partitions)}`;
    let sk = sortValue(sortType, next);
    if (sortType === 'N') sk = canonicalNumber(sk);
    const size = bigItems ? Math.floor(next() * 300_000) : Math.floor(next() * 200);
    const item: Item = { pk: { S: pk }, sk: { [sortType]: sk } as never, n: { N: String(Math.floor(next() * 10)) }, pad: { S: 'x'.repeat(size) } };
    await server.client.send(new PutItemCommand({ TableName: name, Item: item as Av }));
    byKey.set(`${pk}\u0000${sk}`, item);
  }
  return { name, sortType, items: [...byKey.values()] };
}

/** The SDK hands binary values back as bytes; the model keeps the wire's base64. */
function wire(items: readonly Av[] | undefined): unknown {
  return items?.map((item) => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(item)) {
      out[name] = value.B instanceof Uint8Array ? { B: Buffer.from(value.B).toString('base64') } : value;
    }
    return out;
  });
}

function sk(item: Item, type: SortType): string {
  return (item['sk'] as Record<string, string>)[type]!;
}

/** The pages DynamoDB returns for `matching` (already in read order). */
function modelPages(matching: readonly Item[], limit: number | undefined, keep: (item: Item) => boolean): { items: Item[]; scanned: number; last: boolean }[] {
  const pages: { items: Item[]; scanned: number; last: boolean }[] = [];
  let at = 0;
  for (;;) {
    const page = { items: [] as Item[], scanned: 0, last: false };
    let bytes = 0;
    while (at < matching.length) {
      const item = matching[at++]!;
      page.scanned++;
      bytes += itemSize(item);
      if (keep(item)) page.items.push(item);
      if (page.scanned === limit || bytes >= max_page_read_bytes) {
        page.last = true;
        break;
      }
    }
    pages.push(page);
    if (!page.last) return pages;
  }
}

before(async () => {
  server = await startTestServer();
});
after(() => server.close());

describe('Query paging against a model', () => {
  const operators = ['none', '=', '<', '<=', '>', '>=', 'BETWEEN', 'begins_with'] as const;
  for (const sortType of ['S', 'N', 'B'] as const) {
    for (const bigItems of [false, true]) {
      test(`${sortType} sort keys${bigItems ? ', pages cut at 1 MB' : ''}`, async () => {
        const seed = Number(process.env['DYNABASE_SEED'] ?? Date.now() % 1_000_000);
        const next = random(seed);
        const model = await fillTable(`query-${sortType}${bigItems ? "-big" : ""}`, sortType, next, bigItems ? 40 : 150, bigItems ? 2 : 4, bigItems);
        for (let round = 0; round < 25; round++) {
          const pk = `p${Math.floor(next() * (bigItems ? 2 : 4))}`;
          const operator = operators[Math.floor(next() * operators.length)]!;
          const forward = next() < 0.5;
          const limit = next() < 0.3 ? undefined : 1 + Math.floor(next() * 12);
          const withFilter = next() < 0.4;
          let a = sortValue(sortType, next);
          let b = sortValue(sortType, next);
          if (sortType === 'N') [a, b] = [canonicalNumber(a), canonicalNumber(b)];
          if (compareSort(sortType, a, b) > 0) [a, b] = [b, a];
          if (operator === 'begins_with' && sortType === 'N') continue;
          const context = `seed ${seed} round ${round}: ${operator} ${a} ${b} forward ${forward} limit ${limit} filter ${withFilter}`;

          const inRange = (item: Item): boolean => {
            const value = sk(item, sortType);
            const order = compareSort(sortType, value, a);
            switch (operator) {
              case 'none':
                return true;
              case '=':
                return order === 0;
              case '<':
                return order < 0;
              case '<=':
                return order <= 0;
              case '>':
                return order > 0;
              case '>=':
                return order >= 0;
              case 'BETWEEN':
                return order >= 0 && compareSort(sortType, value, b) <= 0;
              case 'begins_with': {
                const bytes = (text: string) => (sortType === 'S' ? Buffer.from(text, 'utf8') : Buffer.from(text, 'base64'));
                const prefix = bytes(a);
                const full = bytes(value);
                return full.length >= prefix.length && full.subarray(0, prefix.length).equals(prefix);
              }
            }
          };
          const matching = model.items
            .filter((item) => (item['pk'] as { S: string }).S === pk && inRange(item))
            .sort((x, y) => compareSort(sortType, sk(x, sortType), sk(y, sortType)) * (forward ? 1 : -1));
          const keep = (item: Item) => !withFilter || Number((item['n'] as { N: string }).N) >= 5;
          const expected = modelPages(matching, limit, keep);

          const values: Av = { ':pk': { S: pk } };
          let condition = '#pk = :pk';
          if (operator !== 'none') values[':a'] = { [sortType]: a } as unknown as AttributeValue;
          if (operator === 'BETWEEN') {
            values[':b'] = { [sortType]: b } as unknown as AttributeValue;
            condition += ' AND #sk BETWEEN :a AND :b';
          } else if (operator === 'begins_with') condition += ' AND begins_with(#sk, :a)';
          else if (operator !== 'none') condition += ` AND #sk ${operator} :a`;
          if (withFilter) values[':five'] = { N: '5' };
          const input: QueryCommandInput = {
            TableName: model.name,
            KeyConditionExpression: condition,
            ExpressionAttributeNames: operator === 'none' ? { '#pk': 'pk' } : { '#pk': 'pk', '#sk': 'sk' },
            ExpressionAttributeValues: values,
            ScanIndexForward: forward,
            ...(limit === undefined ? {} : { Limit: limit }),
            ...(withFilter ? { FilterExpression: 'n >= :five' } : {}),
          };
          let startKey: Av | undefined;
          for (let p = 0; p < expected.length; p++) {
            const page = await server.client.send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
            const want = expected[p]!;
            assert.deepEqual(wire(page.Items), want.items, `${context} page ${p}`);
            assert.equal(page.Count, want.items.length, context);
            assert.equal(page.ScannedCount, want.scanned, context);
            assert.equal(page.LastEvaluatedKey !== undefined, want.last, `${context} page ${p} LastEvaluatedKey`);
            startKey = page.LastEvaluatedKey;
          }
        }
      });
    }
  }
});

describe('Scan paging and parallel scans', () => {
  test('pages of a full scan concatenate to every item in hash then sort-key order', async () => {
    const seed = Number(process.env['DYNABASE_SEED'] ?? Date.now() % 1_000_000);
    const next = random(seed);
    const model = await fillTable('scanned', 'N', next, 120, 30, false);
    const hashOf = (item: Item) => partitionKeyHash('S', (item['pk'] as { S: string }).S);
    const ordered = [...model.items].sort((x, y) => {
      const [hx, hy] = [hashOf(x), hashOf(y)];
      return hx < hy ? -1 : hx > hy ? 1 : compareNumbers(sk(x, 'N'), sk(y, 'N'));
    });
    for (const limit of [1, 7, 120, 1000]) {
      const expected = modelPages(ordered, limit, () => true);
      let startKey: Av | undefined;
      for (let p = 0; p < expected.length; p++) {
        const page = await server.client.send(new ScanCommand({ TableName: model.name, Limit: limit, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
        assert.deepEqual(page.Items, expected[p]!.items, `seed ${seed} limit ${limit} page ${p}`);
        assert.equal(page.LastEvaluatedKey !== undefined, expected[p]!.last, `seed ${seed} limit ${limit} page ${p}`);
        startKey = page.LastEvaluatedKey;
      }
    }
  });
});

describe('an attribute named __proto__', () => {
  // Any string is an attribute name. The AWS SDK for JavaScript loses this one (its deserializer
  // assigns members, which sets an object's prototype), so these requests go as raw JSON, parsed
  // and written with `__proto__` as an ordinary member.
  test('as a sort key and an index key, it is in LastEvaluatedKey and pages resume from it', async () => {
    const call = async (operation: string, json: string): Promise<Record<string, unknown>> => {
      const response = await server.rawRequest(operation, JSON.parse(json));
      assert.equal(response.statusCode, 200, response.text);
      return JSON.parse(response.text) as Record<string, unknown>;
    };
    await call(
      'CreateTable',
      `{"TableName":"proto","BillingMode":"PAY_PER_REQUEST",
        "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"__proto__","AttributeType":"S"}],
        "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"__proto__","KeyType":"RANGE"}],
        "GlobalSecondaryIndexes":[{"IndexName":"byProto","KeySchema":[{"AttributeName":"__proto__","KeyType":"HASH"},{"AttributeName":"pk","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}]}`,
    );
    const values = ['a', 'b', 'c'];
    for (const value of values) await call('PutItem', `{"TableName":"proto","Item":{"pk":{"S":"p"},"__proto__":{"S":"${value}"}}}`);
    const readAll = async (request: string): Promise<string[]> => {
      const seen: string[] = [];
      let startKey: unknown;
      for (let page = 0; page < 10; page++) {
        const body = JSON.parse(request) as Record<string, unknown>;
        if (startKey !== undefined) body['ExclusiveStartKey'] = startKey;
        const answer = await call(body['KeyConditionExpression'] === undefined ? 'Scan' : 'Query', JSON.stringify(body));
        for (const item of answer['Items'] as Record<string, { S: string }>[]) seen.push(Object.getOwnPropertyDescriptor(item, '__proto__')!.value.S);
        startKey = answer['LastEvaluatedKey'];
        if (startKey === undefined) break;
        assert.ok(Object.prototype.hasOwnProperty.call(startKey, '__proto__'), `LastEvaluatedKey ${JSON.stringify(startKey)} holds __proto__`);
      }
      return seen.sort();
    };
    assert.deepEqual(await readAll('{"TableName":"proto","Limit":1,"KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"p"}}}'), values);
    assert.deepEqual(await readAll('{"TableName":"proto","IndexName":"byProto","Limit":1}'), values);
  });
});
