/**
 * DynamoDB request ids (`x-amzn-RequestId`): 52 characters of upper-case letters and digits,
 * e.g. `Q688NK1IGVHT27G4MNKSO2P5ENVV4KQNSO5AEMVJF66Q9ASUAAJG`. Clients only log them, so they
 * need to be unique, not secret: they are made 256 at a time, so that one costs a slice of a
 * string. They come from `Math.random` (V8's xorshift128+, seeded from the OS for each process),
 * not node:crypto, whose loading would cost every start ~4-7 ms of CPU before the first answer
 * (see lazy-builtins.ts); uniqueness needs no more.
 */

const request_id_length = 52;
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** Ids made at once, once the server is busy. */
const ids_per_batch = 256;
/**
 * Ids in the first batch; each next batch is four times larger, up to `ids_per_batch`. The
 * first batch is made while the first request is answered, by code V8 has not compiled yet: a
 * whole batch then took ~2 ms of a start (measured), one of 4 ids a few hundredths of that.
 */
const first_batch_ids = 4;
let nextBatchIds = first_batch_ids;

const random_bytes = new Uint8Array(request_id_length * ids_per_batch);
const random_words = new Uint32Array(random_bytes.buffer);
const characters = Buffer.alloc(random_bytes.length);
const alphabet_codes = Buffer.from(alphabet, 'latin1');
/**
 * A batch of ids as one string; each id is a slice of it (V8 makes a slice of 13 characters or
 * more a view, not a copy), so an id costs no call into C++ to make a string of its own.
 */
let batch = '';
let batchOffset = 0;

/** 32 random bits per word: Math.random gives 52 random bits per call. */
const two_to_32 = 2 ** 32;

export function newRequestId(): string {
  if (batchOffset === batch.length) {
    const bytes = request_id_length * nextBatchIds;
    nextBatchIds = Math.min(ids_per_batch, 4 * nextBatchIds);
    for (let i = 0; i < bytes / 4; i++) random_words[i] = Math.random() * two_to_32;
    // 256 is not a multiple of 36, so the first 4 letters are very slightly more likely; harmless
    // for an identifier that only has to be unique.
    for (let i = 0; i < bytes; i++) characters[i] = alphabet_codes[random_bytes[i]! % 36]!;
    batch = characters.toString('latin1', 0, bytes);
    batchOffset = 0;
  }
  const id = batch.slice(batchOffset, batchOffset + request_id_length);
  batchOffset += request_id_length;
  return id;
}
