/**
 * The stream is a faithful history: a seeded random workload (puts, updates, deletes, conditional
 * writes that fail, transactions, TTL expiries) whose stream, replayed onto an empty copy,
 * reproduces the table exactly; every record's OldImage is the copy's state before it (each
 * change exactly once, in order per item). The seed is printed on failure.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteItemCommand,
  PutItemCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { startTestServer, test_credentials, type TestServer } from '../../helpers/test-server.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { createStreamTable, readAll } from './stream-helpers.js';
import { seededRandom as random } from '../../helpers/seeded-random.js';

const seed = Number(process.env.DYNABASE_REPLAY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const operations = Number(process.env.DYNABASE_REPLAY_OPERATIONS ?? 400);
const table = 'replay';

let server: TestServer;
let streams: DynamoDBStreamsClient;
const clock = new ManualClock();

before(async () => {
  server = await startTestServer({ clock, sweepIntervalMs: 2 });
  streams = new DynamoDBStreamsClient({ endpoint: server.endpoint, region: server.dynabase.region, credentials: test_credentials, maxAttempts: 1 });
});
after(async () => {
  streams.destroy();
  await server.close();
});

type Item = Record<string, AttributeValue>;

function keyString(key: unknown): string {
  const k = key as { pk: { S: string }; sk: { N: string } };
  return `${k.pk.S}#${k.sk.N}`;
}

/** Items compared regardless of attribute order. */
function canonical(item: unknown): string {
  return JSON.stringify(item, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}

test(`replaying the stream reproduces the table (seed ${seed})`, async () => {
  const arn = await createStreamTable(server, table, 'NEW_AND_OLD_IMAGES', true);
  await server.client.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: 'exp', Enabled: true } }));
  const next = random(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
  const key = (): Item => ({ pk: { S: `p${Math.floor(next() * 6)}` }, sk: { N: String(Math.floor(next() * 5)) } });
  const now_s = () => Math.floor(clock.now() / 1000);

  for (let i = 0; i < operations; i++) {
    const roll = next();
    try {
      if (roll < 0.3) {
        const item: Item = { ...key(), v: { N: String(Math.floor(next() * 100)) } };
        if (next() < 0.3) item.tag = { SS: pick([['a'], ['a', 'b'], ['c']]) };
        if (next() < 0.2) item.exp = { N: String(now_s() + 1 + Math.floor(next() * 30)) };
        await server.client.send(new PutItemCommand({ TableName: table, Item: item }));
      } else if (roll < 0.55) {
        const expression = pick(['SET v = :v', 'ADD c :one', 'REMOVE tag', 'SET m = :m', 'SET v = :v REMOVE m']);
        const values: Item = {};
        if (expression.includes(':v')) values[':v'] = { N: String(Math.floor(next() * 100)) };
        if (expression.includes(':one')) values[':one'] = { N: '1' };
        if (expression.includes(':m')) values[':m'] = { M: { x: { S: pick(['x', 'y']) } } };
        await server.client.send(new UpdateItemCommand({
          TableName: table,
          Key: key(),
          UpdateExpression: expression,
          ...(Object.keys(values).length === 0 ? {} : { ExpressionAttributeValues: values }),
        }));
      } else if (roll < 0.7) {
        await server.client.send(new DeleteItemCommand({ TableName: table, Key: key() }));
      } else if (roll < 0.8) {
        // Fails whenever the item exists: no record for the failed write.
        await server.client.send(new PutItemCommand({ TableName: table, Item: { ...key(), v: { N: '-1' } }, ConditionExpression: 'attribute_not_exists(pk)' }));
      } else if (roll < 0.95) {
        const first = key();
        let second = key();
        while (keyString(second) === keyString(first)) second = key();
        await server.client.send(new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { ...first, v: { N: String(Math.floor(next() * 100)) }, t: { BOOL: true } } } },
            next() < 0.5
              ? { Delete: { TableName: table, Key: second } }
              : { Update: { TableName: table, Key: second, UpdateExpression: 'ADD c :one', ExpressionAttributeValues: { ':one': { N: '1' } }, ...(next() < 0.3 ? { ConditionExpression: 'attribute_exists(pk)' } : {}) } },
          ],
        }));
      } else {
        // Time passes: items whose exp is now past are swept by the service.
        clock.advance(Math.floor(next() * 20_000));
      }
    } catch (error) {
      const name = (error as Error).name;
      assert.ok(name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException', `seed ${seed}: unexpected ${name}: ${(error as Error).message}`);
    }
  }
  // Let every remaining TTL expire and be swept.
  clock.advance(60_000);
  const deadline = Date.now() + 5000;
  for (;;) {
    const left = await server.client.send(new ScanCommand({ TableName: table, FilterExpression: 'attribute_exists(exp)' }));
    if (left.Count === 0) break;
    assert.ok(Date.now() < deadline, `seed ${seed}: TTL items were not swept`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }

  const copy = new Map<string, unknown>();
  let serviceRemovals = 0;
  for (const record of await readAll(streams, arn, 100)) {
    const id = keyString(record.dynamodb!.Keys);
    const before = copy.get(id);
    assert.equal(canonical(record.dynamodb!.OldImage), canonical(before), `seed ${seed}: OldImage of ${record.eventName} ${id}`);
    switch (record.eventName) {
      case 'INSERT':
        assert.equal(before, undefined);
        copy.set(id, record.dynamodb!.NewImage);
        break;
      case 'MODIFY':
        assert.notEqual(canonical(record.dynamodb!.NewImage), canonical(before), `seed ${seed}: a MODIFY that changes nothing`);
        copy.set(id, record.dynamodb!.NewImage);
        break;
      case 'REMOVE':
        if (record.userIdentity !== undefined) serviceRemovals++;
        copy.delete(id);
        break;
      default:
        assert.fail(`seed ${seed}: event ${record.eventName}`);
    }
  }
  const scanned = await server.client.send(new ScanCommand({ TableName: table }));
  const actual = new Map(scanned.Items!.map((item) => [keyString(item), canonical(item)]));
  assert.deepEqual(new Map([...copy].map(([id, item]) => [id, canonical(item)])), actual, `seed ${seed}: replayed copy differs from the table`);
  assert.ok(serviceRemovals > 0 || operations < 100, `seed ${seed}: the workload expired no item through TTL`);
});
