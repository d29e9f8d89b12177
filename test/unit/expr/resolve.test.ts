/** Resolver tables: expressions with names/values maps -> resolved form or DynamoDB's message. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { resolveExpressions, type ExpressionTexts } from '../../../src/expr/resolve.js';
import { validationMessage } from './helpers.js';

type Names = Record<string, string> | undefined;
type Values = Record<string, unknown> | undefined;

function message(texts: ExpressionTexts, names?: Names, values?: Values): string {
  return validationMessage(() => resolveExpressions(texts, names, values));
}

const prefix = {
  filter: 'Invalid FilterExpression: ',
  update: 'Invalid UpdateExpression: ',
};

describe('names and values maps', () => {
  const cases: [ExpressionTexts, Names, Values, string][] = [
    [{ FilterExpression: 'a = :v' }, {}, { ':v': { S: 'a' } }, 'ExpressionAttributeNames must not be empty'],
    [{ FilterExpression: 'a = :v' }, { a: 'a' }, { ':v': { S: 'a' } }, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'],
    [{ FilterExpression: 'a = :v' }, undefined, {}, 'ExpressionAttributeValues must not be empty'],
    [{ FilterExpression: 'a = :v' }, undefined, { ':b': { S: 'a' }, b: { S: 'a' } }, 'ExpressionAttributeValues contains invalid key: Syntax error; key: "b"'],
    [{ FilterExpression: 'a = :b' }, undefined, { ':b': {} }, 'ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes for key :b'],
    [{ FilterExpression: 'a = :b' }, undefined, { ':b': { SS: [] } }, 'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :b'],
    [{ FilterExpression: 'a = :b' }, undefined, { ':b': { N: '1e126' } }, 'ExpressionAttributeValues contains invalid value: Number overflow. Attempting to store a number with magnitude larger than supported range for key :b'],
    // The maps are checked before any expression, even an empty one.
    [{ FilterExpression: '' }, {}, undefined, 'ExpressionAttributeNames must not be empty'],
  ];
  for (const [texts, names, values, expected] of cases) test(expected, () => assert.equal(message(texts, names, values), expected));
});

describe('condition errors (first failing elementary condition decides)', () => {
  const cases: [string, Names, Values, string][] = [
    ['attribute_exists(#Pictures.RearView, :a) and a=a', undefined, undefined, 'An expression attribute name used in the document path is not defined; attribute name: #Pictures'],
    ['begins_with(Pictures.#RearView)', undefined, undefined, 'An expression attribute name used in the document path is not defined; attribute name: #RearView'],
    ['(#P between :lo and :hi) and (#PC in (:cat1, :cat2))', undefined, undefined, 'An expression attribute name used in the document path is not defined; attribute name: #P'],
    ['#4g > a', undefined, undefined, 'An expression attribute name used in the document path is not defined; attribute name: #4g'],
    ['(a)between(b.c[45].#d)and(:a)', undefined, undefined, 'An expression attribute name used in the document path is not defined; attribute name: #d'],
    ['begins_with(:hello, #a, #b)', undefined, undefined, 'An expression attribute value used in expression is not defined; attribute value: :hello'],
    [':a < :b', undefined, undefined, 'An expression attribute value used in expression is not defined; attribute value: :a'],
    ['attribute_exists(things, a) and a=a', undefined, undefined, 'Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2'],
    ['attribute_type(things)', undefined, undefined, 'Incorrect number of operands for operator or function; operator or function: attribute_type, number of operands: 1'],
    ['begins_with(things, size(a), b)', undefined, undefined, 'Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 3'],
    ['size(things, a) > b', undefined, undefined, 'Incorrect number of operands for operator or function; operator or function: size, number of operands: 2'],
    ['attribute_type(a, :a)', undefined, { ':a': { N: '1' } }, 'Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N'],
    ['attribute_type(a, :a)', undefined, { ':a': { BS: ['YQ=='] } }, 'Incorrect operand type for operator or function; operator or function: attribute_type, operand type: BS'],
    ['attribute_type(a, size(a)) and a=a and a=:a', undefined, { ':a': { N: '1' } }, 'Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N'],
    ['begins_with(a, :a)', undefined, { ':a': { M: {} } }, 'Incorrect operand type for operator or function; operator or function: begins_with, operand type: M'],
    ['begins_with(:a, a)', undefined, { ':a': { NULL: true } }, 'Incorrect operand type for operator or function; operator or function: begins_with, operand type: NULL'],
    ['size(size(a)) > :a', undefined, { ':a': { N: '1' } }, 'Incorrect operand type for operator or function; operator or function: size, operand type: N'],
    ['attribute_not_exists(size(:a))', undefined, { ':a': { N: '1' } }, 'Incorrect operand type for operator or function; operator or function: size, operand type: N'],
    ['size(:a) > a', undefined, { ':a': { BOOL: true } }, 'Incorrect operand type for operator or function; operator or function: size, operand type: BOOL'],
    ['attribute_type(a, :a)', undefined, { ':a': { S: '1' } }, 'Invalid attribute type name found; type: 1, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}'],
    ['attribute_exists(:a) and a=a', undefined, { ':a': { S: '1' } }, 'Operator or function requires a document path; operator or function: attribute_exists'],
    ['attribute_not_exists(size(:a))', undefined, { ':a': { S: '1' } }, 'Operator or function requires a document path; operator or function: attribute_not_exists'],
    ['a = a AND #a = b AND :views > a', { '#a': 'a' }, undefined, 'The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]'],
    ['#a <> a', { '#a': 'a' }, undefined, 'The first operand must be distinct from the remaining operands for this operator or function; operator: <>, first operand: [a]'],
    ['a > #a', { '#a': 'a' }, undefined, 'The first operand must be distinct from the remaining operands for this operator or function; operator: >, first operand: [a]'],
    ['((a=a) AND (a=a))', { '#a': 'a' }, undefined, 'The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]'],
    ['contains(ab.bc[1].a, ab.bc[1].#a)', { '#a': 'a' }, undefined, 'The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [ab, bc, [1], a]'],
    ['attribute_type(ab.bc[1].#a, ab.bc[1].a)', { '#a': 'a' }, undefined, 'The first operand must be distinct from the remaining operands for this operator or function; operator: attribute_type, first operand: [ab, bc, [1], a]'],
    ['a < :v', undefined, { ':v': { BOOL: true } }, 'Incorrect operand type for operator or function; operator or function: <, operand type: BOOL'],
    ['a between :b and :a', undefined, { ':a': { S: 'a' }, ':b': { N: '1' } }, 'The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}'],
    ['a between :b and :a', undefined, { ':a': { S: 'a' }, ':b': { S: 'b' } }, 'The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}'],
    ['a between :b and :a', undefined, { ':a': { N: '9' }, ':b': { N: '10' } }, 'The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:9}'],
  ];
  for (const [text, names, values, expected] of cases) {
    test(`${text} -> ${expected}`, () => assert.equal(message({ FilterExpression: text }, names, values), prefix.filter + expected));
  }
});

describe('update errors', () => {
  const all = {
    ':a': { S: 'a' }, ':b': { N: '1' }, ':c': { B: 'YQ==' }, ':d': { BOOL: false }, ':e': { NULL: true },
    ':f': { SS: ['a'] }, ':g': { NS: ['1'] }, ':h': { BS: ['YQ=='] }, ':i': { M: {} }, ':j': { L: [] },
  };
  const cases: [string, Names, Values, string][] = [
    ['SET #c = if_not_exists(:c)', { '#a': 'a', '#b': 'b' }, { ':a': { S: 'a' }, ':b': { S: 'a' } }, 'An expression attribute name used in the document path is not defined; attribute name: #c'],
    ['SET #a = if_not_exists(:c)', { '#a': 'a', '#b': 'b' }, { ':a': { S: 'a' }, ':b': { S: 'a' } }, 'An expression attribute value used in expression is not defined; attribute value: :c'],
    // An undefined name anywhere beats an undefined value written earlier.
    ['SET a = :zz, #zz = b', undefined, undefined, 'An expression attribute name used in the document path is not defined; attribute name: #zz'],
    ['set d[1] = a, d.b = a, c[1].a = a, #c = if_not_exists(a)', { '#c': 'c', '#d': '[3]' }, undefined, 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [c, [1], a], path two: [c]'],
    ['set #c[3].#d = a, #c[3] = a', { '#c': 'c', '#d': '[3]' }, undefined, 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [c, [3], [3]], path two: [c, [3]]'],
    ['SET a = :v, a = :w', undefined, { ':v': { S: 'x' }, ':w': { S: 'y' } }, 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]'],
    ['set #c[3].#d = a, #c.#d[3] = if_not_exists(a)', { '#c': 'c', '#d': '[3]' }, undefined, 'Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [c, [3], [3]], path two: [c, [3], [3]]'],
    ['remove a.#c set a[1] = #d', { '#c': 'c', '#d': '[3]' }, undefined, 'Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, c], path two: [a, [1]]'],
    ['set b = list_append(:a, a), c = if_not_exists(a) add a.b :a', undefined, { ':a': { S: 'a' } }, 'Incorrect operand type for operator or function; operator: ADD, operand type: STRING'],
    ['delete a.b :a', undefined, { ':a': { S: 'a' } }, 'Incorrect operand type for operator or function; operator: DELETE, operand type: STRING'],
    ['add a.b :a', undefined, { ':a': { NULL: true } }, 'Incorrect operand type for operator or function; operator: ADD, operand type: NULL'],
    ['delete a.b :a', undefined, { ':a': { BOOL: false } }, 'Incorrect operand type for operator or function; operator: DELETE, operand type: BOOLEAN'],
    ['add a.b :a', undefined, { ':a': { B: 'YQ==' } }, 'Incorrect operand type for operator or function; operator: ADD, operand type: BINARY'],
    ['add a.b :a', undefined, { ':a': { M: { a: { L: [{ N: '1' }] } } } }, 'Incorrect operand type for operator or function; operator: ADD, operand type: MAP'],
    ['delete a.b :a', undefined, { ':a': { L: [{ N: '1' }] } }, 'Incorrect operand type for operator or function; operator: DELETE, operand type: LIST'],
    ['delete a.b :a', undefined, { ':a': { N: '1' } }, 'Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER'],
    ['set a = if_not_exists(c)', undefined, undefined, 'Incorrect number of operands for operator or function; operator or function: if_not_exists, number of operands: 1'],
    ['set a = list_append(c)', undefined, undefined, 'Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1'],
    ['set a = if_not_exists(:a, c)', undefined, { ':a': { S: 'a' } }, 'Operator or function requires a document path; operator or function: if_not_exists'],
    ['set a = if_not_exists(if_not_exists(a, b), c)', undefined, undefined, 'Operator or function requires a document path; operator or function: if_not_exists'],
  ];
  for (const [text, names, values, expected] of cases) {
    test(`${text} -> ${expected}`, () => assert.equal(message({ UpdateExpression: text }, names, values), prefix.update + expected));
  }
  const typed: [string, string, string][] = [
    ['set a = list_append(:a, a)', 'list_append', 'S'], ['set a = list_append(a, :b)', 'list_append', 'N'],
    ['set a = list_append(:c, a)', 'list_append', 'B'], ['set a = list_append(:d, a)', 'list_append', 'BOOL'],
    ['set a = list_append(:e, a)', 'list_append', 'NULL'], ['set a = list_append(:f, a)', 'list_append', 'SS'],
    ['set a = list_append(:i, a)', 'list_append', 'M'], ['set a = a + :a', '+', 'S'], ['set a = :a + :c', '+', 'S'],
    ['set a = :c + a', '+', 'B'], ['set a = a + :g', '+', 'NS'], ['set a = a + :j', '+', 'L'], ['set a = a - :d', '-', 'BOOL'],
    ['set a = a - :i', '-', 'M'],
  ];
  for (const [text, fn, type] of typed) {
    test(`${text} -> ${fn} ${type}`, () => {
      // Every value is defined; the unused ones would only be reported after this error.
      assert.equal(
        validationMessage(() => resolveExpressions({ UpdateExpression: text }, undefined, all)),
        `${prefix.update}Incorrect operand type for operator or function; operator or function: ${fn}, operand type: ${type}`,
      );
    });
  }
});

describe('projection errors', () => {
  const cases: [string, Names, string][] = [
    ['a, #b', undefined, 'An expression attribute name used in the document path is not defined; attribute name: #b'],
    ['a, a.b', undefined, 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]'],
    ['a.b, #a', { '#a': 'a' }, 'Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]'],
    ['a[0], a.b', undefined, 'Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, [0]], path two: [a, b]'],
  ];
  for (const [text, names, expected] of cases) {
    test(expected, () => assert.equal(message({ ProjectionExpression: text }, names), `Invalid ProjectionExpression: ${expected}`));
  }
});

describe('request-wide checks', () => {
  test('unused names are reported over all expressions of the request', () => {
    assert.match(
      message(
        { UpdateExpression: 'remove a set b = list_append(b, if_not_exists(a, :a))', ConditionExpression: 'a = :b' },
        { '#a': 'a', '#b': 'b' },
        { ':a': { S: 'a' }, ':b': { S: 'a' } },
      ),
      /^Value provided in ExpressionAttributeNames unused in expressions: keys: \{(#a, #b|#b, #a)\}$/,
    );
  });
  test('unused values', () => {
    assert.equal(
      message({ UpdateExpression: 'remove a', ConditionExpression: 'a = :b' }, undefined, { ':a': { S: 'a' }, ':b': { S: 'a' }, ':c': { S: 'a' } }),
      'Value provided in ExpressionAttributeValues unused in expressions: keys: {:a, :c}',
    );
  });
  test('a name used only by the projection counts as used', () => {
    assert.doesNotThrow(() =>
      resolveExpressions({ FilterExpression: 'a = :v', ProjectionExpression: '#p' }, { '#p': 'p' }, { ':v': { N: '1' } }),
    );
  });
  test('expressions are checked in order: update, condition, key condition, filter, projection', () => {
    assert.equal(
      message({ ConditionExpression: 'a =', UpdateExpression: 'set #x = :v' }, undefined, { ':v': { N: '1' } }),
      'Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x',
    );
    assert.equal(message({ FilterExpression: '', ProjectionExpression: '', KeyConditionExpression: '' }), 'Invalid KeyConditionExpression: The expression can not be empty;');
  });
  test('resolved forms substitute names and values, numbers canonical', () => {
    const resolved = resolveExpressions(
      {
        UpdateExpression: 'SET #a.b[2] = :n + c REMOVE d',
        ConditionExpression: 'size(#a) > :n AND attribute_type(e, :t)',
        ProjectionExpression: '#a, e',
      },
      { '#a': 'A' },
      { ':n': { N: '01.50' }, ':t': { S: 'SS' } },
    );
    assert.deepEqual(resolved.update, {
      source: 'expression',
      actions: [
        { kind: 'set', path: ['A', 'b', 2], value: { kind: 'plus', left: { kind: 'value', value: { N: '1.5' } }, right: { kind: 'path', path: ['c'] } } },
        { kind: 'remove', path: ['d'] },
      ],
    });
    assert.deepEqual(resolved.condition, {
      kind: 'and',
      left: { kind: 'compare', operator: '>', left: { kind: 'size', operand: { kind: 'path', path: ['A'] } }, right: { kind: 'value', value: { N: '1.5' } } },
      right: { kind: 'attribute_type', operand: { kind: 'path', path: ['e'] }, type: 'SS' },
    });
    assert.deepEqual(resolved.projection, [['A'], ['e']]);
  });
});
