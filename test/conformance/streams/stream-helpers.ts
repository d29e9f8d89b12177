/**
 * Shared by the Streams and TTL conformance tests: a server on a clock the test moves, a
 * DynamoDBStreamsClient pointed at the same endpoint, and readers that drain a stream.
 */
import { CreateTableCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { tableDefinition } from '../../helpers/tables.js';
import { startTestServer, test_credentials, type TestServer } from '../../helpers/test-server.js';
import { ManualClock } from '../../helpers/manual-clock.js';

export interface StreamServer {
  readonly server: TestServer;
  readonly streams: DynamoDBStreamsClient;
  readonly clock: ManualClock;
  close(): Promise<void>;
}

export async function startStreamServer(): Promise<StreamServer> {
  const clock = new ManualClock();
  const server = await startTestServer({ clock });
  const streams = new DynamoDBStreamsClient({ endpoint: server.endpoint, region: server.dynabase.region, credentials: test_credentials, maxAttempts: 1 });
  return {
    server,
    streams,
    clock,
    async close() {
      streams.destroy();
      await server.close();
    },
  };
}

/**
 * Creates a table keyed by `pk` (S) and, optionally, `sk` (N), with a stream; returns its ARN.
 * On-demand by default (four partitions, so four shards); `oneShard` provisions 5 RCU and 5 WCU
 * instead, which one partition serves, for tests of a single shard's mechanics.
 */
export async function createStreamTable(server: TestServer, name: string, viewType: string, withRange = false, oneShard = false): Promise<string> {
  const result = await server.client.send(new CreateTableCommand(tableDefinition({
    TableName: name,
    key: withRange ? { pk: 'S', sk: 'N' } : { pk: 'S' },
    ...(oneShard ? { ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } : {}),
    StreamSpecification: { StreamEnabled: true, StreamViewType: viewType as 'NEW_AND_OLD_IMAGES' },
  })));
  return result.TableDescription!.LatestStreamArn!;
}

/** Every record of every shard from TRIM_HORIZON, following NextShardIterator until a page is empty. */
export async function readAll(streams: DynamoDBStreamsClient, streamArn: string, limit?: number): Promise<_Record[]> {
  const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const records: _Record[] = [];
  for (const shard of description.StreamDescription!.Shards!) {
    let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator !== undefined) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, ...(limit === undefined ? {} : { Limit: limit }) }));
      records.push(...page.Records!);
      if (page.Records!.length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

export type Image = Record<string, AttributeValue>;
