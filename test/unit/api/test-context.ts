/**
 * A ServiceContext for action tests without a server: the real table store over the in-memory
 * engine, and a clock the test moves by hand.
 */
import type { ServiceContext } from '../../../src/api/action.js';
import { defaultConfig, type Config } from '../../../src/config.js';
import { AdmissionControl } from '../../../src/partition/admission-control.js';
import { openTableStore } from '../../../src/partition/open-table-store.js';
import { openMemoryStore } from '../../../src/storage/memory-store.js';
import { ManualClock } from '../../helpers/manual-clock.js';

export async function testContext(overrides: Partial<Config> = {}): Promise<ServiceContext & { clock: ManualClock }> {
  const clock = new ManualClock(Date.UTC(2024, 0, 15, 12));
  const store = await openTableStore(openMemoryStore(), clock);
  const config: Config = { ...defaultConfig, dataDir: undefined, clock, ...overrides };
  return { store, clock, config, admission: new AdmissionControl(config.clock, config.throughput, config.quotas) };
}
