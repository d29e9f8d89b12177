/**
 * Resolved expressions: placeholders substituted, every check passed. Paths are arrays of map
 * keys (strings) and list indexes (numbers). These are what the evaluators run; legacy parameters
 * (Expected, AttributeUpdates, KeyConditions, ...) are converted to the same forms.
 */
import type { AttributeType, AttributeValue } from '../model/attribute-value.js';
import type { Comparator } from './ast.js';

export type DocumentPath = readonly (string | number)[];

export type ResolvedOperand =
  | { readonly kind: 'path'; readonly path: DocumentPath }
  | { readonly kind: 'value'; readonly value: AttributeValue }
  | { readonly kind: 'size'; readonly operand: ResolvedOperand };

/** The legacy ComparisonOperator values (Expected, KeyConditions, QueryFilter, ScanFilter). */
export type ComparisonOperator =
  | 'EQ'
  | 'NE'
  | 'LE'
  | 'LT'
  | 'GE'
  | 'GT'
  | 'NOT_NULL'
  | 'NULL'
  | 'CONTAINS'
  | 'NOT_CONTAINS'
  | 'BEGINS_WITH'
  | 'IN'
  | 'BETWEEN';

export type ResolvedCondition =
  | { readonly kind: 'compare'; readonly operator: Comparator; readonly left: ResolvedOperand; readonly right: ResolvedOperand }
  | { readonly kind: 'between'; readonly operand: ResolvedOperand; readonly lower: ResolvedOperand; readonly upper: ResolvedOperand }
  | { readonly kind: 'in'; readonly operand: ResolvedOperand; readonly list: readonly ResolvedOperand[] }
  | { readonly kind: 'attribute_exists'; readonly path: DocumentPath }
  | { readonly kind: 'attribute_not_exists'; readonly path: DocumentPath }
  | { readonly kind: 'attribute_type'; readonly operand: ResolvedOperand; readonly type: AttributeType }
  | { readonly kind: 'begins_with'; readonly operand: ResolvedOperand; readonly prefix: ResolvedOperand }
  | { readonly kind: 'contains'; readonly operand: ResolvedOperand; readonly element: ResolvedOperand }
  | { readonly kind: 'and'; readonly left: ResolvedCondition; readonly right: ResolvedCondition }
  | { readonly kind: 'or'; readonly left: ResolvedCondition; readonly right: ResolvedCondition }
  | { readonly kind: 'not'; readonly operand: ResolvedCondition }
  /** One legacy condition on a top-level attribute, with the legacy operator's own semantics. */
  | {
      readonly kind: 'legacy';
      readonly attribute: string;
      readonly operator: ComparisonOperator;
      readonly values: readonly AttributeValue[];
    }
  /** An empty legacy condition map (always true). */
  | { readonly kind: 'true' };

export type ResolvedSetValue =
  | { readonly kind: 'path'; readonly path: DocumentPath }
  | { readonly kind: 'value'; readonly value: AttributeValue }
  | { readonly kind: 'plus' | 'minus'; readonly left: ResolvedSetValue; readonly right: ResolvedSetValue }
  | { readonly kind: 'if_not_exists'; readonly path: DocumentPath; readonly fallback: ResolvedSetValue }
  | { readonly kind: 'list_append'; readonly left: ResolvedSetValue; readonly right: ResolvedSetValue };

export type ResolvedUpdateAction =
  | { readonly kind: 'set'; readonly path: DocumentPath; readonly value: ResolvedSetValue }
  | { readonly kind: 'remove'; readonly path: DocumentPath }
  /** ADD: a number adds, a set unions; a list appends (AttributeUpdates only). */
  | { readonly kind: 'add'; readonly path: DocumentPath; readonly value: AttributeValue }
  | { readonly kind: 'delete'; readonly path: DocumentPath; readonly value: AttributeValue };

export interface ResolvedUpdate {
  readonly actions: readonly ResolvedUpdateAction[];
  /**
   * Where the update came from: DynamoDB words type errors differently for an UpdateExpression
   * ("An operand in the update expression has an incorrect data type") and for AttributeUpdates
   * ("Type mismatch for attribute to update").
   */
  readonly source: 'expression' | 'legacy';
}

export type ResolvedProjection = readonly DocumentPath[];

/** DynamoDB's rendering of a path in messages: `[a, b, [3]]`. */
export function formatPath(path: DocumentPath): string {
  let out = '[';
  for (let i = 0; i < path.length; i++) {
    if (i > 0) out += ', ';
    const element = path[i]!;
    out += typeof element === 'number' ? `[${element}]` : element;
  }
  return out + ']';
}
