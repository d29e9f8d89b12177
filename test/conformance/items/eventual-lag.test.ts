/**
 * `--eventual-lag-ms`: eventually consistent reads (GetItem, BatchGetItem, Query, Scan without
 * ConsistentRead, and every GSI read) see the table as of exactly the lag ago on the service's
 * clock, while strongly consistent reads see every acknowledged write. Driven by a manual clock,
 * so "ago" is exact.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchGetItemCommand, CreateTableCommand, DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../../helpers/tables.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const lag_ms = 1_000;
let server: TestServer;

before(async () => {
  server = await startTestServer({ clock: 'manual', eventualLagMs: lag_ms });
  await server.client.send(
    new CreateTableCommand(tableDefinition({ TableName: 'lagging', key: { pk: 'S', sk: 'S' }, gsis: { 'by-colour': { key: { colour: 'S' }, projection: 'ALL' } } })),
  );
});
after(() => server.close());

const key = (sk: string) => ({ pk: { S: 'p' }, sk: { S: sk } });
const put = (sk: string, colour: string) => server.client.send(new PutItemCommand({ TableName: 'lagging', Item: { ...key(sk), colour: { S: colour } } }));
const colourOf = async (sk: string, consistent: boolean) =>
  (await server.client.send(new GetItemCommand({ TableName: 'lagging', Key: key(sk), ConsistentRead: consistent }))).Item?.['colour']?.S;
const queried = async (consistent: boolean) =>
  (await server.client.send(new QueryCommand({ TableName: 'lagging', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } }, ConsistentRead: consistent }))).Items!.map(
    (item) => `${item['sk']!.S}:${item['colour']!.S}`,
  );

test('a write becomes visible to eventually consistent reads exactly the lag later', async () => {
  await put('a', 'red');
  await server.dynabase.clock.advance(lag_ms);
  assert.equal(await colourOf('a', false), 'red');

  await put('a', 'blue');
  await put('b', 'green');
  assert.equal(await colourOf('a', true), 'blue', 'a strongly consistent read sees every acknowledged write');
  assert.equal(await colourOf('a', false), 'red', 'an eventually consistent read sees the state a lag ago');
  assert.equal(await colourOf('b', false), undefined);
  assert.deepEqual(await queried(false), ['a:red']);
  assert.deepEqual(await queried(true), ['a:blue', 'b:green']);
  const batch = await server.client.send(new BatchGetItemCommand({ RequestItems: { lagging: { Keys: [key('a'), key('b')] } } }));
  assert.deepEqual(batch.Responses!['lagging']!.map((item) => item['colour']!.S), ['red']);

  await server.dynabase.clock.advance(lag_ms - 1);
  assert.equal(await colourOf('a', false), 'red', 'one millisecond short of the lag');
  await server.dynabase.clock.advance(1);
  assert.equal(await colourOf('a', false), 'blue');
  assert.deepEqual(await queried(false), ['a:blue', 'b:green']);
});

test('a deleted item is still seen by eventual Scans and GSI queries until the lag has passed', async () => {
  await server.dynabase.clock.advance(lag_ms);
  await server.client.send(new DeleteItemCommand({ TableName: 'lagging', Key: key('b') }));
  const scanned = async (consistent: boolean) => (await server.client.send(new ScanCommand({ TableName: 'lagging', ConsistentRead: consistent }))).Items!.map((item) => item['sk']!.S);
  const greens = async () =>
    (await server.client.send(new QueryCommand({ TableName: 'lagging', IndexName: 'by-colour', KeyConditionExpression: 'colour = :c', ExpressionAttributeValues: { ':c': { S: 'green' } } }))).Count;
  assert.deepEqual(await scanned(true), ['a']);
  assert.deepEqual(await scanned(false), ['a', 'b']);
  assert.equal(await greens(), 1, 'GSI reads are always eventually consistent');
  await server.dynabase.clock.advance(lag_ms);
  assert.deepEqual(await scanned(false), ['a']);
  assert.equal(await greens(), 0);
});
