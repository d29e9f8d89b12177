/**
 * GetRecords: up to Limit (1 to 1000, default 1000) records and 1 MB from a shard iterator's
 * position, and the iterator to continue with; none once a closed shard is read to its end (API
 * reference, GetRecords). An iterator older than 15 minutes is ExpiredIteratorException; one
 * whose position was trimmed is TrimmedDataAccessException.
 */
import type { Action, JsonObject, ServiceContext } from '../api/action.js';
import { checkRequest } from '../api/validation/check-request.js';
import { integer, request, string } from '../api/validation/shape.js';
import { resourceNotFound } from '../errors.js';
import { trimmedDataAccess } from './get-shard-iterator.js';
import { decodeShardIterator, encodeShardIterator, expiredIterator, shard_iterator_lifetime_ms } from './shard-iterator.js';
import { findShard, findStream, max_get_records_limit, readShard } from './stream-view.js';

/** Shard iterators are 1 to 2048 characters (API reference, GetRecords). */
export const max_shard_iterator_length = 2048;

const shape = request({
  ShardIterator: string({ notNull: true, minLength: 1, maxLength: max_shard_iterator_length }),
  Limit: integer({ min: 1, max: max_get_records_limit }),
});

function run(context: ServiceContext, rawBody: JsonObject): JsonObject {
  const body = checkRequest(shape, rawBody);
  const state = decodeShardIterator(body.ShardIterator);
  const now_ms = context.config.clock.now();
  if (now_ms - state.created_ms > shard_iterator_lifetime_ms) throw expiredIterator(state.created_ms, now_ms);
  const ref = findStream(context, state.streamArn);
  const shard = findShard(ref, state.shardId);
  if (shard === undefined) throw resourceNotFound('Requested resource not found: Shard does not exist');
  const page = readShard(context, ref, shard, state.after, body.Limit ?? max_get_records_limit);
  if (page.trimmed) throw trimmedDataAccess();
  if (page.ended) return { Records: page.records };
  return {
    Records: page.records,
    NextShardIterator: encodeShardIterator({ streamArn: ref.arn, shardId: shard.shardId, after: page.after, created_ms: now_ms }),
  };
}

export const getRecords: Action = { name: 'GetRecords', run };
