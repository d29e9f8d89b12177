/**
 * Parsing with DynamoDB's map-independent checks, cached by expression text.
 *
 * DynamoDB reports the errors it can find without ExpressionAttributeNames/Values before the
 * ones that need them, in a fixed order per expression type (dynalite's tests record them):
 *   condition:  empty > size > syntax > list index range > redundant parentheses
 *               > unknown function (or an update function) > function used the wrong way
 *               > reserved word > too many IN operands
 *   update:     empty > size > syntax > list index range > reserved word
 *               > unknown function (or a condition function) > clause used twice
 *               > too many operators
 *   projection: empty > size > syntax > list index range > reserved word
 * Everything here depends only on the text, so the outcome (AST or message) is cached.
 */
import { assertNever, validationError, type DynamoError } from '../errors.js';
import { max_expression_bytes, max_in_operands, max_update_operators } from '../limits.js';
import { utf8Length } from '../model/item-size.js';
import type {
  ConditionKind,
  ConditionNode,
  ExpressionKind,
  FunctionNode,
  OperandNode,
  PathNode,
  ProjectionNode,
  UpdateClause,
  UpdateNode,
} from './ast.js';
import { LruCache } from './lru-cache.js';
import { parseConditionSyntax, parseProjectionSyntax, parseUpdateSyntax, type ParseResult } from './parser.js';
import { isReservedWord } from './reserved-words.js';

/** The functions of condition expressions and how many operands each takes. */
export const condition_function_arity: ReadonlyMap<string, number> = new Map([
  ['attribute_exists', 1],
  ['attribute_not_exists', 1],
  ['attribute_type', 2],
  ['begins_with', 2],
  ['contains', 2],
  ['size', 1],
]);

/** The functions of update expressions (SET right-hand sides). */
export const update_function_arity: ReadonlyMap<string, number> = new Map([
  ['if_not_exists', 2],
  ['list_append', 2],
]);

/** Largest list index DynamoDB accepts in a document path (a Java int). */
const max_list_index = 2 ** 31 - 1;

export const empty_expression_message = 'The expression can not be empty;';

/**
 * Parsed expressions kept per process, per parser. The outcome depends only on the text (a
 * message names its parameter when thrown), so the key is the text as the request carried it: no
 * string is built to look an expression up.
 */
export const expression_cache_capacity = 1000;

type Outcome<T> = { readonly ast: T; readonly error?: undefined } | { readonly ast?: undefined; readonly error: string };

const condition_cache = new LruCache<string, Outcome<ConditionNode>>(expression_cache_capacity);
const update_cache = new LruCache<string, Outcome<UpdateNode>>(expression_cache_capacity);
const projection_cache = new LruCache<string, Outcome<ProjectionNode>>(expression_cache_capacity);
const caches: readonly LruCache<string, Outcome<unknown>>[] = [condition_cache, update_cache, projection_cache];

/** Hit and miss counters of the parse caches together, for the benchmark; `capacity` is their total. */
export function expressionCacheStats(): { hits: number; misses: number; size: number; capacity: number } {
  const sum = (figure: (cache: LruCache<string, Outcome<unknown>>) => number) => caches.reduce((total, cache) => total + figure(cache), 0);
  return { hits: sum((c) => c.hits), misses: sum((c) => c.misses), size: sum((c) => c.size), capacity: sum((c) => c.capacity) };
}

export function clearExpressionCache(): void {
  for (const cache of caches) cache.clear();
}

function cached<T>(cache: LruCache<string, Outcome<T>>, kind: ExpressionKind, text: string, compute: () => Outcome<T>): T {
  let outcome = cache.get(text);
  if (outcome === undefined) {
    outcome = compute();
    cache.set(text, outcome);
  }
  if (outcome.error !== undefined) throw invalidExpression(kind, outcome.error);
  return outcome.ast;
}

export function invalidExpression(kind: ExpressionKind, message: string): DynamoError {
  return validationError(`Invalid ${kind}: ${message}`);
}

/**
 * The checks every expression type starts with, in DynamoDB's order: empty, size, then the
 * grammar. The parse, or DynamoDB's message.
 */
function parseText<T>(text: string, parseSyntax: (text: string) => ParseResult<T> | string): ParseResult<T> | string {
  if (text === '') return empty_expression_message;
  // Cheap upper bound first: a UTF-16 string of n units has at most 3n UTF-8 bytes.
  if (text.length * 3 > max_expression_bytes) {
    const size = utf8Length(text);
    if (size > max_expression_bytes) return `Expression size has exceeded the maximum allowed size; expression size: ${size}`;
  }
  return parseSyntax(text);
}

// ---- shared walkers ------------------------------------------------------------------------

function pathProblem(path: PathNode, firstReserved: { word?: string }, firstIndex: { text?: string }): void {
  for (const element of path.elements) {
    if (element.kind === 'attribute') {
      if (firstReserved.word === undefined && isReservedWord(element.name)) firstReserved.word = element.name;
    } else if (element.kind === 'index') {
      if (firstIndex.text === undefined && (element.text.length > 10 || element.index > max_list_index)) {
        firstIndex.text = element.text;
      }
    }
  }
}

interface StaticFindings {
  reserved: { word?: string };
  index: { text?: string };
  unknownFunction?: string;
  misusedFunction?: string;
  tooManyIn?: number;
  operators: number;
}

function newFindings(): StaticFindings {
  return { reserved: {}, index: {}, operators: 0 };
}

function indexMessage(text: string): string {
  return `List index is not within the allowable range; index: [${text}]`;
}

function reservedMessage(word: string): string {
  return `Attribute name is a reserved keyword; reserved keyword: ${word}`;
}

// ---- conditions ----------------------------------------------------------------------------

/** Visits an operand in post-order; `asOperand` is false for a function used as a condition. */
function scanConditionOperand(node: OperandNode, findings: StaticFindings, asOperand: boolean): void {
  switch (node.kind) {
    case 'path':
      pathProblem(node, findings.reserved, findings.index);
      return;
    case 'value':
      return;
    case 'function':
      for (const arg of node.args) scanConditionOperand(arg, findings, true);
      scanConditionFunction(node, findings, asOperand);
      return;
    case 'arithmetic':
      // The condition parser never produces arithmetic.
      scanConditionOperand(node.left, findings, true);
      scanConditionOperand(node.right, findings, true);
      return;
    default:
      assertNever(node, 'operand');
  }
}

function scanConditionFunction(node: FunctionNode, findings: StaticFindings, asOperand: boolean): void {
  if (!condition_function_arity.has(node.name)) {
    findings.unknownFunction ??= update_function_arity.has(node.name)
      ? `The function is not allowed in a condition expression; function: ${node.name}`
      : `Invalid function name; function: ${node.name}`;
    return;
  }
  // size() is the only function that yields a value; the others only yield a truth value.
  if ((node.name === 'size') !== asOperand) {
    findings.misusedFunction ??= `The function is not allowed to be used this way in an expression; function: ${node.name}`;
  }
}

function scanCondition(node: ConditionNode, findings: StaticFindings): void {
  switch (node.kind) {
    case 'compare':
      scanConditionOperand(node.left, findings, true);
      scanConditionOperand(node.right, findings, true);
      return;
    case 'between':
      scanConditionOperand(node.operand, findings, true);
      scanConditionOperand(node.lower, findings, true);
      scanConditionOperand(node.upper, findings, true);
      return;
    case 'in':
      scanConditionOperand(node.operand, findings, true);
      for (const operand of node.list) scanConditionOperand(operand, findings, true);
      if (findings.tooManyIn === undefined && node.list.length > max_in_operands) findings.tooManyIn = node.list.length;
      return;
    case 'call':
      scanConditionOperand(node.call, findings, false);
      return;
    case 'and':
    case 'or':
      scanCondition(node.left, findings);
      scanCondition(node.right, findings);
      return;
    case 'not':
      scanCondition(node.operand, findings);
      return;
    default:
      assertNever(node, 'condition');
  }
}

function checkCondition(text: string): Outcome<ConditionNode> {
  const parsed = parseText(text, parseConditionSyntax);
  if (typeof parsed === 'string') return { error: parsed };
  const findings = newFindings();
  scanCondition(parsed.ast, findings);
  if (findings.index.text !== undefined) return { error: indexMessage(findings.index.text) };
  if (parsed.redundantParentheses) return { error: 'The expression has redundant parentheses;' };
  if (findings.unknownFunction !== undefined) return { error: findings.unknownFunction };
  if (findings.misusedFunction !== undefined) return { error: findings.misusedFunction };
  if (findings.reserved.word !== undefined) return { error: reservedMessage(findings.reserved.word) };
  if (findings.tooManyIn !== undefined) {
    return { error: `The IN operator is provided with too many operands; number of operands: ${findings.tooManyIn}` };
  }
  return { ast: parsed.ast };
}

/**
 * Parses a ConditionExpression, FilterExpression or KeyConditionExpression (one grammar; the
 * kind names the parameter in messages). Throws DynamoDB's ValidationException for every error
 * that does not depend on ExpressionAttributeNames/Values.
 */
export function parseCondition(text: string, kind: ConditionKind): ConditionNode {
  return cached(condition_cache, kind, text, () => checkCondition(text));
}

// ---- updates -------------------------------------------------------------------------------

function scanUpdateOperand(node: OperandNode, findings: StaticFindings): void {
  switch (node.kind) {
    case 'path':
      pathProblem(node, findings.reserved, findings.index);
      return;
    case 'value':
      return;
    case 'function':
      for (const arg of node.args) scanUpdateOperand(arg, findings);
      findings.operators++;
      if (findings.unknownFunction === undefined && !update_function_arity.has(node.name)) {
        findings.unknownFunction = condition_function_arity.has(node.name)
          ? `The function is not allowed in an update expression; function: ${node.name}`
          : `Invalid function name; function: ${node.name}`;
      }
      return;
    case 'arithmetic':
      scanUpdateOperand(node.left, findings);
      scanUpdateOperand(node.right, findings);
      findings.operators++;
      return;
    default:
      assertNever(node, 'operand');
  }
}

function checkUpdate(text: string): Outcome<UpdateNode> {
  const parsed = parseText(text, parseUpdateSyntax);
  if (typeof parsed === 'string') return { error: parsed };
  const findings = newFindings();
  const seen = new Set<UpdateClause>();
  let duplicate: UpdateClause | undefined;
  for (const clause of parsed.ast.clauses) {
    if (seen.has(clause)) duplicate ??= clause;
    seen.add(clause);
  }
  for (const action of parsed.ast.actions) {
    findings.operators++;
    pathProblem(action.path, findings.reserved, findings.index);
    if (action.kind === 'set') scanUpdateOperand(action.value, findings);
  }
  if (findings.index.text !== undefined) return { error: indexMessage(findings.index.text) };
  if (findings.reserved.word !== undefined) return { error: reservedMessage(findings.reserved.word) };
  if (findings.unknownFunction !== undefined) return { error: findings.unknownFunction };
  if (duplicate !== undefined) return { error: `The "${duplicate}" section can only be used once in an update expression;` };
  if (findings.operators > max_update_operators) {
    return { error: `The expression contains too many operators; operator count: ${findings.operators}` };
  }
  return { ast: parsed.ast };
}

/** Parses an UpdateExpression; throws DynamoDB's map-independent ValidationExceptions. */
export function parseUpdate(text: string): UpdateNode {
  return cached(update_cache, 'UpdateExpression', text, () => checkUpdate(text));
}

// ---- projections ---------------------------------------------------------------------------

function checkProjection(text: string): Outcome<ProjectionNode> {
  const parsed = parseText(text, parseProjectionSyntax);
  if (typeof parsed === 'string') return { error: parsed };
  const findings = newFindings();
  for (const path of parsed.ast.paths) pathProblem(path, findings.reserved, findings.index);
  if (findings.index.text !== undefined) return { error: indexMessage(findings.index.text) };
  if (findings.reserved.word !== undefined) return { error: reservedMessage(findings.reserved.word) };
  return { ast: parsed.ast };
}

/** Parses a ProjectionExpression; throws DynamoDB's map-independent ValidationExceptions. */
export function parseProjection(text: string): ProjectionNode {
  return cached(projection_cache, 'ProjectionExpression', text, () => checkProjection(text));
}
