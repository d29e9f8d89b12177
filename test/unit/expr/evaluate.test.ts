/** Evaluation tables: condition x item -> true/false; projections. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { evaluateCondition } from '../../../src/expr/evaluate.js';
import { project } from '../../../src/expr/projection.js';
import { resolveExpressions } from '../../../src/expr/resolve.js';
import type { Item } from '../../../src/model/attribute-value.js';

const item: Item = {
  s: { S: 'héllo' },
  emoji: { S: 'é𝄞' },
  n: { N: '10' },
  big: { N: '12345678901234567890123456789012345678' },
  b: { B: 'AQID' }, // 01 02 03
  high: { B: '/w==' }, // ff
  ss: { SS: ['a', 'b'] },
  ns: { NS: ['1', '2.5'] },
  bs: { BS: ['AQ==', 'Ag=='] },
  l: { L: [{ S: 'x' }, { N: '1' }, { M: { k: { S: 'v' } } }] },
  m: { M: { kid: { M: { deep: { N: '3' } } }, arr: { L: [{ N: '7' }] } } },
  t: { BOOL: true },
  z: { NULL: true },
  e: { S: '' },
};

function holds(text: string, values: Record<string, unknown> = {}): boolean {
  const condition = resolveExpressions({ ConditionExpression: text }, undefined, Object.keys(values).length > 0 ? values : undefined).condition!;
  return evaluateCondition(condition, item);
}

describe('evaluateCondition', () => {
  const cases: [string, Record<string, unknown>, boolean][] = [
    ['s = :v', { ':v': { S: 'héllo' } }, true],
    ['n = :v', { ':v': { N: '10.0' } }, true], // numbers compare by value (values are canonical)
    ['n = :v', { ':v': { S: '10' } }, false], // different types are unequal, not an error
    ['n <> :v', { ':v': { S: '10' } }, true],
    ['gone = :v', { ':v': { S: 'x' } }, false],
    ['gone <> :v', { ':v': { S: 'x' } }, true],
    ['gone < :v', { ':v': { N: '1' } }, false],
    ['n < :v', { ':v': { N: '9.99' } }, false],
    ['n > :v', { ':v': { N: '-1e100' } }, true],
    ['big > :v', { ':v': { N: '12345678901234567890123456789012345677' } }, true], // exact, beyond doubles
    ['s > :v', { ':v': { S: 'hz' } }, true], // UTF-8 byte order: é (c3 a9) sorts after z
    ['high > :v', { ':v': { B: 'AQID' } }, true], // unsigned bytes: ff > 01
    ['n < :v', { ':v': { S: 'a' } }, false], // mixed types never order
    ['ss = :v', { ':v': { SS: ['b', 'a'] } }, true], // sets equal regardless of order
    ['m.kid.deep = :v', { ':v': { N: '3' } }, true],
    ['m.arr[0] = :v', { ':v': { N: '7' } }, true],
    ['l[2].k = :v', { ':v': { S: 'v' } }, true],
    ['l[9] = :v', { ':v': { S: 'x' } }, false],
    ['n BETWEEN :a AND :b', { ':a': { N: '10' }, ':b': { N: '11' } }, true],
    ['n BETWEEN :a AND :b', { ':a': { N: '11' }, ':b': { N: '12' } }, false],
    ['s BETWEEN :a AND :b', { ':a': { N: '1' }, ':b': { N: '2' } }, false],
    ['n IN (:a, :b)', { ':a': { S: '10' }, ':b': { N: '10' } }, true],
    ['n IN (:a)', { ':a': { S: '10' } }, false],
    ['attribute_exists(m.kid)', {}, true],
    ['attribute_exists(m.nope)', {}, false],
    ['attribute_not_exists(nope)', {}, true],
    ['attribute_exists(z)', {}, true], // NULL is a value
    ['attribute_type(ns, :t)', { ':t': { S: 'NS' } }, true],
    ['attribute_type(ns, :t)', { ':t': { S: 'SS' } }, false],
    ['begins_with(s, :p)', { ':p': { S: 'hé' } }, true],
    ['begins_with(b, :p)', { ':p': { B: 'AQI=' } }, true],
    ['begins_with(n, :p)', { ':p': { S: '1' } }, false],
    ['contains(s, :p)', { ':p': { S: 'll' } }, true],
    ['contains(ss, :p)', { ':p': { S: 'b' } }, true],
    ['contains(ns, :p)', { ':p': { N: '2.50' } }, true],
    ['contains(bs, :p)', { ':p': { B: 'Ag==' } }, true],
    ['contains(l, :p)', { ':p': { M: { k: { S: 'v' } } } }, true], // lists hold any element type
    ['contains(l, :p)', { ':p': { N: '2' } }, false],
    ['contains(b, :p)', { ':p': { B: 'AgM=' } }, true],
    ['size(s) = :n', { ':n': { N: '5' } }, true],
    ['size(emoji) = :n', { ':n': { N: '3' } }, true], // UTF-16 code units, as AWS answers
    ['size(b) = :n', { ':n': { N: '3' } }, true],
    ['size(ss) = :n', { ':n': { N: '2' } }, true],
    ['size(l) = :n', { ':n': { N: '3' } }, true],
    ['size(m) = :n', { ':n': { N: '2' } }, true],
    ['size(e) = :n', { ':n': { N: '0' } }, true],
    ['size(n) = :n', { ':n': { N: '2' } }, false], // numbers have no size
    ['size(t) <> :n', { ':n': { N: '1' } }, true],
    ['NOT n = :v', { ':v': { N: '10' } }, false],
    ['n = :v OR s = :v', { ':v': { N: '10' } }, true],
    ['n = :v AND s = :v', { ':v': { N: '10' } }, false],
  ];
  for (const [text, values, expected] of cases) {
    test(`${text} ${JSON.stringify(values)} -> ${expected}`, () => assert.equal(holds(text, values), expected));
  }
  test('no item: every attribute is missing', () => {
    const condition = resolveExpressions({ ConditionExpression: 'attribute_not_exists(id)' }, undefined, undefined).condition!;
    assert.equal(evaluateCondition(condition, undefined), true);
  });
});

describe('project', () => {
  function paths(text: string) {
    return resolveExpressions({ ProjectionExpression: text }, undefined, undefined).projection!;
  }
  const cases: [string, Item][] = [
    ['s, n', { s: item.s!, n: item.n! }],
    ['m.kid.deep', { m: { M: { kid: { M: { deep: { N: '3' } } } } } }],
    ['l[2], l[0]', { l: { L: [{ S: 'x' }, { M: { k: { S: 'v' } } }] } }],
    ['l[2].k, l[7]', { l: { L: [{ M: { k: { S: 'v' } } }] } }],
    ['nope, m.nope, s.x, l[1].y', {}],
    ['m.arr[0], m.kid', { m: { M: { arr: { L: [{ N: '7' }] }, kid: { M: { deep: { N: '3' } } } } } }],
  ];
  for (const [text, expected] of cases) test(text, () => assert.deepEqual(project(paths(text), item), expected));
});
