/**
 * Wires the layers into one running service: the key-value store (LMDB on disk, or memory), the
 * partitioned table store over it, and the configuration the actions read. The server and the
 * embedded API hold a `Service`; closing it closes the store cleanly.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServiceContext } from './api/action.js';
import type { Config } from './config.js';
import { AdmissionControl } from './partition/admission-control.js';
import { openTableStore } from './partition/open-table-store.js';
import type { KvStore } from './storage/kv-store.js';
import { openMemoryStore } from './storage/memory-store.js';
import { withVersionHistory } from './storage/version-history.js';

export interface Service {
  readonly context: ServiceContext;
  close(): Promise<void>;
}

/** The LMDB environment's directory inside the data directory (room for other files beside it). */
const lmdb_directory_name = 'lmdb';

export async function openService(config: Config): Promise<Service> {
  const engine = await openKvStore(config);
  // With a lag, every write goes through the version history that eventual reads consult.
  const versioned = config.eventualLag_ms > 0 ? withVersionHistory(engine, config.clock, config.eventualLag_ms) : undefined;
  const kv = versioned ?? engine;
  let store;
  try {
    store = await openTableStore(kv, config.clock, {
      partitionMaxSize_bytes: config.quotas.partitionMaxSize_bytes,
      itemCollectionMax_bytes: config.quotas.itemCollectionMax_bytes,
      ...(versioned === undefined ? {} : { eventualReads: versioned }),
    });
  } catch (error) {
    // E.g. a data directory written by an incompatible layout version: release the files.
    await kv.close();
    throw error;
  }
  const context: ServiceContext = { store, config, admission: new AdmissionControl(config.clock, config.throughput, config.quotas) };
  let closing: Promise<void> | undefined;
  return {
    context,
    close(): Promise<void> {
      // Idempotent: a signal handler and an explicit close may race.
      return (closing ??= store.close().then(() => kv.close()));
    },
  };
}

async function openKvStore(config: Config): Promise<KvStore> {
  if (config.dataDir === undefined) return openMemoryStore();
  await mkdir(config.dataDir, { recursive: true });
  // Loaded on demand: in-memory runs (tests, the common embedded case) never pay for loading
  // LMDB's native module (about 50 ms).
  const { openLmdbStore } = await import('./storage/lmdb-store.js');
  return openLmdbStore({ path: join(config.dataDir, lmdb_directory_name), durability: config.durability });
}
