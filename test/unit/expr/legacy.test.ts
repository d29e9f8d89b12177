/** Legacy parameters and key conditions: input -> resolved form, evaluation, or DynamoDB's message. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateCondition } from '../../../src/expr/evaluate.js';
import { keyConditionTerms, legacyKeyConditionTerms } from '../../../src/expr/key-condition.js';
import { checkScalarKeyPaths, conditionPaths, updatePaths } from '../../../src/expr/key-paths.js';
import {
  attributesToGetProjection,
  attributeUpdatesToUpdate,
  checkExpressionParameters,
  expectedCondition,
  legacyFilterCondition,
  type ExpectedAttributeValue,
  type LegacyCondition,
} from '../../../src/expr/legacy.js';
import { resolveExpressions } from '../../../src/expr/resolve.js';
import { applyUpdate } from '../../../src/expr/update.js';
import { validationMessage } from './helpers.js';

const invalid = 'One or more parameter values were invalid: ';

describe('KeyConditionExpression structure', () => {
  const cases: [string, Record<string, unknown> | undefined, string][] = [
    ['a > b and size(b) > c or a > c', undefined, 'Invalid operator used in KeyConditionExpression: OR'],
    ['a in (b, size(c), d)', undefined, 'Invalid operator used in KeyConditionExpression: IN'],
    ['attribute_exists(a)', undefined, 'Invalid operator used in KeyConditionExpression: attribute_exists'],
    ['attribute_not_exists(a)', undefined, 'Invalid operator used in KeyConditionExpression: attribute_not_exists'],
    ['contains(a.d, b)', undefined, 'Invalid operator used in KeyConditionExpression: contains'],
    ['not a > b', undefined, 'Invalid operator used in KeyConditionExpression: NOT'],
    ['a <> b', undefined, 'Invalid operator used in KeyConditionExpression: <>'],
    ['attribute_type(a, :a)', { ':a': { S: 'S' } }, 'Invalid operator used in KeyConditionExpression: attribute_type'],
    [':a between size(b) and size(a) and b > :b', { ':a': { S: '1' }, ':b': { S: '1' } }, 'Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand'],
    ['begins_with(:a, b) and a > :b', { ':a': { S: '1' }, ':b': { S: '1' } }, 'Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand'],
    ['size(b) > a AND a.b > b AND b > c', undefined, 'KeyConditionExpressions cannot contain nested operations'],
    ['a > size(b.d)', undefined, 'KeyConditionExpressions cannot contain nested operations'],
    ['a between size(b) and size(a)', undefined, 'KeyConditionExpressions cannot contain nested operations'],
    ['b > a.b', undefined, 'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition'],
    ['b between c[1] and d', undefined, 'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition'],
    ['a between b and size(a)', undefined, 'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition'],
    ['begins_with(a, b)', undefined, 'Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition'],
    ['b.d > a AND c.d > e.f', undefined, 'KeyConditionExpressions cannot have conditions on nested attributes'],
    ['b[0] > a', undefined, 'KeyConditionExpressions cannot have conditions on nested attributes'],
    [':b > :a AND a < :b', { ':a': { N: '1' }, ':b': { N: '1' } }, 'Invalid condition in KeyConditionExpression: No key attribute specified'],
    ['b > :a AND b < :a and c = :a and d = :a', { ':a': { N: '1' } }, 'KeyConditionExpressions must only contain one condition per key'],
    ['(a > :a and b > :a) and (b > :a and c > :a)', { ':a': { N: '1' } }, 'KeyConditionExpressions must only contain one condition per key'],
    [':a = a and b = :a and :a = c', { ':a': { S: 'a' } }, 'Conditions can be of length 1 or 2 only'],
    ['a = :v', { ':v': { BOOL: true } }, `${invalid}ComparisonOperator EQ is not valid for BOOL AttributeValue type`],
  ];
  for (const [text, values, expected] of cases) {
    test(`${text} -> ${expected}`, () => {
      const resolved = resolveExpressions({ KeyConditionExpression: text }, undefined, values).keyCondition!;
      assert.equal(validationMessage(() => keyConditionTerms(resolved)), expected);
    });
  }
  test('terms per key, a value on the left mirrors the comparator', () => {
    const resolved = resolveExpressions(
      { KeyConditionExpression: ':v < pk AND begins_with(sk, :w)' },
      undefined,
      { ':v': { N: '1' }, ':w': { S: 'x' } },
    ).keyCondition!;
    assert.deepEqual(keyConditionTerms(resolved), [
      { attribute: 'pk', operator: 'GT', values: [{ N: '1' }] },
      { attribute: 'sk', operator: 'BEGINS_WITH', values: [{ S: 'x' }] },
    ]);
  });
});

describe('legacy conditions (KeyConditions, QueryFilter, ScanFilter)', () => {
  const cases: [Record<string, LegacyCondition>, string][] = [
    [{ a: { ComparisonOperator: 'EQ' } }, `${invalid}Invalid number of argument(s) for the EQ ComparisonOperator`],
    [{ a: { ComparisonOperator: 'NULL', AttributeValueList: [{ S: 'a' }] } }, `${invalid}Invalid number of argument(s) for the NULL ComparisonOperator`],
    [{ a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ S: 'a' }, { S: 'a' }, { S: 'a' }] } }, `${invalid}Invalid number of argument(s) for the BETWEEN ComparisonOperator`],
    [{ a: { ComparisonOperator: 'IN', AttributeValueList: [{ S: 'b' }, { N: '1' }] } }, `${invalid}AttributeValues inside AttributeValueList must be of same type`],
    [{ a: { ComparisonOperator: 'LT', AttributeValueList: [{ SS: ['a'] }] } }, `${invalid}ComparisonOperator LT is not valid for SS AttributeValue type`],
    [{ a: { ComparisonOperator: 'CONTAINS', AttributeValueList: [{ L: [] }] } }, `${invalid}ComparisonOperator CONTAINS is not valid for L AttributeValue type`],
    [{ a: { ComparisonOperator: 'BEGINS_WITH', AttributeValueList: [{ N: '1' }] } }, `${invalid}ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type`],
    [{ a: { ComparisonOperator: 'BETWEEN', AttributeValueList: [{ S: 'b' }, { S: 'a' }] } }, 'The BETWEEN condition was provided a range where the lower bound is greater than the upper bound'],
    [{ a: { ComparisonOperator: 'EQ', AttributeValueList: [{ N: '1' }, { SS: [] }] } }, `${invalid}An string set  may not be empty`],
    [{}, 'Conditions can be of length 1 or 2 only'],
  ];
  for (const [conditions, expected] of cases) {
    test(expected, () => assert.equal(validationMessage(() => legacyKeyConditionTerms(conditions)), expected));
  }
  test('ScanFilter with OR, and legacy semantics (NE and NOT_CONTAINS hold for a missing attribute)', () => {
    const any = legacyFilterCondition(
      { a: { ComparisonOperator: 'EQ', AttributeValueList: [{ N: '1' }] }, b: { ComparisonOperator: 'NOT_NULL' } },
      'OR',
    );
    assert.equal(evaluateCondition(any, { b: { S: 'x' } }), true);
    assert.equal(evaluateCondition(any, { a: { N: '2' } }), false);
    const ne = legacyFilterCondition({ a: { ComparisonOperator: 'NE', AttributeValueList: [{ N: '1' }] } }, undefined);
    assert.equal(evaluateCondition(ne, {}), true);
    const nc = legacyFilterCondition({ a: { ComparisonOperator: 'NOT_CONTAINS', AttributeValueList: [{ S: 'x' }] } }, undefined);
    assert.equal(evaluateCondition(nc, {}), true);
    assert.equal(evaluateCondition(nc, { a: { SS: ['x'] } }), false);
    assert.equal(evaluateCondition(legacyFilterCondition(undefined, undefined), {}), true);
  });
});

describe('Expected', () => {
  const cases: [Record<string, ExpectedAttributeValue>, string][] = [
    [{ a: {} }, `${invalid}Value must be provided when Exists is null for Attribute: a`],
    [{ a: { Exists: true } }, `${invalid}Value must be provided when Exists is true for Attribute: a`],
    [{ a: { Exists: false, Value: { S: 'a' } } }, `${invalid}Value cannot be used when Exists is false for Attribute: a`],
    [{ a: { Value: { S: 'a' }, AttributeValueList: [] } }, `${invalid}Value and AttributeValueList cannot be used together for Attribute: a`],
    [{ a: { Exists: true, ComparisonOperator: 'EQ' } }, `${invalid}Exists and ComparisonOperator cannot be used together for Attribute: a`],
    [{ a: { ComparisonOperator: 'GT' } }, `${invalid}Value or AttributeValueList must be used with ComparisonOperator: GT for Attribute: a`],
    [{ a: { AttributeValueList: [{ S: 'a' }] } }, `${invalid}AttributeValueList can only be used with a ComparisonOperator for Attribute: a`],
    [{ a: { ComparisonOperator: 'BETWEEN', Value: { N: '1' } } }, `${invalid}Invalid number of argument(s) for the BETWEEN ComparisonOperator`],
  ];
  for (const [expected, message] of cases) test(message, () => assert.equal(validationMessage(() => expectedCondition(expected, undefined)), message));
  test('Value means EQ, Exists false means NULL, combined with AND', () => {
    const condition = expectedCondition({ a: { Value: { S: 'x' } }, b: { Exists: false } }, undefined);
    assert.equal(evaluateCondition(condition, { a: { S: 'x' } }), true);
    assert.equal(evaluateCondition(condition, { a: { S: 'x' }, b: { N: '1' } }), false);
    assert.equal(evaluateCondition(condition, undefined), false);
  });
});

describe('AttributeUpdates', () => {
  const cases: [Record<string, { Action?: string; Value?: unknown }>, string][] = [
    [{ a: { Action: 'PUT' } }, `${invalid}Only DELETE action is allowed when no attribute value is specified`],
    [{ a: { Action: 'DELETE', Value: { S: '1' } } }, `${invalid}DELETE action with value is not supported for the type S`],
    [{ a: { Action: 'DELETE', Value: { L: [] } } }, `${invalid}DELETE action with value is not supported for the type L`],
    [{ a: { Action: 'ADD', Value: { B: 'Yg==' } } }, `${invalid}ADD action is not supported for the type B`],
    [{ a: { Action: 'ADD', Value: { M: {} } } }, `${invalid}ADD action is not supported for the type M`],
  ];
  for (const [updates, message] of cases) test(message, () => assert.equal(validationMessage(() => attributeUpdatesToUpdate(updates)), message));
  test('PUT, DELETE, ADD (numbers, sets, lists) and the legacy type-mismatch message', () => {
    const update = attributeUpdatesToUpdate({
      p: { Value: { S: 'new' } },
      gone: { Action: 'DELETE' },
      n: { Action: 'ADD', Value: { N: '3' } },
      l: { Action: 'ADD', Value: { L: [{ S: 'b' }] } },
      ns: { Action: 'DELETE', Value: { NS: ['1', '2'] } },
    });
    const result = applyUpdate(update, { id: { S: 'k' }, gone: { S: 'x' }, n: { N: '1.5' }, l: { L: [{ S: 'a' }] }, ns: { NS: ['2', '1'] } });
    assert.deepEqual(result.item, { id: { S: 'k' }, p: { S: 'new' }, n: { N: '4.5' }, l: { L: [{ S: 'a' }, { S: 'b' }] } });
    assert.equal(validationMessage(() => applyUpdate(update, { id: { S: 'k' }, n: { S: 'x' } })), 'Type mismatch for attribute to update');
  });
});

describe('AttributesToGet and parameter mixing', () => {
  test('AttributesToGet', () => {
    assert.deepEqual(attributesToGetProjection(['a', 'b']), [['a'], ['b']]);
    assert.equal(validationMessage(() => attributesToGetProjection(['a', 'b', 'a'])), `${invalid}Duplicate value in attribute name: a`);
  });
  const update = ['UpdateExpression', 'ConditionExpression'];
  const updateLegacy = ['AttributeUpdates', 'Expected'];
  const cases: [Record<string, unknown>, string[], string[], string][] = [
    [
      { Expected: {}, AttributeUpdates: {}, ExpressionAttributeNames: {}, ExpressionAttributeValues: {}, ConditionExpression: '', UpdateExpression: '' },
      update,
      updateLegacy,
      'Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: {UpdateExpression, ConditionExpression}',
    ],
    [{ Expected: {}, ExpressionAttributeNames: {}, ExpressionAttributeValues: {} }, update, updateLegacy, 'ExpressionAttributeNames can only be specified when using expressions'],
    [{ Expected: {}, ExpressionAttributeValues: {} }, update, updateLegacy, 'ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and ConditionExpression are null'],
    [{ ProjectionExpression: 'a', ExpressionAttributeValues: {} }, ['ProjectionExpression', 'FilterExpression'], ['AttributesToGet', 'ScanFilter', 'ConditionalOperator'], 'ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null'],
  ];
  for (const [request, expressions, legacy, message] of cases) {
    test(message, () => assert.equal(validationMessage(() => checkExpressionParameters(request, expressions, legacy)), message));
  }
  test('Query may combine KeyConditions with a FilterExpression', () => {
    assert.doesNotThrow(() =>
      checkExpressionParameters(
        { KeyConditions: {}, FilterExpression: 'a = :v', ExpressionAttributeValues: { ':v': { S: 'x' } } },
        ['ProjectionExpression', 'FilterExpression', 'KeyConditionExpression'],
        ['AttributesToGet', 'QueryFilter', 'ConditionalOperator', 'KeyConditions'],
      ),
    );
  });
});

describe('checkScalarKeyPaths', () => {
  const message = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: a";
  for (const text of ['attribute_exists(a.b.c) and #a = b', 'attribute_exists(#a.b.c)', 'attribute_exists(#a[0])']) {
    test(text, () => {
      const names = text.includes('#a') ? { '#a': 'a' } : undefined;
      const condition = resolveExpressions({ FilterExpression: text }, names, undefined).filter!;
      assert.equal(validationMessage(() => checkScalarKeyPaths(conditionPaths(condition), ['a'], 'Key')), message);
    });
  }
  test('index keys read inside an update', () => {
    const update = resolveExpressions({ UpdateExpression: 'set e = list_append(a, b), f = d[1]' }, undefined, undefined).update!;
    assert.equal(
      validationMessage(() => checkScalarKeyPaths(updatePaths(update), ['c', 'd'], 'IndexKey')),
      "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: IndexKey: d",
    );
    assert.doesNotThrow(() => checkScalarKeyPaths(updatePaths(update), ['a'], 'Key'));
  });
});
