import { openMemoryStore } from '../../../src/storage/memory-store.js';
import { kvStoreSuite } from './kv-store-suite.js';

kvStoreSuite({
  name: 'memory',
  open: async () => openMemoryStore(),
  corrupt: async (store, key) => {
    // Reads return views of the stored record, so writing through one damages the store itself.
    const view = store.get(key)!;
    view[3] = view[3]! ^ 0x10;
    return store;
  },
});
