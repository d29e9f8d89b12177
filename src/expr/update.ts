/**
 * Applying a resolved update (UpdateExpression or AttributeUpdates) to an item, purely: the
 * result is a new item, the input is not touched, so a retried write can apply it again.
 *
 * DynamoDB's rules reproduced here:
 *  - every right-hand side is evaluated against the item as it was before the update;
 *  - a path operand that does not exist is "The provided expression refers to an attribute that
 *    does not exist in the item"; `+`/`-` need numbers and list_append lists ("An operand in the
 *    update expression has an incorrect data type"); arithmetic is exact to 38 digits, with
 *    DynamoDB's overflow and underflow errors;
 *  - SET of a list element past the end appends (several such appends land in index order);
 *    REMOVE of list elements uses the original indexes and shifts the rest down; REMOVE of an
 *    element or key that does not exist does nothing;
 *  - a path whose parent does not exist or is not a map (for `.name`) or a list (for `[n]`) is
 *    "The document path provided in the update expression is invalid for update";
 *  - ADD adds to a number or unions a set (creating the attribute when missing); DELETE removes
 *    elements from a set, and a set left empty removes the attribute;
 *  - the updated item may not exceed 400 KB ("Item size to update has exceeded the maximum
 *    allowed size").
 */
import { assertNever, validationError } from '../errors.js';
import { max_item_size_bytes } from '../limits.js';
import { setOwnMember, type AttributeValue, type Item } from '../model/attribute-value.js';
import { binariesEqual } from '../model/compare.js';
import { itemSize } from '../model/item-size.js';
import { addNumbers, compareNumbers, subtractNumbers } from '../model/number.js';
import { valueAtPath } from './evaluate.js';
import type { DocumentPath, ResolvedSetValue, ResolvedUpdate } from './resolved.js';

export const missing_attribute_message = 'The provided expression refers to an attribute that does not exist in the item';
export const incorrect_operand_message = 'An operand in the update expression has an incorrect data type';
export const legacy_type_mismatch_message = 'Type mismatch for attribute to update';
export const invalid_path_message = 'The document path provided in the update expression is invalid for update';
export const update_too_large_message = 'Item size to update has exceeded the maximum allowed size';

export interface UpdateResult {
  /** The item after the update. */
  readonly item: Item;
  /**
   * The paths the update wrote, in the order written: `project(updatedPaths, oldItem)` is
   * ReturnValues UPDATED_OLD and `project(updatedPaths, item)` UPDATED_NEW.
   */
  readonly updatedPaths: readonly DocumentPath[];
}

/** What happens at one target path once every value is computed. */
type Change =
  | { readonly kind: 'put'; readonly value: AttributeValue }
  | { readonly kind: 'remove' }
  | { readonly kind: 'none' }; // still requires the path's parent to exist (DELETE of a missing value)

interface Node {
  change?: Change;
  children?: Map<string | number, Node>;
}

function typeError(update: ResolvedUpdate): Error {
  return validationError(update.source === 'legacy' ? legacy_type_mismatch_message : incorrect_operand_message);
}

function computeSet(value: ResolvedSetValue, item: Item, update: ResolvedUpdate): AttributeValue {
  switch (value.kind) {
    case 'value':
      return value.value;
    case 'path': {
      const found = valueAtPath(item, value.path);
      if (found === undefined) throw validationError(missing_attribute_message);
      return found;
    }
    case 'if_not_exists':
      return valueAtPath(item, value.path) ?? computeSet(value.fallback, item, update);
    case 'plus':
    case 'minus': {
      const left = computeSet(value.left, item, update);
      const right = computeSet(value.right, item, update);
      if (!('N' in left) || !('N' in right)) throw typeError(update);
      return { N: value.kind === 'plus' ? addNumbers(left.N, right.N) : subtractNumbers(left.N, right.N) };
    }
    case 'list_append': {
      const left = computeSet(value.left, item, update);
      const right = computeSet(value.right, item, update);
      if (!('L' in left) || !('L' in right)) throw typeError(update);
      return { L: [...left.L, ...right.L] };
    }
    default:
      return assertNever(value, 'set value');
  }
}

function union<T>(existing: readonly T[], added: readonly T[], same: (a: T, b: T) => boolean): T[] {
  const result = [...existing];
  for (const element of added) if (!result.some((present) => same(present, element))) result.push(element);
  return result;
}

function difference<T>(existing: readonly T[], removed: readonly T[], same: (a: T, b: T) => boolean): T[] {
  return existing.filter((present) => !removed.some((element) => same(present, element)));
}

const sameString = (a: string, b: string): boolean => a === b;
const sameNumber = (a: string, b: string): boolean => compareNumbers(a, b) === 0;

function computeAdd(existing: AttributeValue | undefined, value: AttributeValue, update: ResolvedUpdate): AttributeValue {
  if (existing === undefined) return value;
  if ('N' in value) {
    if (!('N' in existing)) throw typeError(update);
    return { N: addNumbers(existing.N, value.N) };
  }
  if ('SS' in value) {
    if (!('SS' in existing)) throw typeError(update);
    return { SS: union(existing.SS, value.SS, sameString) };
  }
  if ('NS' in value) {
    if (!('NS' in existing)) throw typeError(update);
    return { NS: union(existing.NS, value.NS, sameNumber) };
  }
  if ('BS' in value) {
    if (!('BS' in existing)) throw typeError(update);
    return { BS: union(existing.BS, value.BS, binariesEqual) };
  }
  if ('L' in value) {
    // AttributeUpdates ADD appends to a list (an UpdateExpression cannot ADD a list).
    if (!('L' in existing)) throw typeError(update);
    return { L: [...existing.L, ...value.L] };
  }
  throw typeError(update);
}

function computeDelete(existing: AttributeValue | undefined, value: AttributeValue, update: ResolvedUpdate): Change {
  if (existing === undefined) return { kind: 'none' };
  let remaining: readonly unknown[];
  let result: AttributeValue;
  if ('SS' in value && 'SS' in existing) {
    const left = difference(existing.SS, value.SS, sameString);
    remaining = left;
    result = { SS: left };
  } else if ('NS' in value && 'NS' in existing) {
    const left = difference(existing.NS, value.NS, sameNumber);
    remaining = left;
    result = { NS: left };
  } else if ('BS' in value && 'BS' in existing) {
    const left = difference(existing.BS, value.BS, binariesEqual);
    remaining = left;
    result = { BS: left };
  } else {
    throw typeError(update);
  }
  return remaining.length === 0 ? { kind: 'remove' } : { kind: 'put', value: result };
}

function addChange(root: Node, path: DocumentPath, change: Change): void {
  let node = root;
  for (const step of path) {
    node.children ??= new Map();
    let child = node.children.get(step);
    if (child === undefined) {
      child = {};
      node.children.set(step, child);
    }
    node = child;
  }
  node.change = change;
}

function invalidPath(): Error {
  return validationError(invalid_path_message);
}

/** Applies changes below a map (the item itself or an M value), returning a new map. */
function applyToMap(map: Readonly<Record<string, AttributeValue>>, children: Map<string | number, Node>): Record<string, AttributeValue> {
  const result: Record<string, AttributeValue> = { ...map };
  for (const [step, node] of children) {
    if (typeof step !== 'string') throw invalidPath();
    const change = node.change;
    if (change !== undefined) {
      if (change.kind === 'put') setOwnMember(result, step, change.value);
      else if (change.kind === 'remove') delete result[step];
      continue;
    }
    const existing = Object.hasOwn(result, step) ? result[step] : undefined;
    if (existing === undefined) throw invalidPath();
    setOwnMember(result, step, applyToValue(existing, node.children!));
  }
  return result;
}

function applyToValue(value: AttributeValue, children: Map<string | number, Node>): AttributeValue {
  if ('M' in value) return { M: applyToMap(value.M, children) };
  if (!('L' in value)) throw invalidPath();
  const list = value.L;
  const removed = new Set<number>();
  const replaced = new Map<number, AttributeValue>();
  const appended: [number, AttributeValue][] = [];
  for (const [step, node] of children) {
    if (typeof step !== 'number') throw invalidPath();
    const change = node.change;
    if (change === undefined) {
      if (step >= list.length) throw invalidPath();
      replaced.set(step, applyToValue(list[step]!, node.children!));
    } else if (change.kind === 'put') {
      if (step < list.length) replaced.set(step, change.value);
      else appended.push([step, change.value]);
    } else if (change.kind === 'remove') {
      if (step < list.length) removed.add(step);
    }
  }
  const result: AttributeValue[] = [];
  for (let i = 0; i < list.length; i++) {
    if (removed.has(i)) continue;
    result.push(replaced.get(i) ?? list[i]!);
  }
  appended.sort((a, b) => a[0] - b[0]);
  for (const [, element] of appended) result.push(element);
  return { L: result };
}

/**
 * Applies an update to an item: the stored item, or for an item that does not exist yet, an
 * item holding only the request's key attributes. Throws DynamoDB's ValidationExceptions.
 */
export function applyUpdate(update: ResolvedUpdate, item: Item): UpdateResult {
  const root: Node = {};
  const updatedPaths: DocumentPath[] = [];
  for (const action of update.actions) {
    updatedPaths.push(action.path);
    switch (action.kind) {
      case 'set':
        addChange(root, action.path, { kind: 'put', value: computeSet(action.value, item, update) });
        break;
      case 'remove':
        addChange(root, action.path, { kind: 'remove' });
        break;
      case 'add':
        addChange(root, action.path, { kind: 'put', value: computeAdd(valueAtPath(item, action.path), action.value, update) });
        break;
      case 'delete':
        addChange(root, action.path, computeDelete(valueAtPath(item, action.path), action.value, update));
        break;
      default:
        assertNever(action, 'update action');
    }
  }
  const updated = root.children === undefined ? item : applyToMap(item, root.children);
  if (itemSize(updated) > max_item_size_bytes) throw validationError(update_too_large_message);
  return { item: updated, updatedPaths };
}

/**
 * DynamoDB refuses an update that writes a key attribute (or anything inside one):
 * "One or more parameter values were invalid: Cannot update attribute id. This attribute is part
 * of the key". Checked after the table is known, in the order the actions are written.
 */
export function checkKeyAttributesNotUpdated(update: ResolvedUpdate, keyNames: readonly string[]): void {
  for (const action of update.actions) {
    const head = action.path[0];
    if (typeof head === 'string' && keyNames.includes(head)) {
      throw validationError(`One or more parameter values were invalid: Cannot update attribute ${head}. This attribute is part of the key`);
    }
  }
}
