/**
 * `--clock manual` end to end: through the embedded API (`db.clock.advance`) and the admin
 * endpoint (`POST /_dynabase/clock`), table state delays, TTL expiry and the clock's own answers
 * follow the moved clock and nothing else.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const hashTable = {
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
  BillingMode: 'PAY_PER_REQUEST' as const,
};

describe('a server on a manual clock', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock: 'manual', createTableMs: 5_000 });
  });
  after(() => server.close());

  const status = async (name: string) => (await server.client.send(new DescribeTableCommand({ TableName: name }))).Table!.TableStatus;

  test('a table stays CREATING until the clock has moved past its delay, however long that takes', async () => {
    await server.client.send(new CreateTableCommand({ TableName: 'slow', ...hashTable }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await status('slow'), 'CREATING');
    await server.dynabase.clock.advance(4_999);
    assert.equal(await status('slow'), 'CREATING');
    await server.dynabase.clock.advance(1);
    assert.equal(await status('slow'), 'ACTIVE');
  });

  test('an expired item is gone as soon as the advance that expired it resolves', async () => {
    await server.client.send(new CreateTableCommand({ TableName: 'expiring', ...hashTable }));
    await server.dynabase.clock.advance(5_000);
    await server.client.send(new UpdateTimeToLiveCommand({ TableName: 'expiring', TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }));
    const now_s = Math.floor(server.dynabase.clock.now() / 1000);
    await server.client.send(new PutItemCommand({ TableName: 'expiring', Item: { pk: { S: 'a' }, ttl: { N: String(now_s + 60) } } }));
    const read = async () => (await server.client.send(new GetItemCommand({ TableName: 'expiring', Key: { pk: { S: 'a' } }, ConsistentRead: true }))).Item;
    await server.dynabase.clock.advance(59_000);
    assert.notEqual(await read(), undefined);
    await server.dynabase.clock.advance(2_000);
    assert.equal(await read(), undefined);
  });

  test('GET and POST /_dynabase/clock show and move the clock', async () => {
    const before_ms = server.dynabase.clock.now();
    const shown = await server.rawHttp({ method: 'GET', path: '/_dynabase/clock' });
    assert.equal(shown.statusCode, 200);
    assert.equal(shown.headers['content-type'], 'application/json');
    assert.deepEqual(shown.json, { mode: 'manual', now_ms: before_ms, now: new Date(before_ms).toISOString() });

    const moved = await server.rawHttp({ method: 'POST', path: '/_dynabase/clock', body: JSON.stringify({ advance_ms: 90_000 }) });
    assert.equal(moved.statusCode, 200);
    assert.equal((moved.json as { now_ms: number }).now_ms, before_ms + 90_000);
    assert.equal(server.dynabase.clock.now(), before_ms + 90_000);
  });

  test('admin mistakes are answered with a status and a message, never a crash', async () => {
    const cases: [Parameters<TestServer['rawHttp']>[0], number, RegExp][] = [
      [{ method: 'POST', path: '/_dynabase/clock', body: 'not json' }, 400, /must be JSON/],
      [{ method: 'POST', path: '/_dynabase/clock', body: '{"advance_ms": -5}' }, 400, /advance_ms must be a number/],
      [{ method: 'POST', path: '/_dynabase/clock', body: '{"advance_ms": "5"}' }, 400, /advance_ms must be a number/],
      [{ method: 'POST', path: '/_dynabase/clock', body: 'null' }, 400, /advance_ms must be a number/],
      [{ method: 'DELETE', path: '/_dynabase/clock' }, 405, /DELETE is not served/],
      [{ method: 'GET', path: '/_dynabase/nothing' }, 404, /no such Dynabase endpoint/],
    ];
    for (const [request, statusCode, message] of cases) {
      const answer = await server.rawHttp(request);
      assert.equal(answer.statusCode, statusCode, `${request.method} ${request.path} ${String(request.body)}`);
      assert.match((answer.json as { message: string }).message, message);
    }
  });
});

describe('a server on the system clock', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('cannot be moved, and says why', async () => {
    assert.equal(server.dynabase.clock.mode, 'system');
    await assert.rejects(server.dynabase.clock.advance(1), /system clock/);
    const answer = await server.rawHttp({ method: 'POST', path: '/_dynabase/clock', body: '{"advance_ms": 1}' });
    assert.equal(answer.statusCode, 409);
    assert.match((answer.json as { message: string }).message, /--clock manual/);
    const shown = await server.rawHttp({ method: 'GET', path: '/_dynabase/clock' });
    assert.equal((shown.json as { mode: string }).mode, 'system');
  });
});
