/**
 * The request walker: checks a parsed JSON body against an action's shape (shape.ts) the way
 * DynamoDB does, and returns the same body, now typed.
 *
 * Pass 1 walks the document in its own order, as DynamoDB's streaming (Jackson-based coral)
 * deserialiser does, and throws a SerializationException at the first value of the wrong JSON type,
 * with the deserialiser's exact text (recorded against DynamoDB in dynalite's test helpers). It
 * also normalises what the deserialiser normalises: null members are dropped, "true"/"false"
 * strings become booleans, fractional numbers are truncated for Long/Integer members, and unknown
 * members of an attribute value are dropped.
 * Pass 2 walks the shape in DynamoDB's order: the top-level prechecks (required members, table
 * name length) throw at once; constraint violations are collected, at most 10, into one
 * ValidationException "N validation error(s) detected: ...; ...".
 */
import { serializationError, validationError, assertNever } from '../../errors.js';
import { max_table_name_length, min_table_name_length } from '../../limits.js';
import type { JsonObject } from '../action.js';
import type { Constraint, ShapeNode, Shape, StructureShape, TypeOfShape } from './shape.js';

/** DynamoDB reports at most this many constraint violations in one ValidationException. */
export const max_reported_validation_errors = 10;

/**
 * Checks `body` against `shape` and returns it typed. Throws DynamoDB's SerializationException or
 * ValidationException. `body` is normalised in place (see the file comment).
 */
export function checkRequest<S extends Shape<unknown, true>>(shape: S, body: JsonObject): TypeOfShape<S> {
  if (shape.kind !== 'structure') throw new TypeError('a request shape is a structure');
  checkStructureTypes(body, shape);
  runPrechecks(body, shape);
  if (shape.hasConstraints) {
    const errors: string[] = [];
    checkConstraints(body, shape, '', errors);
    if (errors.length > 0) throw validationError(validationMessage(errors));
  }
  return body as TypeOfShape<S>;
}

/** "1 validation error detected: a" / "3 validation errors detected: a; b; c". */
export function validationMessage(errors: readonly string[]): string {
  return `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`;
}

/** One collected constraint violation, as DynamoDB words it. */
export function constraintViolation(renderedValue: string | null, path: string, constraintText: string): string {
  const value = renderedValue === null ? 'null' : `'${renderedValue}'`;
  return `Value ${value} at '${path}' failed to satisfy constraint: ${constraintText}`;
}

// ---- pass 1: JSON types -------------------------------------------------------------------------

const unexpectedField = 'Unexpected field type';
const unexpectedValue = 'Unexpected value type in payload';
const unexpectedStructure = 'Start of structure or map found where not expected';
/**
 * What DynamoDB's deserialiser answers when a scalar stands where a collection nested inside
 * another collection is expected (a list inside a map, a map inside a list): Java's generic
 * reflection fails before any type check.
 */
const nestedCollectionCast =
  "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class java.lang.Class " +
  "(sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and java.lang.Class are in module java.base of loader 'bootstrap')";
const attributeValueClass = 'com.amazonaws.dynamodb.v20120810.AttributeValue';
const attributeValueMapType = `java.util.Map<java.lang.String, ${attributeValueClass}>`;

/** Jackson's token names for the JSON value found. */
function numberToken(value: number): string {
  return Number.isInteger(value) ? 'NUMBER_VALUE' : 'DECIMAL_VALUE';
}

/** Checks one value (not null) against `shape`; returns it, or its normalised replacement. */
function checkTypes(value: unknown, shape: ShapeNode, inCollection: boolean): unknown {
  switch (shape.kind) {
    case 'string':
      return checkString(value);
    case 'boolean':
      return checkBoolean(value);
    case 'integral':
      return checkIntegral(value, shape.typeName);
    case 'blob':
      return checkBlob(value);
    case 'list':
      checkListContainer(value, inCollection);
      checkListTypes(value as unknown[], shape.member);
      return value;
    case 'map':
      checkMapContainer(value, inCollection, shape.javaType);
      checkMapTypes(value as JsonObject, shape.value);
      return value;
    case 'structure':
      checkStructureContainer(value, inCollection, shape.javaType);
      checkStructureTypes(value as JsonObject, shape);
      return value;
    case 'attributeValue':
      checkAttributeValueTypes(value, inCollection);
      return value;
    default:
      return assertNever(shape, 'shape');
  }
}

function checkString(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      return value;
    case 'boolean':
      throw serializationError(`${value ? 'TRUE_VALUE' : 'FALSE_VALUE'} cannot be converted to String`);
    case 'number':
      throw serializationError(`${numberToken(value)} cannot be converted to String`);
    default:
      if (Array.isArray(value)) throw serializationError('Unrecognized collection type class java.lang.String');
      throw serializationError(unexpectedStructure);
  }
}

/** DynamoDB's deserialiser accepts these strings as booleans (dynalite records the behaviour). */
function booleanFromString(value: string): boolean | undefined {
  switch (value.toUpperCase()) {
    case 'TRUE':
    case '1':
    case 'YES':
      return true;
    case 'FALSE':
    case '0':
    case 'NO':
      return false;
    default:
      return undefined;
  }
}

function checkBoolean(value: unknown): unknown {
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'string': {
      const converted = booleanFromString(value);
      if (converted === undefined) throw serializationError('Unexpected token received from parser');
      return converted;
    }
    case 'number':
      throw serializationError(`${numberToken(value)} cannot be converted to Boolean`);
    default:
      if (Array.isArray(value)) throw serializationError('Unrecognized collection type class java.lang.Boolean');
      throw serializationError(unexpectedStructure);
  }
}

function checkIntegral(value: unknown, typeName: 'Long' | 'Integer'): unknown {
  switch (typeof value) {
    case 'number':
      // Jackson reads a fractional number into a Long/Integer member by truncating it.
      return Number.isInteger(value) ? value : Math.trunc(value);
    case 'boolean':
      throw serializationError(`${value ? 'TRUE_VALUE' : 'FALSE_VALUE'} cannot be converted to ${typeName}`);
    case 'string':
      throw serializationError(`STRING_VALUE cannot be converted to ${typeName}`);
    default:
      if (Array.isArray(value)) throw serializationError(`Unrecognized collection type class java.lang.${typeName}`);
      throw serializationError(unexpectedStructure);
  }
}

function checkBlob(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      if (value.length % 4 !== 0) {
        throw serializationError(`Base64 encoded length is expected a multiple of 4 bytes but found: ${value.length}`);
      }
      // DynamoDB's decoder rejects any string that is not canonical base64 with this one text
      // (its spelling included).
      if (!isCanonicalBase64(value)) throw serializationError('Invalid last non-pad Base64 character dectected');
      return value;
    case 'boolean':
    case 'number':
      throw serializationError('only base-64-encoded strings are convertible to bytes');
    default:
      if (Array.isArray(value)) throw serializationError('Unrecognized collection type class java.nio.ByteBuffer');
      throw serializationError(unexpectedStructure);
  }
}

const base64Shape = /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard alphabet, padded, and the unused low bits of the last character are zero. */
function isCanonicalBase64(value: string): boolean {
  if (!base64Shape.test(value)) return false;
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  if (padding === 0) return true;
  const lastIndex = base64Alphabet.indexOf(value.charAt(value.length - 1 - padding));
  const unusedBitsMask = padding === 2 ? 0b1111 : 0b11;
  return (lastIndex & unusedBitsMask) === 0;
}

function checkListContainer(value: unknown, inCollection: boolean): void {
  if (typeof value !== 'object') throw serializationError(inCollection ? nestedCollectionCast : unexpectedField);
  if (!Array.isArray(value)) throw serializationError(unexpectedStructure);
}

function checkListTypes(items: unknown[], member: ShapeNode): void {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item === null) continue;
    const checked = checkTypes(item, member, true);
    if (checked !== item) items[i] = checked;
  }
}

function checkMapContainer(value: unknown, inCollection: boolean, javaType: string): void {
  if (typeof value !== 'object') throw serializationError(inCollection ? nestedCollectionCast : unexpectedField);
  if (Array.isArray(value)) throw serializationError(`Unrecognized collection type ${javaType}`);
}

function checkMapTypes(entries: JsonObject, valueShape: ShapeNode): void {
  for (const key in entries) {
    const entry = entries[key];
    if (entry === null) continue;
    const checked = checkTypes(entry, valueShape, true);
    if (checked !== entry) entries[key] = checked;
  }
}

function checkStructureContainer(value: unknown, inCollection: boolean, javaType: string): void {
  if (typeof value !== 'object') throw serializationError(inCollection ? unexpectedValue : unexpectedField);
  if (Array.isArray(value)) throw serializationError(`Unrecognized collection type class ${javaType}`);
}

function checkStructureTypes(object: JsonObject, shape: StructureShape): void {
  for (const key in object) {
    const member = shape.membersByName.get(key);
    if (member === undefined) continue;
    const value = object[key];
    if (value === null) {
      delete object[key];
      continue;
    }
    const checked = checkTypes(value, member.shape, false);
    if (checked !== value) object[key] = checked;
  }
}

/**
 * An attribute value, at the JSON-type level only: each type member has its wire type (S and N
 * strings, B base64, SS/NS lists of strings, BS a list of base64, L a list of attribute values, M a
 * map of them, NULL and BOOL booleans). Emptiness, number syntax and duplicates are validate-item's.
 */
function checkAttributeValueTypes(value: unknown, inCollection: boolean): void {
  if (typeof value !== 'object') throw serializationError(inCollection ? unexpectedValue : unexpectedField);
  if (Array.isArray(value)) throw serializationError(`Unrecognized collection type class ${attributeValueClass}`);
  const av = value as JsonObject;
  for (const key in av) {
    const member = av[key];
    if (member === null) {
      delete av[key];
      continue;
    }
    switch (key) {
      case 'S':
      case 'N':
        checkString(member);
        break;
      case 'B':
        checkBlob(member);
        break;
      case 'BOOL':
      case 'NULL': {
        const checked = checkBoolean(member);
        if (checked !== member) av[key] = checked;
        break;
      }
      case 'SS':
      case 'NS':
        checkListContainer(member, false);
        checkScalarList(member as unknown[], checkString);
        break;
      case 'BS':
        checkListContainer(member, false);
        checkScalarList(member as unknown[], checkBlob);
        break;
      case 'L': {
        checkListContainer(member, false);
        const items = member as unknown[];
        for (let i = 0; i < items.length; i++) if (items[i] !== null) checkAttributeValueTypes(items[i], true);
        break;
      }
      case 'M': {
        checkMapContainer(member, false, attributeValueMapType);
        const entries = member as JsonObject;
        for (const name in entries) if (entries[name] !== null) checkAttributeValueTypes(entries[name], true);
        break;
      }
      default:
        // Not a member of DynamoDB's AttributeValue: its deserialiser skips unknown members.
        delete av[key];
        break;
    }
  }
}

function checkScalarList(items: unknown[], check: (value: unknown) => unknown): void {
  for (let i = 0; i < items.length; i++) if (items[i] !== null) check(items[i]);
}

// ---- prechecks --------------------------------------------------------------------------------

function runPrechecks(body: JsonObject, shape: StructureShape): void {
  for (const member of shape.members) {
    for (const precheck of member.shape.prechecks) {
      const value = body[member.name];
      switch (precheck.kind) {
        case 'required':
          if (value === undefined) {
            throw validationError(`The parameter '${member.name}' is required but was not present in the request`);
          }
          break;
        case 'tableNameLength':
          if (typeof value === 'string' && (value.length < min_table_name_length || value.length > max_table_name_length)) {
            throw validationError(
              `${member.name} must be at least ${min_table_name_length} characters long and at most ${max_table_name_length} characters long`,
            );
          }
          break;
        default:
          assertNever(precheck, 'precheck');
      }
    }
  }
}

// ---- pass 2: constraints ----------------------------------------------------------------------

function checkConstraints(value: unknown, shape: ShapeNode, path: string, errors: string[]): void {
  if (!shape.hasConstraints) return;
  for (const constraint of shape.constraints) {
    if (errors.length >= max_reported_validation_errors) return;
    if (value === undefined || value === null) {
      if (constraint.kind === 'notNull') errors.push(constraintViolation(null, path, constraintText(constraint)));
      continue;
    }
    if (!satisfies(value, constraint)) errors.push(constraintViolation(renderValue(value, shape), path, constraintText(constraint)));
  }
  if (value === undefined || value === null) return;
  switch (shape.kind) {
    case 'structure': {
      const object = value as JsonObject;
      for (const member of shape.members) {
        if (errors.length >= max_reported_validation_errors) return;
        checkConstraints(object[member.name], member.shape, path === '' ? member.pathName : `${path}.${member.pathName}`, errors);
      }
      return;
    }
    case 'list': {
      const items = value as unknown[];
      for (let i = 0; i < items.length; i++) {
        if (errors.length >= max_reported_validation_errors) return;
        if (items[i] === null && memberMustNotBeNull(shape.member)) {
          errors.push(constraintViolation(null, `${path}.${i + 1}.member`, constraintText(not_null)));
          continue;
        }
        checkConstraints(items[i], shape.member, `${path}.${i + 1}.member`, errors);
      }
      return;
    }
    case 'map': {
      const entries = value as JsonObject;
      if (shape.keyConstraints.length > 0 || shape.valueConstraints.length > 0) {
        for (const key in entries) {
          if (errors.length >= max_reported_validation_errors) return;
          if (!shape.keyConstraints.every((constraint) => satisfies(key, constraint))) {
            errors.push(constraintViolation(renderValue(value, shape), path, `Map keys must satisfy constraint: [${bracketed(shape.keyConstraints)}]`));
          }
          const entry = entries[key];
          if (entry !== null && entry !== undefined && !shape.valueConstraints.every((constraint) => satisfies(entry, constraint))) {
            errors.push(constraintViolation(renderValue(value, shape), path, `Map value must satisfy constraint: [${bracketed(shape.valueConstraints)}]`));
          }
        }
      }
      for (const key in entries) {
        if (errors.length >= max_reported_validation_errors) return;
        if (entries[key] === null && memberMustNotBeNull(shape.value)) {
          errors.push(constraintViolation(null, `${path}.${key}.member`, constraintText(not_null)));
          continue;
        }
        checkConstraints(entries[key], shape.value, `${path}.${key}.member`, errors);
      }
      return;
    }
    case 'string':
    case 'boolean':
    case 'integral':
    case 'blob':
    case 'attributeValue':
      return;
    default:
      assertNever(shape, 'shape');
  }
}

const not_null: Constraint = { kind: 'notNull' };

/**
 * A JSON null inside a list or map (`"Tags": [null]`, `"Expected": {"a": null}`) reaches no action
 * code: it is refused in coral's words for a missing member. Attribute values are the exception:
 * validate-item refuses a null attribute value with its own message. A member shape that already
 * has a notNull constraint reports it itself.
 */
function memberMustNotBeNull(member: ShapeNode): boolean {
  return member.kind !== 'attributeValue' && !member.constraints.some((constraint) => constraint.kind === 'notNull');
}

function bracketed(constraints: readonly Constraint[]): string {
  return constraints.map(constraintText).join(', ');
}

function lengthOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length;
  return 0;
}

function satisfies(value: unknown, constraint: Constraint): boolean {
  switch (constraint.kind) {
    case 'notNull':
      return value !== null && value !== undefined;
    case 'minLength':
      return lengthOf(value) >= constraint.value;
    case 'maxLength':
      return lengthOf(value) <= constraint.value;
    case 'pattern':
      return typeof value !== 'string' || constraint.regex.test(value);
    case 'enum':
      return typeof value !== 'string' || constraint.values.includes(value);
    case 'min':
      return typeof value !== 'number' || value >= constraint.value;
    case 'max':
      return typeof value !== 'number' || value <= constraint.value;
    default:
      return assertNever(constraint, 'constraint');
  }
}

export function constraintText(constraint: Constraint): string {
  switch (constraint.kind) {
    case 'notNull':
      return 'Member must not be null';
    case 'minLength':
      return `Member must have length greater than or equal to ${constraint.value}`;
    case 'maxLength':
      return `Member must have length less than or equal to ${constraint.value}`;
    case 'pattern':
      return `Member must satisfy regular expression pattern: ${constraint.source}`;
    case 'enum':
      return `Member must satisfy enum value set: [${constraint.values.join(', ')}]`;
    case 'min':
      return `Member must have value greater than or equal to ${constraint.value}`;
    case 'max':
      return `Member must have value less than or equal to ${constraint.value}`;
    default:
      return assertNever(constraint, 'constraint');
  }
}

/**
 * How DynamoDB prints a value in a constraint message: Java's toString of its model. Lists are
 * `[a, b]`, maps `{k=v}`, structures `KeySchemaElement(attributeName=a, keyType=HASH)` with every
 * member (absent ones as `null`), scalars as they are.
 */
export function renderValue(value: unknown, shape: ShapeNode): string {
  if (value === null || value === undefined) return 'null';
  switch (shape.kind) {
    case 'string':
    case 'boolean':
    case 'integral':
    case 'blob':
      return String(value);
    case 'list':
      return `[${(value as unknown[]).map((item) => renderValue(item, shape.member)).join(', ')}]`;
    case 'map': {
      const entries = value as JsonObject;
      const parts: string[] = [];
      for (const key in entries) parts.push(`${key}=${renderValue(entries[key], shape.value)}`);
      return `{${parts.join(', ')}}`;
    }
    case 'structure': {
      const object = value as JsonObject;
      const parts = shape.members.map((member) => `${member.pathName}=${renderValue(object[member.name], member.shape)}`);
      return `${shape.name}(${parts.join(', ')})`;
    }
    case 'attributeValue':
      return renderAttributeValue(value);
    default:
      return assertNever(shape, 'shape');
  }
}

/** An attribute value, in the same Java-like rendering: `AttributeValue(s=abc)`. */
function renderAttributeValue(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return String(value);
  const av = value as JsonObject;
  const parts: string[] = [];
  for (const key in av) {
    const member = av[key];
    let rendered: string;
    if (key === 'L' && Array.isArray(member)) rendered = `[${member.map(renderAttributeValue).join(', ')}]`;
    else if (key === 'M' && typeof member === 'object' && member !== null) {
      const entries = member as JsonObject;
      const inner: string[] = [];
      for (const name in entries) inner.push(`${name}=${renderAttributeValue(entries[name])}`);
      rendered = `{${inner.join(', ')}}`;
    } else if (Array.isArray(member)) rendered = `[${member.join(', ')}]`;
    else rendered = String(member);
    parts.push(`${key.toLowerCase()}=${rendered}`);
  }
  return `AttributeValue(${parts.join(', ')})`;
}
