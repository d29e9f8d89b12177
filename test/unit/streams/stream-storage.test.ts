/**
 * Streams over the store, below the wire: physical trimming of change logs past retention (the
 * log head is kept), and the shards of a split table (a closed parent, children naming it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTable } from '../../../src/api/create-table.js';
import { putItem } from '../../../src/api/put-item.js';
import { updateTable } from '../../../src/api/update-table.js';
import { stream_retention_ms } from '../../../src/streams/stream-epochs.js';
import { trimChangeLogs } from '../../../src/streams/stream-trimmer.js';
import { findStream, shardIdOf, shardRange, shardsOf } from '../../../src/streams/stream-view.js';
import { testContext } from '../api/test-context.js';

async function tableWithStream(context: Awaited<ReturnType<typeof testContext>>, name: string): Promise<string> {
  const answer = (await createTable.run(context, {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    // 5 RCU and 5 WCU: one partition ('0'), so one shard.
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
  })) as { TableDescription: { LatestStreamArn: string } };
  return answer.TableDescription.LatestStreamArn;
}

test('trimming deletes records older than 24 hours and keeps the sequence numbers going', async () => {
  const context = await testContext();
  await tableWithStream(context, 'trimmed');
  for (let i = 0; i < 3; i++) await putItem.run(context, { TableName: 'trimmed', Item: { pk: { S: `old${i}` } } });
  await context.clock.advance(stream_retention_ms + 1);
  await putItem.run(context, { TableName: 'trimmed', Item: { pk: { S: 'new' } } });
  const table = context.store.getTable('trimmed')!;
  assert.equal(context.store.readChanges(table, '0').length, 4);

  assert.equal(await trimChangeLogs(context), 3);
  const left = context.store.readChanges(table, '0');
  assert.deepEqual(left.map((change) => change.keys), [{ pk: { S: 'new' } }]);
  assert.equal(context.store.changeLogHead(table, '0'), 4);
  assert.equal(await trimChangeLogs(context), 0);
  await putItem.run(context, { TableName: 'trimmed', Item: { pk: { S: 'newer' } } });
  assert.equal(context.store.readChanges(table, '0').at(-1)!.sequenceNumber, '000000000000000000005');
});

test('a split partition is a closed parent shard; its children name it and continue its numbering', async () => {
  const context = await testContext();
  const arn = await tableWithStream(context, 'split');
  await putItem.run(context, { TableName: 'split', Item: { pk: { S: 'a' } } });
  const table = context.store.getTable('split')!;
  const children = await context.store.splitPartition(table, '0', '8000000000000000');
  assert.deepEqual(children, [
    { id: '00', hashStart: '0000000000000000', hashEnd: '8000000000000000', parentId: '0' },
    { id: '01', hashStart: '8000000000000000', hashEnd: '', parentId: '0' },
  ]);
  const ref = findStream(context, arn);
  const shards = shardsOf(ref);
  assert.deepEqual(shards.map((shard) => [shard.partitionId, shard.parentPartitionId, shard.open]), [
    ['0', undefined, false],
    ['00', '0', true],
    ['01', '0', true],
  ]);
  assert.equal(shards[1]!.shardId, shardIdOf(ref.epoch, '00'));
  assert.notEqual(shards[1]!.shardId, shards[2]!.shardId);
  // The parent's range is closed at its last record; the children start after it.
  assert.deepEqual(shardRange(context, ref, shards[0]!), { first: 1, last: 1 });
  assert.deepEqual(shardRange(context, ref, shards[1]!), { first: 2, last: undefined });
  assert.deepEqual(shardRange(context, ref, shards[2]!), { first: 2, last: undefined });
});

test('changes made while no stream is enabled are not stored; a stream enabled later continues the numbering', async () => {
  const context = await testContext();
  await createTable.run(context, {
    TableName: 'plain',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
  });
  for (let i = 0; i < 3; i++) await putItem.run(context, { TableName: 'plain', Item: { pk: { S: `item${i}` } } });
  let table = context.store.getTable('plain')!;
  assert.equal(context.store.readChanges(table, '0').length, 0);
  assert.equal(await trimChangeLogs(context), 0);
  assert.equal(context.store.changeLogHead(table, '0'), 3);

  const enabled = (await updateTable.run(context, { TableName: 'plain', StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } })) as {
    TableDescription: { LatestStreamArn: string };
  };
  await putItem.run(context, { TableName: 'plain', Item: { pk: { S: 'streamed' } } });
  table = context.store.getTable('plain')!;
  assert.equal(await trimChangeLogs(context), 0);
  assert.deepEqual(context.store.readChanges(table, '0').map((change) => change.sequenceNumber), ['000000000000000000004']);
  const ref = findStream(context, enabled.TableDescription.LatestStreamArn);
  assert.deepEqual(shardRange(context, ref, shardsOf(ref)[0]!), { first: 4, last: undefined });
});

test('after a stream is disabled, changes are no longer stored; the streamed records before stay their 24 hours', async () => {
  const context = await testContext();
  await tableWithStream(context, 'disabled');
  await putItem.run(context, { TableName: 'disabled', Item: { pk: { S: 'streamed' } } });
  await updateTable.run(context, { TableName: 'disabled', StreamSpecification: { StreamEnabled: false } });
  await putItem.run(context, { TableName: 'disabled', Item: { pk: { S: 'unstreamed' } } });
  const table = context.store.getTable('disabled')!;
  assert.equal(await trimChangeLogs(context), 0);
  assert.deepEqual(context.store.readChanges(table, '0').map((change) => change.sequenceNumber), ['000000000000000000001']);
  await context.clock.advance(stream_retention_ms + 1);
  assert.equal(await trimChangeLogs(context), 1);
  assert.equal(context.store.changeLogHead(table, '0'), 2);
});
