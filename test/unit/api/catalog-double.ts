/**
 * A catalog-only TableStore for unit tests of the control-plane actions: tables in a map, no
 * items (stats are zero). Item operations are not part of what these tests exercise.
 */
import type { ServiceContext } from '../../../src/api/action.js';
import type { Clock } from '../../../src/clock.js';
import type { Config } from '../../../src/config.js';
import { defaultConfig } from '../../../src/config.js';
import type { TableRecord, TableStore } from '../../../src/partition/table-store.js';

export class CatalogDouble implements TableStore {
  readonly tables = new Map<string, TableRecord>();

  getTable(name: string): TableRecord | undefined {
    return this.tables.get(name);
  }
  listTables(): readonly TableRecord[] {
    return [...this.tables.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  async saveTable(record: TableRecord): Promise<void> {
    this.tables.set(record.name, structuredClone(record));
  }
  async dropTable(name: string): Promise<void> {
    this.tables.delete(name);
  }
  getItem(): never {
    throw new Error('CatalogDouble holds no items');
  }
  writeItem(): never {
    throw new Error('CatalogDouble holds no items');
  }
  stats() {
    return { itemCount: 0, sizeBytes: 0 };
  }
  readChanges(): never {
    throw new Error('CatalogDouble holds no items');
  }
  async close(): Promise<void> {}
}

export class ManualClock implements Clock {
  constructor(public time_ms: number) {}
  now(): number {
    return this.time_ms;
  }
}

export function testContext(overrides: Partial<Config> = {}): ServiceContext & { store: CatalogDouble; clock: ManualClock } {
  const clock = new ManualClock(Date.UTC(2024, 0, 15, 12));
  const store = new CatalogDouble();
  return { store, clock, config: { ...defaultConfig, dataDir: undefined, clock, ...overrides } };
}
