/**
 * The registry of DynamoDB Streams actions, by operation name. The server routes
 * `X-Amz-Target: DynamoDBStreams_20120810.<name>` here.
 */
import type { Action } from '../api/action.js';
import { describeStream } from './describe-stream.js';
import { getRecords } from './get-records.js';
import { getShardIterator } from './get-shard-iterator.js';
import { listStreams } from './list-streams.js';

const allStreamActions: readonly Action[] = [listStreams, describeStream, getShardIterator, getRecords];

export const streamActionsByName: ReadonlyMap<string, Action> = new Map(allStreamActions.map((action) => [action.name, action]));
