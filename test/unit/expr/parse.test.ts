/**
 * Parse-stage tables: input -> expected AST shape or DynamoDB's exact message. Messages come
 * from DynamoDB's recorded answers (dynalite's test suite, AWS error reports).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConditionKind } from '../../../src/expr/ast.js';
import { clearExpressionCache, expression_cache_capacity, expressionCacheStats, parseCondition, parseProjection, parseUpdate } from '../../../src/expr/parse.js';
import { validationMessage } from './helpers.js';

const filter = (text: string) => () => parseCondition(text, 'FilterExpression');
const update = (text: string) => () => parseUpdate(text);
const projection = (text: string) => () => parseProjection(text);

describe('syntax errors', () => {
  const cases: [() => unknown, string][] = [
    [() => parseCondition('foo', 'ConditionExpression'), 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "foo"'],
    [() => parseCondition('attribute_not_exists(', 'ConditionExpression'), 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("'],
    [() => parseCondition('attribute_type()', 'ConditionExpression'), 'Invalid ConditionExpression: Syntax error; token: ")", near: "()"'],
    [() => parseCondition('a = = b', 'ConditionExpression'), 'Invalid ConditionExpression: Syntax error; token: "=", near: "= = b"'],
    [() => parseCondition('__typename <> :t', 'ConditionExpression'), 'Invalid ConditionExpression: Syntax error; token: "_", near: "__"'],
    [() => parseCondition('GI-1-PK = :v', 'KeyConditionExpression'), 'Invalid KeyConditionExpression: Syntax error; token: "-", near: "GI-1"'],
    [filter('contains (themes, :theme'), 'Invalid FilterExpression: Syntax error; token: "<EOF>", near: ":theme"'],
    [filter('a > 4'), 'Invalid FilterExpression: Syntax error; token: "4", near: "> 4"'],
    [update('SET MyStr = myNum + 1'), 'Invalid UpdateExpression: Syntax error; token: "1", near: "+ 1"'],
    [update('SET MyStr = myNum Mystr2 myNum2'), 'Invalid UpdateExpression: Syntax error; token: "Mystr2", near: "myNum Mystr2 myNum2"'],
    [update('SET MyStr = my Num'), 'Invalid UpdateExpression: Syntax error; token: "Num", near: "my Num"'],
    [update('SET _123 = :val1'), 'Invalid UpdateExpression: Syntax error; token: "_", near: "SET _123"'],
    [update('SET path = VALUE 1'), 'Invalid UpdateExpression: Syntax error; token: "1", near: "VALUE 1"'],
    [update('SET NewAttr = {"NULL": true}'), 'Invalid UpdateExpression: Syntax error; token: "{", near: "= {""'],
    [update('ADD  SET #createdAt'), 'Invalid UpdateExpression: Syntax error; token: "SET", near: "ADD  SET #createdAt"'],
    [update('SET a = :v,'), 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ","'],
    [update('INVALID SYNTAX'), 'Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"'],
    [projection('l[a]'), 'Invalid ProjectionExpression: Syntax error; token: "a", near: "[a]"'],
    [projection('dummy-id'), 'Invalid ProjectionExpression: Syntax error; token: "-", near: "dummy-id"'],
    [projection('#AMZN_MAPPED_2021-03-03'), 'Invalid ProjectionExpression: Syntax error; token: "-", near: "#AMZN_MAPPED_2021-0"'],
  ];
  for (const [run, message] of cases) test(message, () => assert.equal(validationMessage(run), message));

  // dynalite's recorded syntax errors (DynamoDB answered "Syntax error; ..." for each).
  const conditions = [
    'things are not gonna be ok', 'attribute_exists(Pictures-RearView)', 'attribute_exists("Pictures.RearView")',
    'attribute_exists(Pictures..RearView)', 'attribute_exists(Pi#ctures.RearView)', 'attribute_exists(asdf[a])', 'a in b, c',
    'a > between', 'a in b', 'a in (b,c,)', '(a)between(b.(c.d))and(c)', '(a)between(b.c.d)and((c)', '#$.b > a',
    'a > :things.stuff', 'b[:a] > a', 'b[#_] > a', 'ü > a', '(a)between(b.c[4.5].#d)and(:a)', 'size(a).b > a',
    '(size(a)).b > a', 'size(a)[0] > a', '(size(a))[0] > a',
  ];
  for (const text of conditions) {
    test(`condition ${text}`, () => assert.match(validationMessage(filter(text)), /^Invalid FilterExpression: Syntax error; token: /));
  }
  const updates = [
    'whatever', 'set a', 'add a', 'delete a', 'set a=set', 'remove a = b', 'add a = b', 'delete a = b', 'delete a b',
    'delete a if_not_exist(b)', 'add abort b', 'add a if_not_exist(b)', 'remove a b', 'set a b', 'set :a = b', 'add :a b',
    'delete :a b', 'remove :a', 'set a = b / c', 'set a = b * c', 'set a[1] = "eight"', 'set a[1] = 1',
    'SET a = if_not_exist(a, 100)', 'SET if_not_exist(a, b) = a', 'set (a = (b + c))', 'set a = (b.c).d + e',
    'set a = (b.c)[0] + e', 'set a = b + c + d',
  ];
  for (const text of updates) {
    test(`update ${text}`, () => assert.match(validationMessage(update(text)), /^Invalid UpdateExpression: Syntax error; token: /));
  }
});

describe('map-independent errors and their precedence', () => {
  const cases: [() => unknown, string][] = [
    [() => parseCondition('', 'ConditionExpression'), 'Invalid ConditionExpression: The expression can not be empty;'],
    [update(''), 'Invalid UpdateExpression: The expression can not be empty;'],
    [projection(''), 'Invalid ProjectionExpression: The expression can not be empty;'],
    [filter(`a = :v${' '.repeat(4091)}`), 'Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: 4097'],
    [filter('a=a and a > ((views))'), 'Invalid FilterExpression: The expression has redundant parentheses;'],
    [filter('(a)between(((b.c)).d)and(c)'), 'Invalid FilterExpression: The expression has redundant parentheses;'],
    [filter('a > whatever((:things), ((a)))'), 'Invalid FilterExpression: The expression has redundant parentheses;'],
    [filter('a=a AND ((a=a AND a=a)) AND a=a'), 'Invalid FilterExpression: The expression has redundant parentheses;'],
    [filter('a=a OR ((a=a OR (a=a OR a=a)))'), 'Invalid FilterExpression: The expression has redundant parentheses;'],
    [filter('a=a and whatever((:things)) > a'), 'Invalid FilterExpression: Invalid function name; function: whatever'],
    [filter('attRIbute_exIsts((views), #a)'), 'Invalid FilterExpression: Invalid function name; function: attRIbute_exIsts'],
    [filter('a=a and attribute_exists((views), (#a)) > b'), 'Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: attribute_exists'],
    [filter('contains(:things, c) > b'), 'Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: contains'],
    [filter('size(contains(a, b)) > a'), 'Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: contains'],
    [filter('size(things)'), 'Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: size'],
    [filter('a between b and attribute_exists(things)'), 'Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: attribute_exists'],
    [filter('a in (b, attribute_exists(things))'), 'Invalid FilterExpression: The function is not allowed to be used this way in an expression; function: attribute_exists'],
    [filter('attribute_exists(views, #a)'), 'Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: views'],
    [filter(':a < abOrT'), 'Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: abOrT'],
    [filter('if_not_exists(a, :v) = b'), 'Invalid FilterExpression: The function is not allowed in a condition expression; function: if_not_exists'],
    [filter(`a IN (${Array.from({ length: 101 }, (_, i) => `:v${i}`).join(', ')})`), 'Invalid FilterExpression: The IN operator is provided with too many operands; number of operands: 101'],
    [filter('a[2147483648] = b'), 'Invalid FilterExpression: List index is not within the allowable range; index: [2147483648]'],
    [update(' set #c = :c set abOrt = true '), 'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: abOrt'],
    [update(' remove Absolute '), 'Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: Absolute'],
    [update('set #c = if_not_exist(:c) set c = d'), 'Invalid UpdateExpression: Invalid function name; function: if_not_exist'],
    [update('set a = size(b)'), 'Invalid UpdateExpression: The function is not allowed in an update expression; function: size'],
    [update('set a = #c set c = :d'), 'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;'],
    [update('remove #d set a = b remove e'), 'Invalid UpdateExpression: The "REMOVE" section can only be used once in an update expression;'],
    [update('add #d :e set a = b add e :f'), 'Invalid UpdateExpression: The "ADD" section can only be used once in an update expression;'],
    [update('delete #d :e set a = b delete #e :f'), 'Invalid UpdateExpression: The "DELETE" section can only be used once in an update expression;'],
    [update(`REMOVE ${Array.from({ length: 301 }, (_, i) => `a${i}`).join(',')}`), 'Invalid UpdateExpression: The expression contains too many operators; operator count: 301'],
    [projection('a, name'), 'Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name'],
  ];
  for (const [run, message] of cases) test(message, () => assert.equal(validationMessage(run), message));

  test('the size limit counts UTF-8 bytes', () => {
    // 4096 bytes exactly (é is two): past the size check, refused by the parser instead.
    const text = `a = :v AND b = :w${' '.repeat(4096 - 17 - 2)}é`;
    assert.equal(validationMessage(filter(text)), 'Invalid FilterExpression: Syntax error; token: "é", near: ":w é"'.replace(':w é', `:w${' '.repeat(4077)}é`));
    assert.equal(validationMessage(filter(`${text} `)), 'Invalid FilterExpression: Expression size has exceeded the maximum allowed size; expression size: 4097');
  });
});

describe('accepted expressions', () => {
  test('precedence: NOT binds tighter than AND, AND tighter than OR', () => {
    const ast = parseCondition('NOT a = :a AND b = :b OR c = :c', 'ConditionExpression');
    assert.equal(ast.kind, 'or');
    assert.ok(ast.kind === 'or' && ast.left.kind === 'and' && ast.left.left.kind === 'not');
  });
  test('keywords are case-insensitive; BETWEEN takes its own AND', () => {
    const ast = parseCondition('a between :x and :y And b iN (:z)', 'FilterExpression');
    assert.ok(ast.kind === 'and' && ast.left.kind === 'between' && ast.right.kind === 'in');
  });
  test('parenthesised operands and conditions', () => {
    for (const text of ['(a) between (b) and (c)', '(a = b)', '((a=a) OR (a=a))', '(a.b).c = :v', 'size((a)) > :n', 'attribute_exists(a)']) {
      assert.doesNotThrow(filter(text), text);
    }
  });
  test('document paths', () => {
    const ast = parseProjection('a.b[3].c, #n[0], x');
    assert.deepEqual(ast.paths[0]!.elements, [
      { kind: 'attribute', name: 'a' },
      { kind: 'attribute', name: 'b' },
      { kind: 'index', index: 3, text: '3' },
      { kind: 'attribute', name: 'c' },
    ]);
    assert.equal(ast.paths.length, 3);
  });
  test('update clauses in any order, each once', () => {
    const ast = parseUpdate('REMOVE b DELETE c :c ADD d :d, e :e SET f = :f, g = if_not_exists(g, :g) + :h, h = list_append(h, :l)');
    assert.deepEqual(ast.clauses, ['REMOVE', 'DELETE', 'ADD', 'SET']);
    assert.deepEqual(ast.actions.map((a) => a.kind), ['remove', 'delete', 'add', 'add', 'set', 'set', 'set']);
  });
  test('parenthesised sums on the right of SET', () => {
    for (const text of ['set b.c=((c[1])+(b.a))', 'set a = (b + c)', 'set a = (b) - (:c)']) assert.doesNotThrow(update(text), text);
  });
  test('hostile nesting is refused, not a crash', () => {
    assert.match(validationMessage(filter('('.repeat(4000))), /Syntax error/);
    assert.match(validationMessage(update(`set a = ${'list_append('.repeat(300)}`)), /Syntax error|size/);
  });
});

describe('parse cache', () => {
  test('hits and misses are counted; the cache is bounded', () => {
    clearExpressionCache();
    const kind: ConditionKind = 'ConditionExpression';
    parseCondition('a = :x', kind);
    parseCondition('a = :x', kind);
    assert.throws(() => parseCondition('a = ', kind));
    assert.throws(() => parseCondition('a = ', kind));
    const stats = expressionCacheStats();
    assert.equal(stats.hits, 2);
    assert.equal(stats.misses, 2);
    for (let i = 0; i < expression_cache_capacity + 10; i++) parseCondition(`a${i} = :x`, kind);
    assert.equal(expressionCacheStats().size, expression_cache_capacity);
  });
  test('the same text in two parameters is cached per parameter (messages name the parameter)', () => {
    assert.match(validationMessage(() => parseCondition('a =', 'ConditionExpression')), /^Invalid ConditionExpression/);
    assert.match(validationMessage(() => parseCondition('a =', 'FilterExpression')), /^Invalid FilterExpression/);
  });
});
