/**
 * DynamoDB Streams as a view of the partition change logs: finding a stream by ARN, its shards
 * (one per partition; a split partition's shard is closed and its children name it as parent),
 * the range of sequence numbers a shard holds, and the records of a shard shaped as DynamoDB
 * Streams answers them (API reference, "Record" and "StreamRecord").
 *
 * A stream holds the change-log records written while it was enabled (stream-epochs.ts) and not
 * yet trimmed: records older than 24 hours are trimmed, whether or not the background trimmer has
 * physically deleted them yet, so what a reader sees depends only on the clock.
 */
import type { ServiceContext } from '../api/action.js';
import { resourceNotFound } from '../errors.js';
import { nodeCrypto } from '../lazy-builtins.js';
import type { Item } from '../model/attribute-value.js';
import { itemSize } from '../model/item-size.js';
import { formatSequenceNumber } from '../partition/open-table-store.js';
import { partitionLineage } from '../partition/partition-map.js';
import type { ChangeRecord, StreamEpoch, TableRecord } from '../partition/table-store.js';
import { readableStreams, stream_retention_ms } from './stream-epochs.js';

/** DynamoDB's GetRecords answers at most 1000 records and 1 MB (API reference, GetRecords). */
export const max_get_records_limit = 1000;
export const max_get_records_bytes = 1024 * 1024;
/** How many change-log records one scan step reads while looking for a stream's bounds. */
const scan_chunk_records = 1000;

/** A stream found by its ARN. */
export interface StreamRef {
  readonly table: TableRecord;
  readonly epoch: StreamEpoch;
  readonly arn: string;
}

export interface Shard {
  readonly shardId: string;
  readonly partitionId: string;
  readonly parentPartitionId: string | undefined;
  /** Still receiving records: its partition is current and its stream enabled. */
  readonly open: boolean;
}

interface TableArnHolder {
  readonly TableArn: string;
}

export function streamArnOf(table: TableRecord, epoch: StreamEpoch): string {
  return `${(table.description as unknown as TableArnHolder).TableArn}/stream/${epoch.label}`;
}

export function streamNotFound(arn: string) {
  return resourceNotFound(`Requested resource not found: Stream: ${arn} not found`);
}

/**
 * The stream an ARN names: `arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`.
 * An ARN of another region or account, of a dropped table or of a stream past its retention is
 * not found, as DynamoDB answers for a stream it does not hold.
 */
export function findStream(context: ServiceContext, arn: string): StreamRef {
  const marker = arn.lastIndexOf('/stream/');
  const tablePart = marker < 0 ? '' : arn.slice(0, marker);
  const tableMarker = tablePart.indexOf(':table/');
  if (tableMarker < 0) throw streamNotFound(arn);
  const table = context.store.getTable(tablePart.slice(tableMarker + ':table/'.length));
  if (table === undefined || (table.description as unknown as TableArnHolder).TableArn !== tablePart) throw streamNotFound(arn);
  const label = arn.slice(marker + '/stream/'.length);
  for (const epoch of readableStreams(table, context.config.clock.now())) {
    if (epoch.label === label) return { table, epoch, arn };
  }
  throw streamNotFound(arn);
}

/** 32-bit FNV-1a of a partition id, as 8 hex digits: the tail of its shard ids. */
function partitionTag(partitionId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < partitionId.length; i++) {
    hash ^= partitionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** `shardId-<20 digits>-<8 hex>`, DynamoDB's shape: the stream's creation time and the partition. */
export function shardIdOf(epoch: StreamEpoch, partitionId: string): string {
  return `shardId-${String(epoch.enabledAt_ms).padStart(20, '0')}-${partitionTag(partitionId)}`;
}

/**
 * The stream's shards, parents before children: the table's current partitions and every
 * partition they were split from (partition-map.ts `partitionLineage`).
 */
export function shardsOf(ref: StreamRef): readonly Shard[] {
  const enabled = ref.epoch.disabledAt_ms === undefined;
  return partitionLineage(ref.table.partitions, ref.table.closedPartitions).map((partition) => ({
    shardId: shardIdOf(ref.epoch, partition.id),
    partitionId: partition.id,
    parentPartitionId: partition.parentId,
    open: enabled && partition.open,
  }));
}

export function findShard(ref: StreamRef, shardId: string): Shard | undefined {
  for (const shard of shardsOf(ref)) if (shard.shardId === shardId) return shard;
  return undefined;
}

/** Whether a change-log record belongs to the stream (written while it was enabled). */
function inEpoch(epoch: StreamEpoch, change: ChangeRecord): boolean {
  return change.noStream !== true && change.time_ms >= epoch.enabledAt_ms && (epoch.disabledAt_ms === undefined || change.time_ms < epoch.disabledAt_ms);
}

/** The oldest time a record may have and still be in the stream (older ones are trimmed). */
export function trimHorizon_ms(context: ServiceContext): number {
  return context.config.clock.now() - stream_retention_ms;
}

/**
 * What a shard holds now: `first`, the sequence number of its oldest untrimmed record (or the
 * next one to be written when it has none), and for a closed shard `last`, its final record's
 * (`first - 1` when it never had one).
 */
export interface ShardRange {
  readonly first: number;
  readonly last: number | undefined;
}

export function shardRange(context: ServiceContext, ref: StreamRef, shard: Shard): ShardRange {
  const store = context.store;
  const horizon_ms = trimHorizon_ms(context);
  const head = store.changeLogHead(ref.table, shard.partitionId);
  let first: number | undefined;
  let last: number | undefined;
  let after = 0;
  scan: for (;;) {
    const changes = store.readChanges(ref.table, shard.partitionId, formatSequenceNumber(after), scan_chunk_records);
    for (const change of changes) {
      const sequence = Number(change.sequenceNumber);
      after = sequence;
      if (ref.epoch.disabledAt_ms !== undefined && change.time_ms >= ref.epoch.disabledAt_ms) break scan;
      if (!inEpoch(ref.epoch, change)) continue;
      if (first === undefined && change.time_ms >= horizon_ms) first = sequence;
      last = sequence;
      // An open shard's end is not needed: stop at its first record.
      if (shard.open && first !== undefined) break scan;
    }
    if (changes.length < scan_chunk_records) break;
  }
  const start = first ?? (shard.open ? head + 1 : (last ?? head) + 1);
  return { first: start, last: shard.open ? undefined : (last ?? start - 1) };
}

/** One page of a shard from position `after` (the last sequence number consumed). */
export interface RecordsPage {
  readonly records: readonly Record<string, unknown>[];
  /** The new position: the last sequence number read or skipped. */
  readonly after: number;
  /** The shard is closed and the page reached its end: no further iterator. */
  readonly ended: boolean;
  /** The position lies before the oldest untrimmed record. */
  readonly trimmed: boolean;
}

export function readShard(context: ServiceContext, ref: StreamRef, shard: Shard, after: number, limit: number): RecordsPage {
  const store = context.store;
  const horizon_ms = trimHorizon_ms(context);
  const records: Record<string, unknown>[] = [];
  const region = context.config.region;
  let position = after;
  let bytes = 0;
  let expected = after + 1;
  for (;;) {
    const changes = store.readChanges(ref.table, shard.partitionId, formatSequenceNumber(position), scan_chunk_records);
    for (const change of changes) {
      const sequence = Number(change.sequenceNumber);
      // Sequence numbers of a partition are consecutive: a gap before the first record read means
      // the records at the position were trimmed away (TrimmedDataAccessException).
      if (sequence !== expected && records.length === 0 && position === after) return { records, after, ended: false, trimmed: true };
      expected = sequence + 1;
      if (ref.epoch.disabledAt_ms !== undefined && change.time_ms >= ref.epoch.disabledAt_ms) return { records, after: position, ended: true, trimmed: false };
      if (!inEpoch(ref.epoch, change)) {
        position = sequence;
        continue;
      }
      if (change.time_ms < horizon_ms) {
        if (records.length === 0 && position === after) return { records, after, ended: false, trimmed: true };
        position = sequence;
        continue;
      }
      const record = streamRecord(change, ref.epoch, region, ref.table.id);
      const size = (record.dynamodb as { SizeBytes: number }).SizeBytes;
      if (records.length > 0 && bytes + size > max_get_records_bytes) return { records, after: position, ended: false, trimmed: false };
      records.push(record);
      bytes += size;
      position = sequence;
      if (records.length >= limit) return { records, after: position, ended: false, trimmed: false };
    }
    if (changes.length < scan_chunk_records) break;
  }
  // The whole log was read: a closed shard has nothing more to give.
  return { records, after: position, ended: !shard.open, trimmed: false };
}

/** A stable, unique eventID: 32 hex digits, like DynamoDB's. */
function eventIdOf(tableId: string, change: ChangeRecord): string {
  return nodeCrypto().createHash('md5').update(`${tableId}/${change.partitionId}/${change.sequenceNumber}`).digest('hex');
}

/** The images a view type carries (API reference, StreamSpecification.StreamViewType). */
function imagesOf(viewType: StreamEpoch['viewType'], change: ChangeRecord): { readonly newImage?: Item; readonly oldImage?: Item } {
  switch (viewType) {
    case 'KEYS_ONLY':
      return {};
    case 'NEW_IMAGE':
      return change.newImage === undefined ? {} : { newImage: change.newImage };
    case 'OLD_IMAGE':
      return change.oldImage === undefined ? {} : { oldImage: change.oldImage };
    case 'NEW_AND_OLD_IMAGES':
      return {
        ...(change.newImage === undefined ? {} : { newImage: change.newImage }),
        ...(change.oldImage === undefined ? {} : { oldImage: change.oldImage }),
      };
  }
}

/**
 * A Streams `Record`. SizeBytes counts the keys and images carried, as DynamoDB's does;
 * ApproximateCreationDateTime is epoch seconds (the SDK reads it as a date). A TTL deletion names
 * the service as its author (developer guide, "DynamoDB Streams and Time to Live").
 */
export function streamRecord(change: ChangeRecord, epoch: StreamEpoch, region: string, tableId: string): Record<string, unknown> {
  const { newImage, oldImage } = imagesOf(epoch.viewType, change);
  let size = itemSize(change.keys);
  if (newImage !== undefined) size += itemSize(newImage);
  if (oldImage !== undefined) size += itemSize(oldImage);
  const dynamodb: Record<string, unknown> = {
    ApproximateCreationDateTime: Math.floor(change.time_ms / 1000),
    Keys: change.keys,
  };
  if (newImage !== undefined) dynamodb.NewImage = newImage;
  if (oldImage !== undefined) dynamodb.OldImage = oldImage;
  dynamodb.SequenceNumber = change.sequenceNumber;
  dynamodb.SizeBytes = size;
  dynamodb.StreamViewType = epoch.viewType;
  const record: Record<string, unknown> = {
    eventID: eventIdOf(tableId, change),
    eventName: change.kind,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb,
  };
  if (change.byService === true) record.userIdentity = { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' };
  return record;
}
