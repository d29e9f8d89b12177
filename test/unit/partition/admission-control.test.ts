/**
 * Admission control and its token buckets, pure arithmetic on a manual clock. Each test states
 * the arithmetic its numbers come from (docs/throughput.md has the model).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultQuotas } from '../../../src/config.js';
import { partitionKeyHash } from '../../../src/model/key-codec.js';
import type { Item } from '../../../src/model/attribute-value.js';
import {
  AdmissionControl,
  admitted,
  hot_sustained_s,
  isHot,
  on_demand_table_message,
  provisioned_table_message,
  reported,
  throttled,
  type PartitionSlot,
  type ThroughputMode,
} from '../../../src/partition/admission-control.js';
import { splitHotPartitions } from '../../../src/partition/heat-splits.js';
import { hash_space_end, routePartition } from '../../../src/partition/partition-map.js';
import type { PartitionRange, TableRecord } from '../../../src/partition/table-store.js';
import { prometheusText } from '../../../src/partition/throughput-metrics.js';
import { TokenBucket } from '../../../src/partition/token-bucket.js';
import { ManualClock } from '../../helpers/manual-clock.js';

let ids = 0;

/** `count` (a power of two) partitions splitting the hash space evenly. */
function evenPartitions(count: number): PartitionRange[] {
  const ranges: PartitionRange[] = [];
  for (let i = 0; i < count; i++) {
    const start = ((i * 16) / count).toString(16) + '0'.repeat(15);
    const end = i === count - 1 ? hash_space_end : (((i + 1) * 16) / count).toString(16) + '0'.repeat(15);
    ranges.push({ id: `p${i}`, hashStart: start, hashEnd: end });
  }
  return ranges;
}

/** A table record with `partitions` even partitions and the given throughput description. */
function tableRecord(partitions: number, description: TableRecord['description']): TableRecord {
  return { name: `t${++ids}`, id: `id-${ids}`, key: { hashName: 'pk', hashType: 'S' }, tags: {}, partitions: evenPartitions(partitions), description };
}

function provisioned(read: number, write: number, partitions = 1, gsis: { name: string; read: number; write: number }[] = []): TableRecord {
  return tableRecord(partitions, {
    ProvisionedThroughput: { ReadCapacityUnits: read, WriteCapacityUnits: write },
    GlobalSecondaryIndexes: gsis.map((gsi) => ({ IndexName: gsi.name, IndexStatus: 'ACTIVE', ProvisionedThroughput: { ReadCapacityUnits: gsi.read, WriteCapacityUnits: gsi.write } })),
  });
}

function onDemand(partitions: number): TableRecord {
  return tableRecord(partitions, { BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' }, ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 } });
}

/** A key whose partition key hashes into partition `index` of `table`. */
function keyIn(table: TableRecord, index: number, skip = 0): Item {
  let found = 0;
  for (let n = 0; ; n++) {
    const value = `key-${n}`;
    if (routePartition(table.partitions, partitionKeyHash('S', value)).id === table.partitions[index]!.id && found++ === skip) return { pk: { S: value } };
  }
}

function setup(mode: ThroughputMode = 'enforce') {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
  return { clock, admission: new AdmissionControl(clock, mode, defaultQuotas) };
}

/** Admits and charges `units` per request until one is refused; how many went through. */
function fill(admission: AdmissionControl, slot: PartitionSlot, kind: 'read' | 'write', units = 1, limit = 1_000_000): number {
  let served = 0;
  while (served < limit) {
    // Admission reserves the request's units at once; the charge then adds nothing.
    const verdict = admission.admit(slot, kind, units);
    if (verdict !== admitted) return served;
    admission.charge(slot, kind, units, verdict, units);
    served++;
  }
  return served;
}

describe('TokenBucket', () => {
  test('refills at its rate, banks up to its capacity, may go into debt', () => {
    const bucket = new TokenBucket(100, 30000, 100, 0);
    bucket.take(150); // a request admitted at 100 tokens that cost 150
    assert.equal(bucket.tokens, -50);
    assert.equal(bucket.hasTokens(), false);
    bucket.refill(500); // +100/s × 0.5 s = 50: the debt is repaid, nothing more
    assert.equal(bucket.tokens, 0);
    assert.equal(bucket.hasTokens(), false);
    bucket.refill(1500); // +100
    assert.equal(bucket.tokens, 100);
    bucket.refill(1500 + 3600_000); // an hour idle: capped at 300 s × 100
    assert.equal(bucket.tokens, 30000);
  });

  test('a clock moved back earns nothing', () => {
    const bucket = new TokenBucket(10, 100, 0, 10_000);
    bucket.refill(5_000);
    assert.equal(bucket.tokens, 0);
    bucket.refill(11_000); // measured from 10 000, not 5 000
    assert.equal(bucket.tokens, 10);
  });

  test('reconfigure keeps the tokens and clamps them to the new capacity', () => {
    const bucket = new TokenBucket(100, 30000, 30000, 0);
    bucket.reconfigure(10, 3000, 0);
    assert.equal(bucket.tokens, 3000);
    assert.equal(bucket.rate_per_s, 10);
  });
});

describe('provisioned tables', () => {
  test('a 100-WCU table serves 100 one-unit writes per second, then throttles', () => {
    const { clock, admission } = setup();
    const table = provisioned(5, 100);
    const slot = admission.slotOf(table, { pk: { S: 'a' } });
    // A new partition holds one second of its share: 100 units; each second earns 100 more.
    for (let second = 0; second < 5; second++) {
      assert.equal(fill(admission, slot, 'write'), 100, `second ${second}`);
      clock.advance(1000);
    }
    assert.deepEqual(admission.throttleError(table).errorName, 'ProvisionedThroughputExceededException');
    assert.equal(admission.throttleError(table).message, provisioned_table_message);
  });

  test('unused capacity is banked for up to 300 seconds', () => {
    const { clock, admission } = setup();
    const table = provisioned(5, 2);
    const slot = admission.slotOf(table, { pk: { S: 'a' } });
    clock.advance(60_000); // 2 + 60 s × 2 = 122 units
    assert.equal(fill(admission, slot, 'write'), 122);
    clock.advance(3600_000); // an hour: capped at 300 s × 2 = 600
    assert.equal(fill(admission, slot, 'write'), 600);
  });

  test('a request is admitted while the bucket is not in debt, charged exactly, and the debt is repaid first', () => {
    const { clock, admission } = setup();
    const table = provisioned(10, 10);
    const slot = admission.slotOf(table, { pk: { S: 'a' } });
    // 10 tokens: a 25-unit read is admitted (tokens > 0) and leaves -15.
    assert.equal(admission.admit(slot, 'read', 1), admitted); // reserves 1: 10 -> 9
    admission.charge(slot, 'read', 25, admitted, 1); // the other 24: 9 -> -15
    assert.equal(admission.admit(slot, 'read', 1), throttled);
    clock.advance(1500); // +15: back to 0, still nothing to spend
    assert.equal(admission.admit(slot, 'read', 1), throttled);
    clock.advance(100); // +1
    assert.equal(admission.admit(slot, 'read', 1), admitted);
  });

  test('no partition serves more than 1,000 WCU (3,000 RCU) per second, whatever its share', () => {
    const { clock, admission } = setup();
    const table = provisioned(10000, 4000); // one partition in the record: share 4,000 WCU
    const slot = admission.slotOf(table, { pk: { S: 'a' } });
    assert.equal(fill(admission, slot, 'write'), 1000);
    assert.equal(fill(admission, slot, 'read'), 3000);
    clock.advance(1000);
    assert.equal(fill(admission, slot, 'write'), 1000);
  });

  test('a hot partition borrows the table\'s unused capacity (adaptive capacity), up to the partition maximum, and other partitions keep their share', () => {
    const { admission } = setup();
    const table = provisioned(100, 1200, 2); // share 600 WCU per partition
    const hot = admission.slotOf(table, keyIn(table, 0));
    const cold = admission.slotOf(table, keyIn(table, 1));
    assert.notEqual(hot, cold);
    // Hot: 600 from its share (share 600 -> 0, table 1200 -> 600, ceiling 1000 -> 400), then 400
    // borrowed from the table (table 600 -> 200, ceiling 400 -> 0): 1,000, the partition maximum.
    assert.equal(fill(admission, hot, 'write'), 1000);
    // The other partition still serves its own 600.
    assert.equal(fill(admission, cold, 'write'), 600);
  });

  test('without unused table capacity a partition gets only its share', () => {
    const { clock, admission } = setup();
    const table = provisioned(100, 1200, 2);
    const hot = admission.slotOf(table, keyIn(table, 0));
    const cold = admission.slotOf(table, keyIn(table, 1));
    // Both partitions use their share first: table bucket 1200 -> 0.
    assert.equal(fill(admission, cold, 'write', 1, 600), 600);
    assert.equal(fill(admission, hot, 'write'), 600);
    clock.advance(1000); // each share +600, table +1200
    assert.equal(fill(admission, cold, 'write', 1, 600), 600);
    assert.equal(fill(admission, hot, 'write'), 600);
  });

  test('UpdateTable throughput reaches the buckets; a split gives each child half its parent\'s tokens', () => {
    const { clock, admission } = setup();
    const table = provisioned(100, 10);
    const slot = admission.slotOf(table, { pk: { S: 'a' } });
    clock.advance(10_000); // 10 + 100 = 110 write tokens
    const updated: TableRecord = { ...table, description: { ProvisionedThroughput: { ReadCapacityUnits: 100, WriteCapacityUnits: 20 } } };
    assert.equal(admission.slotOf(updated, { pk: { S: 'a' } }), slot);
    assert.equal(slot.writeShare.rate_per_s, 20);
    const children: PartitionRange[] = [
      { id: 'p00', hashStart: '0000000000000000', hashEnd: '8000000000000000', parentId: 'p0' },
      { id: 'p01', hashStart: '8000000000000000', hashEnd: hash_space_end, parentId: 'p0' },
    ];
    const split: TableRecord = { ...updated, partitions: children };
    const [left, right] = admission.slotsOf(split);
    assert.equal(left!.range.id, 'p00');
    assert.equal(left!.writeShare.tokens, 55);
    assert.equal(right!.writeShare.tokens, 55);
    assert.equal(left!.writeShare.rate_per_s, 10);
  });
});

describe('on-demand tables', () => {
  test('a new table serves 4,000 WRU at once, twice its previous peak until that peak is 30 minutes old, then scales', () => {
    const { clock, admission } = setup();
    const table = onDemand(8); // 8 partitions: ceilings of 8 × 1,000 WRU are not the limit
    const slots = admission.slotsOf(table);
    const writeAcross = (perPartition: number): number => {
      let served = 0;
      for (const slot of slots) served += fill(admission, slot, 'write', 1, perPartition);
      return served;
    };
    // Level 2 × 2,000 (initial peak) = 4,000 WRU in a second.
    assert.equal(writeAcross(1000), 4000);
    assert.equal(admission.throttleError(table).errorName, 'ThrottlingException');
    assert.equal(admission.throttleError(table).message, on_demand_table_message);
    clock.advance(1000);
    // The 4,000 just served is the new peak, but it only counts once 30 minutes old.
    assert.equal(writeAcross(1000), 4000);
    clock.advance(30 * 60_000);
    // Now twice 4,000: 8,000, every partition at its 1,000 ceiling.
    assert.equal(writeAcross(1000), 8000);
  });

  test('the partition maximum applies on demand too', () => {
    const { admission } = setup();
    const table = onDemand(1);
    const slot = admission.slotsOf(table)[0]!;
    assert.equal(fill(admission, slot, 'write'), 1000);
    assert.equal(fill(admission, slot, 'read'), 3000);
  });
});

describe('GSIs, report mode, metrics', () => {
  test('a GSI has its own buckets; one in debt is what back-pressures table writes', () => {
    const { clock, admission } = setup();
    const table = provisioned(100, 100, 1, [{ name: 'byOwner', read: 3, write: 5 }]);
    const index = admission.indexSlotOf(table, 'byOwner')!;
    assert.equal(admission.anyIndexOutOfWrites(table), false);
    assert.equal(admission.admitIndex(index, 'write', 1), admitted); // 5 -> 4
    admission.chargeIndex(index, 'write', 5, admitted, 1); // 4 -> 0
    assert.equal(admission.anyIndexOutOfWrites(table), true);
    assert.equal(admission.admitIndex(index, 'write', 1), throttled);
    assert.equal(admission.indexThrottleError(table).errorName, 'ProvisionedThroughputExceededException');
    assert.match(admission.indexThrottleError(table).message, /one or more global secondary indexes/);
    clock.advance(200); // +1
    assert.equal(admission.anyIndexOutOfWrites(table), false);
  });

  test('concurrent requests see each other\'s reservations; a released reservation comes back', () => {
    const { admission } = setup();
    const table = provisioned(5, 3);
    const slot = admission.slotOf(table, { pk: { S: 'a' } });
    // Three writes admitted before any finishes: each reserves 1 of the 3 units; the fourth waits.
    const verdicts = [1, 2, 3, 4].map(() => admission.admit(slot, 'write', 1));
    assert.deepEqual(verdicts, [admitted, admitted, admitted, throttled]);
    admission.release(slot, 'write', admitted, 1); // one failed validation inside its write
    assert.equal(admission.admit(slot, 'write', 1), admitted);
  });

  test('report mode lets everything through, charges nothing for what it would have throttled, and counts it', () => {
    const { clock, admission } = setup('report');
    const table = provisioned(5, 100);
    const slot = admission.slotOf(table, { pk: { S: 'a' } });
    let reportedCount = 0;
    for (let i = 0; i < 150; i++) {
      const verdict = admission.admit(slot, 'write', 1);
      if (verdict === reported) reportedCount++;
      else assert.equal(verdict, admitted);
      admission.charge(slot, 'write', 1, verdict, 1);
    }
    // As enforce would: 100 admitted, 50 over; those 50 charged nothing, so the share is at 0.
    assert.equal(reportedCount, 50);
    assert.equal(slot.writeShare.tokens, 0);
    clock.advance(1000);
    const snapshot = admission.snapshot((id) => (id === table.id ? table : undefined));
    const partition = snapshot.tables[0]!.partitions[0]!;
    assert.equal(partition.totals.consumedWriteUnits, 150);
    assert.equal(partition.totals.throttledWrites, 50);
    assert.equal(partition.writeUnits_per_s, 100);
    assert.equal(partition.writeBurstBalance, 100);
    assert.equal(partition.seconds.length, 1);
    assert.equal(partition.seconds[0]!.throttledWrites, 50);
  });

  test('Prometheus text has HELP and TYPE once per metric and a labelled sample per partition and kind', () => {
    const { admission } = setup();
    const table = provisioned(5, 10, 1, [{ name: 'g"1', read: 1, write: 1 }]);
    const slot = admission.slotOf(table, { pk: { S: 'a' } });
    admission.charge(slot, 'write', 3, admission.admit(slot, 'write', 1), 1);
    const text = prometheusText(admission.snapshot((id) => (id === table.id ? table : undefined)));
    assert.equal(text.match(/^# TYPE dynabase_consumed_capacity_units_total counter$/gm)?.length, 1);
    assert.equal(text.match(/^# HELP /gm)?.length, 4);
    assert.match(text, new RegExp(`^dynabase_consumed_capacity_units_total\\{table="${table.name}",partition="p0",kind="write"\\} 3$`, 'm'));
    assert.match(text, /^dynabase_capacity_units_per_second\{table="t\d+",index="g\\"1",kind="read"\} 1$/m);
    for (const line of text.split('\n')) if (line !== '' && !line.startsWith('#')) assert.match(line, /^[a-z_]+\{[^}]*\} -?[\d.e+-]+$/);
  });

  test('a partition is hot after 60 seconds at 80 % of its share or throttled; dropped tables are forgotten', () => {
    const { clock, admission } = setup();
    const table = provisioned(5, 100, 1);
    const slot = admission.slotOf(table, { pk: { S: 'a' } });
    for (let second = 0; second < hot_sustained_s; second++) {
      assert.equal(fill(admission, slot, 'write', 1, 80), 80); // 80 % of the 100 share
      assert.equal(isHot(slot.series, clock.now()), false);
      clock.advance(1000);
    }
    assert.equal(isHot(slot.series, clock.now()), true);
    assert.deepEqual(admission.hotPartitions(() => table), [{ tableId: table.id, tableName: table.name, partitionId: 'p0' }]);
    clock.advance(2000); // a quiet second breaks the run
    assert.equal(isHot(slot.series, clock.now()), false);
    assert.deepEqual(admission.snapshot(() => undefined).tables, []);
  });
});

describe('split for heat', () => {
  /** A store that records the splits asked of it and applies them to its one record. */
  function fakeStore(table: TableRecord) {
    let current = table;
    const splits: string[] = [];
    return {
      splits,
      getTable: (name: string) => (name === current.name ? current : undefined),
      listTables: () => [current],
      async splitPartition(record: TableRecord, partitionId: string) {
        splits.push(partitionId);
        const parent = record.partitions.find((partition) => partition.id === partitionId)!;
        const middle = '8000000000000000';
        current = {
          ...record,
          partitions: [
            { id: `${partitionId}0`, hashStart: parent.hashStart, hashEnd: middle, parentId: partitionId },
            { id: `${partitionId}1`, hashStart: middle, hashEnd: parent.hashEnd, parentId: partitionId },
          ],
        };
      },
    };
  }

  async function heatUp(mode: ThroughputMode) {
    const { clock, admission } = setup(mode);
    const table = provisioned(5, 100, 1);
    const slot = admission.slotOf(table, { pk: { S: 'a' } });
    for (let second = 0; second < hot_sustained_s; second++) {
      fill(admission, slot, 'write', 1, 90); // 90 % of the share, every second
      await clock.advance(1000);
    }
    return { admission, table };
  }

  test('enforce splits a partition that stayed hot, once; its children start a fresh history', async () => {
    const { admission, table } = await heatUp('enforce');
    const store = fakeStore(table);
    assert.equal(await splitHotPartitions(store, admission), 1);
    assert.deepEqual(store.splits, ['p0']);
    // The children (half the parent's tokens each) are not hot yet: nothing more to split.
    admission.slotsOf(store.getTable(table.name)!);
    assert.equal(await splitHotPartitions(store, admission), 0);
  });

  test('report mode never changes the layout', async () => {
    const { admission, table } = await heatUp('report');
    const store = fakeStore(table);
    assert.equal(await splitHotPartitions(store, admission), 0);
    assert.deepEqual(store.splits, []);
  });
});
