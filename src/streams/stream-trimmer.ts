/**
 * Stream retention: change-log records older than 24 hours are deleted, in bounded batches (each
 * its own write transaction). Readers already treat such records as trimmed by their age
 * (stream-view.ts), so when the deletion happens changes only the space used, never what a
 * reader sees.
 */
import type { ServiceContext } from '../api/action.js';
import { DynamoError } from '../errors.js';
import { stream_retention_ms } from './stream-epochs.js';

/** At most this many log records deleted per write transaction. */
export const trim_batch_records = 500;

/** Partition ids of a table's current partitions and of every partition they were split from. */
function loggedPartitions(partitionIds: readonly string[]): readonly string[] {
  const all = new Set<string>();
  for (const id of partitionIds) for (let length = 1; length <= id.length; length++) all.add(id.slice(0, length));
  return [...all];
}

/** One pass over every table's change logs; resolves to the number of records deleted. */
export async function trimChangeLogs(context: ServiceContext): Promise<number> {
  const before_ms = context.config.clock.now() - stream_retention_ms;
  let trimmed = 0;
  for (const table of context.store.listTables()) {
    for (const partitionId of loggedPartitions(table.partitions.map((partition) => partition.id))) {
      try {
        for (;;) {
          const count = await context.store.trimChanges(table, partitionId, before_ms, trim_batch_records);
          trimmed += count;
          if (count < trim_batch_records) break;
        }
      } catch (error) {
        // The table was deleted during the pass.
        if (error instanceof DynamoError && error.errorName === 'ResourceNotFoundException') break;
        throw error;
      }
    }
  }
  return trimmed;
}
