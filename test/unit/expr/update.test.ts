/** Update application tables: item x update -> new item or DynamoDB's message. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { project } from '../../../src/expr/projection.js';
import { resolveExpressions } from '../../../src/expr/resolve.js';
import { applyUpdate, checkKeyAttributesNotUpdated } from '../../../src/expr/update.js';
import type { Item } from '../../../src/model/attribute-value.js';
import { validationMessage } from './helpers.js';

function run(item: Item, text: string, values?: Record<string, unknown>, names?: Record<string, string>) {
  const update = resolveExpressions({ UpdateExpression: text }, names, values).update!;
  return applyUpdate(update, item);
}

const key: Item = { id: { S: 'k' } };

describe('applyUpdate', () => {
  const base: Item = {
    id: { S: 'k' },
    n: { N: '5' },
    s: { S: 'x' },
    l: { L: [{ N: '0' }, { N: '1' }, { N: '2' }, { N: '3' }] },
    m: { M: { a: { N: '1' }, b: { L: [] } } },
    ss: { SS: ['a', 'b'] },
    ns: { NS: ['1', '2'] },
  };
  const cases: [string, Record<string, unknown> | undefined, Partial<Record<string, unknown>>][] = [
    ['SET n = n + :one', { ':one': { N: '1' } }, { n: { N: '6' } }],
    ['SET n = :a - n', { ':a': { N: '0.5' } }, { n: { N: '-4.5' } }],
    ['SET x = if_not_exists(x, :v), s = if_not_exists(s, :v)', { ':v': { S: 'new' } }, { x: { S: 'new' }, s: { S: 'x' } }],
    ['SET l = list_append(l, :v)', { ':v': { L: [{ S: 'end' }] } }, { l: { L: [{ N: '0' }, { N: '1' }, { N: '2' }, { N: '3' }, { S: 'end' }] } }],
    ['SET l = list_append(:v, l)', { ':v': { L: [{ S: 'start' }] } }, { l: { L: [{ S: 'start' }, { N: '0' }, { N: '1' }, { N: '2' }, { N: '3' }] } }],
    ['SET l[1] = :v', { ':v': { S: 'one' } }, { l: { L: [{ N: '0' }, { S: 'one' }, { N: '2' }, { N: '3' }] } }],
    ['SET l[10] = :v, l[7] = :w', { ':v': { S: 'ten' }, ':w': { S: 'seven' } }, { l: { L: [{ N: '0' }, { N: '1' }, { N: '2' }, { N: '3' }, { S: 'seven' }, { S: 'ten' }] } }],
    ['REMOVE l[1], l[2], l[9]', undefined, { l: { L: [{ N: '0' }, { N: '3' }] } }],
    ['REMOVE m.a, m.nope, nope', undefined, { m: { M: { b: { L: [] } } } }],
    ['SET m.c.d = :v', undefined, {}], // placeholder, replaced below by an error case
    ['SET m.b[0] = :v', { ':v': { N: '9' } }, { m: { M: { a: { N: '1' }, b: { L: [{ N: '9' }] } } } }],
    ['ADD n :v', { ':v': { N: '-5' } }, { n: { N: '0' } }],
    ['ADD fresh :v', { ':v': { N: '3' } }, { fresh: { N: '3' } }],
    ['ADD ss :v', { ':v': { SS: ['b', 'c'] } }, { ss: { SS: ['a', 'b', 'c'] } }],
    ['ADD newset :v', { ':v': { NS: ['7'] } }, { newset: { NS: ['7'] } }],
    ['DELETE ns :v', { ':v': { NS: ['2', '3'] } }, { ns: { NS: ['1'] } }],
    ['DELETE ss :v', { ':v': { SS: ['a', 'b'] } }, { ss: undefined }], // an emptied set removes the attribute
    ['DELETE nope :v', { ':v': { SS: ['a'] } }, {}],
  ];
  for (const [text, values, changes] of cases) {
    if (text === 'SET m.c.d = :v') continue;
    test(text, () => {
      const result = run(base, text, values);
      const expected: Record<string, unknown> = { ...base };
      for (const [name, value] of Object.entries(changes)) {
        if (value === undefined) delete expected[name];
        else expected[name] = value;
      }
      assert.deepEqual(result.item, expected);
    });
  }

  test('right-hand sides read the item as it was before the update', () => {
    const result = run({ id: { S: 'k' }, a: { N: '1' }, b: { N: '2' } }, 'SET a = b, b = a');
    assert.deepEqual(result.item, { id: { S: 'k' }, a: { N: '2' }, b: { N: '1' } });
  });

  test('the input item is not modified', () => {
    const frozen = structuredClone(base);
    run(base, 'SET m.a = :v REMOVE l[0] ADD ss :s', { ':v': { N: '2' }, ':s': { SS: ['z'] } });
    assert.deepEqual(base, frozen);
  });

  test('a new item starts from its key (dynalite: set b = if_not_exists(b, a) on a new item)', () => {
    const result = run(key, 'SET b = if_not_exists(b, id)');
    assert.deepEqual(result.item, { id: { S: 'k' }, b: { S: 'k' } });
  });

  test('updated paths give ReturnValues UPDATED_OLD and UPDATED_NEW (dynalite\'s recorded answer)', () => {
    const start = run(key, 'set b = :b, c = :c', {
      ':b': { M: { a: { N: '1' }, b: { N: '2' }, c: { N: '3' } } },
      ':c': { L: [{ N: '1' }, { N: '3' }] },
    }).item;
    const result = run(start, 'set b.c=((c[1])+(b.a)),b.a = id,c[1] = id, c[4] = b.a - b.b, c[2] = b.c add c[8] :b, c[6] :a', {
      ':a': { N: '2' },
      ':b': { SS: ['a'] },
    });
    assert.deepEqual(result.item, {
      id: { S: 'k' },
      b: { M: { a: { S: 'k' }, b: { N: '2' }, c: { N: '4' } } },
      c: { L: [{ N: '1' }, { S: 'k' }, { N: '3' }, { N: '-1' }, { N: '2' }, { SS: ['a'] }] },
    });
    assert.deepEqual(project(result.updatedPaths, result.item), {
      b: { M: { a: { S: 'k' }, c: { N: '4' } } },
      c: { L: [{ S: 'k' }, { N: '3' }, { N: '2' }] },
    });
  });

  test('arithmetic is exact to 38 digits, with DynamoDB\'s overflow error', () => {
    const result = run({ ...key, n: { N: '0.1' } }, 'SET n = n + :v', { ':v': { N: '0.2' } });
    assert.deepEqual(result.item.n, { N: '0.3' });
    assert.match(
      validationMessage(() =>
        run(key, 'SET n = :v + :v', { ':v': { N: '9.9999999999999999999999999999999999999E+125' } }),
      ),
      /^Number overflow/,
    );
  });
});

describe('applyUpdate errors', () => {
  const stored: Item = { id: { S: 'k' }, b: { S: 'a' }, c: { M: { 1: { S: 'a' } } }, d: { L: [{ S: 'a' }, { S: 'b' }] }, nset: { NS: ['1'] } };
  const invalidPath = 'The document path provided in the update expression is invalid for update';
  const cases: [string, Record<string, unknown> | undefined, string][] = [
    ['set x = nope', undefined, 'The provided expression refers to an attribute that does not exist in the item'],
    ['set x = list_append(b, nope)', undefined, 'The provided expression refers to an attribute that does not exist in the item'],
    ['set x = b + :n', { ':n': { N: '1' } }, 'An operand in the update expression has an incorrect data type'],
    ['set x = list_append(d, b)', undefined, 'An operand in the update expression has an incorrect data type'],
    ['add b :n', { ':n': { N: '1' } }, 'An operand in the update expression has an incorrect data type'],
    ['add nset :s', { ':s': { SS: ['1'] } }, 'An operand in the update expression has an incorrect data type'],
    ['delete nset :s', { ':s': { SS: ['1'] } }, 'An operand in the update expression has an incorrect data type'],
    ['delete c :s', { ':s': { NS: ['1'] } }, 'An operand in the update expression has an incorrect data type'],
    ['set b.a = :a', { ':a': { S: 'x' } }, invalidPath],
    ['set b[1] = :a', { ':a': { S: 'x' } }, invalidPath],
    ['set y.a = :a', { ':a': { S: 'x' } }, invalidPath],
    ['set y[1] = :a', { ':a': { S: 'x' } }, invalidPath],
    ['set c[1] = :a', { ':a': { S: 'x' } }, invalidPath],
    ['set d.x = :a', { ':a': { S: 'x' } }, invalidPath],
    ['remove y.a', undefined, invalidPath],
    ['remove d[5].a', undefined, invalidPath],
    ['delete d.x :a', { ':a': { SS: ['x'] } }, invalidPath],
    ['add c[1] :a', { ':a': { SS: ['x'] } }, invalidPath],
  ];
  for (const [text, values, expected] of cases) {
    test(`${text} -> ${expected}`, () => assert.equal(validationMessage(() => run(stored, text, values)), expected));
  }

  test('an update that makes the item larger than 400 KB is refused', () => {
    const big = 'x'.repeat(300 * 1024);
    const start = run(key, 'SET a = :v', { ':v': { S: big } }).item;
    assert.equal(
      validationMessage(() => run(start, 'SET b = :v', { ':v': { S: big } })),
      'Item size to update has exceeded the maximum allowed size',
    );
  });
});

describe('checkKeyAttributesNotUpdated', () => {
  const cases: [string, Record<string, unknown> | undefined, string][] = [
    ['add a.b :a', { ':a': { N: '1' } }, 'a'],
    ['remove d set b = :a, a = :a', { ':a': { N: '1' } }, 'a'],
    ['delete b :a remove a', { ':a': { NS: ['1'] } }, 'a'],
    ['set a = a.b + a[1]', undefined, 'a'],
    ['set d[1] = :a add r.b :a', { ':a': { N: '1' } }, 'r'],
  ];
  for (const [text, values, attribute] of cases) {
    test(text, () => {
      const update = resolveExpressions({ UpdateExpression: text }, undefined, values).update!;
      assert.equal(
        validationMessage(() => checkKeyAttributesNotUpdated(update, ['a', 'r'])),
        `One or more parameter values were invalid: Cannot update attribute ${attribute}. This attribute is part of the key`,
      );
    });
  }
  test('reading a key attribute is fine', () => {
    const update = resolveExpressions({ UpdateExpression: 'set x = a' }, undefined, undefined).update!;
    assert.doesNotThrow(() => checkKeyAttributesNotUpdated(update, ['a']));
  });
});
