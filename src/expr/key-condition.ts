/**
 * Query key conditions, from a KeyConditionExpression or from legacy KeyConditions, reduced to
 * one term per key attribute with DynamoDB's structural messages. Which attribute is the
 * partition or sort key (and so "Query condition missed key schema element", unsupported
 * operators on the partition key) is the Query action's check, once the table or index is known.
 */
import { assertNever, validationError } from '../errors.js';
import type { AttributeValue } from '../model/attribute-value.js';
import { validateLegacyConditions, type LegacyCondition, type LegacyTerm } from './legacy.js';
import type { ComparisonOperator, ResolvedCondition, ResolvedOperand } from './resolved.js';

/** One condition on one key attribute (operators are those of the legacy API). */
export type KeyConditionTerm = LegacyTerm;

/** A query names its partition key and optionally its sort key. */
const max_key_conditions = 2;

function invalidOperator(name: string): Error {
  return validationError(`Invalid operator used in KeyConditionExpression: ${name}`);
}

function invalidCondition(detail: string): Error {
  return validationError(`Invalid condition in KeyConditionExpression: ${detail}`);
}

const comparator_operators: Readonly<Record<string, ComparisonOperator>> = {
  '=': 'EQ',
  '<': 'LT',
  '<=': 'LE',
  '>': 'GT',
  '>=': 'GE',
};

/** The comparator seen from the other side: `:v < k` is `k > :v`. */
const mirrored: Readonly<Record<string, ComparisonOperator>> = { EQ: 'EQ', LT: 'GT', LE: 'GE', GT: 'LT', GE: 'LE' };

/**
 * Scans the operands of one elementary condition left to right, as DynamoDB does: the first
 * path names the key attribute, a second path is "Multiple attribute names", a nested path or a
 * size() is refused. Returns the attribute, its position and the values.
 */
function scanOperands(operands: readonly ResolvedOperand[]): { attribute: string; position: number; values: AttributeValue[] } {
  let attribute: string | undefined;
  let position = 0;
  const values: AttributeValue[] = [];
  for (let i = 0; i < operands.length; i++) {
    const operand = operands[i]!;
    switch (operand.kind) {
      case 'path':
        if (attribute !== undefined) throw invalidCondition('Multiple attribute names used in one condition');
        if (operand.path.length > 1 || typeof operand.path[0] !== 'string') {
          throw validationError('KeyConditionExpressions cannot have conditions on nested attributes');
        }
        attribute = operand.path[0];
        position = i;
        break;
      case 'size':
        throw validationError('KeyConditionExpressions cannot contain nested operations');
      case 'value':
        values.push(operand.value);
        break;
      default:
        assertNever(operand, 'operand');
    }
  }
  if (attribute === undefined) throw invalidCondition('No key attribute specified');
  return { attribute, position, values };
}

function collect(condition: ResolvedCondition, terms: KeyConditionTerm[]): void {
  let operator: ComparisonOperator;
  let operands: readonly ResolvedOperand[];
  switch (condition.kind) {
    case 'and':
      collect(condition.left, terms);
      collect(condition.right, terms);
      return;
    case 'or':
    case 'not':
    case 'in':
      throw invalidOperator(condition.kind.toUpperCase());
    case 'attribute_exists':
    case 'attribute_not_exists':
    case 'attribute_type':
    case 'contains':
      throw invalidOperator(condition.kind);
    case 'compare':
      if (condition.operator === '<>') throw invalidOperator('<>');
      operator = comparator_operators[condition.operator]!;
      operands = [condition.left, condition.right];
      break;
    case 'between':
      if (condition.operand.kind !== 'path') throw invalidCondition('BETWEEN operator must have the key attribute as its first operand');
      operator = 'BETWEEN';
      operands = [condition.operand, condition.lower, condition.upper];
      break;
    case 'begins_with':
      if (condition.operand.kind !== 'path') throw invalidCondition('begins_with operator must have the key attribute as its first operand');
      operator = 'BEGINS_WITH';
      operands = [condition.operand, condition.prefix];
      break;
    case 'legacy':
    case 'true':
      // Only legacy parameters produce these; a KeyConditionExpression never does.
      throw invalidOperator(condition.kind);
    default:
      return assertNever(condition, 'condition');
  }
  const { attribute, position, values } = scanOperands(operands);
  if (terms.some((term) => term.attribute === attribute)) {
    throw validationError('KeyConditionExpressions must only contain one condition per key');
  }
  terms.push({ attribute, operator: position === 0 ? operator : mirrored[operator]!, values });
}

function checkCount(terms: readonly KeyConditionTerm[]): void {
  if (terms.length < 1 || terms.length > max_key_conditions) throw validationError('Conditions can be of length 1 or 2 only');
}

/**
 * The key conditions of a resolved KeyConditionExpression, in DynamoDB's order of checks: the
 * structure (operators, operands), then the same value checks as legacy KeyConditions, then the
 * number of conditions.
 */
export function keyConditionTerms(condition: ResolvedCondition): KeyConditionTerm[] {
  const terms: KeyConditionTerm[] = [];
  collect(condition, terms);
  const asLegacy: Record<string, LegacyCondition> = {};
  for (const term of terms) asLegacy[term.attribute] = { ComparisonOperator: term.operator, AttributeValueList: term.values };
  validateLegacyConditions(asLegacy);
  checkCount(terms);
  return terms;
}

/** The key conditions of legacy KeyConditions, validated as DynamoDB does. */
export function legacyKeyConditionTerms(keyConditions: Readonly<Record<string, LegacyCondition>> | undefined): KeyConditionTerm[] {
  const terms = validateLegacyConditions(keyConditions);
  checkCount(terms);
  return terms;
}
