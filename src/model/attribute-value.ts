/**
 * DynamoDB attribute values, kept in their wire form: the JSON the client sent, with binary
 * values as base64 strings and numbers as decimal strings. Keeping the wire form means a request
 * body becomes an item without copying, and a stored item goes back on the wire as it is.
 *
 * Invariant: an `AttributeValue` that reached storage has been validated (`validate-item.ts`):
 * exactly one type member, numbers in canonical form, sets non-empty and duplicate-free.
 */
export type AttributeValue =
  | { readonly S: string }
  | { readonly N: string }
  | { readonly B: string }
  | { readonly SS: readonly string[] }
  | { readonly NS: readonly string[] }
  | { readonly BS: readonly string[] }
  | { readonly M: AttributeMap }
  | { readonly L: readonly AttributeValue[] }
  | { readonly NULL: true }
  | { readonly BOOL: boolean };

export type AttributeMap = { readonly [name: string]: AttributeValue };

/** An item is a map of attribute names to values; its key attributes are among them. */
export type Item = AttributeMap;

export type AttributeType = 'S' | 'N' | 'B' | 'SS' | 'NS' | 'BS' | 'M' | 'L' | 'NULL' | 'BOOL';

/** The types a key attribute may have (DynamoDB: scalar S, N or B). */
export type KeyAttributeType = 'S' | 'N' | 'B';

export const attributeTypes: readonly AttributeType[] = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'];

/**
 * Sets member `name` of an object being built from names a client chose (attribute names, map
 * keys). Any string is a valid attribute name, `__proto__` included, and assigning that one to an
 * ordinary object would set its prototype instead of adding a member (JSON.parse, spreads and
 * computed keys in literals add it as a member, as this does).
 */
export function setOwnMember<T>(object: Record<string, T>, name: string, value: T): void {
  if (name === '__proto__') Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
  else object[name] = value;
}

/** The type tag of a validated value. */
export function typeOf(value: AttributeValue): AttributeType {
  for (const key in value) return key as AttributeType;
  throw new Error('attribute value without a type');
}

export interface KeySchemaElement {
  readonly AttributeName: string;
  readonly KeyType: 'HASH' | 'RANGE';
}

/** A table's or index's key shape, resolved once per table: names and types of its key parts. */
export interface KeyShape {
  readonly hashName: string;
  readonly hashType: KeyAttributeType;
  readonly rangeName?: string;
  readonly rangeType?: KeyAttributeType;
}

/** A key shape's attribute names: the partition key, then the sort key if there is one. */
export function keyNames(shape: Pick<KeyShape, 'hashName' | 'rangeName'>): readonly string[] {
  return shape.rangeName === undefined ? [shape.hashName] : [shape.hashName, shape.rangeName];
}

/**
 * The string a key value holds in its wire form (`{ "S": "x" }` → "x"; numbers and base64
 * binaries are strings too), or undefined when the value is absent or of another type.
 */
export function scalarOf(value: AttributeValue | undefined, type: KeyAttributeType): string | undefined {
  if (value === undefined) return undefined;
  // Named loads, not value[type]: a keyed load with a varying name is a slow generic lookup.
  const scalar = type === 'S' ? (value as { readonly S?: unknown }).S : type === 'N' ? (value as { readonly N?: unknown }).N : (value as { readonly B?: unknown }).B;
  return typeof scalar === 'string' ? scalar : undefined;
}
