/**
 * Key attributes are scalars, so DynamoDB refuses an expression that looks inside one
 * ("Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed:
 * Key: id" for a table key, "... IndexKey: gsiKey" for an index key). Which attributes are keys
 * is known only after the table lookup, so the action calls this then.
 */
import { assertNever, validationError } from '../errors.js';
import type { DocumentPath, ResolvedCondition, ResolvedOperand, ResolvedSetValue, ResolvedUpdate } from './resolved.js';

function operandPaths(operand: ResolvedOperand, out: DocumentPath[]): void {
  switch (operand.kind) {
    case 'path':
      out.push(operand.path);
      return;
    case 'value':
      return;
    case 'size':
      operandPaths(operand.operand, out);
      return;
    default:
      assertNever(operand, 'operand');
  }
}

/** Every document path a condition reads, in order. */
export function conditionPaths(condition: ResolvedCondition, out: DocumentPath[] = []): DocumentPath[] {
  switch (condition.kind) {
    case 'and':
    case 'or':
      conditionPaths(condition.left, out);
      conditionPaths(condition.right, out);
      break;
    case 'not':
      conditionPaths(condition.operand, out);
      break;
    case 'compare':
      operandPaths(condition.left, out);
      operandPaths(condition.right, out);
      break;
    case 'between':
      operandPaths(condition.operand, out);
      operandPaths(condition.lower, out);
      operandPaths(condition.upper, out);
      break;
    case 'in':
      operandPaths(condition.operand, out);
      for (const item of condition.list) operandPaths(item, out);
      break;
    case 'attribute_exists':
    case 'attribute_not_exists':
      out.push(condition.path);
      break;
    case 'attribute_type':
      operandPaths(condition.operand, out);
      break;
    case 'begins_with':
      operandPaths(condition.operand, out);
      operandPaths(condition.prefix, out);
      break;
    case 'contains':
      operandPaths(condition.operand, out);
      operandPaths(condition.element, out);
      break;
    case 'legacy':
      out.push([condition.attribute]);
      break;
    case 'true':
      break;
    default:
      assertNever(condition, 'condition');
  }
  return out;
}

function setValuePaths(value: ResolvedSetValue, out: DocumentPath[]): void {
  switch (value.kind) {
    case 'path':
      out.push(value.path);
      return;
    case 'value':
      return;
    case 'plus':
    case 'minus':
    case 'list_append':
      setValuePaths(value.left, out);
      setValuePaths(value.right, out);
      return;
    case 'if_not_exists':
      out.push(value.path);
      setValuePaths(value.fallback, out);
      return;
    default:
      assertNever(value, 'set value');
  }
}

/** Every document path an update writes or reads, in order. */
export function updatePaths(update: ResolvedUpdate, out: DocumentPath[] = []): DocumentPath[] {
  for (const action of update.actions) {
    out.push(action.path);
    if (action.kind === 'set') setValuePaths(action.value, out);
  }
  return out;
}

/**
 * Throws DynamoDB's message when a path looks inside one of `keyNames` (`label` 'Key' for the
 * table's key, 'IndexKey' for a secondary index's).
 */
export function checkScalarKeyPaths(paths: readonly DocumentPath[], keyNames: readonly string[], label: 'Key' | 'IndexKey'): void {
  for (const path of paths) {
    const head = path[0];
    if (path.length > 1 && typeof head === 'string' && keyNames.includes(head)) {
      throw validationError(
        `Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: ${label}: ${head}`,
      );
    }
  }
}
