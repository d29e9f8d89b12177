/**
 * How the `dynabase` command's bundle is compiled (src/launcher.ts runs it; the tests check the
 * build's code cache against it): the CommonJS bundle wrapped as Node wraps a CommonJS module and
 * compiled by `vm.Script` with the V8 code cache the build made. V8 checks a cache against the
 * exact source string, so what the build cached and what a start compiles are wrapped here alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';

/** The bundle the launcher runs and its code cache, in the launcher's directory (dist/bin). */
export function commandFiles(binDirectory: string): { readonly bundle: string; readonly cache: string } {
  const bundle = join(binDirectory, 'dynabase-command.cjs');
  return { bundle, cache: `${bundle}.v8cache` };
}

/** The CommonJS wrapper's signature, as the compiled script's value is called. */
export type CommandFunction = (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;

/**
 * Compiles the bundle, with `cachedData` if given (`script.cachedDataRejected` then says whether
 * V8 used it). The wrapper opens on the bundle's first line, so line numbers stay the source map's.
 */
export function compileCommand(bundle: string, cachedData: Buffer | undefined): Script {
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, 'utf8')}\n})`;
  return new Script(source, { filename: bundle, ...(cachedData === undefined ? {} : { cachedData }) });
}
