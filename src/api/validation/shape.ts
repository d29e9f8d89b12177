/**
 * Request shapes: the declarative description of one DynamoDB action's request, checked by
 * `checkRequest(shape, body)` (check-request.ts) in the order DynamoDB checks.
 *
 * HOW TO DECLARE AN ACTION'S SHAPE (once, at module load):
 *
 *   import { request, structure, list, string, integer, boolean, attributeMap } from './validation/shape.js';
 *   import { tableName, keySchemaElement } from './validation/common-shapes.js';
 *
 *   const getItemShape = request({
 *     TableName: tableName(),
 *     Key: attributeMap({ notNull: true }),
 *     ConsistentRead: boolean(),
 *     ProjectionExpression: string(),
 *     ReturnConsumedCapacity: string({ enum: ['INDEXES', 'TOTAL', 'NONE'] }),
 *   });
 *   // in run(): const body = checkRequest(getItemShape, rawBody);
 *   //   body.TableName is `string`, body.Key is `AttributeMap`, body.ConsistentRead `boolean | undefined`.
 *
 * Builders: `string`, `boolean`, `long`, `integer`, `blob`, `list(member)`, `map(value)`,
 * `structure(javaName, members)`, `attributeValue()`, `attributeMap()` (a map of attribute values:
 * Item, Key, ExpressionAttributeValues, ...), and `request(members)` for the top level.
 *
 * Options (all optional) are constraints, reported in the order you write them, which must be the
 * order DynamoDB reports them in (e.g. `{ pattern, minLength, maxLength }` for index names):
 * - `notNull: true`  "Member must not be null" (the member's type also loses `| undefined`)
 * - `minLength` / `maxLength`  string length, list length or map size
 * - `pattern`  a regular expression source, anchored, printed as written
 * - `enum`  allowed string values, printed as `[A, B]`
 * - `min` / `max`  number ranges
 * - maps only: `keys` / `values`  constraints on each key / each value's length, reported as
 *   "Map keys must satisfy constraint: [...]" / "Map value must satisfy constraint: [...]"
 * - top-level members only (from `request`): `required: true` ("The parameter 'X' is required but
 *   was not present in the request") and `tableNameLength: true` ("X must be at least 3 characters
 *   long and at most 255 characters long"); DynamoDB checks these before collecting constraints.
 *
 * What the checker does with a body, in DynamoDB's order:
 * 1. JSON types, in document order (DynamoDB's deserialiser streams): the first mismatch throws a
 *    SerializationException with the Java deserialiser's text. Members not in the shape are ignored;
 *    members that are JSON `null` are treated as absent (and removed); strings "true"/"false" are
 *    accepted as booleans and fractional numbers are truncated for long/integer, as DynamoDB does.
 * 2. Required members and table-name lengths (top level), then every constraint in shape order,
 *    collecting up to 10 into one ValidationException.
 * Semantic checks (expressions, key schema, attribute-value contents) are the action's own.
 */
import type { AttributeMap, AttributeValue } from '../../model/attribute-value.js';

// ---- constraints ------------------------------------------------------------------------------

export type Constraint =
  | { readonly kind: 'notNull' }
  | { readonly kind: 'minLength'; readonly value: number }
  | { readonly kind: 'maxLength'; readonly value: number }
  | { readonly kind: 'pattern'; readonly source: string; readonly regex: RegExp }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'min'; readonly value: number }
  | { readonly kind: 'max'; readonly value: number };

/** Checks run before the constraint collection, on top-level members only. */
export type Precheck = { readonly kind: 'required' } | { readonly kind: 'tableNameLength' };

// ---- the runtime shape tree -------------------------------------------------------------------

interface ShapeBase {
  readonly constraints: readonly Constraint[];
  readonly prechecks: readonly Precheck[];
  /** The Java type DynamoDB's model uses, for SerializationException texts. */
  readonly javaType: string;
  /** Whether this shape or anything inside it has a constraint: lets the walker skip items. */
  readonly hasConstraints: boolean;
}

export interface StringShape extends ShapeBase { readonly kind: 'string' }
export interface BooleanShape extends ShapeBase { readonly kind: 'boolean' }
/** `Long` or `Integer` in DynamoDB's model; both accept JSON numbers and truncate fractions. */
export interface IntegralShape extends ShapeBase { readonly kind: 'integral'; readonly typeName: 'Long' | 'Integer' }
export interface BlobShape extends ShapeBase { readonly kind: 'blob' }
export interface ListShape extends ShapeBase { readonly kind: 'list'; readonly member: ShapeNode }
export interface MapShape extends ShapeBase {
  readonly kind: 'map';
  readonly value: ShapeNode;
  readonly keyConstraints: readonly Constraint[];
  readonly valueConstraints: readonly Constraint[];
}
export interface StructureShape extends ShapeBase {
  readonly kind: 'structure';
  /** DynamoDB's model class name, e.g. `KeySchemaElement`. */
  readonly name: string;
  /** Members in DynamoDB's check order. */
  readonly members: readonly StructureMember[];
  /** The same members by wire name, for the document-order type pass. */
  readonly membersByName: ReadonlyMap<string, StructureMember>;
}
export interface StructureMember {
  readonly name: string;
  /** The name as DynamoDB prints it in a constraint path: first letter lower-cased. */
  readonly pathName: string;
  readonly shape: ShapeNode;
}
export interface AttributeValueShape extends ShapeBase { readonly kind: 'attributeValue' }

export type ShapeNode =
  | StringShape
  | BooleanShape
  | IntegralShape
  | BlobShape
  | ListShape
  | MapShape
  | StructureShape
  | AttributeValueShape;

// ---- static typing: what a checked body looks like ---------------------------------------------

declare const typeTag: unique symbol;
/**
 * A shape that also carries, at the type level only, the TypeScript type of a value that passed it
 * (`T`) and whether that value is guaranteed present (`Present`).
 */
export type Shape<T, Present extends boolean = boolean> = ShapeNode & {
  readonly [typeTag]?: { readonly type: T; readonly present: Present };
};

export type TypeOfShape<S> = S extends Shape<infer T, boolean> ? T : never;
type IsPresent<S> = S extends Shape<unknown, infer P> ? P : false;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type StructureOf<M extends Members> = Simplify<
  { readonly [K in keyof M as IsPresent<M[K]> extends true ? K : never]: TypeOfShape<M[K]> } & {
    readonly [K in keyof M as IsPresent<M[K]> extends true ? never : K]?: TypeOfShape<M[K]>;
  }
>;

type Members = Record<string, Shape<any, boolean>>;

// ---- options ----------------------------------------------------------------------------------

interface PresenceOptions {
  readonly notNull?: boolean;
  readonly required?: boolean;
}
type PresentOf<O> = O extends { notNull: true } ? true : O extends { required: true } ? true : false;

export interface StringOptions extends PresenceOptions {
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly tableNameLength?: boolean;
}
export interface NumberOptions extends PresenceOptions {
  readonly min?: number;
  readonly max?: number;
}
export interface SizeOptions extends PresenceOptions {
  readonly minLength?: number;
  readonly maxLength?: number;
}
export interface LengthConstraints {
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}
export interface MapOptions extends SizeOptions {
  readonly keys?: LengthConstraints;
  readonly values?: LengthConstraints;
}

/** Options become constraints in the order they were written (JS keeps insertion order). */
function constraintsOf(options: object | undefined): Constraint[] {
  const constraints: Constraint[] = [];
  if (options === undefined) return constraints;
  for (const [option, value] of Object.entries(options)) {
    switch (option) {
      case 'notNull':
        if (value === true) constraints.push({ kind: 'notNull' });
        break;
      case 'minLength':
        constraints.push({ kind: 'minLength', value: value as number });
        break;
      case 'maxLength':
        constraints.push({ kind: 'maxLength', value: value as number });
        break;
      case 'pattern':
        constraints.push({ kind: 'pattern', source: value as string, regex: new RegExp(`^(?:${value as string})$`) });
        break;
      case 'enum':
        constraints.push({ kind: 'enum', values: value as readonly string[] });
        break;
      case 'min':
        constraints.push({ kind: 'min', value: value as number });
        break;
      case 'max':
        constraints.push({ kind: 'max', value: value as number });
        break;
      default:
        // required, tableNameLength, keys, values: handled by prechecksOf and map().
        break;
    }
  }
  return constraints;
}

function prechecksOf(options: (PresenceOptions & { readonly tableNameLength?: boolean }) | undefined): Precheck[] {
  const prechecks: Precheck[] = [];
  if (options?.required === true) prechecks.push({ kind: 'required' });
  if (options?.tableNameLength === true) prechecks.push({ kind: 'tableNameLength' });
  return prechecks;
}

const modelPackage = 'com.amazonaws.dynamodb.v20120810.';

// ---- builders ---------------------------------------------------------------------------------

type StringTypeOf<O> = O extends { enum: readonly (infer E)[] } ? E : string;

type ScalarKind = StringShape | BooleanShape | IntegralShape | BlobShape | AttributeValueShape;
type WithoutDerived<T> = T extends unknown ? Omit<T, 'constraints' | 'prechecks' | 'hasConstraints'> : never;

function scalar(base: WithoutDerived<ScalarKind>, options: object | undefined): ShapeNode {
  const constraints = constraintsOf(options);
  return { ...base, constraints, prechecks: prechecksOf(options), hasConstraints: constraints.length > 0 } as ShapeNode;
}

export function string<const O extends StringOptions>(options?: O): Shape<StringTypeOf<O>, PresentOf<O>> {
  return scalar({ kind: 'string', javaType: 'java.lang.String' }, options);
}

export function boolean<const O extends PresenceOptions>(options?: O): Shape<boolean, PresentOf<O>> {
  return scalar({ kind: 'boolean', javaType: 'java.lang.Boolean' }, options);
}

export function long<const O extends NumberOptions>(options?: O): Shape<number, PresentOf<O>> {
  return scalar({ kind: 'integral', typeName: 'Long', javaType: 'java.lang.Long' }, options);
}

export function integer<const O extends NumberOptions>(options?: O): Shape<number, PresentOf<O>> {
  return scalar({ kind: 'integral', typeName: 'Integer', javaType: 'java.lang.Integer' }, options);
}

/** A binary value: a base64 string on the wire, kept as that string. */
export function blob<const O extends SizeOptions>(options?: O): Shape<string, PresentOf<O>> {
  return scalar({ kind: 'blob', javaType: 'java.nio.ByteBuffer' }, options);
}

/** One attribute value (`{"S": "x"}`, `{"L": [...]}`, ...), checked at the JSON-type level. */
export function attributeValue<const O extends PresenceOptions>(options?: O): Shape<AttributeValue, PresentOf<O>> {
  return scalar({ kind: 'attributeValue', javaType: `${modelPackage}AttributeValue` }, options);
}

export function list<M extends Shape<unknown, boolean>, const O extends SizeOptions>(
  member: M,
  options?: O,
): Shape<readonly TypeOfShape<M>[], PresentOf<O>> {
  const constraints = constraintsOf(options);
  return {
    kind: 'list',
    member,
    constraints,
    prechecks: prechecksOf(options),
    javaType: `java.util.List<${member.javaType}>`,
    // A null member is a constraint violation (check-request's memberMustNotBeNull), so a list
    // of anything but attribute values is always walked in pass 2.
    hasConstraints: constraints.length > 0 || member.hasConstraints || member.kind !== 'attributeValue',
  };
}

export function map<V extends Shape<unknown, boolean>, const O extends MapOptions>(
  value: V,
  options?: O,
): Shape<{ readonly [key: string]: TypeOfShape<V> }, PresentOf<O>> {
  const constraints = constraintsOf(options);
  const keyConstraints = constraintsOf(options?.keys);
  const valueConstraints = constraintsOf(options?.values);
  return {
    kind: 'map',
    value,
    keyConstraints,
    valueConstraints,
    constraints,
    prechecks: prechecksOf(options),
    javaType: `java.util.Map<java.lang.String, ${value.javaType}>`,
    hasConstraints: constraints.length + keyConstraints.length + valueConstraints.length > 0 || value.hasConstraints || value.kind !== 'attributeValue',
  };
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

export function structure<const M extends Members, const O extends PresenceOptions>(
  name: string,
  members: M,
  options?: O,
): Shape<StructureOf<M>, PresentOf<O>> {
  const memberList: StructureMember[] = Object.entries(members).map(([memberName, shape]) => ({
    name: memberName,
    pathName: lowerFirst(memberName),
    shape,
  }));
  const constraints = constraintsOf(options);
  return {
    kind: 'structure',
    name,
    members: memberList,
    membersByName: new Map(memberList.map((member) => [member.name, member])),
    constraints,
    prechecks: prechecksOf(options),
    javaType: modelPackage + name,
    hasConstraints:
      constraints.length > 0 || memberList.some((member) => member.shape.hasConstraints || member.shape.prechecks.length > 0),
  };
}

/** The top level of a request: a structure whose members may also carry prechecks. */
export function request<const M extends Members>(members: M): Shape<StructureOf<M>, true> {
  return structure('Request', members) as Shape<StructureOf<M>, true>;
}

const sharedAttributeValue = attributeValue();

/** A map of attribute names to values: Item, Key, ExpressionAttributeValues, ExclusiveStartKey. */
export function attributeMap<const O extends MapOptions>(options?: O): Shape<AttributeMap, PresentOf<O>> {
  return map(sharedAttributeValue, options) as Shape<AttributeMap, PresentOf<O>>;
}
