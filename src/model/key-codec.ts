/**
 * The binary encoding of key values for the ordered key-value store, and the partition-key hash.
 *
 * Order: DynamoDB orders sort keys by UTF-8 bytes (S), numerically (N) and by unsigned bytes (B).
 * Every encoding here compares, byte by byte as unsigned with the shorter first on a shared
 * prefix (LMDB's and the memory store's order), exactly as DynamoDB orders the values.
 *
 * Two layouts:
 *   - `encodeKeyValue`: one value, order-preserving and self-delimiting, so several can follow one
 *     another (index entries). S and B are their bytes with 0x00 escaped as 00 FF and the end
 *     marked 00 01; N is a sign byte, an exponent byte and base-100 digits (see `encodeNumber`).
 *   - `encodeKey`: a table item's storage key, compact enough for LMDB's 1978-byte key limit even
 *     with a 2048-byte partition key and a 1024-byte sort key. It is the partition-key part, which
 *     is self-delimiting (inline with a length for keys up to `inline_partition_key_max_bytes`,
 *     else a SHA-256 digest), followed by the sort key's bytes with no terminator (it is last, so
 *     the end of the key ends it and no escaping is needed). All items of one partition key share
 *     the prefix `encodePartitionKeyPart(...)` and are ordered by sort key within it. Partition
 *     keys themselves are only grouped, not ordered: DynamoDB never orders by partition key value
 *     (Scan follows the hash). A digested partition key cannot be decoded from the storage key,
 *     so the stored item value must always hold the full key; `decodeKey` says so by returning
 *     `undefined`.
 */
import { assert, assertNever } from '../errors.js';
import { nodeCrypto } from '../lazy-builtins.js';
import { max_number_exponent, max_number_precision_digits, max_sort_key_bytes, min_number_exponent } from '../limits.js';
import { setOwnMember, type AttributeValue, type Item, type KeyAttributeType, type KeyShape } from './attribute-value.js';
import { base64DecodedLength, utf8Length } from './item-size.js';
import { formatCanonical, numberParts } from './number.js';

// ---- Raw bytes of a key value -----------------------------------------------------------------

/** The bytes a key value is made of: UTF-8 for S, decoded for B, the canonical text for N. */
export function keyValueBytes(type: KeyAttributeType, value: string): Buffer {
  switch (type) {
    case 'S':
    case 'N':
      return Buffer.from(value, 'utf8');
    case 'B':
      return Buffer.from(value, 'base64');
    default:
      return assertNever(type, 'key attribute type');
  }
}

function keyValueFromBytes(type: KeyAttributeType, bytes: Uint8Array, start: number, end: number): string {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
  switch (type) {
    case 'S':
    case 'N':
      return view.toString('utf8');
    case 'B':
      return view.toString('base64');
    default:
      return assertNever(type, 'key attribute type');
  }
}

// ---- Partition-key hash -----------------------------------------------------------------------

/**
 * Two lanes of MurmurHash3's 32-bit mixing over the UTF-16 code units of a string, with different
 * seeds, give 64 bits. No encoding and no allocation: the hash runs on every item access. Hashing
 * the text rather than UTF-8 bytes is sound because validated key values have one spelling each
 * (canonical numbers; the request validator admits only canonical base64).
 *
 * The hash is persisted (it orders storage keys and places items in partitions), so this function
 * must never change.
 */
const murmur_c1 = 0xcc9e2d51;
const murmur_c2 = 0x1b873593;
const lane_seed_high = 0x9747b28c;
const lane_seed_low = 0x5bd1e995;
/** The low lane mixes blocks with other constants (MurmurHash3 x86_128's), decorrelating it. */
const low_lane_c1 = 0x239b961b;
const low_lane_c2 = 0xab0e9789;

function mixBlock(k: number): number {
  k = Math.imul(k, murmur_c1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, murmur_c2);
}

function mixBlockLow(k: number): number {
  k = Math.imul(k, low_lane_c1);
  k = (k << 16) | (k >>> 16);
  return Math.imul(k, low_lane_c2);
}

function mixState(h: number, k: number): number {
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalMix(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Two hex digits per byte value: an order of magnitude faster than Number#toString(16). */
const hex_pairs: readonly string[] = Array.from({ length: 256 }, (_, byte) => (byte < 16 ? '0' : '') + byte.toString(16));

function hex8(value: number): string {
  return hex_pairs[value >>> 24]! + hex_pairs[(value >>> 16) & 0xff]! + hex_pairs[(value >>> 8) & 0xff]! + hex_pairs[value & 0xff]!;
}

/** The two 32-bit lanes `hash64` computed last: two numbers without allocating a pair. */
let hashHigh = 0;
let hashLow = 0;

function hash64(text: string, tag: number): void {
  let high = lane_seed_high ^ tag;
  let low = lane_seed_low ^ tag;
  const length = text.length;
  const pairs = length & ~1;
  for (let i = 0; i < pairs; i += 2) {
    const block = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    high = mixState(high, mixBlock(block));
    low = mixState(low, mixBlockLow(block));
  }
  if (pairs !== length) {
    const block = text.charCodeAt(pairs);
    high ^= mixBlock(block);
    low ^= mixBlockLow(block);
  }
  hashHigh = finalMix(high, length);
  hashLow = finalMix(low, length);
}

function hash64Hex(text: string, tag: number): string {
  hash64(text, tag);
  return hex8(hashHigh) + hex8(hashLow);
}

/** A fast, stable 64-bit hash of a string, as 16 lower-case hex digits. */
export function hashHex16(text: string): string {
  return hash64Hex(text, 0);
}

const type_tags: { readonly [type in KeyAttributeType]: number } = { S: 0x53, N: 0x4e, B: 0x42 };

/**
 * A 64-bit hash of a partition key value, as 16 lower-case hex digits: it places the item in a
 * hash-range partition and orders Scan. The type is part of the hash, so S "1" and N "1" differ.
 * Values must be validated (numbers canonical), so equal keys hash equally.
 */
export function partitionKeyHash(type: KeyAttributeType, value: string): string {
  return hash64Hex(value, type_tags[type]);
}

/** The bytes of a partition-key hash in a storage key. */
export const partition_key_hash_bytes = 8;

/**
 * Writes `partitionKeyHash(type, value)` at `at` as the 8 bytes its hex digits spell (the form
 * storage keys hold), without making the text.
 */
export function writePartitionKeyHash(type: KeyAttributeType, value: string, out: Uint8Array, at: number): void {
  hash64(value, type_tags[type]);
  writeU32BigEndian(out, at, hashHigh);
  writeU32BigEndian(out, at + 4, hashLow);
}

function writeU32BigEndian(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

// ---- Numbers ----------------------------------------------------------------------------------

const sign_negative = 0x01;
const sign_zero = 0x02;
const sign_positive = 0x03;
const number_end_positive = 0x00;
const number_end_negative = 0xff;
/** Exponents -130..125 map to bytes 0..255. */
const exponent_bias = -min_number_exponent;
/** A sign byte, an exponent byte, 19 base-100 digits and an end byte. */
export const max_encoded_number_bytes = 3 + Math.ceil(max_number_precision_digits / 2);

assert(max_number_exponent + exponent_bias <= 0xff, 'a number exponent fits in one byte');

/**
 * Writes a canonical number's order-preserving encoding into `out` at `offset`; returns the end.
 * Zero is the single byte 02. Otherwise: a sign byte (01 negative, 03 positive), the exponent of
 * the first significant digit biased into 0..255, then the significant digits in pairs as bytes
 * 1..100 (the last pair padded with a 0 digit), then an end byte 00 below every digit byte. For a
 * negative number the exponent and digit bytes are inverted and the end byte is FF, so larger
 * magnitudes sort first.
 */
function writeNumber(canonical: string, out: Uint8Array, offset: number): number {
  const parts = numberParts(canonical);
  if (parts === undefined) {
    out[offset] = sign_zero;
    return offset + 1;
  }
  const { negative, digits, exponent } = parts;
  let at = offset;
  out[at++] = negative ? sign_negative : sign_positive;
  const biased = exponent + exponent_bias;
  out[at++] = negative ? 0xff - biased : biased;
  for (let i = 0; i < digits.length; i += 2) {
    const high = digits.charCodeAt(i) - 48;
    const low = i + 1 < digits.length ? digits.charCodeAt(i + 1) - 48 : 0;
    const pair = 1 + high * 10 + low;
    out[at++] = negative ? 101 - pair : pair;
  }
  out[at++] = negative ? number_end_negative : number_end_positive;
  return at;
}

/** Reads a number written by `writeNumber`; returns the canonical text and the end offset. */
function readNumber(bytes: Uint8Array, offset: number): { readonly value: string; readonly end: number } {
  const sign = bytes[offset];
  if (sign === sign_zero) return { value: '0', end: offset + 1 };
  assert(sign === sign_negative || sign === sign_positive, 'number key sign byte');
  const negative = sign === sign_negative;
  const biased = negative ? 0xff - bytes[offset + 1]! : bytes[offset + 1]!;
  const endByte = negative ? number_end_negative : number_end_positive;
  let digits = '';
  let at = offset + 2;
  for (; at < bytes.length && bytes[at] !== endByte; at++) {
    const pair = (negative ? 101 - bytes[at]! : bytes[at]!) - 1;
    digits += pair < 10 ? `0${pair}` : String(pair);
  }
  assert(at < bytes.length, 'number key end byte');
  if (digits.charCodeAt(digits.length - 1) === 48) digits = digits.slice(0, -1);
  return { value: formatCanonical(negative, digits, biased - exponent_bias), end: at + 1 };
}

// ---- One self-delimiting value ----------------------------------------------------------------

const escape_byte = 0x00;
const escaped_zero_follower = 0xff;
const terminator_follower = 0x01;

/**
 * The order-preserving, self-delimiting encoding of one key value (see the module comment).
 * S and B: the bytes with 00 written as 00 FF, then 00 01. N: `writeNumber`.
 */
export function encodeKeyValue(type: KeyAttributeType, value: string): Uint8Array {
  const out = Buffer.allocUnsafe(maxKeyValueBytes(type, value));
  return out.subarray(0, writeKeyValue(type, value, out, 0));
}

/**
 * At least the length of `encodeKeyValue(type, value)`, from the text alone: a UTF-16 code unit
 * is at most 3 UTF-8 bytes (and base64 decodes to fewer bytes than characters), each of which
 * at most doubles when escaped, plus the terminator.
 */
export function maxKeyValueBytes(type: KeyAttributeType, value: string): number {
  return type === 'N' ? max_encoded_number_bytes : 6 * value.length + 2;
}

/**
 * Writes `encodeKeyValue(type, value)` into `out` at `at` (which has room for
 * `maxKeyValueBytes`); returns the offset after it. S and B are written raw, then escaped in
 * place from the end, so a value without a 0x00 byte (nearly all) is copied once.
 */
export function writeKeyValue(type: KeyAttributeType, value: string, out: Buffer, at: number): number {
  if (type === 'N') return writeNumber(value, out, at);
  const rawEnd = at + writeText(type, value, out, at);
  let zeros = 0;
  for (let i = at; i < rawEnd; i++) if (out[i] === escape_byte) zeros++;
  const end = rawEnd + zeros;
  if (zeros > 0) {
    let to = end - 1;
    for (let from = rawEnd - 1; from >= at; from--) {
      const byte = out[from]!;
      if (byte === escape_byte) out[to--] = escaped_zero_follower;
      out[to--] = byte;
    }
  }
  out[end] = escape_byte;
  out[end + 1] = terminator_follower;
  return end + 2;
}

/** Decodes one value written by `encodeKeyValue` at `offset`; returns it and the offset after it. */
export function decodeKeyValue(type: KeyAttributeType, bytes: Uint8Array, offset: number): { readonly value: string; readonly end: number } {
  if (type === 'N') return readNumber(bytes, offset);
  const raw: number[] = [];
  let at = offset;
  for (;;) {
    assert(at < bytes.length, 'key value terminator');
    const byte = bytes[at++]!;
    if (byte !== escape_byte) {
      raw.push(byte);
      continue;
    }
    const follower = bytes[at++];
    if (follower === terminator_follower) break;
    assert(follower === escaped_zero_follower, 'key value escape');
    raw.push(escape_byte);
  }
  const rawBytes = Uint8Array.from(raw);
  return { value: keyValueFromBytes(type, rawBytes, 0, rawBytes.length), end: at };
}

// ---- A table item's storage key ---------------------------------------------------------------

/** Partition keys up to this many bytes are stored inline; longer ones as a digest. */
export const inline_partition_key_max_bytes = 512;
const partition_inline_tag = 0x01;
const partition_digest_tag = 0x02;
const partition_digest_bytes = 32;
const partition_inline_header_bytes = 3;

/**
 * The longest `encodeKey` output: an inline partition key at the limit plus the longest sort key.
 * The partition layer adds its own prefix and must keep the total within LMDB's 1978 bytes.
 */
export const max_encoded_key_bytes = partition_inline_header_bytes + inline_partition_key_max_bytes + max_sort_key_bytes;

assert(1 + partition_digest_bytes < partition_inline_header_bytes + inline_partition_key_max_bytes, 'a digest is shorter than the longest inline key');
assert(max_encoded_number_bytes <= max_sort_key_bytes, 'an encoded number fits the sort key budget');

/** The byte length of a key value's raw bytes, without encoding it. */
function rawLength(type: KeyAttributeType, value: string): number {
  switch (type) {
    case 'S':
      return utf8Length(value);
    case 'N':
      return value.length;
    case 'B':
      return base64DecodedLength(value);
    default:
      return assertNever(type, 'key attribute type');
  }
}

/**
 * Key values up to this many characters that are all ASCII are copied by a loop: `Buffer#write`
 * costs more than the copy for the short values keys mostly hold (its argument checks and the
 * call into the runtime: ~55 ns against ~35 ns for a 24-character value, measured here).
 */
const ascii_copy_max_chars = 64;

/**
 * Writes a key value's raw bytes (UTF-8 for S, the canonical text for N, decoded base64 for B)
 * into `out` at `at`, which has room for them; returns how many were written.
 */
function writeText(type: KeyAttributeType, value: string, out: Buffer, at: number): number {
  const length = value.length;
  if (type !== 'B' && length <= ascii_copy_max_chars) {
    let i = 0;
    for (; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code >= 0x80) break;
      out[at + i] = code;
    }
    if (i === length) return length;
  }
  return out.write(value, at, type === 'B' ? 'base64' : type === 'N' ? 'latin1' : 'utf8');
}

/** Writes a key value's raw bytes (`rawBytes` of them, from `rawLength`) into `out` at `offset`. */
function writeRaw(type: KeyAttributeType, value: string, rawBytes: number, out: Buffer, offset: number): number {
  const written = writeText(type, value, out, offset);
  assert(written === rawBytes, 'key value wrote its computed length');
  return offset + written;
}

function partitionPartLength(rawBytes: number): number {
  return rawBytes <= inline_partition_key_max_bytes ? partition_inline_header_bytes + rawBytes : 1 + partition_digest_bytes;
}

/** Writes the partition-key part into `out` at `at` (default: its start); returns the offset after it. */
function writePartitionPart(type: KeyAttributeType, value: string, rawBytes: number, out: Buffer, at = 0): number {
  if (rawBytes <= inline_partition_key_max_bytes) {
    out[at] = partition_inline_tag;
    out.writeUInt16BE(rawBytes, at + 1);
    return writeRaw(type, value, rawBytes, out, at + partition_inline_header_bytes);
  }
  out[at] = partition_digest_tag;
  nodeCrypto().createHash('sha256').update(Uint8Array.of(type_tags[type])).update(keyValueBytes(type, value)).digest().copy(out, at + 1);
  return at + 1 + partition_digest_bytes;
}

/** At least the length of `encodePartitionKeyPart(type, value)`, from the text alone (see `maxKeyValueBytes`). */
export function maxPartitionKeyPartBytes(value: string): number {
  return partition_inline_header_bytes + 3 * value.length;
}

/**
 * Writes `encodePartitionKeyPart(type, value)` into `out` at `at` (which has room for
 * `maxPartitionKeyPartBytes`); returns the offset after it.
 */
export function writePartitionKeyPart(type: KeyAttributeType, value: string, out: Buffer, at: number): number {
  return writePartitionPart(type, value, rawLength(type, value), out, at);
}

/**
 * The self-delimiting prefix every storage key of this partition key starts with (for a Query's
 * range, or to list one item collection).
 */
export function encodePartitionKeyPart(type: KeyAttributeType, value: string): Uint8Array {
  const rawBytes = rawLength(type, value);
  const out = Buffer.allocUnsafe(partitionPartLength(rawBytes));
  writePartitionPart(type, value, rawBytes, out);
  return out;
}

/**
 * The sort-key tail of a storage key: S as UTF-8, B as bytes, N as `writeNumber`. Appended to
 * `encodePartitionKeyPart`, it gives a storage key or a Query bound (for begins_with on S or B,
 * the prefix's tail is a prefix of every matching key's tail).
 */
export function encodeSortKeyPart(type: KeyAttributeType, value: string): Uint8Array {
  if (type !== 'N') return keyValueBytes(type, value);
  const out = Buffer.allocUnsafe(max_encoded_number_bytes);
  return out.subarray(0, writeNumber(value, out, 0));
}

function keyValueOf(key: Item, name: string, type: KeyAttributeType): string {
  const value = key[name] as { readonly [type: string]: unknown } | undefined;
  const text = value === undefined ? undefined : value[type];
  assert(typeof text === 'string', `key attribute ${name} of type ${type}`);
  return text;
}

export interface EncodedKey {
  /** `partitionKeyHash` of the partition key: 16 lower-case hex digits. */
  readonly hash: string;
  /** The partition-key part followed by the sort-key tail. */
  readonly bytes: Uint8Array;
  /** The length of the partition-key part at the start of `bytes` (what names an item collection). */
  readonly partitionPartBytes: number;
}

/**
 * The storage key of an item (or of a validated `Key`) under a table's key shape: the partition
 * key's hash, and the bytes (partition-key part, then sort-key tail). Key attributes must be
 * present with the shape's types (validated).
 */
export function encodeKey(shape: KeyShape, key: Item): EncodedKey {
  const hashType = shape.hashType;
  const hashValue = keyValueOf(key, shape.hashName, hashType);
  const hash = partitionKeyHash(hashType, hashValue);
  const hashBytes = rawLength(hashType, hashValue);
  const partitionLength = partitionPartLength(hashBytes);
  const rangeType = shape.rangeType;
  if (shape.rangeName === undefined || rangeType === undefined) {
    const out = Buffer.allocUnsafe(partitionLength);
    const partitionPartBytes = writePartitionPart(hashType, hashValue, hashBytes, out);
    return { hash, bytes: out, partitionPartBytes };
  }
  const rangeValue = keyValueOf(key, shape.rangeName, rangeType);
  const tailBytes = rangeType === 'N' ? max_encoded_number_bytes : rawLength(rangeType, rangeValue);
  const out = Buffer.allocUnsafe(partitionLength + tailBytes);
  const tailStart = writePartitionPart(hashType, hashValue, hashBytes, out);
  const end = rangeType === 'N' ? writeNumber(rangeValue, out, tailStart) : writeRaw(rangeType, rangeValue, tailBytes, out, tailStart);
  return { hash, bytes: end === out.length ? out : out.subarray(0, end), partitionPartBytes: tailStart };
}

/**
 * The key attributes back from `encodeKey`'s bytes, or `undefined` when the partition key was
 * stored as a digest (longer than `inline_partition_key_max_bytes`): then only the item value
 * holds it.
 */
export function decodeKey(shape: KeyShape, bytes: Uint8Array): Item | undefined {
  const tag = bytes[0];
  if (tag === partition_digest_tag) return undefined;
  assert(tag === partition_inline_tag, 'partition key part tag');
  const length = (bytes[1]! << 8) | bytes[2]!;
  const tailStart = partition_inline_header_bytes + length;
  assert(tailStart <= bytes.length, 'partition key part length');
  const hashValue = keyValueFromBytes(shape.hashType, bytes, partition_inline_header_bytes, tailStart);
  const key: { [name: string]: AttributeValue } = { [shape.hashName]: keyAttribute(shape.hashType, hashValue) };
  if (shape.rangeName !== undefined && shape.rangeType !== undefined) {
    const rangeValue =
      shape.rangeType === 'N' ? readNumber(bytes, tailStart).value : keyValueFromBytes(shape.rangeType, bytes, tailStart, bytes.length);
    setOwnMember(key, shape.rangeName, keyAttribute(shape.rangeType, rangeValue));
  } else {
    assert(tailStart === bytes.length, 'no sort key after the partition key');
  }
  return key;
}

function keyAttribute(type: KeyAttributeType, value: string): AttributeValue {
  switch (type) {
    case 'S':
      return { S: value };
    case 'N':
      return { N: value };
    case 'B':
      return { B: value };
    default:
      return assertNever(type, 'key attribute type');
  }
}
