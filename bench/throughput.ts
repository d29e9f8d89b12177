/**
 * Admission control: its cost, and a hot partition drawn over time.
 *
 * 1. Overhead: GetItem and PutItem of 1 KB items in-process (the real request path, no socket,
 *    so the figure is the server's own time), alternating rounds on a service in `report` mode
 *    and one in `enforce` mode with generous limits (a manual clock moved one second every 500
 *    requests keeps every partition under its 1,000 WCU ceiling, so nothing is throttled and
 *    both modes do the same work). Target: enforce < 10 % slower than report.
 * 2. Hot partition: the admission model on a manual clock for a 4-partition table of 400 WCU
 *    (share 100 each): 60 writes/s on every partition, plus a hot key on partition 0 at 300
 *    writes/s from second 30 to second 90. Writes `bench/hot-partition.svg`: consumed,
 *    provisioned share and throttled writes per partition per second.
 *
 * Usage: `node dist/bench/throughput.js [--requests 20000] [--rounds 5]`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig, defaultQuotas } from '../src/config.js';
import { ManualClock } from '../src/clock.js';
import { partitionKeyHash } from '../src/model/key-codec.js';
import { AdmissionControl, admitted, type PartitionSlot } from '../src/partition/admission-control.js';
import { hash_space_end, routePartition } from '../src/partition/partition-map.js';
import type { PartitionRange, TableRecord } from '../src/partition/table-store.js';
import type { SecondSample } from '../src/partition/throughput-metrics.js';
import { openService, type Service } from '../src/service.js';
import { callInProcess, median, parseArgs, repoRoot } from './bench-kit.js';

const args = parseArgs(process.argv.slice(2));
const requests = Number(args.get('requests') ?? 20_000);
const rounds = Number(args.get('rounds') ?? 5);
/** Requests per second of the manual clock in the overhead runs: under every partition ceiling. */
const requests_per_clock_second = 500;


const payload = 'x'.repeat(1000);

async function openBenchService(mode: 'report' | 'enforce'): Promise<{ service: Service; clock: ManualClock }> {
  const clock = new ManualClock();
  const service = await openService({ ...defaultConfig, dataDir: undefined, clock, throughput: mode });
  await callInProcess(service, 'CreateTable', {
    TableName: 'bench',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    ProvisionedThroughput: { ReadCapacityUnits: 40000, WriteCapacityUnits: 40000 },
  });
  for (let i = 0; i < 1000; i++) await callInProcess(service, 'PutItem', { TableName: 'bench', Item: { pk: { S: `k${i}` }, data: { S: payload } } });
  return { service, clock };
}

/** Nanoseconds per request for `requests` GetItems or PutItems. */
async function round(service: Service, clock: ManualClock, action: 'GetItem' | 'PutItem'): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < requests; i++) {
    if (i % requests_per_clock_second === 0) await clock.advance(1000);
    if (action === 'GetItem') await callInProcess(service, 'GetItem', { TableName: 'bench', Key: { pk: { S: `k${i % 1000}` } } });
    else await callInProcess(service, 'PutItem', { TableName: 'bench', Item: { pk: { S: `k${i % 1000}` }, data: { S: payload }, n: { N: String(i) } } });
  }
  return Number(process.hrtime.bigint() - started) / requests;
}

async function overhead(): Promise<void> {
  const report = await openBenchService('report');
  const enforce = await openBenchService('enforce');
  for (const action of ['GetItem', 'PutItem'] as const) {
    const times = { report: [] as number[], enforce: [] as number[] };
    await round(report.service, report.clock, action); // warm-up
    await round(enforce.service, enforce.clock, action);
    for (let r = 0; r < rounds; r++) {
      times.report.push(await round(report.service, report.clock, action));
      times.enforce.push(await round(enforce.service, enforce.clock, action));
    }
    const reportUs = median(times.report) / 1000;
    const enforceUs = median(times.enforce) / 1000;
    console.log(
      `${action}: report ${reportUs.toFixed(1)} µs/op (${Math.round(1e6 / reportUs)} ops/s), enforce ${enforceUs.toFixed(1)} µs/op (${Math.round(1e6 / enforceUs)} ops/s): ` +
        `${(((enforceUs - reportUs) / reportUs) * 100).toFixed(1)} % (median of ${rounds} alternated rounds of ${requests})`,
    );
  }
  const throttled = enforce.service.context.admission.snapshot((id) => enforce.service.context.store.listTables().find((each) => each.id === id)).tables[0]!.totals;
  console.log(`enforce run throttled ${throttled.throttledReads + throttled.throttledWrites} requests`);
  await report.service.close();
  await enforce.service.close();
}

// ---- the hot-partition scenario ---------------------------------------------------------------

const scenario_s = 120;
const hot_from_s = 30;
const hot_until_s = 90;
const background_per_partition_per_s = 60;
const hot_per_s = 300;

function quarters(): PartitionRange[] {
  const starts = ['0000000000000000', '4000000000000000', '8000000000000000', 'c000000000000000'];
  return starts.map((start, i) => ({ id: `p${i}`, hashStart: start, hashEnd: starts[i + 1] ?? hash_space_end }));
}

/** A key of partition `index` (searched by hash). */
function keysOf(partitions: readonly PartitionRange[], index: number, count: number): string[] {
  const keys: string[] = [];
  for (let n = 0; keys.length < count; n++) {
    if (routePartition(partitions, partitionKeyHash('S', `key-${n}`)).id === partitions[index]!.id) keys.push(`key-${n}`);
  }
  return keys;
}

function hotPartition(): { partitionId: string; samples: SecondSample[] }[] {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
  const admission = new AdmissionControl(clock, 'enforce', defaultQuotas);
  const partitions = quarters();
  const table: TableRecord = {
    name: 'hot',
    id: 'hot',
    key: { hashName: 'pk', hashType: 'S' },
    tags: {},
    partitions,
    description: { ProvisionedThroughput: { ReadCapacityUnits: 400, WriteCapacityUnits: 400 } },
  };
  const slots: PartitionSlot[] = partitions.map((_, i) => admission.slotOf(table, { pk: { S: keysOf(partitions, i, 1)[0]! } }));
  const write = (slot: PartitionSlot): void => {
    const verdict = admission.admit(slot, 'write', 1);
    if (verdict === admitted) admission.charge(slot, 'write', 1, verdict, 1);
  };
  // Each second is cut into 10 ticks; a tick sends a tenth of every partition's demand, so the
  // traffic is spread over the second as real traffic would be.
  const ticks_per_s = 10;
  for (let second = 0; second < scenario_s; second++) {
    for (let tick = 0; tick < ticks_per_s; tick++) {
      for (const slot of slots) for (let i = 0; i < background_per_partition_per_s / ticks_per_s; i++) write(slot);
      if (second >= hot_from_s && second < hot_until_s) for (let i = 0; i < hot_per_s / ticks_per_s; i++) write(slots[0]!);
      void clock.advance(1000 / ticks_per_s);
    }
  }
  void clock.advance(1000);
  return admission.snapshot(() => table).tables[0]!.partitions.map((partition) => ({ partitionId: partition.partitionId, samples: [...partition.seconds] }));
}

/** A hand-written SVG: one panel per partition, consumed / provisioned share / throttled per second. */
function chart(series: readonly { partitionId: string; samples: SecondSample[] }[]): string {
  const width = 900;
  const panel_height = 160;
  const margin = { left: 60, right: 20, top: 40, bottom: 30 };
  const plot_width = width - margin.left - margin.right;
  const height = margin.top + series.length * (panel_height + margin.bottom) + 10;
  let max = 1;
  for (const { samples } of series) for (const sample of samples) max = Math.max(max, sample.consumedWriteUnits, sample.throttledWrites, sample.writeUnits_per_s);
  max = Math.ceil(max / 50) * 50;
  const first_s = Math.min(...series.flatMap(({ samples }) => samples.map((sample) => sample.second)));
  const x = (second: number): number => margin.left + ((second - first_s) / scenario_s) * plot_width;
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">\n`;
  svg += `<rect width="${width}" height="${height}" fill="white"/>\n`;
  svg += `<text x="${margin.left}" y="20" font-size="14">Hot partition: 400 WCU over 4 partitions, 60 writes/s each, +${hot_per_s}/s on p0 from ${hot_from_s} s to ${hot_until_s} s (enforce)</text>\n`;
  svg += `<g font-size="11"><line x1="${width - 330}" y1="32" x2="${width - 310}" y2="32" stroke="#1f77b4" stroke-width="2"/><text x="${width - 305}" y="35">consumed WCU</text>`;
  svg += `<line x1="${width - 220}" y1="32" x2="${width - 200}" y2="32" stroke="#555" stroke-dasharray="4 3"/><text x="${width - 195}" y="35">provisioned share</text>`;
  svg += `<line x1="${width - 95}" y1="32" x2="${width - 75}" y2="32" stroke="#d62728" stroke-width="2"/><text x="${width - 70}" y="35">throttled</text></g>\n`;
  series.forEach(({ partitionId, samples }, index) => {
    const top = margin.top + index * (panel_height + margin.bottom) + 10;
    const y = (value: number): number => top + panel_height - (value / max) * panel_height;
    svg += `<g>\n<rect x="${margin.left}" y="${top}" width="${plot_width}" height="${panel_height}" fill="none" stroke="#ccc"/>\n`;
    svg += `<text x="${margin.left - 50}" y="${top + 14}" font-weight="bold">${partitionId}</text>\n`;
    for (let tick = 0; tick <= max; tick += max / 4) svg += `<text x="${margin.left - 6}" y="${y(tick) + 4}" text-anchor="end" fill="#666">${tick}</text>\n`;
    for (let second = 0; second <= scenario_s; second += 30) svg += `<text x="${x(first_s + second)}" y="${top + panel_height + 14}" text-anchor="middle" fill="#666">${second} s</text>\n`;
    const line = (value: (sample: SecondSample) => number, attributes: string): string =>
      `<polyline fill="none" ${attributes} points="${samples.map((sample) => `${x(sample.second).toFixed(1)},${y(value(sample)).toFixed(1)}`).join(' ')}"/>\n`;
    svg += line((sample) => sample.writeUnits_per_s, 'stroke="#555" stroke-dasharray="4 3"');
    svg += line((sample) => sample.consumedWriteUnits, 'stroke="#1f77b4" stroke-width="2"');
    svg += line((sample) => sample.throttledWrites, 'stroke="#d62728" stroke-width="2"');
    svg += '</g>\n';
  });
  return `${svg}</svg>\n`;
}

async function main(): Promise<void> {
  await overhead();
  const series = hotPartition();
  const hot = series[0]!.samples.filter((sample) => sample.second - series[0]!.samples[0]!.second >= hot_until_s - 20 && sample.second - series[0]!.samples[0]!.second < hot_until_s);
  const consumed = hot.reduce((sum, sample) => sum + sample.consumedWriteUnits, 0) / hot.length;
  const throttled = hot.reduce((sum, sample) => sum + sample.throttledWrites, 0) / hot.length;
  console.log(`hot partition, last 20 s of the spike: ${consumed.toFixed(0)} WCU/s consumed of ${background_per_partition_per_s + hot_per_s} demanded, ${throttled.toFixed(0)} writes/s throttled (share 100)`);
  const path = join(repoRoot, 'bench', 'hot-partition.svg');
  writeFileSync(path, chart(series));
  console.log(`chart: ${path}`);
}

await main();
