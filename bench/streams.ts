/**
 * DynamoDB Streams benchmark: Dynabase in memory in a child process, driven by a raw keep-alive
 * HTTP client (undici), as bench/run.ts does (dynalite has no Streams to compare with).
 *
 *  - Write cost of a stream: PutItem throughput (1 KB items, each a new version) on a table without
 *    a stream and on one with a NEW_AND_OLD_IMAGES stream, alternated in rounds so drift in the
 *    machine's speed falls on both. Target: less than 15 % lower with the stream.
 *  - Stream read throughput while writing at full speed: one reader follows the shard with
 *    GetRecords (Limit 1000) while the writers run; records read per second, and the reader's lag
 *    (records written but not yet read) when the writers stop.
 *
 * Usage: `npx tsc -p tsconfig.json && node dist/bench/streams.js [--seconds 3 --rounds 3 --concurrency 16]`.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Pool } from 'undici';
import { call, freePort, parseArgs, repoRoot, waitUntilAnswering } from './bench-kit.js';

const options = parseArgs(process.argv.slice(2));
const seconds = Number(options.get('seconds') ?? 3);
const rounds = Number(options.get('rounds') ?? 3);
const concurrency = Number(options.get('concurrency') ?? 16);
const itemCount = 1000;

async function main(): Promise<void> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(repoRoot, 'dist/src/main.js'), '--port', String(port), '--in-memory'], { stdio: 'ignore' });
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: concurrency + 2, pipelining: 1 });
  try {
    await waitUntilAnswering(pool);
    await createTable(pool, 'plain', undefined);
    const streamArn = await createTable(pool, 'streamed', 'NEW_AND_OLD_IMAGES');

    let plainOps = 0;
    let streamedOps = 0;
    for (let round = 0; round < rounds; round++) {
      plainOps += await writeFor(pool, 'plain', seconds * 1000);
      streamedOps += await writeFor(pool, 'streamed', seconds * 1000);
    }
    const total_s = rounds * seconds;
    const plainRate = plainOps / total_s;
    const streamedRate = streamedOps / total_s;
    console.log(`PutItem without a stream: ${plainRate.toFixed(0)} ops/s`);
    console.log(`PutItem with a stream:    ${streamedRate.toFixed(0)} ops/s (${(((plainRate - streamedRate) / plainRate) * 100).toFixed(1)} % slower, negative: faster; target < 15 %)`);

    const shardId = JSON.parse(await call(pool, 'DynamoDBStreams_20120810.DescribeStream', { StreamArn: streamArn })).StreamDescription.Shards[0].ShardId;
    let iterator = JSON.parse(await call(pool, 'DynamoDBStreams_20120810.GetShardIterator', { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'LATEST' })).ShardIterator as string;
    let writing = true;
    let read = 0;
    const started = Date.now();
    const reader = (async () => {
      for (;;) {
        const page = JSON.parse(await call(pool, 'DynamoDBStreams_20120810.GetRecords', { ShardIterator: iterator, Limit: 1000 }));
        read += page.Records.length;
        iterator = page.NextShardIterator;
        if (page.Records.length === 0 && !writing) return;
      }
    })();
    const written = await writeFor(pool, 'streamed', seconds * 1000, concurrency - 1);
    const readWhileWriting = read;
    const writing_s = (Date.now() - started) / 1000;
    writing = false;
    await reader;
    console.log(`While writing ${(written / writing_s).toFixed(0)} PutItem/s: read ${(readWhileWriting / writing_s).toFixed(0)} records/s; lag at the end ${written - readWhileWriting} records, all ${read} read after`);
  } finally {
    await pool.close();
    child.kill('SIGTERM');
  }
}

async function createTable(pool: Pool, name: string, viewType: string | undefined): Promise<string | undefined> {
  const answer = JSON.parse(await call(pool, 'DynamoDB_20120810.CreateTable', {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...(viewType === undefined ? {} : { StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } }),
  }));
  return answer.TableDescription.LatestStreamArn;
}

let version = 0;

/** PutItem at full speed for `duration_ms`; resolves to the number of writes. */
async function writeFor(pool: Pool, table: string, duration_ms: number, workers = concurrency): Promise<number> {
  const until = Date.now() + duration_ms;
  let count = 0;
  const payload = 'x'.repeat(1000);
  const worker = async () => {
    while (Date.now() < until) {
      const v = version++;
      await call(pool, 'DynamoDB_20120810.PutItem', { TableName: table, Item: { id: { S: `item-${v % itemCount}` }, payload: { S: payload }, v: { N: String(v) } } });
      count++;
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return count;
}

await main();
