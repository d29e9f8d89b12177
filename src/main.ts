#!/usr/bin/env node
/**
 * The `dynabase` command: flags -> options -> `startDynabase`. Serves on port 8000 like DynamoDB
 * Local, bound to every interface by default (0.0.0.0) for the same reason DynamoDB Local is: it
 * is typically run in a container or on a CI host and reached from elsewhere. Bad flags exit 2.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from './config.js';
import type { DynabaseOptions } from './index.js';
import { startDynabase } from './index.js';
// The client commands (`tail`, `indexes`) are imported when run: the server never loads them.
import type { IndexesOptions } from './cli/indexes.js';
import type { TailOptions } from './streams/tail.js';

const usage = `Usage: dynabase [flags]
       dynabase tail <table> [--endpoint <url>] [--region <name>] [--from latest|trim-horizon]
       dynabase indexes <table> [--endpoint <url>] [--region <name>] [--watch] [--interval-ms <ms>]

  --port <n>               TCP port (default 8000; 0 picks a free one and prints it)
  --host <addr>            address to bind (default 0.0.0.0, every interface)
  --data-dir <dir>         where LMDB keeps the data (default ./data)
  --in-memory              keep everything in memory; nothing is written to disk
  --region <name>          region shown in ARNs and endpoints (default us-east-1)
  --durability <mode>      durable (default): acknowledge writes once fsynced;
                           relaxed: once written to the OS (survives kill -9, not power loss)
  --create-table-ms <ms>   time a new table or index stays CREATING (default 0)
  --update-table-ms <ms>   time an updated table stays UPDATING (default 0)
  --delete-table-ms <ms>   time a deleted table stays DELETING (default 0)
  --update-ttl-ms <ms>     time TTL stays ENABLING / DISABLING after UpdateTimeToLive (default 0)
  --sweep-interval-ms <ms> how often expired TTL items are deleted and stream records older than
                           24 hours trimmed (default 1000)
  --eventual-lag-ms <ms>   eventually consistent reads (ConsistentRead false, GSI reads) see the
                           state as of this long ago, as a lagging DynamoDB replica may (default 0)
  --item-collection-max-bytes <n>
                           largest item collection (a partition-key value's items and LSI
                           entries) of a table with LSIs (default 10737418240, DynamoDB's 10 GB)
  --clock <mode>           system (default), or manual: time starts now and moves only when told
                           (POST /_dynabase/clock {"advance_ms": N}); table state delays, TTL,
                           stream retention and capacity all follow it, and expiry and trimming
                           run after each move instead of on a timer
  --throughput <mode>      report (default): never throttle, but count per table and partition
                           what would have been throttled; enforce: throttle as DynamoDB does
                           (ProvisionedThroughputExceededException / ThrottlingException)
                           metrics: GET /_dynabase/metrics (JSON) or ?format=prometheus
  --partition-max-size-bytes <n>
                           item bytes a partition holds before it splits in two
                           (default 10737418240, DynamoDB's 10 GB; tests set a few KB)
  --help                   print this help

tail prints a table's stream as it changes, one line per record, from a running server
(--endpoint, default http://127.0.0.1:8000), starting at the newest record (--from latest, the
default) or the oldest one kept (--from trim-horizon).

indexes prints a table's secondary indexes on a running Dynabase server (--endpoint, default
http://127.0.0.1:8000): each one's status, entries and size, and for a GSI being backfilled
(added by UpdateTable to a table holding items) how many of the table's items it has read so
far. --watch prints them again every --interval-ms (default 1000) until no GSI is being created
or backfilled.
`;

const exit_usage = 2;
const exit_failure = 1;
const default_port = 8000;
const default_host = '0.0.0.0';
const default_data_dir = './data';

class UsageError extends Error {}

interface CliSettings {
  readonly options: DynabaseOptions;
  readonly dataDirShown: string;
}

function parseFlags(argv: readonly string[]): CliSettings | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'in-memory': { type: 'boolean' },
        region: { type: 'string' },
        durability: { type: 'string' },
        'create-table-ms': { type: 'string' },
        'update-table-ms': { type: 'string' },
        'delete-table-ms': { type: 'string' },
        'update-ttl-ms': { type: 'string' },
        'sweep-interval-ms': { type: 'string' },
        'item-collection-max-bytes': { type: 'string' },
        clock: { type: 'string' },
        'eventual-lag-ms': { type: 'string' },
        throughput: { type: 'string' },
        'partition-max-size-bytes': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values;
  if (values.help) return 'help';
  const inMemory = values['in-memory'] === true;
  if (inMemory && values['data-dir'] !== undefined) throw new UsageError('--in-memory and --data-dir contradict each other; give one of them');
  const durability = values.durability ?? 'durable';
  if (durability !== 'durable' && durability !== 'relaxed') throw new UsageError(`--durability must be durable or relaxed, got '${durability}'`);
  const throughput = values.throughput ?? 'report';
  if (throughput !== 'report' && throughput !== 'enforce') throw new UsageError(`--throughput must be report or enforce, got '${throughput}'`);
  const region = values.region ?? defaultConfig.region;
  if (region === '') throw new UsageError('--region must not be empty');
  const host = values.host ?? default_host;
  if (host === '') throw new UsageError('--host must not be empty');
  const clock = values.clock ?? 'system';
  if (clock !== 'system' && clock !== 'manual') throw new UsageError(`--clock must be system or manual, got '${clock}'`);
  const dataDir = inMemory ? undefined : resolve(values['data-dir'] ?? default_data_dir);
  return {
    options: {
      port: values.port === undefined ? default_port : integerFlag('--port', values.port, 65535),
      host,
      inMemory,
      dataDir,
      region,
      durability,
      clock,
      throughput,
      createTableMs: millisecondsFlag('--create-table-ms', values['create-table-ms']),
      updateTableMs: millisecondsFlag('--update-table-ms', values['update-table-ms']),
      deleteTableMs: millisecondsFlag('--delete-table-ms', values['delete-table-ms']),
      updateTimeToLiveMs: millisecondsFlag('--update-ttl-ms', values['update-ttl-ms']),
      eventualLagMs: millisecondsFlag('--eventual-lag-ms', values['eventual-lag-ms']),
      ...(values['sweep-interval-ms'] === undefined ? {} : { sweepIntervalMs: integerFlag('--sweep-interval-ms', values['sweep-interval-ms'], Number.MAX_SAFE_INTEGER) }),
      ...(values['partition-max-size-bytes'] === undefined
        ? {}
        : { partitionMaxSizeBytes: positiveIntegerFlag('--partition-max-size-bytes', values['partition-max-size-bytes']) }),
      ...(values['item-collection-max-bytes'] === undefined
        ? {}
        : { itemCollectionMaxBytes: positiveIntegerFlag('--item-collection-max-bytes', values['item-collection-max-bytes']) }),
    },
    dataDirShown: dataDir === undefined ? 'in memory' : `data in ${dataDir} (${durability})`,
  };
}

function integerFlag(flag: string, text: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) > max) throw new UsageError(`${flag} must be an integer from 0 to ${max}, got '${text}'`);
  return Number(text);
}

function positiveIntegerFlag(flag: string, text: string): number {
  const value = integerFlag(flag, text, Number.MAX_SAFE_INTEGER);
  if (value === 0) throw new UsageError(`${flag} must be a positive integer, got '${text}'`);
  return value;
}

function millisecondsFlag(flag: string, text: string | undefined): number {
  return text === undefined ? 0 : integerFlag(flag, text, Number.MAX_SAFE_INTEGER);
}

/** Where `tail` and `indexes` find a server by default (what `npm start` serves). */
const default_client_endpoint = 'http://127.0.0.1:8000';

type ClientFlagOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/**
 * The flags every client command (`tail`, `indexes`) shares — one table name, `--endpoint` and
 * `--region` with their defaults — plus the command's own `options`; a malformed line is a
 * UsageError.
 */
function parseClientFlags(command: string, argv: readonly string[], options: ClientFlagOptions) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: { endpoint: { type: 'string' }, region: { type: 'string' }, ...options },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length !== 1) throw new UsageError(`${command} takes one table name`);
  const values = parsed.values as Record<string, string | boolean | undefined>;
  return {
    tableName: parsed.positionals[0]!,
    endpoint: (values['endpoint'] as string | undefined) ?? default_client_endpoint,
    region: (values['region'] as string | undefined) ?? defaultConfig.region,
    values,
  };
}

function parseTailFlags(argv: readonly string[]): TailOptions {
  const { values, ...common } = parseClientFlags('tail', argv, { from: { type: 'string' } });
  const from = (values['from'] as string | undefined) ?? 'latest';
  if (from !== 'latest' && from !== 'trim-horizon') throw new UsageError(`--from must be latest or trim-horizon, got '${from}'`);
  return { ...common, startingPosition: from === 'latest' ? 'LATEST' : 'TRIM_HORIZON' };
}

/**
 * Runs a client command (`tail`, `indexes`): a usage error in its flags exits with 2 and a
 * failure of `run` (no server, no such table) with 1, each with one line on stderr.
 */
async function runClientCommand<T, R>(command: string, argv: readonly string[], parse: (argv: readonly string[]) => T, run: (options: T) => Promise<R>): Promise<R> {
  let options: T;
  try {
    options = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`dynabase ${command}: ${error.message}\nRun 'dynabase --help' for the flags.\n`);
    process.exit(exit_usage);
  }
  try {
    return await run(options);
  } catch (error) {
    process.stderr.write(`dynabase ${command}: ${(error as Error).name}: ${(error as Error).message}\n`);
    process.exit(exit_failure);
  }
}

async function tail(argv: readonly string[]): Promise<void> {
  const { startTail } = await import('./streams/tail.js');
  const consumer = await runClientCommand('tail', argv, parseTailFlags, (options: TailOptions) => startTail(options, (line) => process.stdout.write(line)));
  const stop = (): void => {
    consumer.stop().then(() => process.exit(0), () => process.exit(exit_failure));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

const default_watch_interval_ms = 1000;

function parseIndexesFlags(argv: readonly string[]): IndexesOptions {
  const { values, ...common } = parseClientFlags('indexes', argv, { watch: { type: 'boolean' }, 'interval-ms': { type: 'string' } });
  const interval = values['interval-ms'] as string | undefined;
  const interval_ms = interval === undefined ? default_watch_interval_ms : positiveIntegerFlag('--interval-ms', interval);
  return { ...common, watch: values['watch'] === true, interval_ms };
}

async function indexes(argv: readonly string[]): Promise<void> {
  const { showIndexes } = await import('./cli/indexes.js');
  await runClientCommand('indexes', argv, parseIndexesFlags, (options: IndexesOptions) => showIndexes(options, (text) => process.stdout.write(text)));
}

async function main(): Promise<void> {
  if (process.argv[2] === 'tail') return tail(process.argv.slice(3));
  if (process.argv[2] === 'indexes') return indexes(process.argv.slice(3));
  let settings: CliSettings | 'help';
  try {
    settings = parseFlags(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`dynabase: ${error.message}\nRun 'dynabase --help' for the flags.\n`);
    process.exit(exit_usage);
  }
  if (settings === 'help') {
    process.stdout.write(usage);
    return;
  }
  let dynabase;
  try {
    dynabase = await startDynabase(settings.options);
  } catch (error) {
    process.stderr.write(`dynabase: could not start: ${(error as Error).message}\n`);
    process.exit(exit_failure);
  }
  const clockShown = dynabase.clock.mode === 'manual' ? `, manual clock at ${new Date(dynabase.clock.now()).toISOString()}` : '';
  process.stdout.write(`Dynabase listening on ${dynabase.endpoint} (bound to ${settings.options.host}), ${settings.dataDirShown}${clockShown}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second signal while closing: the user insists.
      process.stderr.write(`dynabase: ${signal} again, exiting without waiting\n`);
      process.exit(exit_failure);
    }
    stopping = true;
    dynabase.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`dynabase: error while closing: ${String(error)}\n`);
        process.exit(exit_failure);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// Not a top-level await: the command's bundle is CommonJS (see src/launcher.ts), which has none.
main().catch((error: unknown) => {
  process.stderr.write(`dynabase: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(exit_failure);
});
