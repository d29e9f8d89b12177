/**
 * DynamoDB numbers, kept exact as decimal strings.
 *
 * DynamoDB's Number is a decimal with up to 38 significant digits and a magnitude between 1E-130
 * and 9.99..9E+125. On reads it prints the value in plain decimal notation, never with an
 * exponent, with no leading or trailing zeros and no "+" or "-0" (e.g. "01.50" reads back as
 * "1.5", "1E2" as "100", "1E-5" as "0.00001"). That printed form is what Dynabase calls canonical,
 * and every number stored or compared here is canonical, so two numbers are equal exactly when
 * their canonical strings are.
 *
 * Parsing and validation messages reproduce DynamoDB's (recorded in dynalite's tests and in
 * conformance suites run against AWS):
 *   - not a number: "The parameter cannot be converted to a numeric value: <text>" (no suffix for
 *     an empty string); an exponent beyond a signed 64-bit integer is also "cannot be converted";
 *   - "Number overflow. Attempting to store a number with magnitude larger than supported range";
 *   - "Number underflow. Attempting to store a number with magnitude smaller than supported range";
 *   - "Attempting to store more than 38 significant digits in a Number".
 * The magnitude checks come before the precision check. A zero is range-checked by the exponent it
 * is written with (AWS refuses "0e126" and "0e-131", as Java's BigDecimal precision - scale would).
 */
import { validationError } from '../errors.js';
import { max_number_exponent, max_number_precision_digits, min_number_exponent } from '../limits.js';

export const number_not_convertible_message = 'The parameter cannot be converted to a numeric value';
export const number_overflow_message =
  'Number overflow. Attempting to store a number with magnitude larger than supported range';
export const number_underflow_message =
  'Number underflow. Attempting to store a number with magnitude smaller than supported range';
export const number_precision_message = 'Attempting to store more than 38 significant digits in a Number';

const char_0 = 48;
const char_1 = 49;
const char_9 = 57;
const char_dot = 46;
const char_minus = 45;
const char_plus = 43;
const char_e_lower = 101;
const char_e_upper = 69;

/** Signed 64-bit integer bounds as digit strings: DynamoDB reads the exponent as a Java long. */
const long_max_digits = '9223372036854775807';
const long_min_magnitude_digits = '9223372036854775808';

/**
 * Largest integer digit count whose sum or difference is exact in a JS double (2 * 10^15 < 2^53),
 * used by the small-integer fast path of `addNumbers`.
 */
const fast_integer_digits = 15;

function notConvertible(text: string): never {
  throw validationError(text === '' ? number_not_convertible_message : `${number_not_convertible_message}: ${text}`);
}

function isDigit(code: number): boolean {
  return code >= char_0 && code <= char_9;
}

/**
 * True when `text` is already a canonical integer of at most 38 digits ("0", "7", "-123"): the
 * common case, answered without allocating.
 */
function isCanonicalSmallInteger(text: string): boolean {
  const length = text.length;
  if (length === 0) return false;
  let i = text.charCodeAt(0) === char_minus ? 1 : 0;
  const digitCount = length - i;
  if (digitCount === 0 || digitCount > max_number_precision_digits) return false;
  const first = text.charCodeAt(i);
  if (first === char_0) return length === 1; // "0" only; "-0" and "01" are not canonical
  if (first < char_1 || first > char_9) return false;
  for (i++; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < char_0 || code > char_9) return false;
  }
  return true;
}

/**
 * Reads an exponent's digits text[start..end) (no sign) as DynamoDB does: a value beyond a signed
 * 64-bit integer cannot be converted. Values that fit are returned as a JS number; past 2^53 it is
 * inexact, but any such exponent is far outside the supported range, so only its sign and size
 * matter.
 */
function readExponent(text: string, start: number, end: number, negative: boolean): number {
  let i = start;
  while (i < end - 1 && text.charCodeAt(i) === char_0) i++;
  const digits = end - i;
  if (digits > long_max_digits.length) notConvertible(text);
  if (digits === long_max_digits.length) {
    const limit = negative ? long_min_magnitude_digits : long_max_digits;
    if (text.slice(i, end) > limit) notConvertible(text);
  }
  let value = 0;
  for (; i < end; i++) value = value * 10 + (text.charCodeAt(i) - char_0);
  return negative ? -value : value;
}

/**
 * Formats sign, significant digits (no leading or trailing zeros, at least one digit) and
 * scientific exponent (the power of ten of the first digit) as a canonical number.
 */
export function formatCanonical(negative: boolean, digits: string, exponent: number): string {
  const count = digits.length;
  let body: string;
  if (exponent >= count - 1) body = exponent === count - 1 ? digits : digits + '0'.repeat(exponent - count + 1);
  else if (exponent >= 0) body = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  else body = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  return negative ? `-${body}` : body;
}

/** Applies DynamoDB's range checks to a value's scientific exponent. */
function checkExponent(exponent: number): void {
  if (exponent > max_number_exponent) throw validationError(number_overflow_message);
  if (exponent < min_number_exponent) throw validationError(number_underflow_message);
}

/**
 * Validates `text` as DynamoDB validates an `N` value and returns its canonical form (see the
 * module comment). Accepts what DynamoDB accepts: an optional sign, digits with at most one
 * decimal point (".5" and "5." included), and an optional exponent `e`/`E` with an optional sign.
 * No spaces, no "NaN"/"Infinity". Throws a ValidationException with DynamoDB's message otherwise.
 * Returns `text` itself when it is already canonical.
 */
export function canonicalNumber(text: string): string {
  if (isCanonicalSmallInteger(text)) return text;
  const length = text.length;
  let i = 0;
  let negative = false;
  const signCode = text.charCodeAt(0);
  if (signCode === char_minus || signCode === char_plus) {
    negative = signCode === char_minus;
    i = 1;
  }
  // Mantissa: digits with at most one point. Positions are counted in digits, not characters.
  const mantissaStart = i;
  let digitCount = 0;
  let integerDigits = -1; // digits before the point; -1 while no point has been seen
  let firstNonZero = -1; // digit index of the first non-zero digit
  let lastNonZero = -1;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === char_dot) {
      if (integerDigits !== -1) notConvertible(text);
      integerDigits = digitCount;
    } else if (isDigit(code)) {
      if (code !== char_0) {
        if (firstNonZero === -1) firstNonZero = digitCount;
        lastNonZero = digitCount;
      }
      digitCount++;
    } else {
      break;
    }
  }
  if (digitCount === 0) notConvertible(text);
  const mantissaEnd = i;
  if (integerDigits === -1) integerDigits = digitCount;

  let exponent = 0;
  if (i < length) {
    const code = text.charCodeAt(i);
    if (code !== char_e_lower && code !== char_e_upper) notConvertible(text);
    i++;
    let exponentNegative = false;
    const exponentSign = text.charCodeAt(i);
    if (exponentSign === char_minus || exponentSign === char_plus) {
      exponentNegative = exponentSign === char_minus;
      i++;
    }
    const exponentStart = i;
    for (; i < length; i++) if (!isDigit(text.charCodeAt(i))) notConvertible(text);
    if (exponentStart === length) notConvertible(text);
    exponent = readExponent(text, exponentStart, length, exponentNegative);
  }

  if (firstNonZero === -1) {
    // Zero keeps the exponent it was written with: 0 x 10^(exponent - fraction digits).
    checkExponent(exponent - (digitCount - integerDigits));
    return '0';
  }

  const scientificExponent = integerDigits - 1 - firstNonZero + exponent;
  checkExponent(scientificExponent);
  const significantDigits = lastNonZero - firstNonZero + 1;
  if (significantDigits > max_number_precision_digits) throw validationError(number_precision_message);

  // Collect the significant digits, skipping the point if it falls among them.
  const hasPoint = mantissaEnd - mantissaStart > digitCount;
  const startChar = mantissaStart + firstNonZero + (hasPoint && firstNonZero >= integerDigits ? 1 : 0);
  const endChar = mantissaStart + lastNonZero + (hasPoint && lastNonZero >= integerDigits ? 1 : 0) + 1;
  let digits: string;
  if (hasPoint && firstNonZero < integerDigits && lastNonZero >= integerDigits) {
    const pointChar = mantissaStart + integerDigits;
    digits = text.slice(startChar, pointChar) + text.slice(pointChar + 1, endChar);
  } else {
    digits = text.slice(startChar, endChar);
  }
  return formatCanonical(negative, digits, scientificExponent);
}

/** A non-zero canonical number taken apart: sign, significant digits, scientific exponent. */
export interface NumberParts {
  readonly negative: boolean;
  /** The significant digits, no leading or trailing zeros. */
  readonly digits: string;
  /** The power of ten of the first significant digit ("1.5" has 0, "150" has 2, "0.015" has -2). */
  readonly exponent: number;
}

/** Takes a canonical number apart; `undefined` for zero, which has no significant digits. */
export function numberParts(canonical: string): NumberParts | undefined {
  const negative = canonical.charCodeAt(0) === char_minus;
  const start = negative ? 1 : 0;
  const length = canonical.length;
  let point = canonical.indexOf('.');
  if (point === -1) point = length;
  let first = start;
  while (first < length && (canonical.charCodeAt(first) === char_0 || canonical.charCodeAt(first) === char_dot)) first++;
  if (first === length) return undefined;
  let last = length - 1;
  while (canonical.charCodeAt(last) === char_0) last--;
  const exponent = first < point ? point - 1 - first : point - first;
  const digits = first < point && last > point ? canonical.slice(first, point) + canonical.slice(point + 1, last + 1) : canonical.slice(first, last + 1);
  return { negative, digits, exponent };
}

/**
 * Compares two canonical numbers exactly: negative when a < b, 0 when equal, positive when a > b.
 * Canonical form makes this a string walk: the sign first, then the integer part's length, then
 * the digits.
 */
export function compareNumbers(a: string, b: string): number {
  if (a === b) return 0;
  const aNegative = a.charCodeAt(0) === char_minus;
  const bNegative = b.charCodeAt(0) === char_minus;
  if (aNegative !== bNegative) return aNegative ? -1 : 1;
  const start = aNegative ? 1 : 0;
  const magnitude = compareMagnitudes(a, b, start);
  return aNegative ? -magnitude : magnitude;
}

/** Compares |a| and |b| for canonical numbers whose digits start at `start`. */
function compareMagnitudes(a: string, b: string, start: number): number {
  let aPoint = a.indexOf('.', start);
  let bPoint = b.indexOf('.', start);
  if (aPoint === -1) aPoint = a.length;
  if (bPoint === -1) bPoint = b.length;
  // Integer parts have no leading zeros (0.x numbers have the single digit "0"), so the longer
  // integer part is the larger magnitude.
  if (aPoint !== bPoint) return aPoint - bPoint;
  const aLength = a.length;
  const bLength = b.length;
  const shared = aLength < bLength ? aLength : bLength;
  for (let i = start; i < shared; i++) {
    const difference = a.charCodeAt(i) - b.charCodeAt(i);
    if (difference !== 0) return difference;
  }
  // Equal up to the shorter: fractions have no trailing zeros, so more digits means larger.
  return aLength - bLength;
}

/** Splits a canonical number into an integer of its digits and the count of fraction digits. */
function toScaled(canonical: string): { readonly unscaled: bigint; readonly scale: number } {
  const point = canonical.indexOf('.');
  if (point === -1) return { unscaled: BigInt(canonical), scale: 0 };
  return {
    unscaled: BigInt(canonical.slice(0, point) + canonical.slice(point + 1)),
    scale: canonical.length - point - 1,
  };
}

/**
 * Turns the exact result unscaled x 10^-scale of an arithmetic operation into canonical form.
 * DynamoDB refuses results it cannot hold exactly; for one that needs more than 38 digits it
 * answers with the overflow message (observed on AWS: 1e50 + 1 fails with "Number overflow"),
 * not the precision message a stored value gets.
 */
function fromScaled(unscaled: bigint, scale: number): string {
  if (unscaled === 0n) return '0';
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === char_0) end--;
  const trailingZeros = digits.length - end;
  digits = digits.slice(0, end);
  const exponent = digits.length - 1 + trailingZeros - scale;
  checkExponent(exponent);
  if (digits.length > max_number_precision_digits) throw validationError(number_overflow_message);
  return formatCanonical(negative, digits, exponent);
}

function isSmallInteger(canonical: string): boolean {
  return canonical.length <= fast_integer_digits && canonical.indexOf('.') === -1;
}

function addScaled(a: string, b: string, negateB: boolean): string {
  const x = toScaled(a);
  const y = toScaled(b);
  const scale = x.scale > y.scale ? x.scale : y.scale;
  const xAligned = x.scale === scale ? x.unscaled : x.unscaled * 10n ** BigInt(scale - x.scale);
  let yAligned = y.scale === scale ? y.unscaled : y.unscaled * 10n ** BigInt(scale - y.scale);
  if (negateB) yAligned = -yAligned;
  return fromScaled(xAligned + yAligned, scale);
}

/**
 * a + b for canonical numbers, exact, in canonical form. Throws DynamoDB's overflow or underflow
 * ValidationException when the result is out of range or needs more than 38 digits (as for
 * UpdateExpression `SET a = b + c` and `ADD`).
 */
export function addNumbers(a: string, b: string): string {
  if (isSmallInteger(a) && isSmallInteger(b)) return String(Number(a) + Number(b));
  return addScaled(a, b, false);
}

/** a - b for canonical numbers; the same rules as `addNumbers`. */
export function subtractNumbers(a: string, b: string): string {
  if (isSmallInteger(a) && isSmallInteger(b)) return String(Number(a) - Number(b));
  return addScaled(a, b, true);
}

/**
 * DynamoDB's storage size of a canonical number, in bytes. DynamoDB stores the significant digits
 * as base-100 digits aligned on the decimal point, plus one byte of exponent, plus one byte for a
 * negative number; zero is one byte. So "123456" costs 1 + 3 = 4, "3.14159" (pairs 03.14 15 90)
 * costs 1 + 4 = 5, "1E125" costs 2 and "-1" costs 3: the figures AWS charges when an item is
 * weighed against the 400 KB limit (measured byte by byte against AWS; dynalite uses the same rule).
 */
export function numberSizeBytes(canonical: string): number {
  const length = canonical.length;
  const negative = canonical.charCodeAt(0) === char_minus;
  let point = canonical.indexOf('.');
  if (point === -1) point = length;
  const start = negative ? 1 : 0;
  let first = start;
  while (first < length && (canonical.charCodeAt(first) === char_0 || canonical.charCodeAt(first) === char_dot)) first++;
  if (first === length) return 1;
  let last = length - 1;
  while (canonical.charCodeAt(last) === char_0) last--;
  // Decimal positions: 0 is the units digit, 1 the tens, -1 the tenths.
  const highPosition = first < point ? point - 1 - first : point - first;
  const lowPosition = last < point ? point - 1 - last : point - last;
  const pairs = Math.floor(highPosition / 2) - Math.floor(lowPosition / 2) + 1;
  return 1 + pairs + (negative ? 1 : 0);
}
