/**
 * Bundles tsc's output with esbuild, one build with two entry points: the `dynabase` command
 * (package.json's `bin`, what `npm start` runs) into dist/bin/dynabase.js, and the embedded API
 * (package.json's `exports` and `main`, what `import ... from 'dynabase'` loads) into
 * dist/lib/index.js. `npm run build` runs it after tsc. Node 20's ESM loader spends ~1 ms of CPU
 * on each module it resolves, reads and links, so the ~105 modules of dist/src cost ~100-200 ms
 * of start-up, in every process that starts the server or imports the library, that a bundle does
 * not (bench/startup.ts measures both). The command imports the library, so what they share is
 * one chunk (dist/chunks/) both load. The tests use tsc's modules (dist/src), except
 * test/conformance/wire/package.test.ts, which imports the package by name.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const fromRoot = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const outdir = fromRoot('dist');

// Chunk names carry a hash of their content: drop the previous build's (only what this script
// writes; tsc's dist/src, dist/test and dist/bench stay).
for (const folder of ['bin', 'lib', 'chunks']) rmSync(`${outdir}/${folder}`, { recursive: true, force: true });
await build({
  entryPoints: { 'bin/dynabase': fromRoot('dist/src/main.js'), 'lib/index': fromRoot('dist/src/index.js') },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // lmdb (a native addon) and any other dependency load from node_modules as usual.
  packages: 'external',
  // What the two entries share becomes a chunk both load, and what the code imports on demand
  // (the LMDB engine, the client commands, the stream consumer) a chunk loaded on demand; without
  // splitting, esbuild would copy the shared code into each entry and inline the on-demand code
  // behind lazy initialisers that also wrap every module it shares with the server.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // The maps chain through tsc's to src/*.ts: `node --enable-source-maps` prints TypeScript
  // positions in stack traces from either entry.
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
});
