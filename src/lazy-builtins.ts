/**
 * Node built-in modules that nothing does before the server's first answer, loaded the first
 * time they are needed instead of when the bundle loads. Loading node:crypto (its ~20 internal
 * modules) costs ~4-7 ms of CPU on the benchmark VM and node:zlib ~1.5 ms, every start
 * (bench/startup.ts); the server needs them only for a table's id, a long partition key's digest,
 * a stream record's event id, a transaction token's hash and the native CRC-32 of a body of 64
 * bytes or more. `require` here is synchronous, so callers stay synchronous.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

let crypto: typeof import('node:crypto') | undefined;
let zlib: typeof import('node:zlib') | undefined;

export function nodeCrypto(): typeof import('node:crypto') {
  return (crypto ??= require('node:crypto') as typeof import('node:crypto'));
}

export function nodeZlib(): typeof import('node:zlib') {
  return (zlib ??= require('node:zlib') as typeof import('node:zlib'));
}
