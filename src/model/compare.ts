/**
 * Orderings and equality of attribute values as DynamoDB defines them.
 *
 * DynamoDB orders strings by their UTF-8 bytes and binaries by their unsigned bytes (sort keys,
 * comparison operators, BETWEEN). Numbers compare numerically (`compareNumbers`). Equality is deep:
 * numbers by value, sets regardless of order, maps by keys, lists element by element.
 */
import { assertNever } from '../errors.js';
import type { AttributeMap, AttributeValue } from './attribute-value.js';
import { typeOf } from './attribute-value.js';
import { compareNumbers } from './number.js';

const surrogate_start = 0xd800;
const private_use_start = 0xe000;

/**
 * Compares two strings by their UTF-8 bytes, which is code-point order. JavaScript's `<` compares
 * UTF-16 code units, which disagrees for an astral character (a surrogate pair, D800-DFFF)
 * against a BMP character at or above U+E000; one remapping of the first differing code units
 * fixes that. No allocation; ASCII goes straight through.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const aLength = a.length;
  const bLength = b.length;
  const shared = aLength < bLength ? aLength : bLength;
  for (let i = 0; i < shared; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < surrogate_start && y < surrogate_start) return x - y;
    return codePointRank(x) - codePointRank(y);
  }
  return aLength - bLength;
}

/**
 * Ranks a UTF-16 code unit in code-point order: surrogates (D800-DFFF, which start astral
 * characters) move above U+E000..U+FFFF, and U+E000..U+FFFF move down into the gap they leave.
 */
function codePointRank(codeUnit: number): number {
  if (codeUnit >= private_use_start) return codeUnit - 0x800;
  if (codeUnit >= surrogate_start) return codeUnit + 0x2000;
  return codeUnit;
}

/** Base64 alphabet to 6-bit values (-1 for anything else); '-' and '_' as Node accepts them. */
const base64_values: Int8Array = (() => {
  const table = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  table['-'.charCodeAt(0)] = 62;
  table['_'.charCodeAt(0)] = 63;
  return table;
})();

const char_equals = 61;

function base64Value(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? base64_values[code]! : -1;
}

function unpaddedLength(text: string): number {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === char_equals) end--;
  return end;
}

/**
 * The 6-bit group `index` of a base64 string whose data ends at bit `dataBits`, with any padding
 * bits beyond the data cleared (so non-canonical padding bits never affect the order).
 */
function maskedGroup(value: number, index: number, dataBits: number): number {
  const keep = dataBits - index * 6;
  if (keep >= 6) return value;
  if (keep <= 0) return 0;
  return value & ((0x3f << (6 - keep)) & 0x3f);
}

/**
 * Compares two base64-encoded binaries by their decoded bytes, as unsigned bytes, shorter first
 * on a shared prefix. Walks the 6-bit groups directly: the bit string of the groups is the bit
 * string of the bytes, so group order is byte order, and nothing is decoded or allocated.
 */
export function compareBinary(a: string, b: string): number {
  if (a === b) return 0;
  const aLength = unpaddedLength(a);
  const bLength = unpaddedLength(b);
  const aBits = Math.floor((aLength * 6) / 8) * 8;
  const bBits = Math.floor((bLength * 6) / 8) * 8;
  const shared = aLength < bLength ? aLength : bLength;
  for (let i = 0; i < shared; i++) {
    const x = base64Value(a, i);
    const y = base64Value(b, i);
    if (x < 0 || y < 0) return Buffer.compare(Buffer.from(a, 'base64'), Buffer.from(b, 'base64'));
    const difference = maskedGroup(x, i, aBits) - maskedGroup(y, i, bBits);
    if (difference !== 0) return difference;
  }
  return aBits - bBits;
}

/** Whether two binaries (base64) hold the same bytes. */
export function binariesEqual(a: string, b: string): boolean {
  return a === b || compareBinary(a, b) === 0;
}

/**
 * Deep equality with DynamoDB's semantics, for validated values: the same type, and then numbers
 * by value (canonical strings, so string equality), binaries by bytes, sets as sets in any order,
 * maps by their keys, lists element by element. Used by `=`, `<>`, `IN`, `contains` and by the
 * ReturnValues UPDATED_* diff.
 */
export function attributeValuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  if (a === b) return true;
  const type = typeOf(a);
  if (!(type in b)) return false;
  switch (type) {
    case 'S':
      return (a as { S: string }).S === (b as { S: string }).S;
    case 'N':
      return compareNumbers((a as { N: string }).N, (b as { N: string }).N) === 0;
    case 'B':
      return binariesEqual((a as { B: string }).B, (b as { B: string }).B);
    case 'BOOL':
      return (a as { BOOL: boolean }).BOOL === (b as { BOOL: boolean }).BOOL;
    case 'NULL':
      return true;
    case 'SS':
      return stringSetsEqual((a as { SS: readonly string[] }).SS, (b as { SS: readonly string[] }).SS);
    case 'NS':
      // Canonical numbers are equal exactly when their strings are.
      return stringSetsEqual((a as { NS: readonly string[] }).NS, (b as { NS: readonly string[] }).NS);
    case 'BS':
      return binarySetsEqual((a as { BS: readonly string[] }).BS, (b as { BS: readonly string[] }).BS);
    case 'L':
      return listsEqual((a as { L: readonly AttributeValue[] }).L, (b as { L: readonly AttributeValue[] }).L);
    case 'M':
      return attributeMapsEqual((a as { M: AttributeMap }).M, (b as { M: AttributeMap }).M);
    default:
      return assertNever(type, 'attribute type');
  }
}

/** Sets this small are compared pairwise; larger ones through a hash set. */
const small_set_size = 8;

function stringSetsEqual(a: readonly string[], b: readonly string[]): boolean {
  const size = a.length;
  if (size !== b.length) return false;
  if (size <= small_set_size) {
    // Sets have no duplicates, so "every element of a is in b" with equal sizes is equality.
    for (let i = 0; i < size; i++) if (!b.includes(a[i]!)) return false;
    return true;
  }
  const members = new Set(b);
  for (let i = 0; i < size; i++) if (!members.has(a[i]!)) return false;
  return true;
}

function binarySetsEqual(a: readonly string[], b: readonly string[]): boolean {
  const size = a.length;
  if (size !== b.length) return false;
  if (size <= small_set_size) {
    for (let i = 0; i < size; i++) {
      let found = false;
      for (let j = 0; j < size && !found; j++) found = binariesEqual(a[i]!, b[j]!);
      if (!found) return false;
    }
    return true;
  }
  // Re-encode to canonical base64 so differently padded spellings of the same bytes meet.
  const members = new Set<string>();
  for (let i = 0; i < size; i++) members.add(Buffer.from(b[i]!, 'base64').toString('base64'));
  for (let i = 0; i < size; i++) if (!members.has(Buffer.from(a[i]!, 'base64').toString('base64'))) return false;
  return true;
}

function listsEqual(a: readonly AttributeValue[], b: readonly AttributeValue[]): boolean {
  const length = a.length;
  if (length !== b.length) return false;
  for (let i = 0; i < length; i++) if (!attributeValuesEqual(a[i]!, b[i]!)) return false;
  return true;
}

/**
 * Same attribute names with equal values (sets in any order, numbers by value): two maps, or two
 * items (a write that changes nothing appends no change record).
 */
export function attributeMapsEqual(a: AttributeMap, b: AttributeMap): boolean {
  let aCount = 0;
  for (const name in a) {
    const other = b[name];
    if (other === undefined || !attributeValuesEqual(a[name]!, other)) return false;
    aCount++;
  }
  let bCount = 0;
  for (const _name in b) bCount++;
  return aCount === bCount;
}
