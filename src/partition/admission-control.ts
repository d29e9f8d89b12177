/**
 * Admission control: DynamoDB's throughput model, per partition, deterministic on the injected
 * clock. Every data-plane request asks `admit` before it touches the store and, once it ran,
 * `charge`s the units it actually consumed. Pure arithmetic over `TokenBucket`s; no timers.
 *
 * Provisioned tables (R read or W write units per second, P partitions from the store's current
 * partition map):
 *  - each partition has a share bucket refilled at R/P (W/P) per second that banks unused
 *    capacity up to `burst_bank_s` (300) seconds of its share: the burst bank;
 *  - the table has a bucket refilled at R (W) per second, banking up to 300 s of it: the table's
 *    unused capacity, which adaptive capacity lends to a hot partition;
 *  - each partition has a hard ceiling bucket refilled at 3,000 RCU (1,000 WCU) per second that
 *    holds at most one second of it: no partition serves more, burst or not.
 *  A request is admitted when its partition's ceiling is not in debt and either its share bucket
 *  or (adaptive capacity) the table bucket is not in debt. It is charged to the ceiling, to the
 *  table bucket, and to the share bucket when that was not empty (a request served from
 *  borrowed capacity leaves the partition no debt of its own).
 *  Admission reserves the least the request can cost (one write unit, half a read unit, ...) at
 *  once, so concurrent requests (a BatchWriteItem's 25 writes, parallel clients) see each other
 *  before any has finished; the rest is charged when the request has run.
 *  The buckets of a table start as if they had been filling since the table was created
 *  (CreationDateTime), plus one second, so a new table serves its rate at once and an idle one
 *  has banked its burst; a partition that appears later (a split) gives each child half of its
 *  parent's tokens. The ceilings start full.
 *
 * On-demand tables (PAY_PER_REQUEST): the table bucket refills at twice the previous peak (at most
 * the table quota) and holds one second of it; the previous peak starts at 2,000 WRU / 6,000 RRU
 * per second (so a new table serves 4,000 / 12,000 at once) and becomes the highest units served
 * in any one clock second once that second is 30 minutes old: traffic beyond twice the peak
 * throttles (ThrottlingException) until the table has "scaled", 30 minutes later. The partition
 * ceilings apply as for provisioned tables.
 *
 * A GSI with its own ProvisionedThroughput has its own read and write buckets (one bucket for the
 * index, refilled at its rate, banking 300 s; on-demand GSIs follow the on-demand rule). A table
 * write whose GSI update would land on an index bucket in debt is refused with the GSI variant of
 * ProvisionedThroughputExceededException: DynamoDB's back-pressure from an under-provisioned GSI.
 *
 * Costs known only after the request ran (the old image of a write, the size of an item read, a
 * Query page): the request is admitted while the buckets are not in debt and then charged its
 * exact units; the buckets may go negative and later refills repay the debt before anything
 * else is admitted. A request that fails validation never reaches `admit`; a request is
 * admitted once (`admit` is called once per request and partition, never on internal retries).
 *
 * Modes: `enforce` throttles; `report` (the default) lets every request through but counts, in
 * the metrics, each one enforce would have throttled, and charges it nothing (so the buckets and
 * the counts follow exactly what enforce would have done with the same requests).
 * Buckets live in memory: a restart refills them.
 */
import type { Clock } from '../clock.js';
import type { Quotas } from '../config.js';
import { DynamoError } from '../errors.js';
import {
  burst_bank_s,
  on_demand_initial_peak_rru_per_s,
  on_demand_initial_peak_wru_per_s,
  on_demand_peak_multiplier,
  on_demand_scale_up_ms,
  partition_max_rcu,
  partition_max_wcu,
} from '../limits.js';
import { scalarOf, type Item } from '../model/attribute-value.js';
import { partitionKeyHash } from '../model/key-codec.js';
import { routePartition } from './partition-map.js';
import type { PartitionRange, TableRecord } from './table-store.js';
import { TokenBucket } from './token-bucket.js';
import type { CapacityKind, IndexSnapshot, MetricsSnapshot, PartitionSnapshot, TableSnapshot } from './throughput-metrics.js';
import { metrics_window_s, UnitSeries } from './throughput-metrics.js';

export type { CapacityKind } from './throughput-metrics.js';
export type ThroughputMode = 'report' | 'enforce';

/** What `admit` decided. */
export const admitted = 0;
/** Report mode: enforce would have throttled it; it goes through, uncharged, and is counted. */
export const reported = 1;
/** Enforce mode: refuse it with `throttleError`. */
export const throttled = 2;
export type Verdict = typeof admitted | typeof reported | typeof throttled;

export const provisioned_table_message =
  'The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.';
export const provisioned_index_message =
  'The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. ' +
  'Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API';
export const on_demand_table_message =
  'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. ' +
  'If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html';
export const on_demand_index_message =
  'Throughput exceeds the current capacity for one or more global secondary indexes. DynamoDB is automatically scaling your index so please try again shortly.';

/** A partition counts as hot when every one of this many last seconds was hot (see `isHot`). */
export const hot_sustained_s = 60;
/** ... where a hot second consumed at least this share of the partition's rate, or throttled. */
export const hot_share_fraction = 0.8;

const ms_per_s = 1000;

/** The throughput settings a table record's description carries. */
interface Throughput {
  readonly onDemand: boolean;
  readonly read_per_s: number;
  readonly write_per_s: number;
}

/**
 * One direction (reads or writes) of a table or GSI as a whole: its bucket and, on demand, the
 * previous-peak bookkeeping.
 */
class Direction {
  readonly bucket: TokenBucket;
  private onDemand: boolean;
  private provisioned_per_s: number;
  private peak_per_s: number;
  /** On demand: the second being counted and the units served in it. */
  private second = -1;
  private served = 0;
  /** On demand: [second, units served] of seconds not yet 30 minutes old, oldest first. */
  private readonly pending: number[] = [];

  constructor(
    throughput_per_s: number,
    onDemand: boolean,
    private readonly initialPeak_per_s: number,
    private readonly max_per_s: number,
    filling_s: number,
    now_ms: number,
  ) {
    this.onDemand = onDemand;
    this.provisioned_per_s = throughput_per_s;
    this.peak_per_s = initialPeak_per_s;
    const rate = this.rate_per_s();
    this.bucket = new TokenBucket(rate, this.capacityFor(rate), rate * filling_s, now_ms);
  }

  rate_per_s(): number {
    if (!this.onDemand) return this.provisioned_per_s;
    const level = this.peak_per_s * on_demand_peak_multiplier;
    return level < this.max_per_s ? level : this.max_per_s;
  }

  private capacityFor(rate_per_s: number): number {
    // An on-demand table banks nothing: its level is what it serves in one second.
    return this.onDemand ? rate_per_s : rate_per_s * burst_bank_s;
  }

  reconfigure(throughput_per_s: number, onDemand: boolean, now_ms: number): void {
    if (throughput_per_s === this.provisioned_per_s && onDemand === this.onDemand) return;
    if (onDemand && !this.onDemand) this.peak_per_s = Math.max(this.initialPeak_per_s, this.provisioned_per_s / on_demand_peak_multiplier);
    this.onDemand = onDemand;
    this.provisioned_per_s = throughput_per_s;
    const rate = this.rate_per_s();
    this.bucket.reconfigure(rate, this.capacityFor(rate), now_ms);
  }

  /** Refills the bucket and, on demand, lets seconds 30 minutes old raise the previous peak. */
  refill(now_ms: number): void {
    if (this.onDemand) this.mature(now_ms);
    this.bucket.refill(now_ms);
  }

  charge(units: number, now_ms: number): void {
    this.bucket.take(units);
    if (!this.onDemand) return;
    const second = Math.floor(now_ms / ms_per_s);
    if (second !== this.second) {
      this.flush();
      this.second = second;
    }
    this.served += units;
  }

  private flush(): void {
    if (this.served > 0) this.pending.push(this.second, this.served);
    this.served = 0;
  }

  private mature(now_ms: number): void {
    const second = Math.floor(now_ms / ms_per_s);
    if (this.second >= 0 && second !== this.second) {
      this.flush();
      this.second = second;
    }
    const pending = this.pending;
    const matured_s = second - on_demand_scale_up_ms / ms_per_s;
    let peak = this.peak_per_s;
    let drop = 0;
    while (drop < pending.length && pending[drop]! <= matured_s) {
      if (pending[drop + 1]! > peak) peak = pending[drop + 1]!;
      drop += 2;
    }
    if (drop > 0) pending.splice(0, drop);
    if (peak !== this.peak_per_s) {
      // Scaled up: the added level is available at once.
      const before = this.rate_per_s();
      this.peak_per_s = peak;
      const rate = this.rate_per_s();
      this.bucket.reconfigure(rate, this.capacityFor(rate), now_ms);
      this.bucket.tokens += rate - before;
    }
  }
}

/** One partition: its share buckets, its ceilings and its history. The handle actions pass back. */
export class PartitionSlot {
  readonly readShare: TokenBucket;
  readonly writeShare: TokenBucket;
  readonly readCeiling: TokenBucket;
  readonly writeCeiling: TokenBucket;
  readonly series = new UnitSeries();

  constructor(
    readonly table: TableState,
    public range: PartitionRange,
    read_per_s: number,
    write_per_s: number,
    now_ms: number,
    filling_s: number,
    inherited?: PartitionSlot,
  ) {
    const readTokens = inherited === undefined ? read_per_s * filling_s : inherited.readShare.tokens / 2;
    const writeTokens = inherited === undefined ? write_per_s * filling_s : inherited.writeShare.tokens / 2;
    this.readShare = new TokenBucket(read_per_s, read_per_s * burst_bank_s, readTokens, now_ms);
    this.writeShare = new TokenBucket(write_per_s, write_per_s * burst_bank_s, writeTokens, now_ms);
    this.readCeiling = new TokenBucket(partition_max_rcu, partition_max_rcu, partition_max_rcu, now_ms);
    this.writeCeiling = new TokenBucket(partition_max_wcu, partition_max_wcu, partition_max_wcu, now_ms);
  }
}

/** A GSI with its own capacity. */
export class IndexSlot {
  readonly series = new UnitSeries();
  constructor(
    readonly table: TableState,
    readonly name: string,
    readonly read: Direction,
    readonly write: Direction,
  ) {}
}

/** Everything admission control keeps for one table (by TableId). */
export class TableState {
  record: TableRecord;
  throughput: Throughput;
  readonly read: Direction;
  readonly write: Direction;
  slots: PartitionSlot[] = [];
  readonly indexes = new Map<string, IndexSlot>();
  /** Seconds of rate new buckets start with: since creation at first sight, then one. */
  private filling_s: number;

  constructor(record: TableRecord, private readonly quotas: Quotas, now_ms: number) {
    this.record = record;
    this.throughput = throughputOf(record.description);
    this.filling_s = fillingSeconds(record.description, now_ms);
    const { onDemand, read_per_s, write_per_s } = this.throughput;
    this.read = new Direction(read_per_s, onDemand, on_demand_initial_peak_rru_per_s, quotas.tableMaxReadCapacityUnits, this.filling_s, now_ms);
    this.write = new Direction(write_per_s, onDemand, on_demand_initial_peak_wru_per_s, quotas.tableMaxWriteCapacityUnits, this.filling_s, now_ms);
    this.refresh(record, now_ms, true);
    this.filling_s = 1;
  }

  /** Follows a replaced record: new throughput (UpdateTable), a new partition map (a split), GSIs. */
  refresh(record: TableRecord, now_ms: number, initial = false): void {
    const previous = this.record;
    this.record = record;
    if (!initial && previous.description === record.description && previous.partitions === record.partitions) return;
    const throughput = throughputOf(record.description);
    this.throughput = throughput;
    this.read.reconfigure(throughput.read_per_s, throughput.onDemand, now_ms);
    this.write.reconfigure(throughput.write_per_s, throughput.onDemand, now_ms);

    const count = record.partitions.length;
    const read_per_s = throughput.read_per_s / count;
    const write_per_s = throughput.write_per_s / count;
    const byId = new Map(this.slots.map((slot) => [slot.range.id, slot]));
    this.slots = record.partitions.map((range) => {
      const existing = byId.get(range.id);
      if (existing === undefined) {
        const parent = range.parentId === undefined ? undefined : byId.get(range.parentId);
        return new PartitionSlot(this, range, read_per_s, write_per_s, now_ms, this.filling_s, parent);
      }
      existing.range = range;
      existing.readShare.reconfigure(read_per_s, read_per_s * burst_bank_s, now_ms);
      existing.writeShare.reconfigure(write_per_s, write_per_s * burst_bank_s, now_ms);
      return existing;
    });

    const seen = new Set<string>();
    for (const index of globalIndexesOf(record.description)) {
      seen.add(index.name);
      const existing = this.indexes.get(index.name);
      if (existing === undefined) {
        const read = new Direction(index.read_per_s, throughput.onDemand, on_demand_initial_peak_rru_per_s, this.quotas.tableMaxReadCapacityUnits, this.filling_s, now_ms);
        const write = new Direction(index.write_per_s, throughput.onDemand, on_demand_initial_peak_wru_per_s, this.quotas.tableMaxWriteCapacityUnits, this.filling_s, now_ms);
        this.indexes.set(index.name, new IndexSlot(this, index.name, read, write));
      } else {
        existing.read.reconfigure(index.read_per_s, throughput.onDemand, now_ms);
        existing.write.reconfigure(index.write_per_s, throughput.onDemand, now_ms);
      }
    }
    for (const name of [...this.indexes.keys()]) if (!seen.has(name)) this.indexes.delete(name);
  }
}

export class AdmissionControl {
  private readonly tables = new Map<string, TableState>();

  constructor(
    private readonly clock: Clock,
    readonly mode: ThroughputMode,
    private readonly quotas: Quotas,
  ) {}

  private stateOf(table: TableRecord): TableState {
    let state = this.tables.get(table.id);
    if (state === undefined) {
      state = new TableState(table, this.quotas, this.clock.now());
      this.tables.set(table.id, state);
    } else if (state.record !== table) {
      state.refresh(table, this.clock.now());
    }
    return state;
  }

  /** Drops a deleted table's buckets and metrics. */
  forget(tableId: string): void {
    this.tables.delete(tableId);
  }

  /** The partition holding `key` (the table's key attributes, validated). */
  slotOf(table: TableRecord, key: Item): PartitionSlot {
    const slots = this.stateOf(table).slots;
    if (slots.length === 1) return slots[0]!;
    const { hashName, hashType } = table.key;
    const value = scalarOf(key[hashName], hashType)!;
    return this.slotOfHash(table, partitionKeyHash(hashType, value));
  }

  /** The partition whose hash range holds `hash` (Scan pages). */
  slotOfHash(table: TableRecord, hash: string): PartitionSlot {
    const state = this.stateOf(table);
    const slots = state.slots;
    if (slots.length === 1) return slots[0]!;
    const range = routePartition(state.record.partitions, hash);
    for (let i = 0; i < slots.length; i++) if (slots[i]!.range === range) return slots[i]!;
    return slots[0]!;
  }

  /** Every partition of the table, in hash order. */
  slotsOf(table: TableRecord): readonly PartitionSlot[] {
    return this.stateOf(table).slots;
  }

  /** The GSI's own buckets; undefined for an index without (an LSI, or unknown). */
  indexSlotOf(table: TableRecord, indexName: string): IndexSlot | undefined {
    return this.stateOf(table).indexes.get(indexName);
  }

  /**
   * Whether the partition may serve one more request of `kind` now; call once per request. An
   * admitted request reserves `reserved_units` at once (the least it can cost: one write unit,
   * half a read unit, ...), so concurrent requests see each other before any has finished; its
   * `charge` later adds the rest, or `release` gives the reservation back.
   */
  admit(slot: PartitionSlot, kind: CapacityKind, reserved_units: number): Verdict {
    const now_ms = this.clock.now();
    const state = slot.table;
    const read = kind === 'read';
    const ceiling = read ? slot.readCeiling : slot.writeCeiling;
    const direction = read ? state.read : state.write;
    ceiling.refill(now_ms);
    direction.refill(now_ms);
    let ok: boolean;
    if (state.throughput.onDemand) {
      ok = ceiling.hasTokens() && direction.bucket.hasTokens();
      slot.series.level(now_ms, kind, direction.rate_per_s(), direction.bucket.tokens);
    } else {
      const share = read ? slot.readShare : slot.writeShare;
      share.refill(now_ms);
      ok = ceiling.hasTokens() && (share.hasTokens() || direction.bucket.hasTokens());
      slot.series.level(now_ms, kind, share.rate_per_s, share.tokens);
    }
    if (ok) {
      if (reserved_units !== 0) this.take(slot, kind, reserved_units, now_ms);
      return admitted;
    }
    slot.series.throttled(now_ms, kind);
    return this.mode === 'enforce' ? throttled : reported;
  }

  /**
   * Charges what a request consumed, `reserved_units` of which `admit` already took (an admitted
   * request only; one `reported` is counted in the metrics and charged nothing).
   */
  charge(slot: PartitionSlot, kind: CapacityKind, units: number, verdict: Verdict, reserved_units: number): void {
    const now_ms = this.clock.now();
    slot.series.consumed(now_ms, kind, units);
    if (verdict !== admitted || units === reserved_units) return;
    this.take(slot, kind, units - reserved_units, now_ms);
  }

  /** An admitted request that then failed without consuming anything: its reservation back. */
  release(slot: PartitionSlot, kind: CapacityKind, verdict: Verdict, reserved_units: number): void {
    if (verdict !== admitted || reserved_units === 0) return;
    this.take(slot, kind, -reserved_units, this.clock.now());
  }

  /**
   * Takes `units` from the partition's ceiling, the table's bucket, and the partition's share
   * when it is not empty (a request funded by adaptive capacity leaves the share no debt).
   */
  private take(slot: PartitionSlot, kind: CapacityKind, units: number, now_ms: number): void {
    const state = slot.table;
    const read = kind === 'read';
    (read ? slot.readCeiling : slot.writeCeiling).take(units);
    (read ? state.read : state.write).charge(units, now_ms);
    if (state.throughput.onDemand) return;
    const share = read ? slot.readShare : slot.writeShare;
    if (units < 0 || share.tokens > 0) share.take(units);
    if (share.tokens > share.capacity) share.tokens = share.capacity;
  }

  /** Whether the GSI's bucket may serve one more request of `kind` now (reserving as `admit`). */
  admitIndex(slot: IndexSlot, kind: CapacityKind, reserved_units: number): Verdict {
    const now_ms = this.clock.now();
    const direction = kind === 'read' ? slot.read : slot.write;
    direction.refill(now_ms);
    slot.series.level(now_ms, kind, direction.rate_per_s(), direction.bucket.tokens);
    if (direction.bucket.hasTokens()) {
      if (reserved_units !== 0) direction.charge(reserved_units, now_ms);
      return admitted;
    }
    slot.series.throttled(now_ms, kind);
    return this.mode === 'enforce' ? throttled : reported;
  }

  chargeIndex(slot: IndexSlot, kind: CapacityKind, units: number, verdict: Verdict, reserved_units: number): void {
    const now_ms = this.clock.now();
    slot.series.consumed(now_ms, kind, units);
    if (verdict !== admitted || units === reserved_units) return;
    (kind === 'read' ? slot.read : slot.write).charge(units - reserved_units, now_ms);
  }

  /**
   * Whether any of the table's GSIs is out of write capacity now: only then must a write find out
   * which indexes it touches (the common case pays one loop over the GSIs).
   */
  anyIndexOutOfWrites(table: TableRecord): boolean {
    const indexes = this.stateOf(table).indexes;
    if (indexes.size === 0) return false;
    const now_ms = this.clock.now();
    for (const slot of indexes.values()) {
      slot.write.refill(now_ms);
      if (!slot.write.bucket.hasTokens()) return true;
    }
    return false;
  }

  /** The error a throttled request of this table gets. */
  throttleError(table: TableRecord): DynamoError {
    return this.stateOf(table).throughput.onDemand
      ? new DynamoError('ThrottlingException', on_demand_table_message)
      : new DynamoError('ProvisionedThroughputExceededException', provisioned_table_message);
  }

  /** The error a table write gets when a GSI it updates is out of capacity. */
  indexThrottleError(table: TableRecord): DynamoError {
    return this.stateOf(table).throughput.onDemand
      ? new DynamoError('ThrottlingException', on_demand_index_message)
      : new DynamoError('ProvisionedThroughputExceededException', provisioned_index_message);
  }

  /**
   * Partitions that have stayed hot: the input of a "split for heat" policy. `current` gives
   * each table's current record (undefined for a table dropped since: its state is forgotten).
   */
  hotPartitions(current: (tableId: string) => TableRecord | undefined): { readonly tableId: string; readonly tableName: string; readonly partitionId: string }[] {
    const now_ms = this.clock.now();
    const hot: { tableId: string; tableName: string; partitionId: string }[] = [];
    for (const state of this.liveTables(current)) {
      for (const slot of state.slots) {
        if (isHot(slot.series, now_ms)) hot.push({ tableId: state.record.id, tableName: state.record.name, partitionId: slot.range.id });
      }
    }
    return hot;
  }

  /** What the admin endpoint and `db.metrics()` show. */
  snapshot(current: (tableId: string) => TableRecord | undefined): MetricsSnapshot {
    const now_ms = this.clock.now();
    const tables: TableSnapshot[] = [];
    for (const state of this.liveTables(current)) {
      const partitions: PartitionSnapshot[] = state.slots.map((slot) => {
        slot.readShare.refill(now_ms);
        slot.writeShare.refill(now_ms);
        const onDemand = state.throughput.onDemand;
        return {
          partitionId: slot.range.id,
          hashStart: slot.range.hashStart,
          hashEnd: slot.range.hashEnd,
          hot: isHot(slot.series, now_ms),
          readUnits_per_s: onDemand ? state.read.rate_per_s() : slot.readShare.rate_per_s,
          writeUnits_per_s: onDemand ? state.write.rate_per_s() : slot.writeShare.rate_per_s,
          readBurstBalance: onDemand ? state.read.bucket.tokens : slot.readShare.tokens,
          writeBurstBalance: onDemand ? state.write.bucket.tokens : slot.writeShare.tokens,
          totals: { ...slot.series.totals },
          seconds: slot.series.window(now_ms),
        };
      });
      const globalSecondaryIndexes: IndexSnapshot[] = [...state.indexes.values()].map((slot) => {
        slot.read.refill(now_ms);
        slot.write.refill(now_ms);
        return {
          indexName: slot.name,
          readUnits_per_s: slot.read.rate_per_s(),
          writeUnits_per_s: slot.write.rate_per_s(),
          readBurstBalance: slot.read.bucket.tokens,
          writeBurstBalance: slot.write.bucket.tokens,
          totals: { ...slot.series.totals },
          seconds: slot.series.window(now_ms),
        };
      });
      const totals = { consumedReadUnits: 0, consumedWriteUnits: 0, throttledReads: 0, throttledWrites: 0 };
      for (const partition of partitions) {
        totals.consumedReadUnits += partition.totals.consumedReadUnits;
        totals.consumedWriteUnits += partition.totals.consumedWriteUnits;
        totals.throttledReads += partition.totals.throttledReads;
        totals.throttledWrites += partition.totals.throttledWrites;
      }
      state.read.refill(now_ms);
      state.write.refill(now_ms);
      tables.push({
        tableName: state.record.name,
        billingMode: state.throughput.onDemand ? 'PAY_PER_REQUEST' : 'PROVISIONED',
        readUnits_per_s: state.read.rate_per_s(),
        writeUnits_per_s: state.write.rate_per_s(),
        totals,
        partitions,
        globalSecondaryIndexes,
      });
    }
    tables.sort((a, b) => (a.tableName < b.tableName ? -1 : a.tableName > b.tableName ? 1 : 0));
    return { now_ms, mode: this.mode, window_s: metrics_window_s, tables };
  }

  /** The states of the tables still live, following their current records (a split, UpdateTable). */
  private liveTables(current: (tableId: string) => TableRecord | undefined): TableState[] {
    const now_ms = this.clock.now();
    const live: TableState[] = [];
    for (const [id, state] of this.tables) {
      const record = current(id);
      if (record === undefined) {
        this.tables.delete(id);
        continue;
      }
      if (record !== state.record) state.refresh(record, now_ms);
      live.push(state);
    }
    return live;
  }

}

/** Hot: in each of the last `hot_sustained_s` seconds it consumed 80 % of its rate or throttled. */
export function isHot(series: UnitSeries, now_ms: number): boolean {
  const samples = series.samples;
  const current_s = Math.floor(now_ms / ms_per_s);
  // The current second is still filling: judge the complete seconds before it.
  let i = samples.length - 1;
  if (i >= 0 && samples[i]!.second === current_s) i--;
  let expected = current_s - 1;
  let count = 0;
  for (; i >= 0 && count < hot_sustained_s; i--, expected--) {
    const sample = samples[i]!;
    if (sample.second !== expected) return false;
    const hotRead = sample.readUnits_per_s > 0 && sample.consumedReadUnits >= hot_share_fraction * sample.readUnits_per_s;
    const hotWrite = sample.writeUnits_per_s > 0 && sample.consumedWriteUnits >= hot_share_fraction * sample.writeUnits_per_s;
    if (!(hotRead || hotWrite || sample.throttledReads > 0 || sample.throttledWrites > 0)) return false;
    count++;
  }
  return count === hot_sustained_s;
}

interface RecordDescription {
  readonly BillingModeSummary?: { readonly BillingMode?: string };
  readonly ProvisionedThroughput?: { readonly ReadCapacityUnits?: number; readonly WriteCapacityUnits?: number };
  readonly GlobalSecondaryIndexes?: readonly {
    readonly IndexName: string;
    readonly IndexStatus?: string;
    readonly ProvisionedThroughput?: { readonly ReadCapacityUnits?: number; readonly WriteCapacityUnits?: number };
  }[];
}

/**
 * One second plus the time since the table was created (CreationDateTime, epoch seconds); the
 * bank caps what that buys. A record without it (tests) starts with one second.
 */
function fillingSeconds(description: Readonly<Record<string, unknown>>, now_ms: number): number {
  const created_s = (description as { readonly CreationDateTime?: number }).CreationDateTime;
  if (typeof created_s !== 'number') return 1;
  const elapsed_s = now_ms / ms_per_s - created_s;
  return elapsed_s > 0 ? 1 + elapsed_s : 1;
}

function throughputOf(description: Readonly<Record<string, unknown>>): Throughput {
  const table = description as RecordDescription;
  return {
    onDemand: table.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST',
    read_per_s: table.ProvisionedThroughput?.ReadCapacityUnits ?? 0,
    write_per_s: table.ProvisionedThroughput?.WriteCapacityUnits ?? 0,
  };
}

/** The GSIs the store maintains (one being deleted is no longer written). */
function globalIndexesOf(description: Readonly<Record<string, unknown>>): { name: string; read_per_s: number; write_per_s: number }[] {
  const indexes = (description as RecordDescription).GlobalSecondaryIndexes ?? [];
  return indexes
    .filter((index) => index.IndexStatus !== 'DELETING')
    .map((index) => ({
      name: index.IndexName,
      read_per_s: index.ProvisionedThroughput?.ReadCapacityUnits ?? 0,
      write_per_s: index.ProvisionedThroughput?.WriteCapacityUnits ?? 0,
    }));
}
