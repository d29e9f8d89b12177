/**
 * Projection: the parts of an item a ProjectionExpression (or AttributesToGet, or the updated
 * paths of ReturnValues UPDATED_OLD/UPDATED_NEW) names. As DynamoDB does, nested paths keep
 * their structure: `a.b` yields `{a: {M: {b: ...}}}`, and list elements picked by index come back
 * as a shorter list in index order (`l[3], l[1]` yields `{l: {L: [l[1], l[3]]}}`). Paths that do
 * not exist in the item are left out; an item with none of them projects to `{}`.
 */
import { setOwnMember, type AttributeValue, type Item } from '../model/attribute-value.js';
import type { DocumentPath, ResolvedProjection } from './resolved.js';

/** A tree of requested paths: a leaf takes the whole value, an inner node selects inside it. */
type Selection = Map<string | number, Selection | true>;

function buildSelection(paths: readonly DocumentPath[]): Selection {
  const root: Selection = new Map();
  for (const path of paths) {
    let node = root;
    for (let i = 0; i < path.length; i++) {
      const step = path[i]!;
      if (i === path.length - 1) {
        node.set(step, true);
        break;
      }
      const child = node.get(step);
      if (child === true) break; // an ancestor is already taken whole
      if (child === undefined) {
        const next: Selection = new Map();
        node.set(step, next);
        node = next;
      } else {
        node = child;
      }
    }
  }
  return root;
}

function select(value: AttributeValue, selection: Selection): AttributeValue | undefined {
  if ('M' in value) {
    const map: Record<string, AttributeValue> = {};
    let any = false;
    for (const [step, child] of selection) {
      if (typeof step !== 'string' || !Object.hasOwn(value.M, step)) continue;
      const picked = child === true ? value.M[step]! : select(value.M[step]!, child);
      if (picked === undefined) continue;
      setOwnMember(map, step, picked);
      any = true;
    }
    return any ? { M: map } : undefined;
  }
  if ('L' in value) {
    const indexes: number[] = [];
    for (const step of selection.keys()) if (typeof step === 'number' && step < value.L.length) indexes.push(step);
    indexes.sort((x, y) => x - y);
    const list: AttributeValue[] = [];
    for (const index of indexes) {
      const child = selection.get(index)!;
      const picked = child === true ? value.L[index]! : select(value.L[index]!, child);
      if (picked !== undefined) list.push(picked);
    }
    return list.length > 0 ? { L: list } : undefined;
  }
  return undefined;
}

/** The projection of an item onto paths (top-level attributes keep their names). */
export function project(paths: ResolvedProjection, item: Item): Item {
  const result: Record<string, AttributeValue> = {};
  for (const [step, child] of buildSelection(paths)) {
    if (typeof step !== 'string' || !Object.hasOwn(item, step)) continue;
    const picked = child === true ? item[step]! : select(item[step]!, child);
    if (picked !== undefined) setOwnMember(result, step, picked);
  }
  return result;
}
