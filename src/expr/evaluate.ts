/**
 * Evaluation of resolved conditions against an item, with DynamoDB's semantics:
 *  - comparing values of different types is false, not an error; a missing attribute compares
 *    false (and `<>` true, as it is not equal);
 *  - strings order by UTF-8 bytes, numbers exactly, binaries by unsigned bytes; only S, N and B
 *    are ordered (`<`, BETWEEN); sets compare equal regardless of element order;
 *  - `size` is a string's length in UTF-16 code units (what AWS answers for `é𝄞`: 3), a binary's
 *    byte count, a set's, list's or map's element count; undefined (so false) for other types;
 *  - `contains` finds a substring in a string (or bytes in a binary), an element in a set, or an
 *    equal element in a list.
 * The legacy ComparisonOperator semantics (Expected, QueryFilter, ScanFilter, KeyConditions) are
 * evaluated here too, by `evaluateLegacy`.
 */
import { assertNever } from '../errors.js';
import { typeOf, type AttributeValue, type Item } from '../model/attribute-value.js';
import { attributeValuesEqual, binariesEqual, compareBinary, compareStrings } from '../model/compare.js';
import { base64DecodedLength } from '../model/item-size.js';
import { compareNumbers } from '../model/number.js';
import type { ComparisonOperator, DocumentPath, ResolvedCondition, ResolvedOperand } from './resolved.js';

/** The value at a document path, or undefined when any step is missing or of the wrong type. */
export function valueAtPath(item: Item | undefined, path: DocumentPath): AttributeValue | undefined {
  if (item === undefined || path.length === 0) return undefined;
  const head = path[0]!;
  if (typeof head !== 'string' || !Object.hasOwn(item, head)) return undefined;
  let current: AttributeValue | undefined = item[head];
  for (let i = 1; i < path.length && current !== undefined; i++) {
    const step = path[i]!;
    if (typeof step === 'number') {
      current = 'L' in current ? current.L[step] : undefined;
    } else {
      current = 'M' in current && Object.hasOwn(current.M, step) ? current.M[step] : undefined;
    }
  }
  return current;
}

/** size(): undefined for types that have no size (N, BOOL, NULL). */
export function sizeOf(value: AttributeValue): number | undefined {
  if ('S' in value) return value.S.length;
  if ('B' in value) return base64DecodedLength(value.B);
  if ('SS' in value) return value.SS.length;
  if ('NS' in value) return value.NS.length;
  if ('BS' in value) return value.BS.length;
  if ('L' in value) return value.L.length;
  if ('M' in value) return Object.keys(value.M).length;
  return undefined;
}

export function evaluateOperand(operand: ResolvedOperand, item: Item | undefined): AttributeValue | undefined {
  switch (operand.kind) {
    case 'path':
      return valueAtPath(item, operand.path);
    case 'value':
      return operand.value;
    case 'size': {
      const value = evaluateOperand(operand.operand, item);
      const size = value === undefined ? undefined : sizeOf(value);
      return size === undefined ? undefined : { N: String(size) };
    }
    default:
      return assertNever(operand, 'operand');
  }
}

/** Orders two values of the same scalar type S, N or B; undefined for anything else. */
export function compareValues(a: AttributeValue, b: AttributeValue): number | undefined {
  if ('S' in a) return 'S' in b ? compareStrings(a.S, b.S) : undefined;
  if ('N' in a) return 'N' in b ? compareNumbers(a.N, b.N) : undefined;
  if ('B' in a) return 'B' in b ? compareBinary(a.B, b.B) : undefined;
  return undefined;
}

function equal(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  return a !== undefined && b !== undefined && attributeValuesEqual(a, b);
}

function bytesOf(base64: string): Buffer {
  return Buffer.from(base64, 'base64');
}

export function beginsWith(value: AttributeValue | undefined, prefix: AttributeValue | undefined): boolean {
  if (value === undefined || prefix === undefined) return false;
  if ('S' in value) return 'S' in prefix && value.S.startsWith(prefix.S);
  if ('B' in value) {
    if (!('B' in prefix)) return false;
    const whole = bytesOf(value.B);
    const start = bytesOf(prefix.B);
    return start.length <= whole.length && whole.subarray(0, start.length).equals(start);
  }
  return false;
}

export function containsValue(value: AttributeValue | undefined, element: AttributeValue | undefined): boolean {
  if (value === undefined || element === undefined) return false;
  if ('S' in value) return 'S' in element && value.S.includes(element.S);
  if ('B' in value) return 'B' in element && bytesOf(value.B).includes(bytesOf(element.B));
  if ('SS' in value) return 'S' in element && value.SS.includes(element.S);
  if ('NS' in value) return 'N' in element && value.NS.some((n) => compareNumbers(n, element.N) === 0);
  if ('BS' in value) return 'B' in element && value.BS.some((b) => binariesEqual(b, element.B));
  if ('L' in value) return value.L.some((member) => attributeValuesEqual(member, element));
  return false;
}

function between(value: AttributeValue | undefined, lower: AttributeValue | undefined, upper: AttributeValue | undefined): boolean {
  if (value === undefined || lower === undefined || upper === undefined) return false;
  const low = compareValues(value, lower);
  const high = compareValues(value, upper);
  return low !== undefined && high !== undefined && low >= 0 && high <= 0;
}

/** Whether a resolved condition holds for an item (undefined: no item, every attribute missing). */
export function evaluateCondition(condition: ResolvedCondition, item: Item | undefined): boolean {
  switch (condition.kind) {
    case 'and':
      return evaluateCondition(condition.left, item) && evaluateCondition(condition.right, item);
    case 'or':
      return evaluateCondition(condition.left, item) || evaluateCondition(condition.right, item);
    case 'not':
      return !evaluateCondition(condition.operand, item);
    case 'compare': {
      const left = evaluateOperand(condition.left, item);
      const right = evaluateOperand(condition.right, item);
      switch (condition.operator) {
        case '=':
          return equal(left, right);
        case '<>':
          return !equal(left, right);
        default: {
          if (left === undefined || right === undefined) return false;
          const order = compareValues(left, right);
          if (order === undefined) return false;
          switch (condition.operator) {
            case '<':
              return order < 0;
            case '<=':
              return order <= 0;
            case '>':
              return order > 0;
            case '>=':
              return order >= 0;
            default:
              return assertNever(condition.operator, 'comparator');
          }
        }
      }
    }
    case 'between':
      return between(
        evaluateOperand(condition.operand, item),
        evaluateOperand(condition.lower, item),
        evaluateOperand(condition.upper, item),
      );
    case 'in': {
      const value = evaluateOperand(condition.operand, item);
      if (value === undefined) return false;
      for (const candidate of condition.list) if (equal(value, evaluateOperand(candidate, item))) return true;
      return false;
    }
    case 'attribute_exists':
      return valueAtPath(item, condition.path) !== undefined;
    case 'attribute_not_exists':
      return valueAtPath(item, condition.path) === undefined;
    case 'attribute_type': {
      const value = evaluateOperand(condition.operand, item);
      return value !== undefined && typeOf(value) === condition.type;
    }
    case 'begins_with':
      return beginsWith(evaluateOperand(condition.operand, item), evaluateOperand(condition.prefix, item));
    case 'contains':
      return containsValue(evaluateOperand(condition.operand, item), evaluateOperand(condition.element, item));
    case 'legacy':
      return evaluateLegacy(condition.operator, item === undefined ? undefined : valueAtPath(item, [condition.attribute]), condition.values);
    case 'true':
      return true;
    default:
      return assertNever(condition, 'condition');
  }
}

/**
 * A legacy ComparisonOperator on an attribute's value (undefined when missing). As in DynamoDB,
 * NE and NOT_CONTAINS hold for a missing attribute, and a value of another type never matches.
 */
export function evaluateLegacy(
  operator: ComparisonOperator,
  value: AttributeValue | undefined,
  values: readonly AttributeValue[],
): boolean {
  const first = values[0];
  switch (operator) {
    case 'EQ':
      return equal(value, first);
    case 'NE':
      return !equal(value, first);
    case 'LT':
    case 'LE':
    case 'GT':
    case 'GE': {
      if (value === undefined || first === undefined) return false;
      const order = compareValues(value, first);
      if (order === undefined) return false;
      return operator === 'LT' ? order < 0 : operator === 'LE' ? order <= 0 : operator === 'GT' ? order > 0 : order >= 0;
    }
    case 'NOT_NULL':
      return value !== undefined;
    case 'NULL':
      return value === undefined;
    case 'CONTAINS':
      return containsValue(value, first);
    case 'NOT_CONTAINS':
      return value === undefined || !containsValue(value, first);
    case 'BEGINS_WITH':
      return beginsWith(value, first);
    case 'IN':
      if (value === undefined) return false;
      for (const candidate of values) if (equal(value, candidate)) return true;
      return false;
    case 'BETWEEN':
      return between(value, first, values[1]);
    default:
      return assertNever(operator, 'comparison operator');
  }
}
