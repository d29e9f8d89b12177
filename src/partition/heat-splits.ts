/**
 * Split for heat: DynamoDB splits a partition that stays hot on a key-range boundary, so its keys
 * spread over two partitions (developer guide, "Partitions and data distribution"; the DynamoDB
 * paper, "split for consumption"). Admission control reports the partitions that have stayed hot
 * (every one of the last 60 seconds at 80 % of their share, or throttled: `hotPartitions`); each
 * background pass splits those, at the store's balanced split point.
 *
 * Only in `enforce` mode: `report` mode promises to change nothing, and a split changes the
 * table's layout (its Streams shards). A split partition's children start a fresh history, so
 * one that stays hot splits again only after another sustained period. Traffic on a single key
 * stays in one child: as on DynamoDB, a split cannot cool a single hot key.
 */
import type { AdmissionControl } from './admission-control.js';
import type { TableRecord } from './table-store.js';

/** What the policy needs of the store: the current record and a split. */
export interface SplittingStore {
  getTable(name: string): TableRecord | undefined;
  listTables(): readonly TableRecord[];
  splitPartition(table: TableRecord, partitionId: string): Promise<unknown>;
}

/** Splits every partition that has stayed hot; resolves to how many were split. */
export async function splitHotPartitions(store: SplittingStore, admission: AdmissionControl): Promise<number> {
  if (admission.mode !== 'enforce') return 0;
  const live = new Map(store.listTables().map((table) => [table.id, table]));
  let splits = 0;
  for (const { tableId, tableName, partitionId } of admission.hotPartitions((id) => live.get(id))) {
    const table = store.getTable(tableName);
    if (table === undefined || table.id !== tableId || !table.partitions.some((partition) => partition.id === partitionId)) continue;
    await store.splitPartition(table, partitionId);
    splits++;
  }
  return splits;
}
