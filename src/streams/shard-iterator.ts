/**
 * Shard iterators: opaque to clients, at most 2048 characters, valid for 15 minutes after
 * GetShardIterator or GetRecords handed them out (API reference, GetShardIterator). Ours carry
 * the stream ARN, the shard, the position (the last sequence number consumed) and the creation
 * time, so a GetRecords needs no server-side iterator table and survives a restart.
 */
import { DynamoError, validationError } from '../errors.js';
import { javaDateString } from '../java-dates.js';

/** DynamoDB Streams iterators expire 15 minutes after they are returned. */
export const shard_iterator_lifetime_ms = 15 * 60 * 1000;
const iterator_version = '1';

export interface ShardIteratorState {
  readonly streamArn: string;
  readonly shardId: string;
  /** The last sequence number consumed: reading resumes after it. */
  readonly after: number;
  readonly created_ms: number;
}

export function encodeShardIterator(state: ShardIteratorState): string {
  const payload = Buffer.from(`${state.shardId}|${state.after}|${state.created_ms}`, 'utf8').toString('base64url');
  return `${state.streamArn}|${iterator_version}|${payload}`;
}

/** A malformed iterator is the client's error, not a missing resource. */
function invalidIterator(): DynamoError {
  return validationError('Invalid ShardIterator');
}

export function decodeShardIterator(iterator: string): ShardIteratorState {
  const parts = iterator.split('|');
  if (parts.length !== 3 || parts[1] !== iterator_version) throw invalidIterator();
  const fields = Buffer.from(parts[2]!, 'base64url').toString('utf8').split('|');
  if (fields.length !== 3 || !/^[0-9]{1,16}$/.test(fields[1]!) || !/^[0-9]{1,16}$/.test(fields[2]!)) throw invalidIterator();
  return { streamArn: parts[0]!, shardId: fields[0]!, after: Number(fields[1]), created_ms: Number(fields[2]) };
}

export function expiredIterator(created_ms: number, now_ms: number): DynamoError {
  return new DynamoError(
    'ExpiredIteratorException',
    `Iterator expired. The iterator was created at time ${javaDateString(created_ms)} while right now it is ${javaDateString(now_ms)} which is further in the future than the tolerated delay of ${shard_iterator_lifetime_ms} milliseconds.`,
  );
}
