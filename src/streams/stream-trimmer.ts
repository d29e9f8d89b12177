/**
 * Stream retention: change-log records older than 24 hours are deleted, in bounded batches (each
 * its own write transaction). Readers already treat such records as trimmed by their age
 * (stream-view.ts), so when the deletion happens changes only the space used, never what a
 * reader sees. A change made while no stream is enabled is not stored at all, so a table without
 * a stream keeps no history, in memory or on disk, beyond its partitions' log heads; records an
 * earlier version stored outside any stream (`noStream`) go at the first pass once they lead
 * their log.
 */
import type { ServiceContext } from '../api/action.js';
import { DynamoError } from '../errors.js';
import { partitionLineage } from '../partition/partition-map.js';
import { stream_retention_ms } from './stream-epochs.js';

/** At most this many log records deleted per write transaction. */
export const trim_batch_records = 500;


/** One pass over every table's change logs; resolves to the number of records deleted. */
export async function trimChangeLogs(context: ServiceContext): Promise<number> {
  const before_ms = context.config.clock.now() - stream_retention_ms;
  let trimmed = 0;
  for (const table of context.store.listTables()) {
    // Current partitions and every partition they were split from: closed logs age out too.
    for (const { id: partitionId } of partitionLineage(table.partitions, table.closedPartitions)) {
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
