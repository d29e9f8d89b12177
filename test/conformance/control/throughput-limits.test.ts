/**
 * UpdateTable's limits on capacity changes, through the AWS SDK v3 on a manual clock: four
 * decreases at any time in a UTC day, then one per hour since the last; the count starts again
 * at midnight UTC; each GSI counts on its own; four switches to on-demand per rolling 24 hours.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DescribeTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { ManualClock } from '../../helpers/manual-clock.js';
import { tableDefinition } from '../../helpers/tables.js';
import type { TestServer } from '../../helpers/test-server.js';
import { startTestServer } from '../../helpers/test-server.js';
import { expectError, hashTable, tableName } from './control-helpers.js';

const minute_ms = 60 * 1000;
const hour_ms = 60 * minute_ms;

describe('UpdateTable capacity-change limits', () => {
  let server: TestServer;
  // Thursday, January 15, 2026, 00:10:00 UTC: the whole test stays inside one UTC day until it moves on.
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 0, 10));
  before(async () => {
    server = await startTestServer({ clock });
  });
  after(() => server.close());

  const setThroughput = (name: string, read: number) =>
    server.client.send(new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: read, WriteCapacityUnits: 5 } }));

  test('four decreases at once, then one per hour, counted per UTC day', async () => {
    const name = tableName();
    await server.client.send(new CreateTableCommand({ ...hashTable(name), ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 5 } }));
    // 100 → 90 → 80 → 70 → 60: the four free decreases, a minute apart.
    for (const read of [90, 80, 70, 60]) {
      clock.advance(minute_ms);
      await setThroughput(name, read);
    }
    // Last decrease at 00:14:00; the fifth needs 01:14:00.
    clock.advance(minute_ms);
    await expectError(
      setThroughput(name, 50),
      'LimitExceededException',
      'Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. After the first 4 decreases, ' +
        'each subsequent decrease in the same UTC day can be performed at most once every 3600 seconds. Number of decreases today: 4. ' +
        'Last decrease at Thursday, January 15, 2026 at 12:14:00 AM Coordinated Universal Time. ' +
        'Next decrease can be made at Thursday, January 15, 2026 at 1:14:00 AM Coordinated Universal Time',
    );
    // An increase is never limited, and does not reset the hour.
    await setThroughput(name, 65);
    clock.advance(hour_ms - 2 * minute_ms); // 01:13:00
    await assert.rejects(setThroughput(name, 50), { name: 'LimitExceededException' });
    clock.advance(minute_ms); // 01:14:00: exactly an hour after the last decrease
    await setThroughput(name, 50);
    const { Table } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.ProvisionedThroughput?.NumberOfDecreasesToday, 5);
    assert.equal(Table?.ProvisionedThroughput?.ReadCapacityUnits, 50);
    await expectError(setThroughput(name, 40), 'LimitExceededException', /Number of decreases today: 5\. Last decrease at Thursday, January 15, 2026 at 1:14:00 AM Coordinated Universal Time\. Next decrease can be made at Thursday, January 15, 2026 at 2:14:00 AM/);
    // Midnight UTC starts a new count: four free decreases again.
    await clock.advance(Date.UTC(2026, 0, 16, 0, 0, 1) - clock.now());
    for (const read of [40, 30, 20, 10]) await setThroughput(name, read);
    await expectError(setThroughput(name, 5), 'LimitExceededException', /Number of decreases today: 4\. Last decrease at Friday, January 16, 2026 at 12:00:01 AM/);
  });

  test('a GSI counts its own decreases', async () => {
    const name = tableName();
    await clock.advance(Date.UTC(2026, 0, 20, 13, 0) - clock.now());
    await server.client.send(new CreateTableCommand(tableDefinition({
      TableName: name,
      key: { pk: 'S' },
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      gsis: { 'by-g': { key: { g: 'S' }, projection: 'ALL', ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 5 } } },
    })));
    const setIndex = (read: number) =>
      server.client.send(new UpdateTableCommand({
        TableName: name,
        GlobalSecondaryIndexUpdates: [{ Update: { IndexName: 'by-g', ProvisionedThroughput: { ReadCapacityUnits: read, WriteCapacityUnits: 5 } } }],
      }));
    for (const read of [90, 80, 70, 60]) await setIndex(read);
    await expectError(setIndex(50), 'LimitExceededException', /Number of decreases today: 4\. Last decrease at Tuesday, January 20, 2026 at 1:00:00 PM Coordinated Universal Time\. Next decrease can be made at Tuesday, January 20, 2026 at 2:00:00 PM Coordinated Universal Time$/);
    // The table's own throughput has made no decrease today.
    await server.client.send(new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 4, WriteCapacityUnits: 5 } }));
  });

  test('four switches to on-demand per rolling 24 hours', async () => {
    const name = tableName();
    const start_ms = Date.UTC(2026, 1, 2, 9, 30);
    await clock.advance(start_ms - clock.now());
    await server.client.send(new CreateTableCommand(hashTable(name)));
    const toOnDemand = () => server.client.send(new UpdateTableCommand({ TableName: name, BillingMode: 'PAY_PER_REQUEST' }));
    const toProvisioned = () =>
      server.client.send(new UpdateTableCommand({ TableName: name, BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }));
    for (let i = 0; i < 4; i++) {
      clock.advance(hour_ms);
      await toOnDemand();
      await toProvisioned(); // back to provisioned is never limited
    }
    // Switches at 10:30, 11:30, 12:30, 13:30; the oldest leaves the window at 10:30 the next day.
    clock.advance(hour_ms);
    await expectError(
      toOnDemand(),
      'LimitExceededException',
      'Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 times in 1 day(s). ' +
        'Last update at Mon Feb 02 13:30:00 UTC 2026. Next update can be made at Tue Feb 03 10:30:00 UTC 2026',
    );
    await clock.advance(start_ms + hour_ms + 24 * hour_ms - clock.now());
    await toOnDemand();
    const { Table } = await server.client.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(Table?.BillingModeSummary?.BillingMode, 'PAY_PER_REQUEST');
  });
});
