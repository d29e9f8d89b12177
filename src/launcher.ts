#!/usr/bin/env node
/**
 * The `dynabase` command's entry (package.json's `bin`, what `npm start` runs; esbuild writes it to
 * dist/bin/dynabase.cjs, see scripts/bundle.mjs). It runs the command, bundled into one CommonJS
 * file (dist/bin/dynabase-command.cjs), through `vm.Script` with V8's code cache
 * (dist/bin/dynabase-command.cjs.v8cache): the bytecode of the bundle's top level and of every
 * function a start and a first answer ran, so V8 neither compiles the 500 KB bundle nor, later,
 * each function the start calls. Node 20 has no code cache for modules (`module.enableCompileCache`
 * is Node 22), and loading the same code as ES modules took ~30-40 ms more CPU to the first
 * answer on the benchmark VM (bench/RESULTS.md, session 5).
 *
 * The cache is made by the build (scripts/bundle.mjs starts the server once, asks it ListTables,
 * and waits for the file). V8 refuses a cache made by another V8 version or with other V8 flags
 * (`cachedDataRejected`), and the launcher ignores a cache older than the bundle (see
 * `readCache`): the bundle is then compiled as usual and, if the process is a server
 * still running a second later, its own cache is written in place of the refused one (a
 * temporary file renamed over it, so concurrent starts never read half a file; a read-only
 * install just keeps compiling).
 *
 * Node 20 maps stack traces through source maps (`--enable-source-maps`) only for modules its
 * loaders load, not for `vm.Script`: with source maps on, the bundle is loaded by `require`,
 * without the cache.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandFunction } from './command-script.js';
import { commandFiles, compileCommand } from './command-script.js';

/** How long after the bundle's top level ran a missing or refused cache is written. */
const cache_write_delay_ms = 1000;

const { bundle, cache } = commandFiles(dirname(fileURLToPath(import.meta.url)));

function readCache(): Buffer | undefined {
  try {
    // V8 matches a cache to its source by the source's length alone: a cache older than the
    // bundle (the bundle rebuilt or replaced without it) could hold another bundle's bytecode.
    if (statSync(cache).mtimeMs < statSync(bundle).mtimeMs) return undefined;
    return readFileSync(cache);
  } catch {
    return undefined;
  }
}

/** Compiles the bundle with the cache, runs it, and writes a cache when there was no usable one. */
function runWithCodeCache(): void {
  const cachedData = readCache();
  const script = compileCommand(bundle, cachedData);
  // `dynabase tail` and `dynabase indexes` are clients: a cache of what they ran would not serve the server.
  const serving = process.argv[2] !== 'tail' && process.argv[2] !== 'indexes';
  if ((cachedData === undefined || script.cachedDataRejected === true) && serving) {
    setTimeout(() => {
      const temporary = `${cache}.${process.pid}`;
      try {
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cache);
      } catch {
        // A read-only install: the command still runs, compiling its bundle at each start.
      }
    }, cache_write_delay_ms).unref();
  }
  const commonJsModule = { exports: {} };
  (script.runInThisContext() as CommandFunction)(commonJsModule.exports, createRequire(bundle), commonJsModule, bundle, dirname(bundle));
}

if (process.sourceMapsEnabled) createRequire(import.meta.url)(bundle);
else runWithCodeCache();
