/**
 * What admission control saw, per second of the (injected) clock, kept for a bounded window:
 * for each table partition and each GSI with its own capacity, the read and write units
 * consumed, the rate it is refilled at (its provisioned share, or an on-demand table's current
 * level), its bucket balance (the banked burst) and the requests throttled (or, in `report`
 * mode, that would have been). Served as JSON and as Prometheus text by the admin endpoint
 * (`GET /_dynabase/metrics`) and by `db.metrics()`.
 *
 * Samples are sparse: a second with no request has none, so an idle table costs nothing.
 */
export type CapacityKind = 'read' | 'write';

/** The last 15 minutes, at one sample per second per partition (at most 900 samples each). */
export const metrics_window_s = 900;

/** One second of one partition (or GSI). Rates and balances are as they stood at its last request. */
export interface SecondSample {
  /** Epoch seconds. */
  second: number;
  consumedReadUnits: number;
  consumedWriteUnits: number;
  throttledReads: number;
  throttledWrites: number;
  readUnits_per_s: number;
  writeUnits_per_s: number;
  readBurstBalance: number;
  writeBurstBalance: number;
}

export interface SeriesTotals {
  consumedReadUnits: number;
  consumedWriteUnits: number;
  throttledReads: number;
  throttledWrites: number;
}

/** The per-second history of one partition or GSI. */
export class UnitSeries {
  readonly totals: SeriesTotals = { consumedReadUnits: 0, consumedWriteUnits: 0, throttledReads: 0, throttledWrites: 0 };
  /** Oldest first; the last one is the current second. Never longer than `metrics_window_s`. */
  readonly samples: SecondSample[] = [];

  /** The sample of `now_ms`'s second, created (and the window trimmed) on the first request in it. */
  private current(now_ms: number): SecondSample {
    const second = Math.floor(now_ms / 1000);
    const samples = this.samples;
    const last = samples[samples.length - 1];
    if (last !== undefined && last.second === second) return last;
    const sample: SecondSample = {
      second,
      consumedReadUnits: 0,
      consumedWriteUnits: 0,
      throttledReads: 0,
      throttledWrites: 0,
      readUnits_per_s: last?.readUnits_per_s ?? 0,
      writeUnits_per_s: last?.writeUnits_per_s ?? 0,
      readBurstBalance: last?.readBurstBalance ?? 0,
      writeBurstBalance: last?.writeBurstBalance ?? 0,
    };
    // A clock moved backwards starts a new sample at the end; trimming keeps the window bounded.
    samples.push(sample);
    while (samples.length > metrics_window_s || samples[0]!.second <= second - metrics_window_s) samples.shift();
    return sample;
  }

  consumed(now_ms: number, kind: CapacityKind, units: number): void {
    const sample = this.current(now_ms);
    if (kind === 'read') {
      sample.consumedReadUnits += units;
      this.totals.consumedReadUnits += units;
    } else {
      sample.consumedWriteUnits += units;
      this.totals.consumedWriteUnits += units;
    }
  }

  throttled(now_ms: number, kind: CapacityKind): void {
    const sample = this.current(now_ms);
    if (kind === 'read') {
      sample.throttledReads++;
      this.totals.throttledReads++;
    } else {
      sample.throttledWrites++;
      this.totals.throttledWrites++;
    }
  }

  /** Records the rate and balance a request just saw. */
  level(now_ms: number, kind: CapacityKind, rate_per_s: number, balance: number): void {
    const sample = this.current(now_ms);
    if (kind === 'read') {
      sample.readUnits_per_s = rate_per_s;
      sample.readBurstBalance = balance;
    } else {
      sample.writeUnits_per_s = rate_per_s;
      sample.writeBurstBalance = balance;
    }
  }

  /** The samples within the window that ends at `now_ms`. */
  window(now_ms: number): SecondSample[] {
    const from = Math.floor(now_ms / 1000) - metrics_window_s;
    return this.samples.filter((sample) => sample.second > from);
  }
}

// ---- the snapshot and its two renderings --------------------------------------------------------

export interface UnitSnapshot {
  readonly readUnits_per_s: number;
  readonly writeUnits_per_s: number;
  readonly readBurstBalance: number;
  readonly writeBurstBalance: number;
  readonly totals: SeriesTotals;
  readonly seconds: readonly SecondSample[];
}

export interface PartitionSnapshot extends UnitSnapshot {
  readonly partitionId: string;
  readonly hashStart: string;
  readonly hashEnd: string;
  /** Consumed at least 80 % of its share, or throttled, every second for a sustained period. */
  readonly hot: boolean;
}

export interface IndexSnapshot extends UnitSnapshot {
  readonly indexName: string;
}

export interface TableSnapshot {
  readonly tableName: string;
  readonly billingMode: 'PROVISIONED' | 'PAY_PER_REQUEST';
  /** Provisioned capacity, or an on-demand table's current level (twice its previous peak). */
  readonly readUnits_per_s: number;
  readonly writeUnits_per_s: number;
  readonly totals: SeriesTotals;
  readonly partitions: readonly PartitionSnapshot[];
  readonly globalSecondaryIndexes: readonly IndexSnapshot[];
}

export interface MetricsSnapshot {
  readonly now_ms: number;
  readonly mode: 'report' | 'enforce';
  readonly window_s: number;
  readonly tables: readonly TableSnapshot[];
}

interface PrometheusMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  value(unit: UnitSnapshot, kind: CapacityKind): number;
}

const prometheus_metrics: readonly PrometheusMetric[] = [
  {
    name: 'dynabase_consumed_capacity_units_total',
    help: 'Capacity units consumed (read or write), since the server started.',
    type: 'counter',
    value: (unit, kind) => (kind === 'read' ? unit.totals.consumedReadUnits : unit.totals.consumedWriteUnits),
  },
  {
    name: 'dynabase_throttled_requests_total',
    help: 'Requests throttled (in report mode: that would have been throttled), since the server started.',
    type: 'counter',
    value: (unit, kind) => (kind === 'read' ? unit.totals.throttledReads : unit.totals.throttledWrites),
  },
  {
    name: 'dynabase_capacity_units_per_second',
    help: 'Rate the bucket refills at: the provisioned share, or an on-demand table\'s current level.',
    type: 'gauge',
    value: (unit, kind) => (kind === 'read' ? unit.readUnits_per_s : unit.writeUnits_per_s),
  },
  {
    name: 'dynabase_burst_balance_capacity_units',
    help: 'Units in the bucket: banked burst capacity (negative while in debt).',
    type: 'gauge',
    value: (unit, kind) => (kind === 'read' ? unit.readBurstBalance : unit.writeBurstBalance),
  },
];

/** A Prometheus label value: backslash, double quote and newline escaped. */
function labelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Prometheus text exposition format 0.0.4: HELP and TYPE once per metric, then its samples. */
export function prometheusText(snapshot: MetricsSnapshot): string {
  let text = '';
  for (const metric of prometheus_metrics) {
    text += `# HELP ${metric.name} ${metric.help}\n# TYPE ${metric.name} ${metric.type}\n`;
    for (const table of snapshot.tables) {
      const tableLabel = `table="${labelValue(table.tableName)}"`;
      for (const partition of table.partitions) {
        for (const kind of ['read', 'write'] as const) {
          text += `${metric.name}{${tableLabel},partition="${labelValue(partition.partitionId)}",kind="${kind}"} ${metric.value(partition, kind)}\n`;
        }
      }
      for (const index of table.globalSecondaryIndexes) {
        for (const kind of ['read', 'write'] as const) {
          text += `${metric.name}{${tableLabel},index="${labelValue(index.indexName)}",kind="${kind}"} ${metric.value(index, kind)}\n`;
        }
      }
    }
  }
  return text;
}
