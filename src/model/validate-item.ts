/**
 * Semantic validation of attribute values, items and keys, with DynamoDB's exact messages.
 *
 * The request-shape validator (api/validation) has already checked JSON types (`{"S": 5}` is its
 * SerializationException), removed members that are null or not AttributeValue members, and left
 * everything else as the client sent it. This module checks meaning, in DynamoDB's order:
 *   1. `validateAttributeValue` / `validateAttributeMap`: each value on its own, before the table
 *      is looked up (numbers, empty sets, duplicates, NULL: false, nesting depth, one type each);
 *   2. the item size (`validateItem`, PutItem and BatchWriteItem also before the table lookup);
 *   3. after the table lookup, the key against the table's schema: `validateKey` for a `Key`
 *      parameter, `validateItemKeyAttributes` (then `validateItemIndexKeyAttributes`) for an item.
 *
 * Messages are those recorded against DynamoDB (dynalite's tests, conformance suites run against
 * AWS). Their quirks are DynamoDB's: the double space in "An string set  may not be empty", the
 * missing space in "of2048 bytes" and before "of type BS", and "are not valid" versus "were
 * invalid".
 */
import { serializationError, validationError } from '../errors.js';
import { max_document_depth, max_item_size_bytes, max_partition_key_bytes, max_sort_key_bytes } from '../limits.js';
import { setOwnMember, type AttributeMap, type AttributeValue, type Item, type KeyAttributeType, type KeyShape } from './attribute-value.js';
import { base64DecodedLength, itemSize, utf8Length } from './item-size.js';
import { canonicalNumber } from './number.js';

const invalid_prefix = 'One or more parameter values were invalid: ';
const not_valid_prefix = 'One or more parameter values are not valid. ';

export const empty_attribute_value_message =
  'Supplied AttributeValue is empty, must contain exactly one of the supported datatypes';
export const multiple_datatypes_message =
  'Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes';
export const nesting_too_deep_message =
  'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit';
export const null_false_message = `${invalid_prefix}Null attribute value types must have the value of true`;
export const empty_string_set_message = `${invalid_prefix}An string set  may not be empty`;
export const empty_number_set_message = `${invalid_prefix}An number set  may not be empty`;
export const empty_binary_set_message = `${invalid_prefix}Binary sets should not be empty`;
/** DynamoDB reports duplicate numbers without the prefix and without the values. */
export const duplicate_numbers_message = 'Input collection contains duplicates';
export const item_too_large_message = 'Item size has exceeded the maximum allowed size';
export const key_schema_mismatch_message = 'The provided key element does not match the schema';
export const hash_key_too_large_message = `${invalid_prefix}Size of hashkey has exceeded the maximum size limit of2048 bytes`;
export const range_key_too_large_message =
  `${invalid_prefix}Aggregated size of all range keys has exceeded the size limit of 1024 bytes`;

/** Present when the shape check was bypassed: a member of the wrong JSON type. */
const unexpected_field_message = 'Unexpected field type';

type JsonObject = { [member: string]: unknown };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectString(value: unknown): string {
  if (typeof value !== 'string') throw serializationError(unexpected_field_message);
  return value;
}

function expectArray(value: unknown): readonly unknown[] {
  if (!Array.isArray(value)) throw serializationError(unexpected_field_message);
  return value;
}

/** "[a, b]": how DynamoDB prints a set in its duplicate messages. */
function renderCollection(elements: readonly string[]): string {
  return `[${elements.join(', ')}]`;
}

function hasDuplicate(elements: readonly string[]): boolean {
  const count = elements.length;
  if (count < 2) return false;
  if (count <= 8) {
    for (let i = 1; i < count; i++) {
      for (let j = 0; j < i; j++) if (elements[i] === elements[j]) return true;
    }
    return false;
  }
  return new Set(elements).size !== count;
}

function validateStringSet(member: unknown): readonly string[] {
  const elements = expectArray(member);
  if (elements.length === 0) throw validationError(empty_string_set_message);
  for (let i = 0; i < elements.length; i++) expectString(elements[i]);
  const strings = elements as readonly string[];
  if (hasDuplicate(strings)) throw validationError(`${invalid_prefix}Input collection ${renderCollection(strings)} contains duplicates.`);
  return strings;
}

function validateBinarySet(member: unknown): readonly string[] {
  const elements = expectArray(member);
  if (elements.length === 0) throw validationError(empty_binary_set_message);
  for (let i = 0; i < elements.length; i++) expectString(elements[i]);
  const binaries = elements as readonly string[];
  if (hasDuplicate(binaries)) {
    throw validationError(`${invalid_prefix}Input collection ${renderCollection(binaries)}of type BS contains duplicates.`);
  }
  return binaries;
}

/** Validates an NS: non-empty, every member a number, no two equal. Copies only if a member changed. */
function validateNumberSet(member: unknown): readonly string[] {
  const elements = expectArray(member);
  if (elements.length === 0) throw validationError(empty_number_set_message);
  let canonical: string[] | undefined;
  for (let i = 0; i < elements.length; i++) {
    const text = expectString(elements[i]);
    const number = canonicalNumber(text);
    if (number !== text && canonical === undefined) canonical = (elements as string[]).slice(0, i);
    if (canonical !== undefined) canonical.push(number);
  }
  const numbers = canonical ?? (elements as readonly string[]);
  // Duplicates are judged on values: "1" and "1.0" are the same number.
  if (hasDuplicate(numbers)) throw validationError(duplicate_numbers_message);
  return numbers;
}

function validateList(member: unknown, depth: number): readonly AttributeValue[] {
  const elements = expectArray(member);
  let copy: AttributeValue[] | undefined;
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i];
    const validated = validateValue(element, depth + 1);
    if (validated !== element && copy === undefined) copy = (elements as AttributeValue[]).slice(0, i);
    if (copy !== undefined) copy.push(validated);
  }
  return copy ?? (elements as readonly AttributeValue[]);
}

function validateMap(member: unknown, depth: number): AttributeMap {
  if (!isObject(member)) throw serializationError(unexpected_field_message);
  let copy: { [name: string]: AttributeValue } | undefined;
  for (const name in member) {
    const entry = member[name];
    const validated = validateValue(entry, depth + 1);
    if (validated !== entry && copy === undefined) copy = { ...(member as { [name: string]: AttributeValue }) };
    if (copy !== undefined) setOwnMember(copy, name, validated);
  }
  return copy ?? (member as AttributeMap);
}

/**
 * Validates one value at nesting level `depth` (an attribute itself is level 1). Members are
 * checked in the order the client wrote them, each by its type's rules, and only then is the
 * number of types checked: DynamoDB reports `{"S": "a", "N": "x"}` as a bad number, not as two
 * types. Depth is checked on the way down, so the first problem in document order is reported.
 */
function validateValue(value: unknown, depth: number): AttributeValue {
  if (depth > max_document_depth) throw validationError(nesting_too_deep_message);
  if (value === null || value === undefined) throw validationError(empty_attribute_value_message);
  if (!isObject(value)) throw serializationError(unexpected_field_message);
  let types = 0;
  let members = 0;
  let validType = '';
  let validMember: unknown;
  for (const type in value) {
    members++;
    const member = value[type];
    if (member === null || member === undefined) continue;
    let validated: unknown;
    switch (type) {
      case 'S':
      case 'B':
        validated = expectString(member);
        break;
      case 'N':
        validated = canonicalNumber(expectString(member));
        break;
      case 'BOOL':
        if (typeof member !== 'boolean') throw serializationError(unexpected_field_message);
        validated = member;
        break;
      case 'NULL':
        if (typeof member !== 'boolean') throw serializationError(unexpected_field_message);
        if (!member) throw validationError(null_false_message);
        validated = member;
        break;
      case 'SS':
        validated = validateStringSet(member);
        break;
      case 'NS':
        validated = validateNumberSet(member);
        break;
      case 'BS':
        validated = validateBinarySet(member);
        break;
      case 'L':
        validated = validateList(member, depth);
        break;
      case 'M':
        validated = validateMap(member, depth);
        break;
      default:
        // Not an AttributeValue member; DynamoDB's deserialiser skips it.
        continue;
    }
    types++;
    validType = type;
    validMember = validated;
  }
  if (types === 0) throw validationError(empty_attribute_value_message);
  if (types > 1) throw validationError(multiple_datatypes_message);
  // Copy-on-write: keep the client's object when it already is exactly the validated value.
  if (members === 1 && value[validType] === validMember) return value as AttributeValue;
  return { [validType]: validMember } as AttributeValue;
}

/**
 * Validates a client-supplied attribute value (an item attribute, a key attribute, an
 * ExpressionAttributeValues entry, a legacy condition operand) and returns it with every number
 * in canonical form. Returns the very object given when nothing needed changing. Throws a
 * ValidationException with DynamoDB's message for: no type or more than one; NULL: false; an
 * empty SS/NS/BS; duplicates in a set; a bad, out-of-range or too precise number; nesting deeper
 * than 32 levels.
 */
export function validateAttributeValue(value: unknown): AttributeValue {
  return validateValue(value, 1);
}

/**
 * Validates every value of an attribute map (an Item, a Key, ExpressionAttributeValues), in the
 * order given, each at nesting level 1. Returns the very map given when no value changed;
 * otherwise a copy holding the validated values.
 */
export function validateAttributeMap(map: unknown): AttributeMap {
  if (!isObject(map)) throw serializationError(unexpected_field_message);
  let copy: { [name: string]: AttributeValue } | undefined;
  for (const name in map) {
    const value = map[name];
    const validated = validateValue(value, 1);
    if (validated !== value && copy === undefined) copy = { ...(map as { [name: string]: AttributeValue }) };
    if (copy !== undefined) setOwnMember(copy, name, validated);
  }
  return copy ?? (map as AttributeMap);
}

/**
 * Validates a whole item as PutItem and BatchWriteItem do before looking up the table: every
 * value (`validateAttributeMap`), then the 400 KB limit ("Item size has exceeded the maximum
 * allowed size"). The key attributes are checked later, against the table, by
 * `validateItemKeyAttributes`.
 */
export function validateItem(item: unknown): Item {
  const validated = validateAttributeMap(item);
  if (itemSize(validated) > max_item_size_bytes) throw validationError(item_too_large_message);
  return validated;
}

function keyValueOf(value: AttributeValue, type: KeyAttributeType): string | undefined {
  return (value as { readonly [type: string]: unknown })[type] as string | undefined;
}

function keyValueBytes(type: KeyAttributeType, keyValue: string): number {
  return type === 'S' ? utf8Length(keyValue) : base64DecodedLength(keyValue);
}

/** The empty-value and size checks shared by keys given as `Key` and keys inside an item. */
function checkKeyValue(name: string, type: KeyAttributeType, keyValue: string, isHash: boolean): void {
  // Numbers need no check: 38 digits fit in any key (at most 21 bytes).
  if (type === 'N') return;
  if (keyValue.length === 0) {
    throw validationError(
      `${not_valid_prefix}The AttributeValue for a key attribute cannot contain an empty ${type === 'S' ? 'string' : 'binary'} value. Key: ${name}`,
    );
  }
  const size = keyValueBytes(type, keyValue);
  if (isHash ? size > max_partition_key_bytes : size > max_sort_key_bytes) {
    throw validationError(isHash ? hash_key_too_large_message : range_key_too_large_message);
  }
}

/** For a Key parameter: the named attribute present with the schema's type, non-empty, in size. */
function checkKeyPart(key: AttributeMap, name: string, type: KeyAttributeType, isHash: boolean): void {
  const value = key[name];
  const keyValue = value === undefined ? undefined : keyValueOf(value, type);
  if (keyValue === undefined) throw validationError(key_schema_mismatch_message);
  checkKeyValue(name, type, keyValue, isHash);
}

/**
 * Checks a `Key` parameter (GetItem, DeleteItem, UpdateItem, BatchGetItem, DeleteRequest,
 * transactions) against the table's key shape, after its values passed `validateAttributeMap`:
 * exactly the key attributes, each with the schema's type, else "The provided key element does
 * not match the schema"; then, partition key before sort key, no empty S or B value and the size
 * limits (2048 bytes for the partition key, 1024 for the sort key). Returns the key.
 */
export function validateKey(shape: KeyShape, key: AttributeMap): Item {
  let count = 0;
  for (const _name in key) count++;
  if (count !== (shape.rangeName === undefined ? 1 : 2)) throw validationError(key_schema_mismatch_message);
  checkKeyPart(key, shape.hashName, shape.hashType, true);
  if (shape.rangeName !== undefined && shape.rangeType !== undefined) checkKeyPart(key, shape.rangeName, shape.rangeType, false);
  return key;
}

/** The type tag of a validated value (its one member). */
function typeTag(value: AttributeValue): string {
  for (const type in value) return type;
  return '';
}

function checkItemKeyPart(item: Item, name: string, type: KeyAttributeType, isHash: boolean): void {
  const value = item[name];
  if (value === undefined) throw validationError(`${invalid_prefix}Missing the key ${name} in the item`);
  const keyValue = keyValueOf(value, type);
  if (keyValue === undefined) {
    throw validationError(`${invalid_prefix}Type mismatch for key ${name} expected: ${type} actual: ${typeTag(value)}`);
  }
  checkKeyValue(name, type, keyValue, isHash);
}

/**
 * Checks that a validated item (PutItem, a PutRequest, a transaction Put) carries the table's key
 * attributes, partition key first: "Missing the key <name> in the item", "Type mismatch for key
 * <name> expected: <S|N|B> actual: <type>", the empty key value message and the key size limits.
 */
export function validateItemKeyAttributes(shape: KeyShape, item: Item): void {
  checkItemKeyPart(item, shape.hashName, shape.hashType, true);
  if (shape.rangeName !== undefined && shape.rangeType !== undefined) checkItemKeyPart(item, shape.rangeName, shape.rangeType, false);
}

/** A secondary index's name and key shape, for checking the index keys an item carries. */
export interface IndexKeyShape {
  readonly indexName: string;
  readonly key: KeyShape;
}

function checkIndexKeyPart(item: Item, indexName: string, name: string, type: KeyAttributeType, isHash: boolean): void {
  const value = item[name];
  // An item without an index key attribute is simply not in that (sparse) index.
  if (value === undefined) return;
  const keyValue = keyValueOf(value, type);
  if (keyValue === undefined) {
    throw validationError(
      `${invalid_prefix}Type mismatch for Index Key ${name} Expected: ${type} Actual: ${typeTag(value)} IndexName: ${indexName}`,
    );
  }
  if (type !== 'N' && keyValue.length === 0) {
    throw validationError(
      `${not_valid_prefix}A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${type === 'S' ? 'string' : 'binary'} value. IndexName: ${indexName}, IndexKey: ${name}`,
    );
  }
  // An index key obeys the table's key limits: 2048 bytes for its partition key, 1024 for its
  // sort key (DynamoDB names the index and both sizes; numbers always fit).
  if (type === 'N') return;
  const size = keyValueBytes(type, keyValue);
  const max_bytes = isHash ? max_partition_key_bytes : max_sort_key_bytes;
  if (size > max_bytes) {
    throw validationError(`${invalid_prefix}Size limit exceeded for Index Key ${name} Actual Size: ${size} bytes Max Size: ${max_bytes} bytes IndexName: ${indexName}`);
  }
}

/**
 * Checks the secondary-index key attributes an item carries (after `validateItemKeyAttributes`),
 * index by index in the order given, partition key first: a present index key attribute must
 * have the index's type, must not be an empty S or B, and must fit the key size limits. Absent
 * attributes are fine (sparse indexes).
 */
export function validateItemIndexKeyAttributes(indexes: readonly IndexKeyShape[], item: Item): void {
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i]!;
    checkIndexKeyPart(item, index.indexName, index.key.hashName, index.key.hashType, true);
    if (index.key.rangeName !== undefined && index.key.rangeType !== undefined) {
      checkIndexKeyPart(item, index.indexName, index.key.rangeName, index.key.rangeType, false);
    }
  }
}
