/**
 * A stream consumer in the manner of Lambda's event source mapping for DynamoDB Streams, built on
 * the public Streams API (streams-api.ts) so it works against any compatible endpoint:
 * - it polls every shard of the table's latest stream, parents before children (a child is read
 *   only once its parent is exhausted, so each item's changes arrive in order);
 * - it hands the handler batches of up to `batchSize` records shaped as Lambda's DynamoDB event
 *   (`{ Records: [...] }`, each record with `eventSourceARN`);
 * - a batch whose handler throws is retried as is, up to `maxAttempts` attempts in all, then
 *   passed to `onFailure` (the dead-letter path) and skipped;
 * - after each batch it saves a checkpoint (the last sequence number handled per shard), so a
 *   consumer restarted with the same checkpoint store resumes after the last handled batch: at
 *   least once, as Lambda is (a crash between handling and saving repeats that one batch).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { JsonObject } from '../api/action.js';
import { isStreamsError, StreamsApiError, type StreamsApi } from './streams-api.js';

export type StartingPosition = 'TRIM_HORIZON' | 'LATEST';

/** A record of Lambda's DynamoDB event. */
export interface LambdaStreamRecord {
  readonly eventID: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly eventVersion: string;
  readonly eventSource: 'aws:dynamodb';
  readonly awsRegion: string;
  readonly dynamodb: {
    readonly ApproximateCreationDateTime: number;
    readonly Keys: JsonObject;
    readonly NewImage?: JsonObject;
    readonly OldImage?: JsonObject;
    readonly SequenceNumber: string;
    readonly SizeBytes: number;
    readonly StreamViewType: string;
  };
  readonly eventSourceARN: string;
  /** TTL deletions: `{ type: 'Service', principalId: 'dynamodb.amazonaws.com' }`. */
  readonly userIdentity?: { readonly type: string; readonly principalId: string };
}

export interface LambdaStreamEvent {
  readonly Records: readonly LambdaStreamRecord[];
}

export type StreamHandler = (event: LambdaStreamEvent) => unknown;

/** Where a consumer keeps its checkpoints: shard id -> last sequence number handled. */
export interface CheckpointStore {
  load(): Promise<Readonly<Record<string, string>>>;
  save(checkpoints: Readonly<Record<string, string>>): Promise<void>;
}

export interface StreamConsumerOptions {
  /** Records per batch, 1 to 10,000 (Lambda's bounds); default 100, Lambda's default. */
  readonly batchSize?: number;
  /** Where a shard without a checkpoint starts; default LATEST. Child shards always start at TRIM_HORIZON. */
  readonly startingPosition?: StartingPosition;
  /** Attempts per batch before it goes to `onFailure`; default 3. */
  readonly maxAttempts?: number;
  /** Receives a batch that failed `maxAttempts` times, and the last error. */
  readonly onFailure?: (event: LambdaStreamEvent, error: unknown) => unknown;
  /** Pause between polls of a shard with nothing new; default 100 ms. */
  readonly pollIntervalMs?: number;
  /** Checkpoints survive a restart only if the store does; default in memory. */
  readonly checkpoints?: CheckpointStore;
}

export interface StreamConsumer {
  /** The stream being read. */
  readonly streamArn: string;
  /** Resolves after the batch under way (if any) is handled and checkpointed. */
  stop(): Promise<void>;
}

export const max_batch_size = 10000;
const default_batch_size = 100;
const default_max_attempts = 3;
const default_poll_interval_ms = 100;
/** GetRecords answers at most 1000 records; a larger batch gathers several pages. */
const max_records_per_call = 1000;

export function memoryCheckpointStore(): CheckpointStore {
  let saved: Readonly<Record<string, string>> = {};
  return {
    load: () => Promise.resolve(saved),
    save(checkpoints) {
      saved = { ...checkpoints };
      return Promise.resolve();
    },
  };
}

interface ShardInfo {
  readonly ShardId: string;
  readonly ParentShardId?: string;
}

interface ShardState {
  readonly shard: ShardInfo;
  iterator: string | undefined;
  done: boolean;
}

function lambdaRecord(record: JsonObject, streamArn: string): LambdaStreamRecord {
  const identity = record.userIdentity as { PrincipalId: string; Type: string } | undefined;
  const { userIdentity: _wire, ...rest } = record;
  return {
    ...(rest as unknown as Omit<LambdaStreamRecord, 'eventSourceARN' | 'userIdentity'>),
    eventSourceARN: streamArn,
    ...(identity === undefined ? {} : { userIdentity: { type: identity.Type, principalId: identity.PrincipalId } }),
  };
}

function checkedOptions(options: StreamConsumerOptions) {
  const batchSize = options.batchSize ?? default_batch_size;
  if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= max_batch_size)) throw new RangeError(`onStream: batchSize must be an integer from 1 to ${max_batch_size}, got ${batchSize}`);
  const maxAttempts = options.maxAttempts ?? default_max_attempts;
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) throw new RangeError(`onStream: maxAttempts must be a positive integer, got ${maxAttempts}`);
  const startingPosition = options.startingPosition ?? 'LATEST';
  if (startingPosition !== 'LATEST' && startingPosition !== 'TRIM_HORIZON') throw new RangeError(`onStream: startingPosition must be TRIM_HORIZON or LATEST, got ${String(startingPosition)}`);
  const pollInterval_ms = options.pollIntervalMs ?? default_poll_interval_ms;
  if (!(Number.isFinite(pollInterval_ms) && pollInterval_ms >= 0)) throw new RangeError(`onStream: pollIntervalMs must be a non-negative number, got ${pollInterval_ms}`);
  return { batchSize, maxAttempts, startingPosition, pollInterval_ms };
}

/** The table's newest stream (ListStreams lists a table's streams oldest first). */
async function latestStreamArn(api: StreamsApi, tableName: string): Promise<string> {
  let last: string | undefined;
  let start: string | undefined;
  do {
    const page = await api.call('ListStreams', { TableName: tableName, ...(start === undefined ? {} : { ExclusiveStartStreamArn: start }) });
    const streams = page.Streams as readonly { StreamArn: string }[];
    if (streams.length > 0) last = streams[streams.length - 1]!.StreamArn;
    start = page.LastEvaluatedStreamArn as string | undefined;
  } while (start !== undefined);
  if (last === undefined) throw new StreamsApiError('ValidationException', `Table ${tableName} has no stream: enable one with StreamSpecification`);
  return last;
}

async function listShards(api: StreamsApi, streamArn: string): Promise<readonly ShardInfo[]> {
  const shards: ShardInfo[] = [];
  let start: string | undefined;
  do {
    const page = await api.call('DescribeStream', { StreamArn: streamArn, ...(start === undefined ? {} : { ExclusiveStartShardId: start }) });
    const description = page.StreamDescription as { Shards: ShardInfo[]; LastEvaluatedShardId?: string };
    shards.push(...description.Shards);
    start = description.LastEvaluatedShardId;
  } while (start !== undefined);
  return shards;
}

function sleep(ms: number, stopping: { stopped: boolean; wake?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    stopping.wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

export async function startStreamConsumer(api: StreamsApi, tableName: string, handler: StreamHandler, options: StreamConsumerOptions = {}): Promise<StreamConsumer> {
  const settings = checkedOptions(options);
  const store = options.checkpoints ?? memoryCheckpointStore();
  const streamArn = await latestStreamArn(api, tableName);
  const checkpoints: Record<string, string> = { ...(await store.load()) };
  const states = new Map<string, ShardState>();
  const control: { stopped: boolean; wake?: () => void } = { stopped: false };

  async function iteratorFor(shard: ShardInfo, isChild: boolean): Promise<string | undefined> {
    const checkpoint = checkpoints[shard.ShardId];
    const request: JsonObject = { StreamArn: streamArn, ShardId: shard.ShardId };
    if (checkpoint !== undefined) {
      request.ShardIteratorType = 'AFTER_SEQUENCE_NUMBER';
      request.SequenceNumber = checkpoint;
    } else {
      request.ShardIteratorType = isChild ? 'TRIM_HORIZON' : settings.startingPosition;
    }
    try {
      return (await api.call('GetShardIterator', request)).ShardIterator as string;
    } catch (error) {
      // The checkpoint was trimmed away: what remains starts at the trim horizon.
      if (!isStreamsError(error, 'TrimmedDataAccessException')) throw error;
      return (await api.call('GetShardIterator', { StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator as string;
    }
  }

  async function deliver(records: readonly JsonObject[]): Promise<void> {
    const event: LambdaStreamEvent = { Records: records.map((record) => lambdaRecord(record, streamArn)) };
    let lastError: unknown;
    for (let attempt = 1; attempt <= settings.maxAttempts; attempt++) {
      try {
        await handler(event);
        return;
      } catch (error) {
        lastError = error;
      }
    }
    if (options.onFailure !== undefined) await options.onFailure(event, lastError);
  }

  /** Reads up to one batch from a shard; resolves to whether it delivered anything. */
  async function pollShard(state: ShardState): Promise<boolean> {
    const records: JsonObject[] = [];
    while (records.length < settings.batchSize && state.iterator !== undefined) {
      let page: JsonObject;
      try {
        page = await api.call('GetRecords', { ShardIterator: state.iterator, Limit: Math.min(max_records_per_call, settings.batchSize - records.length) });
      } catch (error) {
        if (!isStreamsError(error, 'ExpiredIteratorException') && !isStreamsError(error, 'TrimmedDataAccessException')) throw error;
        if (records.length > 0) break;
        state.iterator = await iteratorFor(state.shard, state.shard.ParentShardId !== undefined);
        continue;
      }
      const got = page.Records as JsonObject[];
      records.push(...got);
      state.iterator = page.NextShardIterator as string | undefined;
      if (got.length === 0) break;
    }
    if (records.length > 0) {
      await deliver(records);
      checkpoints[state.shard.ShardId] = (records[records.length - 1]!.dynamodb as { SequenceNumber: string }).SequenceNumber;
      await store.save(checkpoints);
    }
    if (state.iterator === undefined) state.done = true;
    return records.length > 0;
  }

  async function run(): Promise<void> {
    while (!control.stopped) {
      const shards = await listShards(api, streamArn);
      const known = new Set(shards.map((shard) => shard.ShardId));
      let delivered = false;
      for (const shard of shards) {
        if (control.stopped) return;
        // A child waits until its parent (if the stream still lists it) is read to its end.
        const parent = shard.ParentShardId === undefined ? undefined : states.get(shard.ParentShardId);
        if (shard.ParentShardId !== undefined && known.has(shard.ParentShardId) && parent?.done !== true) continue;
        let state = states.get(shard.ShardId);
        if (state === undefined) {
          state = { shard, iterator: await iteratorFor(shard, shard.ParentShardId !== undefined && known.has(shard.ParentShardId)), done: false };
          states.set(shard.ShardId, state);
        }
        if (state.done) continue;
        if (await pollShard(state)) delivered = true;
      }
      if (!delivered && !control.stopped) await sleep(settings.pollInterval_ms, control);
    }
  }

  const running = run().catch((error: unknown) => {
    process.stderr.write(`dynabase: stream consumer of ${tableName} stopped: ${error instanceof Error ? error.message : String(error)}\n`);
  });
  return {
    streamArn,
    async stop() {
      control.stopped = true;
      control.wake?.();
      await running;
    },
  };
}

/**
 * Checkpoints in a JSON file, replaced atomically (written beside it, then renamed), so a consumer
 * restarted with the same file resumes where it left off.
 */
export function fileCheckpointStore(path: string): CheckpointStore {
  return {
    async load() {
      try {
        return JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
        throw error;
      }
    },
    async save(checkpoints) {
      await mkdir(dirname(path), { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(checkpoints));
      await rename(temporary, path);
    },
  };
}
