/**
 * The resolver: checks parsed expressions against ExpressionAttributeNames and
 * ExpressionAttributeValues and produces the resolved forms of `resolved.ts`, with DynamoDB's
 * messages and DynamoDB's order of checks:
 *
 *  1. the maps themselves (empty maps, key syntax, each value's validity);
 *  2. each expression in the order UpdateExpression, ConditionExpression,
 *     KeyConditionExpression, FilterExpression, ProjectionExpression: its map-independent errors
 *     (`parse.ts`), then its map-dependent ones;
 *  3. names, then values, that no expression of the request used (DynamoDB checks usage over all
 *     of a request's expressions together).
 *
 * Map-dependent precedence, as DynamoDB answers (dynalite's tests record it):
 *  - conditions: the first elementary condition (comparison, BETWEEN, IN or function) that has
 *    any error decides; within it, an undefined name or value > wrong number of operands >
 *    operands not distinct > wrong operand type;
 *  - updates: undefined name > undefined value > overlapping paths > conflicting paths >
 *    ADD/DELETE operand type > function errors (operand count, path required, operand type);
 *  - projections: undefined name > overlapping paths > conflicting paths.
 */
import { typeOf, type AttributeType, type AttributeValue } from '../model/attribute-value.js';
import { compareBinary, compareStrings } from '../model/compare.js';
import { compareNumbers } from '../model/number.js';
import { validateAttributeValue } from '../model/validate-item.js';
import { assertNever, DynamoError, validationError } from '../errors.js';
import type {
  ConditionKind,
  ConditionNode,
  FunctionNode,
  OperandNode,
  PathNode,
  ProjectionNode,
  UpdateNode,
} from './ast.js';
import { condition_function_arity, invalidExpression, parseCondition, parseProjection, parseUpdate } from './parse.js';
import {
  formatPath,
  type DocumentPath,
  type ResolvedCondition,
  type ResolvedOperand,
  type ResolvedProjection,
  type ResolvedSetValue,
  type ResolvedUpdate,
  type ResolvedUpdateAction,
} from './resolved.js';

export type ExpressionAttributeNames = Readonly<Record<string, string>>;
/** Values as the client sent them; validated (and numbers made canonical) here. */
export type ExpressionAttributeValues = Readonly<Record<string, unknown>>;

/** The expression parameters of one request (absent ones undefined). */
export interface ExpressionTexts {
  readonly UpdateExpression?: string | undefined;
  readonly ConditionExpression?: string | undefined;
  readonly KeyConditionExpression?: string | undefined;
  readonly FilterExpression?: string | undefined;
  readonly ProjectionExpression?: string | undefined;
}

export interface ResolvedExpressions {
  readonly update?: ResolvedUpdate;
  readonly condition?: ResolvedCondition;
  readonly keyCondition?: ResolvedCondition;
  readonly filter?: ResolvedCondition;
  readonly projection?: ResolvedProjection;
}

const name_key_pattern = /^#[0-9a-zA-Z_]+$/;
const value_key_pattern = /^:[0-9a-zA-Z_]+$/;

/** The order DynamoDB lists types in the attribute_type messages (as AWS prints them). */
const any_type_text = '{NS,SS,L,BS,N,M,B,BOOL,NULL,S}';
const valid_types_text = '{B,NULL,SS,BOOL,L,BS,N,NS,S,M}';
const attribute_types: ReadonlySet<string> = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL']);

/** Names as DynamoDB spells value types in ADD/DELETE operand errors. */
const update_operand_type_names: Readonly<Record<string, string>> = {
  S: 'STRING',
  N: 'NUMBER',
  B: 'BINARY',
  NULL: 'NULL',
  BOOL: 'BOOLEAN',
  L: 'LIST',
  M: 'MAP',
};

class Context {
  readonly usedNames = new Set<string>();
  readonly usedValues = new Set<string>();
  constructor(
    readonly names: ExpressionAttributeNames | undefined,
    readonly values: Readonly<Record<string, AttributeValue>> | undefined,
  ) {}

  /** The attribute name a placeholder stands for, or undefined when it is not defined. */
  name(placeholder: string): string | undefined {
    const names = this.names;
    if (names === undefined || !Object.hasOwn(names, placeholder)) return undefined;
    this.usedNames.add(placeholder);
    return names[placeholder];
  }

  value(placeholder: string): AttributeValue | undefined {
    const values = this.values;
    if (values === undefined || !Object.hasOwn(values, placeholder)) return undefined;
    this.usedValues.add(placeholder);
    return values[placeholder];
  }
}

function undefinedName(name: string): string {
  return `An expression attribute name used in the document path is not defined; attribute name: ${name}`;
}

function undefinedValue(name: string): string {
  return `An expression attribute value used in expression is not defined; attribute value: ${name}`;
}

function operandCount(name: string, count: number): string {
  return `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${count}`;
}

function operandType(name: string, type: string): string {
  return `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`;
}

function requiresPath(name: string): string {
  return `Operator or function requires a document path; operator or function: ${name}`;
}

function notDistinct(operator: string, path: DocumentPath): string {
  return (
    'The first operand must be distinct from the remaining operands for this operator or function; ' +
    `operator: ${operator}, first operand: ${formatPath(path)}`
  );
}

function pathsEqual(a: DocumentPath, b: DocumentPath): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Renders a value as DynamoDB does in BETWEEN messages: `AttributeValue: {S:a}`. */
function renderValue(value: AttributeValue): string {
  const type = typeOf(value);
  const member = (value as Readonly<Record<string, unknown>>)[type];
  const text = Array.isArray(member) ? `[${member.join(', ')}]` : typeof member === 'object' ? JSON.stringify(member) : String(member);
  return `AttributeValue: {${type}:${text}}`;
}

/** Orders two values of one scalar type; undefined when the type has no order. */
function compareScalars(a: AttributeValue, b: AttributeValue): number | undefined {
  if ('S' in a && 'S' in b) return compareStrings(a.S, b.S);
  if ('N' in a && 'N' in b) return compareNumbers(a.N, b.N);
  if ('B' in a && 'B' in b) return compareBinary(a.B, b.B);
  return undefined;
}

// ---- paths ---------------------------------------------------------------------------------

/** Resolves a path; returns the first undefined placeholder as a string error instead. */
function resolvePath(node: PathNode, ctx: Context): DocumentPath | { readonly missing: string } {
  // Sized up front: a path grown by push starts with room for 16 elements.
  const elements = node.elements;
  const path: (string | number)[] = new Array<string | number>(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i]!;
    switch (element.kind) {
      case 'attribute':
        path[i] = element.name;
        break;
      case 'placeholder': {
        const name = ctx.name(element.name);
        if (name === undefined) return { missing: element.name };
        path[i] = name;
        break;
      }
      case 'index':
        path[i] = element.index;
        break;
      default:
        assertNever(element, 'path element');
    }
  }
  return path;
}

function isMissing(path: DocumentPath | { readonly missing: string }): path is { readonly missing: string } {
  return !Array.isArray(path);
}

/** How two paths of one expression relate: DynamoDB refuses overlap (prefix) and conflict. */
function pathRelation(a: DocumentPath, b: DocumentPath): 'overlap' | 'conflict' | undefined {
  const length = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < length; i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x !== typeof y) return 'conflict'; // a map key and a list index at one level
    if (x !== y) return undefined;
  }
  return 'overlap';
}

function overlapMessage(relation: 'overlap' | 'conflict', one: DocumentPath, two: DocumentPath): string {
  const verb = relation === 'overlap' ? 'overlap' : 'conflict';
  return (
    `Two document paths ${verb} with each other; must remove or rewrite one of these paths; ` +
    `path one: ${formatPath(one)}, path two: ${formatPath(two)}`
  );
}

/** Collects the first overlap and the first conflict among paths in the order given. */
class PathSet {
  private readonly paths: DocumentPath[] = [];
  overlap: string | undefined;
  conflict: string | undefined;

  add(path: DocumentPath): void {
    if (this.overlap !== undefined) return;
    for (const earlier of this.paths) {
      const relation = pathRelation(earlier, path);
      if (relation === 'overlap') {
        this.overlap = overlapMessage(relation, earlier, path);
        return;
      }
      if (relation === 'conflict') this.conflict ??= overlapMessage(relation, earlier, path);
    }
    this.paths.push(path);
  }
}

// ---- conditions ----------------------------------------------------------------------------

/** The errors of one elementary condition, first of each category. */
interface LeafErrors {
  nameOrValue?: string;
  operandCount?: string;
  distinct?: string;
  operandType?: string;
}

/** What the resolver knows of an operand's type before evaluation (values and size() only). */
function staticType(operand: ResolvedOperand): AttributeType | undefined {
  switch (operand.kind) {
    case 'value':
      return typeOf(operand.value);
    case 'size':
      return 'N';
    case 'path':
      return undefined;
    default:
      return assertNever(operand, 'operand');
  }
}

const placeholder_operand: ResolvedOperand = { kind: 'value', value: { NULL: true } };

class ConditionResolver {
  private errors: LeafErrors = {};

  constructor(
    private readonly ctx: Context,
    private readonly kind: ConditionKind,
  ) {}

  resolve(node: ConditionNode): ResolvedCondition {
    switch (node.kind) {
      case 'and':
      case 'or':
        return { kind: node.kind, left: this.resolve(node.left), right: this.resolve(node.right) };
      case 'not':
        return { kind: 'not', operand: this.resolve(node.operand) };
      case 'compare':
      case 'between':
      case 'in':
      case 'call':
        return this.leaf(node);
      default:
        return assertNever(node, 'condition');
    }
  }

  private leaf(node: Extract<ConditionNode, { kind: 'compare' | 'between' | 'in' | 'call' }>): ResolvedCondition {
    this.errors = {};
    const result = this.buildLeaf(node);
    const e = this.errors;
    const message = e.nameOrValue ?? e.operandCount ?? e.distinct ?? e.operandType;
    if (message !== undefined) throw invalidExpression(this.kind, message);
    return result;
  }

  private buildLeaf(node: Extract<ConditionNode, { kind: 'compare' | 'between' | 'in' | 'call' }>): ResolvedCondition {
    switch (node.kind) {
      case 'compare': {
        const left = this.operand(node.left);
        const right = this.operand(node.right);
        this.checkDistinct(node.operator, left, [right]);
        if (node.operator !== '=' && node.operator !== '<>') {
          this.checkOrderable(node.operator, left);
          this.checkOrderable(node.operator, right);
        }
        return { kind: 'compare', operator: node.operator, left, right };
      }
      case 'between': {
        const operand = this.operand(node.operand);
        const lower = this.operand(node.lower);
        const upper = this.operand(node.upper);
        this.checkBounds(lower, upper);
        return { kind: 'between', operand, lower, upper };
      }
      case 'in': {
        const operand = this.operand(node.operand);
        const list = node.list.map((item) => this.operand(item));
        this.checkDistinct('IN', operand, list);
        return { kind: 'in', operand, list };
      }
      case 'call':
        return this.call(node.call);
      default:
        return assertNever(node, 'condition');
    }
  }

  private operand(node: OperandNode): ResolvedOperand {
    switch (node.kind) {
      case 'path': {
        const path = resolvePath(node, this.ctx);
        if (isMissing(path)) {
          this.errors.nameOrValue ??= undefinedName(path.missing);
          return placeholder_operand;
        }
        return { kind: 'path', path };
      }
      case 'value': {
        const value = this.ctx.value(node.name);
        if (value === undefined) {
          this.errors.nameOrValue ??= undefinedValue(node.name);
          return placeholder_operand;
        }
        return { kind: 'value', value };
      }
      case 'function':
        // Only size() yields a value; the static checks refused any other function here.
        return this.size(node);
      case 'arithmetic':
        // Conditions have no arithmetic; the parser never builds it for them.
        return placeholder_operand;
      default:
        return assertNever(node, 'operand');
    }
  }

  private args(node: FunctionNode): ResolvedOperand[] | undefined {
    const args = node.args.map((arg) => this.operand(arg));
    const arity = condition_function_arity.get(node.name)!;
    if (args.length !== arity) {
      this.errors.operandCount ??= operandCount(node.name, args.length);
      return undefined;
    }
    if (args.length === 2) this.checkDistinct(node.name, args[0]!, [args[1]!]);
    return args;
  }

  private size(node: FunctionNode): ResolvedOperand {
    const args = this.args(node);
    if (args === undefined) return placeholder_operand;
    const type = staticType(args[0]!);
    if (type === 'N' || type === 'BOOL' || type === 'NULL') this.errors.operandType ??= operandType('size', type);
    return { kind: 'size', operand: args[0]! };
  }

  private call(node: FunctionNode): ResolvedCondition {
    const args = this.args(node);
    const never: ResolvedCondition = { kind: 'attribute_exists', path: [] };
    if (args === undefined) return never;
    const [first, second] = args as [ResolvedOperand, ResolvedOperand | undefined];
    switch (node.name) {
      case 'attribute_exists':
      case 'attribute_not_exists':
        if (first.kind !== 'path') {
          this.errors.operandType ??= requiresPath(node.name);
          return never;
        }
        return { kind: node.name, path: first.path };
      case 'attribute_type': {
        const type = staticType(second!);
        if (type !== 'S') {
          this.errors.operandType ??= operandType(node.name, type ?? any_type_text);
          return never;
        }
        const name = (second as { readonly value: { readonly S: string } }).value.S;
        if (!attribute_types.has(name)) {
          this.errors.operandType ??= `Invalid attribute type name found; type: ${name}, valid types: ${valid_types_text}`;
          return never;
        }
        return { kind: 'attribute_type', operand: first, type: name as AttributeType };
      }
      case 'begins_with':
        for (const arg of args) {
          const type = staticType(arg);
          if (type !== undefined && type !== 'S' && type !== 'B') {
            this.errors.operandType ??= operandType(node.name, type);
            return never;
          }
        }
        return { kind: 'begins_with', operand: first, prefix: second! };
      case 'contains':
        return { kind: 'contains', operand: first, element: second! };
      default:
        // size() used as a condition and unknown names were refused by the static checks.
        return never;
    }
  }

  private checkDistinct(operator: string, first: ResolvedOperand, rest: readonly ResolvedOperand[]): void {
    if (first.kind !== 'path' || this.errors.distinct !== undefined) return;
    for (const other of rest) {
      if (other.kind === 'path' && pathsEqual(first.path, other.path)) {
        this.errors.distinct = notDistinct(operator, first.path);
        return;
      }
    }
  }

  /** `<`, `<=`, `>`, `>=` order strings, numbers and binaries only. */
  private checkOrderable(operator: string, operand: ResolvedOperand): void {
    const type = staticType(operand);
    if (type !== undefined && type !== 'S' && type !== 'N' && type !== 'B') {
      this.errors.operandType ??= operandType(operator, type);
    }
  }

  private checkBounds(lower: ResolvedOperand, upper: ResolvedOperand): void {
    if (lower.kind !== 'value' || upper.kind !== 'value' || this.errors.operandType !== undefined) return;
    const bounds = `lower bound operand: ${renderValue(lower.value)}, upper bound operand: ${renderValue(upper.value)}`;
    if (typeOf(lower.value) !== typeOf(upper.value)) {
      this.errors.operandType = `The BETWEEN operator requires same data type for lower and upper bounds; ${bounds}`;
      return;
    }
    const order = compareScalars(lower.value, upper.value);
    if (order !== undefined && order > 0) {
      this.errors.operandType = `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ${bounds}`;
    }
  }
}

// ---- updates -------------------------------------------------------------------------------

interface UpdateErrors {
  name?: string;
  value?: string;
  operand?: string;
  function?: string;
}

class UpdateResolver {
  readonly errors: UpdateErrors = {};
  readonly paths = new PathSet();

  constructor(private readonly ctx: Context) {}

  path(node: PathNode): DocumentPath | undefined {
    const path = resolvePath(node, this.ctx);
    if (isMissing(path)) {
      this.errors.name ??= undefinedName(path.missing);
      return undefined;
    }
    return path;
  }

  value(name: string): AttributeValue | undefined {
    const value = this.ctx.value(name);
    if (value === undefined) this.errors.value ??= undefinedValue(name);
    return value;
  }

  resolve(node: UpdateNode): ResolvedUpdate {
    const actions: ResolvedUpdateAction[] = [];
    for (const action of node.actions) {
      const path = this.path(action.path);
      if (path !== undefined) this.paths.add(path);
      switch (action.kind) {
        case 'set': {
          const value = this.setValue(action.value);
          if (path !== undefined && value !== undefined) actions.push({ kind: 'set', path, value });
          break;
        }
        case 'remove':
          if (path !== undefined) actions.push({ kind: 'remove', path });
          break;
        case 'add':
        case 'delete': {
          const value = this.value(action.value.name);
          if (value === undefined) break;
          const type = typeOf(value);
          const allowed = type === 'SS' || type === 'NS' || type === 'BS' || (action.kind === 'add' && type === 'N');
          if (!allowed) {
            this.errors.operand ??=
              'Incorrect operand type for operator or function; ' +
              `operator: ${action.kind.toUpperCase()}, operand type: ${update_operand_type_names[type]}`;
          }
          if (path !== undefined) actions.push({ kind: action.kind, path, value });
          break;
        }
        default:
          assertNever(action, 'update action');
      }
    }
    const e = this.errors;
    const message = e.name ?? e.value ?? this.paths.overlap ?? this.paths.conflict ?? e.operand ?? e.function;
    if (message !== undefined) throw invalidExpression('UpdateExpression', message);
    return { actions, source: 'expression' };
  }

  /** The value type an operand is known to have (values only; DynamoDB checks no further). */
  private static immediateType(node: OperandNode, resolved: ResolvedSetValue | undefined): AttributeType | undefined {
    return node.kind === 'value' && resolved !== undefined && resolved.kind === 'value' ? typeOf(resolved.value) : undefined;
  }

  setValue(node: OperandNode): ResolvedSetValue | undefined {
    switch (node.kind) {
      case 'path': {
        const path = this.path(node);
        return path === undefined ? undefined : { kind: 'path', path };
      }
      case 'value': {
        const value = this.value(node.name);
        return value === undefined ? undefined : { kind: 'value', value };
      }
      case 'arithmetic': {
        const left = this.setValue(node.left);
        const right = this.setValue(node.right);
        for (const [operand, resolved] of [
          [node.left, left],
          [node.right, right],
        ] as const) {
          const type = UpdateResolver.immediateType(operand, resolved);
          if (type !== undefined && type !== 'N') this.errors.function ??= operandType(node.operator, type);
        }
        if (left === undefined || right === undefined) return undefined;
        return { kind: node.operator === '+' ? 'plus' : 'minus', left, right };
      }
      case 'function':
        return this.call(node);
      default:
        return assertNever(node, 'operand');
    }
  }

  private call(node: FunctionNode): ResolvedSetValue | undefined {
    const args = node.args.map((arg) => this.setValue(arg));
    if (args.length !== 2) {
      this.errors.function ??= operandCount(node.name, args.length);
      return undefined;
    }
    const [left, right] = args as [ResolvedSetValue | undefined, ResolvedSetValue | undefined];
    if (node.name === 'if_not_exists') {
      if (node.args[0]!.kind !== 'path') {
        this.errors.function ??= requiresPath(node.name);
        return undefined;
      }
      if (left === undefined || right === undefined || left.kind !== 'path') return undefined;
      return { kind: 'if_not_exists', path: left.path, fallback: right };
    }
    // list_append (the static checks refused every other name)
    for (let i = 0; i < 2; i++) {
      const type = UpdateResolver.immediateType(node.args[i]!, args[i]);
      if (type !== undefined && type !== 'L') this.errors.function ??= operandType(node.name, type);
    }
    if (left === undefined || right === undefined) return undefined;
    return { kind: 'list_append', left, right };
  }
}

// ---- projections ---------------------------------------------------------------------------

function resolveProjectionNode(node: ProjectionNode, ctx: Context): ResolvedProjection {
  const paths: DocumentPath[] = [];
  const set = new PathSet();
  let missing: string | undefined;
  for (const pathNode of node.paths) {
    const path = resolvePath(pathNode, ctx);
    if (isMissing(path)) {
      missing ??= undefinedName(path.missing);
      continue;
    }
    set.add(path);
    paths.push(path);
  }
  const message = missing ?? set.overlap ?? set.conflict;
  if (message !== undefined) throw invalidExpression('ProjectionExpression', message);
  return paths;
}

// ---- the request ---------------------------------------------------------------------------

function checkNames(names: ExpressionAttributeNames | undefined): void {
  if (names === undefined) return;
  let count = 0;
  for (const key in names) {
    count++;
    if (!name_key_pattern.test(key)) {
      throw validationError(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${key}"`);
    }
  }
  if (count === 0) throw validationError('ExpressionAttributeNames must not be empty');
}

function checkValues(values: ExpressionAttributeValues | undefined): Record<string, AttributeValue> | undefined {
  if (values === undefined) return undefined;
  const keys = Object.keys(values);
  if (keys.length === 0) throw validationError('ExpressionAttributeValues must not be empty');
  for (const key of keys) {
    if (!value_key_pattern.test(key)) {
      throw validationError(`ExpressionAttributeValues contains invalid key: Syntax error; key: "${key}"`);
    }
  }
  const validated: Record<string, AttributeValue> = {};
  for (const key of keys) {
    try {
      validated[key] = validateAttributeValue(values[key]);
    } catch (error) {
      if (error instanceof DynamoError && error.errorName === 'ValidationException') {
        throw validationError(`ExpressionAttributeValues contains invalid value: ${error.message} for key ${key}`);
      }
      throw error;
    }
  }
  return validated;
}

function resolveConditionText(text: string, kind: ConditionKind, ctx: Context): ResolvedCondition {
  return new ConditionResolver(ctx, kind).resolve(parseCondition(text, kind));
}

/**
 * Validates and resolves every expression of one request against its names and values maps.
 * Throws the first ValidationException in DynamoDB's order (see the module comment), including
 * "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #b}".
 *
 * Whether the request may carry expressions at all (and not legacy parameters beside them) is
 * `checkExpressionParameters`' job, which the caller runs first.
 */
export function resolveExpressions(
  texts: ExpressionTexts,
  names: ExpressionAttributeNames | undefined,
  values: ExpressionAttributeValues | undefined,
): ResolvedExpressions {
  checkNames(names);
  const ctx = new Context(names, checkValues(values));
  const result: {
    update?: ResolvedUpdate;
    condition?: ResolvedCondition;
    keyCondition?: ResolvedCondition;
    filter?: ResolvedCondition;
    projection?: ResolvedProjection;
  } = {};
  if (texts.UpdateExpression !== undefined) result.update = new UpdateResolver(ctx).resolve(parseUpdate(texts.UpdateExpression));
  if (texts.ConditionExpression !== undefined) {
    result.condition = resolveConditionText(texts.ConditionExpression, 'ConditionExpression', ctx);
  }
  if (texts.KeyConditionExpression !== undefined) {
    result.keyCondition = resolveConditionText(texts.KeyConditionExpression, 'KeyConditionExpression', ctx);
  }
  if (texts.FilterExpression !== undefined) {
    result.filter = resolveConditionText(texts.FilterExpression, 'FilterExpression', ctx);
  }
  if (texts.ProjectionExpression !== undefined) {
    result.projection = resolveProjectionNode(parseProjection(texts.ProjectionExpression), ctx);
  }
  if (names !== undefined) {
    const unused = Object.keys(names).filter((key) => !ctx.usedNames.has(key));
    if (unused.length > 0) {
      throw validationError(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unused.join(', ')}}`);
    }
  }
  if (values !== undefined) {
    const unused = Object.keys(values).filter((key) => !ctx.usedValues.has(key));
    if (unused.length > 0) {
      throw validationError(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unused.join(', ')}}`);
    }
  }
  return result;
}
