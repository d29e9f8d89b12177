/**
 * Fuzz: random and mutated expressions, with random names and values maps, through parse,
 * resolve and evaluate. Every answer must be a result or a ValidationException; anything else
 * (a TypeError, a RangeError, an AssertionFailure) or a slow case fails the test, printing the
 * seed and case number that reproduce it.
 *
 *   EXPR_FUZZ_CASES=100000 EXPR_FUZZ_SEED=1234 node --test dist/test/unit/expr/fuzz.test.js
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DynamoError } from '../../../src/errors.js';
import { evaluateCondition } from '../../../src/expr/evaluate.js';
import { keyConditionTerms } from '../../../src/expr/key-condition.js';
import { project } from '../../../src/expr/projection.js';
import { resolveExpressions, type ExpressionTexts } from '../../../src/expr/resolve.js';
import { applyUpdate } from '../../../src/expr/update.js';
import type { AttributeValue, Item } from '../../../src/model/attribute-value.js';
import { Gen } from '../../helpers/seeded-random.js';

const case_count = Number(process.env['EXPR_FUZZ_CASES'] ?? 20_000);
const seed = Number(process.env['EXPR_FUZZ_SEED'] ?? Date.now() % 1_000_000_007);
/**
 * A case slower than this is treated as a hang. The worst inputs (4 KB of nesting) parse in tens
 * of milliseconds; the margin absorbs garbage-collection pauses on a busy machine.
 */
const max_case_ms = 1000;


// Mostly plain names; a few reserved words ('size', 'name', 'Status') to exercise that check.
const attribute_names = ['a', 'b', 'c', 'id', 'sk', 'list1', 'm', 'a', 'b', 'c', 'x_1', 'B2', 'size', 'name', 'Status'];
const placeholders = ['#a', '#b', '#n', '#k', '#zz', '#1'];
const value_names = [':v', ':w', ':n', ':s', ':l', ':m', ':set', ':x', ':t'];
const functions = ['attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains', 'size', 'if_not_exists', 'list_append', 'foo'];
const comparators = ['=', '<>', '<', '<=', '>', '>='];
const junk = ['(', ')', '[', ']', ',', '.', '=', '+', '-', '"', '$', '_', '0', '03', 'AND', 'OR', 'NOT', 'BETWEEN', 'IN', 'SET', 'REMOVE', 'ADD', 'DELETE', ' ', 'é', '#', ':'];

function path(g: Gen, depth = 0): string {
  let out = g.chance(0.3) ? g.pick(placeholders) : g.pick(attribute_names);
  const steps = g.int(3);
  for (let i = 0; i < steps && depth < 3; i++) {
    out += g.chance(0.5) ? `[${g.pick(['0', '1', '2', '10', '99999999999'])}]` : `.${g.chance(0.3) ? g.pick(placeholders) : g.pick(attribute_names)}`;
  }
  return out;
}

function operand(g: Gen, depth: number): string {
  const r = g.int(10);
  if (r < 4) return path(g);
  if (r < 7) return g.pick(value_names);
  if (r < 8 && depth < 3) return `size(${operand(g, depth + 1)})`;
  if (r < 9 && depth < 3) return `(${operand(g, depth + 1)})`;
  return `${g.pick(functions)}(${operand(g, depth + 1)}${g.chance(0.5) ? `, ${operand(g, depth + 1)}` : ''})`;
}

function condition(g: Gen, depth = 0): string {
  const r = g.int(10);
  if (depth < 3 && r < 2) return `${condition(g, depth + 1)} ${g.pick(['AND', 'OR', 'and'])} ${condition(g, depth + 1)}`;
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
  const count = 1 + g.int(3);
  for (let i = 0; i < count; i++) {
    const clause = g.pick(['SET', 'REMOVE', 'ADD', 'DELETE', 'set']);
    const actions = Array.from({ length: 1 + g.int(3) }, () => {
      switch (clause.toUpperCase()) {
        case 'SET':
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

function mutate(g: Gen, text: string): string {
  let out = text;
  const edits = 1 + g.int(3);
  for (let i = 0; i < edits; i++) {
    const at = g.int(out.length + 1);
    switch (g.int(4)) {
      case 0: // delete a span
        out = out.slice(0, at) + out.slice(at + 1 + g.int(4));
        break;
      case 1: // insert junk
        out = out.slice(0, at) + g.pick(junk) + out.slice(at);
        break;
      case 2: // replace a character
        out = out.slice(0, at) + String.fromCharCode(32 + g.int(95)) + out.slice(at + 1);
        break;
      default: // duplicate a span
        out = out.slice(0, at) + out.slice(at, at + g.int(8)) + out.slice(at);
    }
  }
  return out;
}

function value(g: Gen, depth = 0): AttributeValue {
  switch (g.int(depth < 2 ? 10 : 7)) {
    case 0:
      return { S: g.pick(['', 'a', 'abc', 'S', 'N', 'SS', 'é𝄞']) };
    case 1:
      return { N: g.pick(['0', '1', '-2.5', '1e10', '99999999999999999999999999999999999999', '1E-130', '9.9999999999999999999999999999999999999E+125']) };
    case 2:
      return { B: g.pick(['', 'AQID', '/w==']) };
    case 3:
      return { BOOL: g.chance(0.5) };
    case 4:
      return { NULL: true };
    case 5:
      return g.pick<AttributeValue>([{ SS: ['a', 'b'] }, { NS: ['1', '2'] }, { BS: ['AQ=='] }]);
    case 6:
      return { S: 'x' };
    case 7:
    case 8:
      return { L: Array.from({ length: g.int(3) }, () => value(g, depth + 1)) };
    default: {
      const map: Record<string, AttributeValue> = {};
      for (let i = g.int(3); i > 0; i--) map[g.pick(attribute_names)] = value(g, depth + 1);
      return { M: map };
    }
  }
}

function randomItem(g: Gen): Item {
  const item: Record<string, AttributeValue> = { id: { S: 'key' } };
  for (let i = g.int(6); i > 0; i--) item[g.pick(attribute_names)] = value(g);
  return item;
}

/**
 * Names and values maps for an expression: mostly exactly the placeholders it uses (so many cases
 * get past resolution), sometimes one missing, one extra, or an invalid key or value.
 */
function maps(g: Gen, input: ExpressionTexts): [Record<string, string> | undefined, Record<string, unknown> | undefined] {
  const text = Object.values(input).join(' ');
  const usedNames = new Set(text.match(/#[A-Za-z0-9_]+/g) ?? []);
  const usedValues = new Set(text.match(/:[A-Za-z0-9_]+/g) ?? []);
  let names: Record<string, string> | undefined;
  if (usedNames.size > 0 || g.chance(0.05)) {
    names = {};
    for (const name of usedNames) if (g.chance(0.97)) names[name] = g.pick([...attribute_names, '[3]', 'a.b', 'id']);
    if (g.chance(0.05)) names[g.pick(placeholders)] = 'extra';
    if (g.chance(0.02)) names['bad-key'] = 'x';
  }
  let values: Record<string, unknown> | undefined;
  if (usedValues.size > 0 || g.chance(0.05)) {
    values = {};
    for (const name of usedValues) {
      if (g.chance(0.97)) values[name] = name === ':t' ? { S: g.pick(['S', 'N', 'L', 'X']) } : value(g);
    }
    if (g.chance(0.05)) values[g.pick(value_names)] = value(g);
    if (g.chance(0.02)) values[':bad'] = g.pick([{}, { SS: [] }, { N: 'x' }, { S: 'a', N: '1' }]);
  }
  return [names, values];
}

function texts(g: Gen): ExpressionTexts {
  const r = g.int(10);
  const maybe = (text: string): string => (g.chance(0.4) ? mutate(g, text) : text);
  if (r < 3) return { ConditionExpression: maybe(condition(g)) };
  if (r < 5) return { UpdateExpression: maybe(updateExpression(g)), ...(g.chance(0.3) ? { ConditionExpression: maybe(condition(g)) } : {}) };
  if (r < 6) return { KeyConditionExpression: maybe(condition(g)) };
  if (r < 7) return { FilterExpression: maybe(condition(g)), ProjectionExpression: maybe(`${path(g)}, ${path(g)}`) };
  if (r < 8) return { ProjectionExpression: maybe(Array.from({ length: 1 + g.int(4) }, () => path(g)).join(', ')) };
  // Raw noise.
  const length = g.int(40);
  let noise = '';
  for (let i = 0; i < length; i++) noise += g.chance(0.7) ? g.pick(junk) : String.fromCharCode(g.int(0x3000));
  return { [g.pick(['ConditionExpression', 'UpdateExpression', 'ProjectionExpression', 'FilterExpression'])]: noise };
}

function runCase(g: Gen): { ok: number; refused: number; input: string } {
  const input = texts(g);
  const [names, values] = maps(g, input);
  const shown = JSON.stringify({ input, names, values });
  try {
    const resolved = resolveExpressions(input, names, values);
    const item = randomItem(g);
    if (resolved.condition) evaluateCondition(resolved.condition, item);
    if (resolved.filter) evaluateCondition(resolved.filter, g.chance(0.1) ? undefined : item);
    if (resolved.keyCondition) {
      evaluateCondition(resolved.keyCondition, item);
      keyConditionTerms(resolved.keyCondition);
    }
    if (resolved.projection) project(resolved.projection, item);
    if (resolved.update) {
      const result = applyUpdate(resolved.update, item);
      project(result.updatedPaths, result.item);
    }
    return { ok: 1, refused: 0, input: shown };
  } catch (error) {
    if (error instanceof DynamoError && error.errorName === 'ValidationException' && error.message.length > 0) return { ok: 0, refused: 1, input: shown };
    throw Object.assign(new Error(`unexpected ${String(error)} for ${JSON.stringify({ input, names, values })}`), { cause: error });
  }
}

test(`fuzz: ${case_count} random and mutated expressions (seed ${seed})`, (t) => {
  const g = new Gen(seed);
  let ok = 0;
  let refused = 0;
  for (let i = 0; i < case_count; i++) {
    const started = performance.now();
    let shown = '';
    try {
      const outcome = runCase(g);
      ok += outcome.ok;
      refused += outcome.refused;
      shown = outcome.input;
    } catch (error) {
      assert.fail(`case ${i} with EXPR_FUZZ_SEED=${seed}: ${(error as Error).message}\n${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).stack : ''}`);
    }
    const elapsed = performance.now() - started;
    if (elapsed > max_case_ms) assert.fail(`case ${i} with EXPR_FUZZ_SEED=${seed} took ${elapsed.toFixed(0)} ms: ${shown}`);
  }
  t.diagnostic(`${ok} results, ${refused} ValidationExceptions`);
  // The generator must exercise both outcomes, or it tests nothing.
  assert.ok(ok > case_count / 100, `only ${ok} cases succeeded`);
  assert.ok(refused > case_count / 100, `only ${refused} cases were refused`);
});
