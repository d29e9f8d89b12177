/**
 * DynamoDB's legacy (pre-expression) parameters, validated with DynamoDB's messages and converted
 * to the resolved forms the evaluators run:
 *  - Expected + ConditionalOperator        -> ResolvedCondition (PutItem, UpdateItem, DeleteItem)
 *  - QueryFilter / ScanFilter + ConditionalOperator -> ResolvedCondition
 *  - AttributeUpdates                      -> ResolvedUpdate (UpdateItem)
 *  - AttributesToGet                       -> ResolvedProjection
 *  - mixing them with expressions          -> checkExpressionParameters
 * KeyConditions are in `key-condition.ts`, beside KeyConditionExpression.
 *
 * Inputs are the request members after the request-shape validator (JSON types already right);
 * attribute values are validated here, in DynamoDB's order.
 */
import { validationError } from '../errors.js';
import { typeOf, type AttributeType, type AttributeValue } from '../model/attribute-value.js';
import { validateAttributeValue } from '../model/validate-item.js';
import { compareValues } from './evaluate.js';
import type { ComparisonOperator, ResolvedCondition, ResolvedProjection, ResolvedUpdate, ResolvedUpdateAction } from './resolved.js';

const invalid_prefix = 'One or more parameter values were invalid: ';

export interface LegacyCondition {
  readonly ComparisonOperator?: string;
  readonly AttributeValueList?: readonly unknown[];
}

export interface ExpectedAttributeValue extends LegacyCondition {
  readonly Value?: unknown;
  readonly Exists?: boolean;
}

export interface AttributeValueUpdate {
  readonly Action?: string;
  readonly Value?: unknown;
}

export type ConditionalOperator = 'AND' | 'OR';

/** One validated legacy condition on a top-level attribute. */
export interface LegacyTerm {
  readonly attribute: string;
  readonly operator: ComparisonOperator;
  readonly values: readonly AttributeValue[];
}

/** How many values each operator takes ([min, max]). */
const operand_counts: Readonly<Record<ComparisonOperator, readonly [number, number]>> = {
  EQ: [1, 1],
  NE: [1, 1],
  LE: [1, 1],
  LT: [1, 1],
  GE: [1, 1],
  GT: [1, 1],
  NOT_NULL: [0, 0],
  NULL: [0, 0],
  CONTAINS: [1, 1],
  NOT_CONTAINS: [1, 1],
  BEGINS_WITH: [1, 1],
  IN: [1, Number.MAX_SAFE_INTEGER],
  BETWEEN: [2, 2],
};

/** The value types each operator accepts in QueryFilter, ScanFilter and KeyConditions. */
const scalar_types: readonly AttributeType[] = ['S', 'N', 'B'];
const operand_types: Readonly<Partial<Record<ComparisonOperator, readonly AttributeType[]>>> = {
  EQ: ['S', 'N', 'B', 'SS', 'NS', 'BS'],
  NE: ['S', 'N', 'B', 'SS', 'NS', 'BS'],
  LE: scalar_types,
  LT: scalar_types,
  GE: scalar_types,
  GT: scalar_types,
  CONTAINS: scalar_types,
  NOT_CONTAINS: scalar_types,
  BEGINS_WITH: ['S', 'B'],
  IN: scalar_types,
  BETWEEN: scalar_types,
};

function isComparisonOperator(text: string | undefined): text is ComparisonOperator {
  return text !== undefined && Object.hasOwn(operand_counts, text);
}

function argumentCountError(operator: string): Error {
  return validationError(`${invalid_prefix}Invalid number of argument(s) for the ${operator} ComparisonOperator`);
}

function checkSameTypes(values: readonly AttributeValue[]): void {
  if (values.length === 0) return;
  const type = typeOf(values[0]!);
  for (const value of values) {
    if (typeOf(value) !== type) throw validationError(`${invalid_prefix}AttributeValues inside AttributeValueList must be of same type`);
  }
}

function checkBetweenOrder(operator: ComparisonOperator, values: readonly AttributeValue[]): void {
  if (operator !== 'BETWEEN' || values.length !== 2) return;
  const order = compareValues(values[0]!, values[1]!);
  if (order !== undefined && order > 0) {
    throw validationError('The BETWEEN condition was provided a range where the lower bound is greater than the upper bound');
  }
}

/**
 * Validates QueryFilter, ScanFilter or KeyConditions, in DynamoDB's order per attribute: the
 * values, their number, that they share a type, that the operator accepts that type, and the
 * order of BETWEEN's bounds.
 */
export function validateLegacyConditions(conditions: Readonly<Record<string, LegacyCondition>> | undefined): LegacyTerm[] {
  const terms: LegacyTerm[] = [];
  if (conditions === undefined) return terms;
  for (const attribute in conditions) {
    const condition = conditions[attribute]!;
    const values = (condition.AttributeValueList ?? []).map((value) => validateAttributeValue(value));
    const operator = condition.ComparisonOperator;
    // The request-shape validator has refused operators outside the enum.
    if (!isComparisonOperator(operator)) throw argumentCountError(String(operator));
    const [min, max] = operand_counts[operator];
    if (values.length < min || values.length > max) throw argumentCountError(operator);
    checkSameTypes(values);
    const allowed = operand_types[operator];
    if (allowed !== undefined) {
      for (const value of values) {
        const type = typeOf(value);
        if (!allowed.includes(type)) {
          throw validationError(`${invalid_prefix}ComparisonOperator ${operator} is not valid for ${type} AttributeValue type`);
        }
      }
    }
    checkBetweenOrder(operator, values);
    terms.push({ attribute, operator, values });
  }
  return terms;
}

/** Combines legacy terms with ConditionalOperator (AND unless OR); no terms is always true. */
export function combineLegacyTerms(terms: readonly LegacyTerm[], conditionalOperator: ConditionalOperator | undefined): ResolvedCondition {
  let result: ResolvedCondition | undefined;
  const joiner = conditionalOperator === 'OR' ? 'or' : 'and';
  for (const term of terms) {
    const leaf: ResolvedCondition = { kind: 'legacy', attribute: term.attribute, operator: term.operator, values: term.values };
    result = result === undefined ? leaf : { kind: joiner, left: result, right: leaf };
  }
  return result ?? { kind: 'true' };
}

/** QueryFilter / ScanFilter with ConditionalOperator, as one condition. */
export function legacyFilterCondition(
  filter: Readonly<Record<string, LegacyCondition>> | undefined,
  conditionalOperator: ConditionalOperator | undefined,
): ResolvedCondition {
  return combineLegacyTerms(validateLegacyConditions(filter), conditionalOperator);
}

/**
 * Expected with ConditionalOperator, validated as DynamoDB does (Value versus
 * AttributeValueList, Exists versus ComparisonOperator, the number of values), as one condition.
 */
export function expectedCondition(
  expected: Readonly<Record<string, ExpectedAttributeValue>> | undefined,
  conditionalOperator: ConditionalOperator | undefined,
): ResolvedCondition {
  const terms: LegacyTerm[] = [];
  if (expected === undefined) return combineLegacyTerms(terms, conditionalOperator);
  for (const attribute in expected) {
    const condition = expected[attribute]!;
    const hasList = condition.AttributeValueList !== undefined;
    const hasValue = condition.Value !== undefined;
    if (hasList && hasValue) {
      throw validationError(`${invalid_prefix}Value and AttributeValueList cannot be used together for Attribute: ${attribute}`);
    }
    const operator = condition.ComparisonOperator;
    if (operator !== undefined) {
      if (condition.Exists !== undefined) {
        throw validationError(`${invalid_prefix}Exists and ComparisonOperator cannot be used together for Attribute: ${attribute}`);
      }
      if (operator !== 'NULL' && operator !== 'NOT_NULL' && !hasList && !hasValue) {
        throw validationError(
          `${invalid_prefix}Value or AttributeValueList must be used with ComparisonOperator: ${operator} for Attribute: ${attribute}`,
        );
      }
      const raw = hasList ? condition.AttributeValueList! : hasValue ? [condition.Value] : [];
      if (!isComparisonOperator(operator)) throw argumentCountError(operator);
      const [min, max] = operand_counts[operator];
      if (raw.length < min || raw.length > max) throw argumentCountError(operator);
      const values = raw.map((value) => validateAttributeValue(value));
      checkSameTypes(values);
      checkBetweenOrder(operator, values);
      terms.push({ attribute, operator, values });
      continue;
    }
    if (hasList) {
      throw validationError(`${invalid_prefix}AttributeValueList can only be used with a ComparisonOperator for Attribute: ${attribute}`);
    }
    const exists = condition.Exists ?? true;
    if (exists && !hasValue) {
      const shown = condition.Exists === undefined ? 'null' : String(condition.Exists);
      throw validationError(`${invalid_prefix}Value must be provided when Exists is ${shown} for Attribute: ${attribute}`);
    }
    if (!exists && hasValue) {
      throw validationError(`${invalid_prefix}Value cannot be used when Exists is false for Attribute: ${attribute}`);
    }
    terms.push(
      exists
        ? { attribute, operator: 'EQ', values: [validateAttributeValue(condition.Value)] }
        : { attribute, operator: 'NULL', values: [] },
    );
  }
  return combineLegacyTerms(terms, conditionalOperator);
}

/**
 * AttributeUpdates as an update: PUT (the default) sets, DELETE without a value removes,
 * DELETE with a set value removes elements, ADD adds numbers, unions sets or appends to lists.
 */
export function attributeUpdatesToUpdate(updates: Readonly<Record<string, AttributeValueUpdate>>): ResolvedUpdate {
  const actions: ResolvedUpdateAction[] = [];
  for (const attribute in updates) {
    const update = updates[attribute]!;
    const action = update.Action ?? 'PUT';
    const value = update.Value === undefined ? undefined : validateAttributeValue(update.Value);
    if (value === undefined) {
      if (action !== 'DELETE') {
        throw validationError(`${invalid_prefix}Only DELETE action is allowed when no attribute value is specified`);
      }
      actions.push({ kind: 'remove', path: [attribute] });
      continue;
    }
    const type = typeOf(value);
    if (action === 'DELETE') {
      if (type !== 'SS' && type !== 'NS' && type !== 'BS') {
        throw validationError(`${invalid_prefix}DELETE action with value is not supported for the type ${type}`);
      }
      actions.push({ kind: 'delete', path: [attribute], value });
    } else if (action === 'ADD') {
      if (type !== 'L' && type !== 'SS' && type !== 'NS' && type !== 'BS' && type !== 'N') {
        throw validationError(`${invalid_prefix}ADD action is not supported for the type ${type}`);
      }
      actions.push({ kind: 'add', path: [attribute], value });
    } else {
      actions.push({ kind: 'set', path: [attribute], value: { kind: 'value', value } });
    }
  }
  return { actions, source: 'legacy' };
}

/** AttributesToGet as a projection; DynamoDB refuses a name listed twice. */
export function attributesToGetProjection(names: readonly string[]): ResolvedProjection {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw validationError(`${invalid_prefix}Duplicate value in attribute name: ${name}`);
    seen.add(name);
  }
  return names.map((name) => [name]);
}

function isPresent(request: Readonly<Record<string, unknown>>, name: string): boolean {
  return request[name] !== undefined && request[name] !== null;
}

/**
 * DynamoDB refuses a request that mixes expression parameters with the legacy ones they replace,
 * names maps without expressions, and values maps without an expression that can use values.
 * `expressionParameters` and `legacyParameters` list the action's parameters in DynamoDB's order
 * (e.g. UpdateItem: ['UpdateExpression', 'ConditionExpression'] and ['AttributeUpdates',
 * 'Expected']); the messages list the present ones in that order.
 */
export function checkExpressionParameters(
  request: Readonly<Record<string, unknown>>,
  expressionParameters: readonly string[],
  legacyParameters: readonly string[],
): void {
  // Counted first, listed only for a message: every item request passes here.
  let expressionCount = 0;
  let valueExpressionCount = 0;
  for (const name of expressionParameters) {
    if (!isPresent(request, name)) continue;
    expressionCount++;
    if (name !== 'ProjectionExpression') valueExpressionCount++;
  }
  if (expressionCount > 0) {
    // Query: KeyConditions may accompany the other expressions when no KeyConditionExpression is given.
    const exempt = isPresent(request, 'KeyConditions') && !isPresent(request, 'KeyConditionExpression') ? 'KeyConditions' : undefined;
    let mixed = false;
    for (const name of legacyParameters) if (name !== exempt && isPresent(request, name)) mixed = true;
    if (mixed) {
      const legacy = legacyParameters.filter((name) => name !== exempt && isPresent(request, name));
      const expressions = expressionParameters.filter((name) => isPresent(request, name));
      throw validationError(
        'Can not use both expression and non-expression parameters in the same request: ' +
          `Non-expression parameters: {${legacy.join(', ')}} Expression parameters: {${expressions.join(', ')}}`,
      );
    }
  }
  if (expressionCount === 0 && isPresent(request, 'ExpressionAttributeNames')) {
    throw validationError('ExpressionAttributeNames can only be specified when using expressions');
  }
  if (valueExpressionCount > 0 || !isPresent(request, 'ExpressionAttributeValues')) return;
  const valueExpressions = expressionParameters.filter((name) => name !== 'ProjectionExpression');
  if (valueExpressions.length > 0) {
    throw validationError(
      `ExpressionAttributeValues can only be specified when using expressions: ${valueExpressions.join(' and ')} ` +
        `${valueExpressions.length > 1 ? 'are' : 'is'} null`,
    );
  }
}
