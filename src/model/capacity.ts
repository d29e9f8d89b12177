/**
 * Capacity-unit arithmetic (developer guide, "Read/write capacity mode"):
 *   - a read unit is one strongly consistent read of up to 4 KB; an eventually consistent read
 *     costs half, a transactional read double; sizes round up to the next 4 KB, and a read that
 *     finds nothing still costs one 4 KB unit (0.5 when eventually consistent);
 *   - a write unit is one write of up to 1 KB, rounded up, at least one unit (a delete of a
 *     missing item too); a transactional write costs double.
 * Query and Scan add up the sizes of all items on a page and round once, so they call
 * `readCapacityUnits` with the page's total.
 */
import { read_unit_bytes, write_unit_bytes } from '../limits.js';

export interface ReadOptions {
  /** ConsistentRead: a strongly consistent read costs a full unit per 4 KB, otherwise half. */
  readonly consistent: boolean;
  /** TransactGetItems reads cost twice a strongly consistent read. */
  readonly transactional?: boolean;
}

export interface WriteOptions {
  /** TransactWriteItems writes cost twice a standard write. */
  readonly transactional?: boolean;
}

const eventually_consistent_factor = 0.5;
/** Transactional reads and writes (and their index writes) cost twice the standard units. */
export const transactional_factor = 2;

/** Whole 4 KB read units for `sizeBytes`, at least one. */
export function readUnitsFor(sizeBytes: number): number {
  const units = Math.ceil(sizeBytes / read_unit_bytes);
  return units < 1 ? 1 : units;
}

/** Whole 1 KB write units for `sizeBytes`, at least one. */
export function writeUnitsFor(sizeBytes: number): number {
  const units = Math.ceil(sizeBytes / write_unit_bytes);
  return units < 1 ? 1 : units;
}

/**
 * Read capacity consumed by reading `sizeBytes` (0 for an item not found) in one unit of account:
 * one item for GetItem/BatchGetItem, or a whole page for Query/Scan.
 */
export function readCapacityUnits(sizeBytes: number, options: ReadOptions): number {
  const units = readUnitsFor(sizeBytes);
  if (options.transactional) return units * transactional_factor;
  return options.consistent ? units : units * eventually_consistent_factor;
}

/**
 * Write capacity consumed by writing an item of `sizeBytes`. For an update or a replacing put,
 * pass the larger of the old and new item sizes (DynamoDB charges the larger image).
 */
export function writeCapacityUnits(sizeBytes: number, options?: WriteOptions): number {
  const units = writeUnitsFor(sizeBytes);
  return options?.transactional ? units * transactional_factor : units;
}

/**
 * Whether a stored item, given as its JSON wire form, costs a single 4 KB read unit, decided
 * without parsing it: an item's size never exceeds the UTF-8 length of its JSON text (every
 * attribute name and value appears in it at least as long as it is sized — binaries as base64,
 * numbers as their digits — plus quotes and punctuation; a List or Map's 3 + 1-per-element
 * bytes are less than its `{"L":[...]}` wrapping and separators). So GetItem's fast path, which
 * splices the stored JSON into the response, knows its cost from the text's length for every
 * item of up to 4 KB of JSON, and parses only larger ones.
 */
export function storedItemFitsOneReadUnit(json: string): boolean {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short texts need no byte count at all.
  return json.length * 3 <= read_unit_bytes || Buffer.byteLength(json, 'utf8') <= read_unit_bytes;
}
