/**
 * DescribeStream: the stream's status, view type, key schema and shards, each with its sequence
 * number range (a closed shard has an EndingSequenceNumber) and its parent. Shards page by Limit
 * (default and maximum 100) after ExclusiveStartShardId; ShardFilter CHILD_SHARDS lists only the
 * children of one shard (API reference, DescribeStream).
 */
import type { Action, JsonObject, ServiceContext } from '../api/action.js';
import { checkRequest } from '../api/validation/check-request.js';
import { integer, request, string, structure } from '../api/validation/shape.js';
import { formatSequenceNumber } from '../partition/open-table-store.js';
import { max_list_streams_limit, max_stream_arn_length, min_stream_arn_length } from './list-streams.js';
import { findStream, shardIdOf, shardRange, shardsOf } from './stream-view.js';

/** Shard ids are 28 to 65 characters (API reference, Shard). */
export const min_shard_id_length = 28;
export const max_shard_id_length = 65;

const shape = request({
  StreamArn: string({ notNull: true, minLength: min_stream_arn_length, maxLength: max_stream_arn_length }),
  Limit: integer({ min: 1, max: max_list_streams_limit }),
  ExclusiveStartShardId: string({ minLength: min_shard_id_length, maxLength: max_shard_id_length }),
  ShardFilter: structure('ShardFilter', {
    Type: string({ enum: ['CHILD_SHARDS'] }),
    ShardId: string({ minLength: min_shard_id_length, maxLength: max_shard_id_length }),
  }),
});

interface KeySchemaHolder {
  readonly KeySchema: readonly unknown[];
}

function run(context: ServiceContext, rawBody: JsonObject): JsonObject {
  const body = checkRequest(shape, rawBody);
  const ref = findStream(context, body.StreamArn);
  const limit = body.Limit ?? max_list_streams_limit;
  const parentFilter = body.ShardFilter?.Type === 'CHILD_SHARDS' ? body.ShardFilter.ShardId : undefined;
  const shards: JsonObject[] = [];
  let started = body.ExclusiveStartShardId === undefined;
  let more = false;
  for (const shard of shardsOf(ref)) {
    const parentShardId = shard.parentPartitionId === undefined ? undefined : shardIdOf(ref.epoch, shard.parentPartitionId);
    if (body.ShardFilter !== undefined && parentShardId !== parentFilter) continue;
    if (!started) {
      started = shard.shardId === body.ExclusiveStartShardId;
      continue;
    }
    if (shards.length === limit) {
      more = true;
      break;
    }
    const range = shardRange(context, ref, shard);
    shards.push({
      ShardId: shard.shardId,
      SequenceNumberRange: {
        StartingSequenceNumber: formatSequenceNumber(range.first),
        ...(range.last === undefined ? {} : { EndingSequenceNumber: formatSequenceNumber(range.last) }),
      },
      ...(parentShardId === undefined ? {} : { ParentShardId: parentShardId }),
    });
  }
  const description: JsonObject = {
    StreamArn: ref.arn,
    StreamLabel: ref.epoch.label,
    StreamStatus: ref.epoch.disabledAt_ms === undefined ? 'ENABLED' : 'DISABLED',
    StreamViewType: ref.epoch.viewType,
    CreationRequestDateTime: ref.epoch.enabledAt_ms / 1000,
    TableName: ref.table.name,
    KeySchema: (ref.table.description as unknown as KeySchemaHolder).KeySchema,
    Shards: shards,
  };
  if (more) description.LastEvaluatedShardId = shards[shards.length - 1]!.ShardId;
  return { StreamDescription: description };
}

export const describeStream: Action = { name: 'DescribeStream', run };
