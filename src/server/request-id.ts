/**
 * DynamoDB request ids (`x-amzn-RequestId`): 52 characters of upper-case letters and digits,
 * e.g. `Q688NK1IGVHT27G4MNKSO2P5ENVV4KQNSO5AEMVJF66Q9ASUAAJG`. Clients only log them, so they
 * need to be unique, not secret: random numbers are drawn in large batches to keep the per-request
 * cost to a few table look-ups. They come from `Math.random` (V8's xorshift128+, seeded from the
 * OS for each process), not node:crypto, whose loading would cost every start ~4-7 ms of CPU
 * before the first answer (see lazy-builtins.ts); uniqueness needs no more.
 */

const request_id_length = 52;
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Random bytes for this many ids are drawn at once. */
const ids_per_batch = 256;

const pool = new Uint8Array(request_id_length * ids_per_batch);
const poolWords = new Uint32Array(pool.buffer);
let poolOffset = pool.length;
/** The id's characters are written here and read out as one string (appending 52 characters one by one made a chain of 52 strings per request). */
const characters = Buffer.alloc(request_id_length);
const alphabet_codes = Buffer.from(alphabet, 'latin1');

/** 32 random bits per word: Math.random gives 52 random bits per call. */
const two_to_32 = 2 ** 32;

export function newRequestId(): string {
  if (poolOffset === pool.length) {
    for (let i = 0; i < poolWords.length; i++) poolWords[i] = Math.random() * two_to_32;
    poolOffset = 0;
  }
  // 256 is not a multiple of 36, so the first 4 letters are very slightly more likely; harmless
  // for an identifier that only has to be unique.
  for (let i = 0; i < request_id_length; i++) characters[i] = alphabet_codes[pool[poolOffset + i]! % 36]!;
  poolOffset += request_id_length;
  return characters.toString('latin1', 0, request_id_length);
}
