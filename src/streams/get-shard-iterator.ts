/**
 * GetShardIterator: a position in a shard to read from, for TRIM_HORIZON (the oldest untrimmed
 * record), LATEST (after the newest), AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER (API
 * reference, GetShardIterator). A sequence number older than the trim point is
 * TrimmedDataAccessException; one the shard never held is a ValidationException.
 */
import type { Action, JsonObject, ServiceContext } from '../api/action.js';
import { checkRequest } from '../api/validation/check-request.js';
import { request, string } from '../api/validation/shape.js';
import { DynamoError, assertNever, resourceNotFound, validationError } from '../errors.js';
import { max_shard_id_length, min_shard_id_length } from './describe-stream.js';
import { max_stream_arn_length, min_stream_arn_length } from './list-streams.js';
import { encodeShardIterator } from './shard-iterator.js';
import { findShard, findStream, shardRange } from './stream-view.js';

/** Sequence numbers are 21 to 40 characters (API reference, SequenceNumber). */
export const min_sequence_number_length = 21;
export const max_sequence_number_length = 40;

const iteratorTypes = ['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] as const;
type IteratorType = (typeof iteratorTypes)[number];

const shape = request({
  StreamArn: string({ notNull: true, minLength: min_stream_arn_length, maxLength: max_stream_arn_length }),
  ShardId: string({ notNull: true, minLength: min_shard_id_length, maxLength: max_shard_id_length }),
  ShardIteratorType: string({ notNull: true, enum: iteratorTypes }),
  SequenceNumber: string({ minLength: min_sequence_number_length, maxLength: max_sequence_number_length }),
});

/**
 * DynamoDB Streams' text for a position already trimmed: the message the API reference gives
 * (GetRecords, Errors), without a final full stop as an answer from AWS was reported. ("The
 * operation attempted to read past the oldest stream record in a shard." is the exception's
 * description, which DynamoDB Local sends.)
 */
export const trimmed_data_message = 'The data you are trying to access has been trimmed';

export function trimmedDataAccess(): DynamoError {
  return new DynamoError('TrimmedDataAccessException', trimmed_data_message);
}

function run(context: ServiceContext, rawBody: JsonObject): JsonObject {
  const body = checkRequest(shape, rawBody);
  const type = body.ShardIteratorType as IteratorType;
  const needsSequence = type === 'AT_SEQUENCE_NUMBER' || type === 'AFTER_SEQUENCE_NUMBER';
  if (needsSequence && body.SequenceNumber === undefined) {
    throw validationError(`Must provide a SequenceNumber for iterator type ${type}`);
  }
  if (needsSequence && !/^[0-9]+$/.test(body.SequenceNumber!)) {
    throw validationError(`Invalid SequenceNumber: ${body.SequenceNumber}`);
  }
  const ref = findStream(context, body.StreamArn);
  const shard = findShard(ref, body.ShardId);
  if (shard === undefined) throw resourceNotFound(`Requested resource not found: Shard does not exist`);
  const range = shardRange(context, ref, shard);
  let after: number;
  switch (type) {
    case 'TRIM_HORIZON':
      after = range.first - 1;
      break;
    case 'LATEST':
      after = range.last ?? context.store.changeLogHead(ref.table, shard.partitionId);
      break;
    case 'AT_SEQUENCE_NUMBER':
    case 'AFTER_SEQUENCE_NUMBER': {
      const sequence = Number(body.SequenceNumber);
      if (sequence < range.first) throw trimmedDataAccess();
      const end = range.last ?? context.store.changeLogHead(ref.table, shard.partitionId);
      if (sequence > end) {
        throw validationError(`Invalid SequenceNumber ${body.SequenceNumber} for shard ${shard.shardId}: it is beyond the shard's last record`);
      }
      after = type === 'AT_SEQUENCE_NUMBER' ? sequence - 1 : sequence;
      break;
    }
    default:
      assertNever(type, 'iterator type');
  }
  const iterator = encodeShardIterator({ streamArn: ref.arn, shardId: shard.shardId, after, created_ms: context.config.clock.now() });
  return { ShardIterator: iterator };
}

export const getShardIterator: Action = { name: 'GetShardIterator', run };
