/**
 * A table's streams over time. DynamoDB keeps a disabled stream readable for 24 hours, and
 * enabling the stream again creates a new stream (new label, new ARN) beside it (developer guide,
 * "Enabling a stream"). Dynabase's change log records every write whether or not a stream is
 * enabled (with the images the enabled stream's view type carries, none without one); a stream is
 * the slice of it written between its enabling and its disabling.
 *
 * The control plane (CreateTable, UpdateTable) changes the TableDescription; `withStreamEpochs`
 * brings the record's epoch list in line with it before the record is saved.
 */
import type { StreamEpoch, TableRecord } from '../partition/table-store.js';

/** Stream records (and disabled streams) are kept 24 hours. */
export const stream_retention_ms = 24 * 60 * 60 * 1000;

interface StreamSettings {
  readonly StreamSpecification?: { readonly StreamEnabled: boolean; readonly StreamViewType?: string };
  readonly LatestStreamLabel?: string;
}

/** The creation time a stream label stands for (labels are UTC without the zone). */
export function labelTime_ms(label: string): number {
  return Date.parse(`${label}Z`);
}

function isViewType(value: string | undefined): value is StreamEpoch['viewType'] {
  return value === 'KEYS_ONLY' || value === 'NEW_IMAGE' || value === 'OLD_IMAGE' || value === 'NEW_AND_OLD_IMAGES';
}

/**
 * The record with its epochs matching its description: a newly enabled stream opens an epoch, a
 * disabled one closes the open epoch at `now_ms`, and epochs closed more than the retention ago
 * are forgotten.
 */
export function withStreamEpochs(record: TableRecord, now_ms: number): TableRecord {
  const settings = record.description as StreamSettings;
  const epochs: StreamEpoch[] = [];
  for (const epoch of record.streams ?? []) {
    if (epoch.disabledAt_ms !== undefined && now_ms - epoch.disabledAt_ms >= stream_retention_ms) continue;
    epochs.push(epoch);
  }
  const last = epochs[epochs.length - 1];
  const enabled = settings.StreamSpecification?.StreamEnabled === true;
  const label = settings.LatestStreamLabel;
  if (enabled && label !== undefined && last?.label !== label) {
    const viewType = settings.StreamSpecification?.StreamViewType;
    if (last !== undefined && last.disabledAt_ms === undefined) epochs[epochs.length - 1] = { ...last, disabledAt_ms: now_ms };
    if (isViewType(viewType)) epochs.push({ label, viewType, enabledAt_ms: labelTime_ms(label) });
  } else if (!enabled && last !== undefined && last.disabledAt_ms === undefined) {
    epochs[epochs.length - 1] = { ...last, disabledAt_ms: now_ms };
  }
  return { ...record, streams: epochs };
}

/** The table's streams still readable at `now_ms`, oldest first. */
export function readableStreams(record: TableRecord, now_ms: number): readonly StreamEpoch[] {
  const epochs = record.streams ?? [];
  let readable = 0;
  for (const epoch of epochs) if (epoch.disabledAt_ms === undefined || now_ms - epoch.disabledAt_ms < stream_retention_ms) readable++;
  return readable === epochs.length ? epochs : epochs.filter((epoch) => epoch.disabledAt_ms === undefined || now_ms - epoch.disabledAt_ms < stream_retention_ms);
}
