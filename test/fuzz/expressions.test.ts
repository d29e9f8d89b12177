/**
 * Fuzz: random and mutated expressions, with random names and values maps, through the real
 * request path (`handleDynamoRequest`, in-process) against a seeded table: UpdateItem (update and
 * condition expressions), PutItem and DeleteItem (conditions), GetItem (projections), Query (key
 * conditions, filters, projections, on the table and its indexes) and Scan (filters). Every answer
 * is a result, a ValidationException or a ConditionalCheckFailedException; never a crash, a hang
 * or a 500; and a refused request changes nothing (the touched item's stored JSON and the table's
 * count and size are compared before and after). A failure prints the seed, the case number and
 * the request.
 *
 *   DYNABASE_FUZZ_EXPRESSIONS=1000000 DYNABASE_FUZZ_SEED=1234 node --test dist/test/fuzz/expressions.test.js
 *
 * DYNABASE_FUZZ_EXPRESSIONS is the number of requests (default 100,000, as issue 3 requires).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ErrorName } from '../../src/errors.js';
import type { AttributeValue, Item } from '../../src/model/attribute-value.js';
import {
  attributeValue,
  checkAnswer,
  envNumber,
  envSeed,
  fuzz_table,
  Gen,
  openFuzzTarget,
  partition_keys,
  randomKey,
  seedTable,
  storedItem,
  tableFingerprint,
  type FuzzTarget,
} from './fuzz-kit.js';

const case_count = envNumber('DYNABASE_FUZZ_EXPRESSIONS', 100_000);
const seed = envSeed('DYNABASE_FUZZ_SEED');
/** Writes drift the table (deleted items, replaced items); put the seeded items back this often. */
const reseed_every_cases = 5_000;

let target: FuzzTarget;
before(async () => {
  target = await openFuzzTarget();
  await seedTable(target, new Gen(seed));
});
after(() => target.close());

// ---- expressions --------------------------------------------------------------------------------

/** Plain names, the table's key and index-key names, and reserved words (refused unless behind a placeholder). */
const plain_names = ['a', 'b', 'c', 'm', 'list1', 'x_1'];
const key_names = ['id', 'sk', 'g', 'l'];
const reserved_names = ['size', 'name', 'Status'];
const names = [...plain_names, ...key_names, ...reserved_names];

function attributeName(g: Gen): string {
  const r = g.int(100);
  return r < 80 ? g.pick(plain_names) : r < 95 ? g.pick(key_names) : g.pick(reserved_names);
}
const placeholders = ['#a', '#b', '#k', '#s', '#n', '#zz'];
const value_names = [':v', ':w', ':n', ':s', ':l', ':m', ':set', ':p', ':t'];
const functions = ['attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains', 'size', 'if_not_exists', 'list_append', 'nope'];
const comparators = ['=', '<>', '<', '<=', '>', '>='];
const junk = ['(', ')', '[', ']', ',', '.', '=', '<', '>', '+', '-', '"', "'", '$', '_', '0', '07', 'AND', 'OR', 'NOT', 'BETWEEN', 'IN', 'SET', 'REMOVE', 'ADD', 'DELETE', ' ', '\t', 'é', '😀', '#', ':', '\u0000'];

function path(g: Gen): string {
  let out = g.chance(0.3) ? g.pick(placeholders) : attributeName(g);
  for (let steps = g.chance(0.5) ? 0 : g.int(3); steps > 0; steps--) {
    out += g.chance(0.5) ? `[${g.chance(0.95) ? g.pick(['0', '1', '2', '10']) : '99999999999'}]` : `.${g.chance(0.3) ? g.pick(placeholders) : attributeName(g)}`;
  }
  return out;
}

function operand(g: Gen, depth: number): string {
  const r = g.int(10);
  if (r < 4 || depth > 3) return path(g);
  if (r < 7) return g.pick(value_names);
  if (r < 8) return `size(${operand(g, depth + 1)})`;
  if (r < 9) return `(${operand(g, depth + 1)})`;
  return `${g.pick(functions)}(${operand(g, depth + 1)}${g.chance(0.5) ? `, ${operand(g, depth + 1)}` : ''})`;
}

function condition(g: Gen, depth = 0): string {
  const r = g.int(10);
  if (depth < 3 && r < 2) return `${condition(g, depth + 1)} ${g.pick(['AND', 'OR', 'and', 'Or'])} ${condition(g, depth + 1)}`;
  if (depth < 3 && r < 3) return `NOT ${condition(g, depth + 1)}`;
  if (depth < 3 && r < 4) return `(${condition(g, depth + 1)})`;
  if (r < 7) return `${operand(g, depth)} ${g.pick(comparators)} ${operand(g, depth)}`;
  if (r < 8) return `${operand(g, depth)} BETWEEN ${operand(g, depth)} AND ${operand(g, depth)}`;
  if (r < 9) return `${operand(g, depth)} IN (${Array.from({ length: 1 + g.int(3) }, () => operand(g, depth)).join(', ')})`;
  return `${g.pick(functions)}(${Array.from({ length: 1 + g.int(3) }, () => operand(g, depth + 1)).join(', ')})`;
}

function setValue(g: Gen, depth = 0): string {
  const r = g.int(8);
  if (r < 3) return operand(g, 2);
  if (r < 5) return `${operand(g, 2)} ${g.pick(['+', '-'])} ${operand(g, 2)}`;
  if (depth < 2 && r < 6) return `if_not_exists(${path(g)}, ${setValue(g, depth + 1)})`;
  if (depth < 2 && r < 7) return `list_append(${setValue(g, depth + 1)}, ${setValue(g, depth + 1)})`;
  return `(${operand(g, 2)})`;
}

function updateExpression(g: Gen): string {
  const clauses: string[] = [];
  // Each clause once, as DynamoDB requires, except now and then.
  const kinds = ['SET', 'REMOVE', 'ADD', 'DELETE'].filter(() => g.chance(0.4));
  if (kinds.length === 0 || g.chance(0.05)) kinds.push(g.pick(['SET', 'set', 'REMOVE', 'ADD', 'DELETE']));
  for (const clause of kinds) {
    const actions = Array.from({ length: 1 + g.int(3) }, () => {
      switch (clause) {
        case 'SET':
        case 'set':
          return `${path(g)} = ${setValue(g)}`;
        case 'REMOVE':
          return path(g);
        default:
          return `${path(g)} ${g.pick(value_names)}`;
      }
    });
    clauses.push(`${clause} ${actions.join(', ')}`);
  }
  return clauses.join(' ');
}

/** A well-formed update on plain attributes: most get past validation and write the item. */
function plainUpdate(g: Gen): string {
  let out = `SET ${g.pick(plain_names)} = ${g.pick([':v', ':n', 'if_not_exists(c, :n)', `${g.pick(plain_names)} + :n`, 'list_append(:l, :l)', `list_append(if_not_exists(list1, :l), :l)`])}`;
  if (g.chance(0.4)) out += ` REMOVE ${g.pick(plain_names)}${g.chance(0.3) ? '[0]' : ''}`;
  if (g.chance(0.3)) out += ` ADD ${g.pick(['x_1', 'b'])} ${g.pick([':n', ':set'])}`;
  if (g.chance(0.2)) out += ` DELETE ${g.pick(['c', 'm'])} :set`;
  return out;
}

/** Mostly well-formed key conditions on the table or an index, sometimes any condition at all. */
function keyCondition(g: Gen): string {
  if (g.chance(0.15)) return condition(g);
  const hash = g.pick(['id', 'id', '#k', 'g', 'a', 'sk']);
  let out = g.chance(0.8) ? `${hash} = :p` : `:p = ${hash}`;
  if (g.chance(0.6)) {
    const range = g.pick(['sk', 'sk', '#s', 'l', 'id', 'b']);
    out += ` AND ${g.pick([
      `${range} ${g.pick(comparators)} :v`,
      `${range} BETWEEN :v AND :w`,
      `begins_with(${range}, :s)`,
      `${range} IN (:v, :w)`,
      `(${range} > :v)`,
      `${range} = :v AND ${range} = :w`,
    ])}`;
  }
  return out;
}

function projection(g: Gen): string {
  return Array.from({ length: 1 + g.int(4) }, () => path(g)).join(g.chance(0.9) ? ', ' : ' ');
}

function mutate(g: Gen, text: string): string {
  let out = text;
  for (let edits = 1 + g.int(3); edits > 0; edits--) {
    const at = g.int(out.length + 1);
    switch (g.int(5)) {
      case 0: // delete a span
        out = out.slice(0, at) + out.slice(at + 1 + g.int(4));
        break;
      case 1: // insert junk
        out = out.slice(0, at) + g.pick(junk) + out.slice(at);
        break;
      case 2: // replace a character
        out = out.slice(0, at) + String.fromCharCode(32 + g.int(95)) + out.slice(at + 1);
        break;
      case 3: // duplicate a span
        out = out.slice(0, at) + out.slice(at, at + g.int(8)) + out.slice(at);
        break;
      default: // a long or deeply nested expression (DynamoDB caps expressions at 4 KB)
        if (out.length > 1000) break;
        // Rarely deep: a parse of 1,000 nested parentheses takes ~15 ms (the parser's bounded
        // backtracking), which would dominate the run.
        if (g.chance(0.05)) out = `${'('.repeat(200 + g.int(2000))}${out}${')'.repeat(200 + g.int(2000))}`;
        else out = Array.from({ length: 5 + g.int(20) }, () => out).join(g.pick([' AND ', ', ', ' ']));
    }
  }
  return out;
}

function maybeMutated(g: Gen, text: string): string {
  return g.chance(0.3) ? mutate(g, text) : text;
}

// ---- names and values maps ----------------------------------------------------------------------

/** Value names whose values steer the key condition toward real partitions and sort keys. */
function valueFor(g: Gen, name: string): AttributeValue {
  if (name === ':p' && g.chance(0.8)) return { S: g.pick(partition_keys) };
  if ((name === ':v' || name === ':w') && g.chance(0.4)) return { N: g.pick(['-2', '0', '1', '1.5', '1000']) };
  if (name === ':n' && g.chance(0.6)) return { N: g.pick(['1', '-3', '0.5', '1e10']) };
  if (name === ':l' && g.chance(0.6)) return { L: [attributeValue(g, 1, true)] };
  if (name === ':t' && g.chance(0.7)) return { S: g.pick(['S', 'N', 'B', 'L', 'M', 'SS', 'NS', 'BS', 'NULL', 'BOOL', 'X']) };
  if (name === ':set' && g.chance(0.6)) return g.pick<AttributeValue>([{ SS: ['a', 'x'] }, { NS: ['1', '2'] }, { BS: ['AQ=='] }]);
  // Valid at the JSON-type level (a bad base64 string would be a SerializationException, which
  // is the request-body fuzzer's business), and sometimes invalid for DynamoDB.
  if (g.chance(0.03)) return g.pick<unknown>([{}, { SS: [] }, { N: 'x' }, { S: 'a', N: '1' }, { NS: ['1', '1.0'] }, { N: '1e126' }]) as AttributeValue;
  return attributeValue(g, 0, true);
}

/**
 * The maps for a request: mostly exactly the placeholders its expressions use (so many cases get
 * past resolution), sometimes one missing, one unused, an invalid name, or an empty map.
 */
function attachMaps(g: Gen, body: Record<string, unknown>, texts: readonly string[]): void {
  const text = texts.join(' ');
  const usedNames = new Set(text.match(/#[A-Za-z0-9_]*/g) ?? []);
  const usedValues = new Set(text.match(/:[A-Za-z0-9_]*/g) ?? []);
  if (usedNames.size > 0 || g.chance(0.03)) {
    const map: Record<string, string> = {};
    for (const name of usedNames) if (g.chance(0.98)) map[name] = name === '#k' ? 'id' : name === '#s' ? 'sk' : g.chance(0.97) ? g.pick(names) : g.pick(['a.b', '', '[0]', 'é', 'with space']);
    if (g.chance(0.03)) map[g.pick(placeholders)] = 'unused';
    if (g.chance(0.01)) map[g.pick(['bad', '#', '#a b', ''])] = 'a';
    body['ExpressionAttributeNames'] = map;
  }
  if (usedValues.size > 0 || g.chance(0.03)) {
    const map: Record<string, unknown> = {};
    for (const name of usedValues) if (g.chance(0.98)) map[name] = valueFor(g, name);
    if (g.chance(0.03)) map[g.pick(value_names)] = valueFor(g, ':x');
    if (g.chance(0.01)) map[g.pick(['bad', ':', ':a b'])] = { S: 'a' };
    body['ExpressionAttributeValues'] = map;
  }
}

// ---- requests -----------------------------------------------------------------------------------

interface Request {
  readonly operation: string;
  readonly body: Record<string, unknown>;
  /** The item a write may touch: its stored JSON must not change when the write is refused. */
  readonly touched: Item | undefined;
}

function randomItem(g: Gen, key: Item): Record<string, unknown> {
  const item: Record<string, unknown> = { ...key };
  for (let i = g.int(5); i > 0; i--) item[g.pick(['a', 'b', 'c', 'm', 'list1', 'x_1'])] = valueFor(g, ':x');
  if (g.chance(0.3)) item['g'] = { S: 'ga' };
  return item;
}

function request(g: Gen): Request {
  const key = randomKey(g);
  const r = g.int(20);
  if (r < 7) {
    const update = g.chance(0.3) ? plainUpdate(g) : maybeMutated(g, updateExpression(g));
    const body: Record<string, unknown> = { TableName: fuzz_table, Key: key, UpdateExpression: update, ReturnValues: g.pick(['NONE', 'ALL_NEW', 'UPDATED_OLD', 'UPDATED_NEW', 'ALL_OLD']) };
    const texts = [update];
    if (g.chance(0.3)) texts.push((body['ConditionExpression'] = maybeMutated(g, condition(g))) as string);
    attachMaps(g, body, texts);
    return { operation: 'UpdateItem', body, touched: key };
  }
  if (r < 10) {
    const operation = g.chance(0.6) ? 'PutItem' : 'DeleteItem';
    const conditionText = maybeMutated(g, condition(g));
    const body: Record<string, unknown> = { TableName: fuzz_table, ConditionExpression: conditionText, ReturnValuesOnConditionCheckFailure: g.pick(['NONE', 'ALL_OLD']) };
    if (operation === 'PutItem') body['Item'] = randomItem(g, key);
    else body['Key'] = key;
    attachMaps(g, body, [conditionText]);
    return { operation, body, touched: key };
  }
  if (r < 12) {
    const projectionText = maybeMutated(g, projection(g));
    const body: Record<string, unknown> = { TableName: fuzz_table, Key: key, ProjectionExpression: projectionText, ConsistentRead: g.chance(0.5) };
    attachMaps(g, body, [projectionText]);
    return { operation: 'GetItem', body, touched: undefined };
  }
  if (r < 17) {
    const keyText = maybeMutated(g, keyCondition(g));
    const body: Record<string, unknown> = { TableName: fuzz_table, KeyConditionExpression: keyText, ScanIndexForward: g.chance(0.5) };
    const texts = [keyText];
    if (g.chance(0.3)) body['IndexName'] = g.pick(['byG', 'byL', 'nope']);
    if (g.chance(0.5)) texts.push((body['FilterExpression'] = maybeMutated(g, condition(g))) as string);
    if (g.chance(0.3)) texts.push((body['ProjectionExpression'] = maybeMutated(g, projection(g))) as string);
    if (g.chance(0.3)) body['Limit'] = 1 + g.int(4);
    attachMaps(g, body, texts);
    return { operation: 'Query', body, touched: undefined };
  }
  const filterText = maybeMutated(g, condition(g));
  const body: Record<string, unknown> = { TableName: fuzz_table, FilterExpression: filterText };
  const texts = [filterText];
  if (g.chance(0.3)) texts.push((body['ProjectionExpression'] = maybeMutated(g, projection(g))) as string);
  if (g.chance(0.5)) body['Limit'] = 1 + g.int(10);
  attachMaps(g, body, texts);
  return { operation: 'Scan', body, touched: undefined };
}

// ---- the test -----------------------------------------------------------------------------------

function messageOf(json: unknown): string {
  const message = (json as Record<string, unknown>)['message'];
  return typeof message === 'string' ? message : '';
}

const accepted_errors: ReadonlySet<ErrorName> = new Set<ErrorName>(['ValidationException', 'ConditionalCheckFailedException']);

test(`fuzz: ${case_count} random and mutated expressions through the request path (seed ${seed})`, async (t) => {
  const g = new Gen(seed ^ 0xe4e4);
  const outcomes = new Map<string, number>();
  const refusals = new Map<string, number>();
  let calls_ms = 0;
  const started = performance.now();
  for (let i = 0; i < case_count; i++) {
    if (i > 0 && i % reseed_every_cases === 0) await seedTable(target, g);
    const { operation, body, touched } = request(g);
    const text = JSON.stringify(body);
    const itemBefore = touched === undefined ? undefined : storedItem(target, touched);
    const tableBefore = tableFingerprint(target);
    let problem: string | undefined;
    let answerText = '';
    try {
      const answer = await target.call(operation, text);
      calls_ms += answer.elapsed_ms;
      answerText = answer.text;
      const error = checkAnswer(answer);
      const outcome = `${operation} ${error ?? 200}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (error === 'ValidationException') {
        const reason = `${operation}: ${messageOf(answer.json).replace(/"[^"]*"|\d+/g, '').slice(0, 70)}`;
        refusals.set(reason, (refusals.get(reason) ?? 0) + 1);
      }
      if (error !== undefined) {
        if (!accepted_errors.has(error)) problem = `answered ${error}`;
        else if (touched !== undefined && storedItem(target, touched) !== itemBefore) problem = `refused with ${error} but the item changed`;
        else if (tableFingerprint(target) !== tableBefore) problem = `refused with ${error} but the table changed`;
      }
    } catch (failure) {
      problem = (failure as Error).message;
    }
    if (problem !== undefined) {
      assert.fail(`case ${i} with DYNABASE_FUZZ_SEED=${seed}: ${problem}\nrequest: ${operation} ${text.length > 3000 ? `${text.slice(0, 3000)}...` : text}\nanswer: ${answerText.slice(0, 500)}`);
    }
  }
  const total_ms = performance.now() - started;
  t.diagnostic([...outcomes].sort().map(([name, n]) => `${name}: ${n}`).join(', '));
  t.diagnostic(`commonest refusals: ${[...refusals].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([reason, n]) => `${reason} (${n})`).join('; ')}`);
  t.diagnostic(`${case_count} requests in ${total_ms.toFixed(0)} ms, ${((calls_ms * 1000) / Math.max(case_count, 1)).toFixed(0)} µs per call on average`);
  // Every action must see both outcomes, or the generator exercises nothing there.
  if (case_count >= 10_000) {
    for (const operation of ['UpdateItem', 'PutItem', 'DeleteItem', 'GetItem', 'Query', 'Scan']) {
      assert.ok((outcomes.get(`${operation} 200`) ?? 0) > 0, `${operation}: no request succeeded`);
      assert.ok((outcomes.get(`${operation} ValidationException`) ?? 0) > 0, `${operation}: no request was refused`);
    }
  }
});
