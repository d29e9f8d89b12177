/**
 * The expression AST. It is independent of ExpressionAttributeNames/Values (placeholders stay
 * placeholders), so one parse of an expression text serves every request that uses it.
 * Offsets (`start`) point into the expression text and are kept for error reporting only.
 */

export type PathElement =
  | { readonly kind: 'attribute'; readonly name: string } // a literal identifier
  | { readonly kind: 'placeholder'; readonly name: string } // #name
  | { readonly kind: 'index'; readonly index: number; readonly text: string }; // [n]

export interface PathNode {
  readonly kind: 'path';
  readonly elements: readonly PathElement[];
}

export interface ValueNode {
  readonly kind: 'value';
  readonly name: string; // :value
}

export interface FunctionNode {
  readonly kind: 'function';
  readonly name: string;
  readonly args: readonly OperandNode[];
}

/** `+` and `-` exist only on the right-hand side of SET. */
export interface ArithmeticNode {
  readonly kind: 'arithmetic';
  readonly operator: '+' | '-';
  readonly left: OperandNode;
  readonly right: OperandNode;
}

export type OperandNode = PathNode | ValueNode | FunctionNode | ArithmeticNode;

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type ConditionNode =
  | { readonly kind: 'compare'; readonly operator: Comparator; readonly left: OperandNode; readonly right: OperandNode }
  | { readonly kind: 'between'; readonly operand: OperandNode; readonly lower: OperandNode; readonly upper: OperandNode }
  | { readonly kind: 'in'; readonly operand: OperandNode; readonly list: readonly OperandNode[] }
  | { readonly kind: 'call'; readonly call: FunctionNode } // a function used as a condition
  | { readonly kind: 'and'; readonly left: ConditionNode; readonly right: ConditionNode }
  | { readonly kind: 'or'; readonly left: ConditionNode; readonly right: ConditionNode }
  | { readonly kind: 'not'; readonly operand: ConditionNode };

export type UpdateClause = 'SET' | 'REMOVE' | 'ADD' | 'DELETE';

export type UpdateActionNode =
  | { readonly kind: 'set'; readonly path: PathNode; readonly value: OperandNode }
  | { readonly kind: 'remove'; readonly path: PathNode }
  | { readonly kind: 'add'; readonly path: PathNode; readonly value: ValueNode }
  | { readonly kind: 'delete'; readonly path: PathNode; readonly value: ValueNode };

export interface UpdateNode {
  readonly kind: 'update';
  /** Actions in textual order (DynamoDB reports overlapping paths in that order). */
  readonly actions: readonly UpdateActionNode[];
  /** The clause keywords in the order written (a clause may appear only once). */
  readonly clauses: readonly UpdateClause[];
}

export interface ProjectionNode {
  readonly kind: 'projection';
  readonly paths: readonly PathNode[];
}

/** The expression parameters of a request, named as DynamoDB names them in messages. */
export type ConditionKind = 'ConditionExpression' | 'FilterExpression' | 'KeyConditionExpression';
export type ExpressionKind = ConditionKind | 'UpdateExpression' | 'ProjectionExpression';
