/**
 * Bundles tsc's output with esbuild; `npm run build` runs it after tsc. Node 20's ESM loader spends
 * ~1 ms of CPU on each module it resolves, reads and links, so the ~105 modules of dist/src cost
 * ~100-200 ms of start-up, in every process that starts the server or imports the library, that
 * a bundle does not (bench/startup.ts measures both).
 *
 * - The embedded API (package.json's `exports` and `main`, what `import ... from 'dynabase'`
 *   loads): ES modules, dist/lib/index.js, with what it imports on demand (the LMDB engine, the
 *   stream consumer) as chunks in dist/chunks/ loaded on demand.
 * - The `dynabase` command (package.json's `bin`, what `npm start` runs): one CommonJS file,
 *   dist/bin/dynabase-command.cjs, that the launcher dist/bin/dynabase.cjs (src/launcher.ts)
 *   compiles with V8's code cache, dist/bin/dynabase-command.cjs.v8cache, which this script then
 *   makes by starting the server once and asking it ListTables (see src/launcher.ts for why).
 *
 * The tests use tsc's modules (dist/src), except test/conformance/wire/package.test.ts, which
 * imports the package by name, and the CLI tests, which run the `bin`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const fromRoot = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const outdir = fromRoot('dist');
const commandBundle = `${outdir}/bin/dynabase-command.cjs`;
const launcher = `${outdir}/bin/dynabase.cjs`;

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // lmdb (a native addon) and any other dependency load from node_modules as usual.
  packages: 'external',
  // The maps chain through tsc's to src/*.ts: `node --enable-source-maps` prints TypeScript
  // positions in stack traces.
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
};

// Chunk names carry a hash of their content: drop the previous build's (only what this script
// writes; tsc's dist/src, dist/test and dist/bench stay).
for (const folder of ['bin', 'lib', 'chunks']) rmSync(`${outdir}/${folder}`, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { 'lib/index': fromRoot('dist/src/index.js') },
  outdir,
  format: 'esm',
  // What the code imports on demand becomes a chunk loaded on demand; without splitting, esbuild
  // would inline it behind lazy initialisers that also wrap every module it shares with the rest.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
await build({
  ...common,
  entryPoints: { 'bin/dynabase-command': fromRoot('dist/src/main.js'), 'bin/dynabase': fromRoot('dist/src/launcher.js') },
  outdir,
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // CommonJS has no import.meta: its uses (createRequire for lmdb and the lazy built-ins, the
  // launcher finding its bundle) get the file's URL from CommonJS's __filename. The banner comes
  // first, so it states strict mode, which the ES modules had (esbuild's own "use strict" follows it).
  define: { 'import.meta.url': 'import_meta_url' },
  banner: { js: '"use strict";\nvar import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
});
// The launcher wraps the bundle in a function: main.ts's `#!` line may only start a file. A
// comment of the same length keeps the source map's line numbers.
writeFileSync(commandBundle, readFileSync(commandBundle, 'utf8').replace(/^#!/, '//'));

// Node decodes a file with any byte past ASCII into a two-byte string, which V8 then scans and
// compiles slower (comments esbuild keeps, e.g. a JSDoc arrow, are enough): keep the output ASCII.
for (const file of [commandBundle, launcher, `${outdir}/lib/index.js`]) {
  const offset = readFileSync(file).findIndex((byte) => byte > 0x7f);
  if (offset >= 0) throw new Error(`${file}: a non-ASCII byte at offset ${offset} (see scripts/bundle.mjs)`);
}

await makeCodeCache();

/**
 * Starts the command in memory on a free port, sends one ListTables and waits until the launcher
 * has written its code cache (it does when it found none), then stops it.
 */
async function makeCodeCache() {
  const cacheFile = `${commandBundle}.v8cache`;
  const child = spawn(process.execPath, [launcher, '--in-memory', '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const endpoint = await new Promise((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (data) => {
        output += data.toString();
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match !== null) resolve(match[1]);
      });
      void exited.then((code) => reject(new Error(`the dynabase command exited with ${code} before listening`)));
    });
    const answer = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        'x-amz-date': '20260101T000000Z',
        authorization: 'AWS4-HMAC-SHA256 Credential=build/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=00',
      },
      body: '{}',
    });
    if (answer.status !== 200) throw new Error(`ListTables answered ${answer.status}: ${await answer.text()}`);
    for (let waited_ms = 0; !existsSync(cacheFile); waited_ms += 50) {
      if (waited_ms > 30_000) throw new Error(`the dynabase command wrote no ${cacheFile}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}
