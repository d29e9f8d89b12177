/**
 * Bundles the `dynabase` command (package.json's `bin`, what `npm start` runs) from tsc's output
 * into dist/bin/: `npm run build` runs it after tsc. Node 20's ESM loader spends ~1 ms of CPU on
 * each module it resolves, reads and links, so the ~110 modules of dist/src cost ~100 ms of
 * start-up that one bundled file does not (bench/startup.ts measures both). The embedded API
 * (`dist/src/index.js`) and the tests use tsc's modules as they are.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const fromRoot = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const outdir = fromRoot('dist/bin');

// Chunk names carry a hash of their content: drop the previous build's.
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { dynabase: fromRoot('dist/src/main.js') },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // lmdb (a native addon) and any other dependency load from node_modules as usual.
  packages: 'external',
  // What the code imports on demand (the LMDB engine, the client commands, the stream consumer)
  // becomes a chunk loaded on demand; without splitting, esbuild would inline it behind lazy
  // initialisers that also wrap every module it shares with the server.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // The maps chain through tsc's to src/*.ts: `node --enable-source-maps dist/bin/dynabase.js`
  // prints TypeScript positions in stack traces.
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
});
