/**
 * ListStreams: the readable streams (enabled, or disabled less than 24 hours ago), of one table or
 * of all, ordered by table name then creation, at most Limit (default and maximum 100) per page,
 * after ExclusiveStartStreamArn; LastEvaluatedStreamArn only when more streams follow.
 */
import type { Action, JsonObject, ServiceContext } from '../api/action.js';
import { max_table_name_length, min_table_name_length } from '../limits.js';
import { table_name_pattern_source } from '../api/validation/common-shapes.js';
import { tableNotFound } from '../api/table-description.js';
import { checkRequest } from '../api/validation/check-request.js';
import { integer, request, string } from '../api/validation/shape.js';
import { readableStreams } from './stream-epochs.js';
import { streamArnOf } from './stream-view.js';

/** ListStreams and DescribeStream page at most 100 entries (API reference). */
export const max_list_streams_limit = 100;
/** Stream ARNs are 37 to 1024 characters (API reference, StreamArn). */
export const min_stream_arn_length = 37;
export const max_stream_arn_length = 1024;

const shape = request({
  TableName: string({ pattern: table_name_pattern_source, minLength: min_table_name_length, maxLength: max_table_name_length }),
  Limit: integer({ min: 1, max: max_list_streams_limit }),
  ExclusiveStartStreamArn: string({ minLength: min_stream_arn_length, maxLength: max_stream_arn_length }),
});

function run(context: ServiceContext, rawBody: JsonObject): JsonObject {
  const body = checkRequest(shape, rawBody);
  const limit = body.Limit ?? max_list_streams_limit;
  const now_ms = context.config.clock.now();
  let tables = context.store.listTables();
  if (body.TableName !== undefined) {
    const table = context.store.getTable(body.TableName);
    if (table === undefined) throw tableNotFound(body.TableName);
    tables = [table];
  }
  const streams: JsonObject[] = [];
  let started = body.ExclusiveStartStreamArn === undefined;
  let more = false;
  for (const table of tables) {
    for (const epoch of readableStreams(table, now_ms)) {
      const arn = streamArnOf(table, epoch);
      if (!started) {
        started = arn === body.ExclusiveStartStreamArn;
        continue;
      }
      if (streams.length === limit) {
        more = true;
        break;
      }
      streams.push({ StreamArn: arn, TableName: table.name, StreamLabel: epoch.label });
    }
    if (more) break;
  }
  return more ? { Streams: streams, LastEvaluatedStreamArn: streams[streams.length - 1]!.StreamArn } : { Streams: streams };
}

export const listStreams: Action = { name: 'ListStreams', run };
