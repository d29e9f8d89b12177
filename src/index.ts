/**
 * The embedded API: `startDynabase(options)` runs Dynabase inside the caller's process, on a
 * random free port by default, or with no socket at all (`listen: false`), serving the AWS SDK v3
 * through `requestHandler`. In memory unless `dataDir` is given.
 */
import { join } from 'node:path';
import type { Clock } from './clock.js';
import { ManualClock } from './clock.js';
import type { Config } from './config.js';
import { defaultConfig } from './config.js';
import type { ThroughputMode } from './partition/admission-control.js';
import type { MetricsSnapshot } from './partition/throughput-metrics.js';
import { prometheusText } from './partition/throughput-metrics.js';
import { metricsSnapshot } from './server/admin-routes.js';
import type { HttpListener } from './server/http-server.js';
import { listenHttp } from './server/http-server.js';
import type { InProcessRequestHandler } from './server/in-process-handler.js';
import { createInProcessHandler } from './server/in-process-handler.js';
import type { Service } from './service.js';
import { openService } from './service.js';
import type { DurabilityMode } from './storage/kv-store.js';
// The stream consumer is imported by the first `onStream`: start-up does not load it.
import type { CheckpointStore, StreamConsumer, StreamConsumerOptions, StreamHandler } from './streams/stream-consumer.js';
import type { BackgroundSweeps } from './ttl/background-sweeps.js';
import { default_sweep_interval_ms, startBackgroundSweeps } from './ttl/background-sweeps.js';

export type { Clock } from './clock.js';
export { ManualClock } from './clock.js';
export type { ThroughputMode } from './partition/admission-control.js';
export type { IndexSnapshot, MetricsSnapshot, PartitionSnapshot, SecondSample, TableSnapshot } from './partition/throughput-metrics.js';
export type { DurabilityMode } from './storage/kv-store.js';
export type { InProcessRequestHandler } from './server/in-process-handler.js';
export type {
  CheckpointStore,
  LambdaStreamEvent,
  LambdaStreamRecord,
  StreamConsumer,
  StreamConsumerOptions,
  StreamHandler,
} from './streams/stream-consumer.js';

export interface OnStreamOptions extends StreamConsumerOptions {
  /**
   * Names the consumer's checkpoints (default: the table name). With `dataDir` they are kept in
   * `<dataDir>/stream-checkpoints/<name>.json` and survive a restart; in memory, for the life of
   * this Dynabase.
   */
  readonly name?: string;
}

export interface DynabaseOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Address to bind; default 127.0.0.1 (embedded use is local). */
  readonly host?: string;
  /** Keep everything in memory (the default unless `dataDir` is given). */
  readonly inMemory?: boolean;
  /** Keep the data on disk, in LMDB, in this directory (created if missing). */
  readonly dataDir?: string;
  /** Region shown in ARNs and the health answer; default us-east-1. */
  readonly region?: string;
  /** On disk: `durable` (fsync per commit, the default) or `relaxed`. */
  readonly durability?: DurabilityMode;
  /** How long tables stay CREATING / UPDATING / DELETING; default 0. */
  readonly createTableMs?: number;
  readonly updateTableMs?: number;
  readonly deleteTableMs?: number;
  /** How long TTL stays ENABLING / DISABLING after UpdateTimeToLive; default 0. */
  readonly updateTimeToLiveMs?: number;
  /** `false`: open no socket; use `requestHandler`. Default true. */
  readonly listen?: boolean;
  /**
   * The clock behind table state delays, TTL, streams and capacity: `'system'` (the default),
   * `'manual'` (a clock that starts at the current time and moves only through
   * `db.clock.advance(ms)`), or a clock of your own (a `ManualClock` you keep, for instance).
   */
  readonly clock?: Clock | 'system' | 'manual';
  /** How often expired TTL items are deleted and old stream records trimmed; default 1000 ms. */
  readonly sweepIntervalMs?: number;
  /**
   * Eventually consistent reads (ConsistentRead false, GSI reads) see the state as of this many
   * ms ago, the staleness DynamoDB allows them; default 0 (they see every acknowledged write).
   */
  readonly eventualLagMs?: number;
  /**
   * Admission control: `report` (the default) never throttles but counts what would have been
   * throttled; `enforce` throttles as DynamoDB does (see docs/throughput.md).
   */
  readonly throughput?: ThroughputMode;
  /** Item bytes a partition holds before it splits in two; default 10 GB, as DynamoDB. */
  readonly partitionMaxSizeBytes?: number;
  /**
   * The largest item collection (a partition-key value's items plus their LSI entries) of a
   * table with LSIs, in bytes; default 10 GB, as DynamoDB. Lower it to test
   * ItemCollectionSizeLimitExceededException with a few items.
   */
  readonly itemCollectionMaxBytes?: number;
}

export interface Dynabase {
  /** `http://host:port`, or undefined with `listen: false`. */
  readonly endpoint: string | undefined;
  /** The bound port, or undefined with `listen: false`. */
  readonly port: number | undefined;
  readonly region: string;
  /** The service's clock; `advance` moves it when it is manual. */
  readonly clock: DynabaseClock;
  /** `new DynamoDBClient({ requestHandler })`: served in-process, no socket. */
  readonly requestHandler: InProcessRequestHandler;
  /**
   * Consumes the table's latest stream like Lambda's event source mapping: batches shaped as the
   * Lambda DynamoDB event, retries, a failure callback, checkpoints (see OnStreamOptions).
   */
  onStream(tableName: string, handler: StreamHandler, options?: OnStreamOptions): Promise<StreamConsumer>;
  /**
   * Admission control's metrics: per table, partition and GSI, per second of the clock over the
   * last 15 minutes (what `GET /_dynabase/metrics` answers).
   */
  metrics(): MetricsSnapshot;
  /** The same as Prometheus text (`GET /_dynabase/metrics?format=prometheus`). */
  prometheusMetrics(): string;
  /** Stops stream consumers, stops listening, lets requests in flight finish, and closes the store. */
  close(): Promise<void>;
}

export interface DynabaseClock {
  readonly mode: 'system' | 'manual';
  /** Milliseconds since the Unix epoch, as the service sees it. */
  now(): number;
  /**
   * Moves a manual clock forward by `ms`: table state changes due by then happen, then expired
   * TTL items are deleted and stream records past retention trimmed; resolves once all of it is
   * done. Rejects on the system clock.
   */
  advance(ms: number): Promise<void>;
}

const default_host = '127.0.0.1';

function dynabaseClock(clock: Clock): DynabaseClock {
  return {
    mode: clock instanceof ManualClock ? 'manual' : 'system',
    now: () => clock.now(),
    advance(ms) {
      if (!(clock instanceof ManualClock)) return Promise.reject(new TypeError("db.clock.advance: the clock is the system clock; start Dynabase with { clock: 'manual' }"));
      if (!(Number.isFinite(ms) && ms >= 0)) return Promise.reject(new RangeError(`db.clock.advance: ms must be a non-negative number, got ${ms}`));
      return clock.advance(ms);
    },
  };
}

export async function startDynabase(options: DynabaseOptions = {}): Promise<Dynabase> {
  const config = configFrom(options);
  const sweepInterval_ms = sweepInterval(options.sweepIntervalMs);
  const service = await openService(config);
  const sweeps = startBackgroundSweeps(service.context, sweepInterval_ms);
  let listener: HttpListener | undefined;
  if (options.listen !== false) {
    try {
      listener = await listenHttp(service, options.port ?? 0, options.host ?? default_host);
    } catch (error) {
      await sweeps.stop();
      await service.close();
      throw error;
    }
  }
  let closing: Promise<void> | undefined;
  const consumers = new Set<StreamConsumer>();
  const memoryCheckpoints = new Map<string, CheckpointStore>();
  const dataDir = config.dataDir;
  return {
    endpoint: listener === undefined ? undefined : endpointOf(listener.host, listener.port),
    port: listener?.port,
    region: config.region,
    clock: dynabaseClock(config.clock),
    requestHandler: createInProcessHandler(service),
    // Idempotent, so `after(() => db.close())` and an explicit close can both run.
    async onStream(tableName, handler, streamOptions = {}) {
      const { fileCheckpointStore, memoryCheckpointStore, startStreamConsumer } = await import('./streams/stream-consumer.js');
      const { inProcessStreamsApi } = await import('./streams/streams-api.js');
      const name = streamOptions.name ?? tableName;
      let checkpoints = streamOptions.checkpoints;
      if (checkpoints === undefined && dataDir !== undefined) checkpoints = fileCheckpointStore(join(dataDir, 'stream-checkpoints', `${encodeURIComponent(name)}.json`));
      if (checkpoints === undefined) {
        checkpoints = memoryCheckpoints.get(name) ?? memoryCheckpointStore();
        memoryCheckpoints.set(name, checkpoints);
      }
      const consumer = await startStreamConsumer(inProcessStreamsApi(service.context), tableName, handler, { ...streamOptions, checkpoints });
      consumers.add(consumer);
      return {
        streamArn: consumer.streamArn,
        stop() {
          consumers.delete(consumer);
          return consumer.stop();
        },
      };
    },
    metrics: () => metricsSnapshot(service.context),
    prometheusMetrics: () => prometheusText(metricsSnapshot(service.context)),
    close: () => (closing ??= Promise.all([...consumers].map((consumer) => consumer.stop())).then(() => closeAll(listener, sweeps, service))),
  };
}

async function closeAll(listener: HttpListener | undefined, sweeps: BackgroundSweeps, service: Service): Promise<void> {
  if (listener !== undefined) await listener.close();
  await sweeps.stop();
  await service.close();
}

/** A URL a client can connect to: wildcard binds are reached through loopback. */
export function endpointOf(host: string, port: number): string {
  if (host === '0.0.0.0' || host === '') return `http://127.0.0.1:${port}`;
  if (host === '::') return `http://[::1]:${port}`;
  return host.includes(':') ? `http://[${host}]:${port}` : `http://${host}:${port}`;
}

function configFrom(options: DynabaseOptions): Config {
  if (options.inMemory === true && options.dataDir !== undefined) {
    throw new TypeError('startDynabase: inMemory and dataDir contradict each other; give one of them');
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) {
    throw new RangeError(`startDynabase: port must be an integer from 0 to 65535, got ${options.port}`);
  }
  if (options.throughput !== undefined && options.throughput !== 'report' && options.throughput !== 'enforce') {
    throw new TypeError(`startDynabase: throughput must be 'report' or 'enforce', got ${String(options.throughput)}`);
  }
  if (options.durability !== undefined && options.durability !== 'durable' && options.durability !== 'relaxed') {
    throw new TypeError(`startDynabase: durability must be 'durable' or 'relaxed', got ${String(options.durability)}`);
  }
  return {
    ...defaultConfig,
    region: options.region ?? defaultConfig.region,
    dataDir: options.inMemory === true ? undefined : options.dataDir,
    durability: options.durability ?? defaultConfig.durability,
    tableStateDelays: {
      createTable_ms: delay('createTableMs', options.createTableMs),
      updateTable_ms: delay('updateTableMs', options.updateTableMs),
      deleteTable_ms: delay('deleteTableMs', options.deleteTableMs),
      updateTimeToLive_ms: delay('updateTimeToLiveMs', options.updateTimeToLiveMs),
    },
    clock: clockFrom(options.clock),
    eventualLag_ms: delay('eventualLagMs', options.eventualLagMs),
    throughput: options.throughput ?? defaultConfig.throughput,
    quotas: {
      ...defaultConfig.quotas,
      partitionMaxSize_bytes: positiveInteger('partitionMaxSizeBytes', options.partitionMaxSizeBytes, defaultConfig.quotas.partitionMaxSize_bytes),
      itemCollectionMax_bytes: positiveInteger('itemCollectionMaxBytes', options.itemCollectionMaxBytes, defaultConfig.quotas.itemCollectionMax_bytes),
    },
  };
}


function clockFrom(clock: DynabaseOptions['clock']): Clock {
  if (clock === undefined || clock === 'system') return defaultConfig.clock;
  if (clock === 'manual') return new ManualClock();
  if (typeof clock === 'object' && clock !== null && typeof clock.now === 'function') return clock;
  throw new TypeError(`startDynabase: clock must be 'system', 'manual' or an object with now(), got ${String(clock)}`);
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(Number.isSafeInteger(value) && value > 0)) throw new RangeError(`startDynabase: ${name} must be a positive integer, got ${value}`);
  return value;
}

function sweepInterval(value: number | undefined): number {
  if (value === undefined) return default_sweep_interval_ms;
  if (!(Number.isFinite(value) && value > 0)) throw new RangeError(`startDynabase: sweepIntervalMs must be a positive number, got ${value}`);
  return value;
}

function delay(name: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`startDynabase: ${name} must be a non-negative number, got ${value}`);
  return value;
}
