/**
 * `dynabase indexes <table>`: a table's secondary indexes as a running server sees them, with the
 * progress of any GSI backfill (a GSI added by UpdateTable to a table that holds items), read over
 * HTTP: DescribeTable for each index's status, Backfilling flag and item count (DynamoDB's view),
 * and `GET /_dynabase/backfills?table=` for how many of the table's items each backfill has read
 * (DynamoDB shows no such figure; Dynabase keeps it with the backfill's position).
 *
 *   Table orders: UPDATING, 600 items
 *     byColor  GSI  CREATING  backfilling: 256 of 600 items read (42.7 %), 240 entries
 *     byDate   LSI  -         600 entries, 31200 bytes
 *
 * `--watch` prints the table again every `--interval-ms` until no GSI is being created or
 * backfilled, then exits 0.
 */
import { httpDynamoDbApi } from '../streams/streams-api.js';
import type { BackfillProgress } from '../server/admin-routes.js';

export interface IndexesOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly tableName: string;
  readonly watch: boolean;
  readonly interval_ms: number;
}

/** DescribeTable's members that the listing shows. */
interface DescribedIndex {
  readonly IndexName: string;
  readonly IndexStatus?: string;
  readonly Backfilling?: boolean;
  readonly ItemCount?: number;
  readonly IndexSizeBytes?: number;
}

interface DescribedTable {
  readonly TableName: string;
  readonly TableStatus: string;
  readonly ItemCount?: number;
  readonly GlobalSecondaryIndexes?: readonly DescribedIndex[];
  readonly LocalSecondaryIndexes?: readonly DescribedIndex[];
}

/** One look at the table: its description and its backfills in progress. */
export interface IndexesSnapshot {
  readonly table: DescribedTable;
  readonly backfills: readonly BackfillProgress[];
}

/** Whether a GSI of the snapshot is still being created or backfilled (what `--watch` waits for). */
export function backfillInProgress(snapshot: IndexesSnapshot): boolean {
  return snapshot.backfills.length > 0 || (snapshot.table.GlobalSecondaryIndexes ?? []).some((index) => index.IndexStatus === 'CREATING' || index.Backfilling === true);
}

export async function readIndexes(options: IndexesOptions): Promise<IndexesSnapshot> {
  const api = httpDynamoDbApi(options.endpoint, options.region);
  const described = (await api.call('DescribeTable', { TableName: options.tableName })) as { Table: DescribedTable };
  const url = new URL('/_dynabase/backfills', options.endpoint);
  url.searchParams.set('table', options.tableName);
  const response = await fetch(url);
  const text = await response.text();
  // A table dropped between the two calls has no backfills left.
  if (response.status === 404) return { table: described.Table, backfills: [] };
  if (response.status !== 200) throw new Error(`GET ${url.pathname}: HTTP ${response.status}: ${text.slice(0, 200)} (is the endpoint a Dynabase server?)`);
  return { table: described.Table, backfills: (JSON.parse(text) as { backfills: BackfillProgress[] }).backfills };
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '100.0' : ((100 * Math.min(part, whole)) / whole).toFixed(1);
}

/** The snapshot as text: a line for the table, then one per index (GSIs first, as DescribeTable lists them). */
export function formatIndexes(snapshot: IndexesSnapshot): string {
  const { table, backfills } = snapshot;
  const rows: string[][] = [];
  const describe = (index: DescribedIndex, kind: 'GSI' | 'LSI'): void => {
    const progress = backfills.find((backfill) => backfill.index === index.IndexName);
    const entries = `${index.ItemCount ?? 0} entries`;
    const detail =
      progress !== undefined
        ? `backfilling: ${progress.readItems} of ${progress.tableItemCount} items read (${percent(progress.readItems, progress.tableItemCount)} %), ${progress.indexItemCount} entries`
        : index.Backfilling === true
          ? `backfilling, ${entries}`
          : `${entries}, ${index.IndexSizeBytes ?? 0} bytes`;
    rows.push([index.IndexName, kind, index.IndexStatus ?? '-', detail]);
  };
  for (const index of table.GlobalSecondaryIndexes ?? []) describe(index, 'GSI');
  for (const index of table.LocalSecondaryIndexes ?? []) describe(index, 'LSI');
  const lines = [`Table ${table.TableName}: ${table.TableStatus}, ${table.ItemCount ?? 0} items${rows.length === 0 ? ', no secondary indexes' : ''}`];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) lines.push(`  ${row.slice(0, 3).map((cell, column) => cell.padEnd(widths[column]!)).join('  ')}  ${row[3]}`);
  return `${lines.join('\n')}\n`;
}

/** Prints the table's indexes once, or with `watch` until no backfill is left. */
export async function showIndexes(options: IndexesOptions, write: (text: string) => void): Promise<void> {
  for (;;) {
    const snapshot = await readIndexes(options);
    write(formatIndexes(snapshot));
    if (!options.watch || !backfillInProgress(snapshot)) return;
    await new Promise((resolve) => setTimeout(resolve, options.interval_ms));
    write('\n');
  }
}
