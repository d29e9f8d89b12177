/**
 * Hand-written recursive-descent parser for DynamoDB's condition, update and projection
 * expressions. It produces the name/value-independent AST of `ast.ts`, or the first syntax error
 * in DynamoDB's form: `Syntax error; token: "<token>", near: "<context>"`.
 *
 * Grammar (keywords case-insensitive; precedence NOT > AND > OR, per the developer guide's
 * "Precedence in conditions"):
 *   condition  := and ( OR and )*
 *   and        := not ( AND not )*
 *   not        := NOT not | primary
 *   primary    := '(' condition ')'
 *               | operand comparator operand
 *               | operand BETWEEN operand AND operand
 *               | operand IN '(' operand ( ',' operand )* ')'
 *               | function                                   -- a function used as a condition
 *   operand    := path | :value | function | '(' operand ')' [path continuation]
 *   function   := identifier '(' operand ( ',' operand )* ')'
 *   path       := ( identifier | #name ) ( '.' ( identifier | #name ) | '[' integer ']' )*
 *   update     := ( SET set ( ',' set )* | REMOVE path ( ',' path )*
 *                 | ADD path :value ( ',' ... )* | DELETE path :value ( ',' ... )* )+
 *   set        := path '=' setValue
 *   setValue   := term [ ( '+' | '-' ) term ]                  -- one operator at most
 *   term       := '(' setValue ')' | updOperand                -- a parenthesised sum only alone
 *   updOperand := path | :value | function | '(' updOperand ')'
 *   projection := path ( ',' path )*
 *
 * A '(' at the start of a condition is ambiguous (a parenthesised condition or operand); the
 * parser tries the condition first and, if that fails or is followed by a comparator, the operand,
 * reporting whichever attempt got further, as an LL(*) parser would.
 *
 * Redundant parentheses (a parenthesised group directly inside another) are not a syntax error
 * but DynamoDB's "The expression has redundant parentheses;" and are reported by the caller with
 * their own precedence, so the parser only records that it saw them.
 */
import type {
  Comparator,
  ConditionNode,
  FunctionNode,
  OperandNode,
  PathElement,
  PathNode,
  ProjectionNode,
  UpdateActionNode,
  UpdateClause,
  UpdateNode,
  ValueNode,
} from './ast.js';
import { nearText, tokenize, type Token } from './lexer.js';

/** A syntax error at a token; converted to DynamoDB's message by `syntaxErrorMessage`. */
export class SyntaxFailure extends Error {
  readonly tokenIndex: number;
  constructor(tokenIndex: number) {
    super('syntax error');
    this.tokenIndex = tokenIndex;
  }
}

export interface ParseResult<T> {
  readonly ast: T;
  readonly redundantParentheses: boolean;
}

type Mode = 'condition' | 'update' | 'projection';

/**
 * Deepest nesting of parentheses, NOT and function calls the parser follows. DynamoDB states no
 * limit; real expressions nest a few levels, and 4 KB of '(' must not exhaust the stack, so
 * deeper nesting is answered as a syntax error at the token that goes too deep.
 */
export const max_nesting_depth = 256;

const condition_keywords = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN']);
const update_keywords = new Set(['SET', 'REMOVE', 'ADD', 'DELETE']);

class Parser {
  readonly tokens: Token[];
  pos = 0;
  redundant = false;
  private depth = 0;
  private readonly keywords: ReadonlySet<string>;
  /** Nodes that were written directly inside a pair of parentheses. */
  private readonly parenthesized = new Set<object>();

  constructor(text: string, mode: Mode) {
    this.tokens = tokenize(text);
    this.keywords = mode === 'condition' ? condition_keywords : mode === 'update' ? update_keywords : new Set();
  }

  peek(): Token {
    return this.tokens[this.pos]!;
  }

  fail(): never {
    throw new SyntaxFailure(this.pos);
  }

  /**
   * Runs a nested construct, refusing nesting deeper than `max_nesting_depth` so a hostile
   * expression cannot exhaust the stack.
   */
  nested<T>(body: () => T): T {
    if (this.depth >= max_nesting_depth) this.fail();
    this.depth++;
    try {
      return body();
    } finally {
      this.depth--;
    }
  }

  isPunct(text: string): boolean {
    const t = this.tokens[this.pos]!;
    return t.kind === 'punct' && t.text === text;
  }

  expectPunct(text: string): void {
    if (!this.isPunct(text)) this.fail();
    this.pos++;
  }

  isKeyword(word: string): boolean {
    const t = this.tokens[this.pos]!;
    return t.kind === 'identifier' && t.text.length === word.length && t.text.toUpperCase() === word;
  }

  isAnyKeyword(t: Token): boolean {
    return t.kind === 'identifier' && this.keywords.has(t.text.toUpperCase());
  }

  expectEnd(): void {
    if (this.peek().kind !== 'eof') this.fail();
  }

  /** Marks a node as written inside one pair of parentheses; a second pair is redundant. */
  wrap<T extends object>(node: T): T {
    if (this.parenthesized.has(node)) this.redundant = true;
    else this.parenthesized.add(node);
    return node;
  }

  // ---- paths -------------------------------------------------------------------------------

  pathElement(): PathElement {
    const t = this.peek();
    if (t.kind === 'name') {
      this.pos++;
      return { kind: 'placeholder', name: t.text };
    }
    if (t.kind === 'identifier' && !this.isAnyKeyword(t)) {
      this.pos++;
      return { kind: 'attribute', name: t.text };
    }
    this.fail();
  }

  /** Continues a path with `.name` and `[n]` elements. */
  pathTail(elements: PathElement[]): void {
    for (;;) {
      if (this.isPunct('.')) {
        this.pos++;
        elements.push(this.pathElement());
      } else if (this.isPunct('[')) {
        this.pos++;
        const t = this.peek();
        if (t.kind !== 'number') this.fail();
        this.pos++;
        this.expectPunct(']');
        elements.push({ kind: 'index', index: Number(t.text), text: t.text });
      } else {
        return;
      }
    }
  }

  path(): PathNode {
    const elements = [this.pathElement()];
    this.pathTail(elements);
    return { kind: 'path', elements };
  }

  // ---- operands ----------------------------------------------------------------------------

  isFunctionStart(): boolean {
    const t = this.peek();
    if (t.kind !== 'identifier' || this.isAnyKeyword(t)) return false;
    const next = this.tokens[this.pos + 1]!;
    return next.kind === 'punct' && next.text === '(';
  }

  functionCall(argument: () => OperandNode): FunctionNode {
    const name = this.peek().text;
    this.pos += 2; // name and '('
    const args = [argument()];
    while (this.isPunct(',')) {
      this.pos++;
      args.push(argument());
    }
    this.expectPunct(')');
    return { kind: 'function', name, args };
  }

  value(): ValueNode {
    const t = this.peek();
    if (t.kind !== 'value') this.fail();
    this.pos++;
    return { kind: 'value', name: t.text };
  }

  conditionOperand = (): OperandNode => {
    if (this.isPunct('(')) {
      this.pos++;
      const inner = this.nested(this.conditionOperand);
      this.expectPunct(')');
      this.wrap(inner);
      if (inner.kind === 'path' && (this.isPunct('.') || this.isPunct('['))) {
        // `(a.b).c` continues the parenthesised path (DynamoDB accepts it in conditions).
        const elements = [...inner.elements];
        this.pathTail(elements);
        return { kind: 'path', elements };
      }
      return inner;
    }
    const t = this.peek();
    if (t.kind === 'value') return this.value();
    if (this.isFunctionStart()) return this.nested(() => this.functionCall(this.conditionOperand));
    return this.path();
  };

  // ---- conditions --------------------------------------------------------------------------

  condition(): ConditionNode {
    let left = this.andCondition();
    while (this.isKeyword('OR')) {
      this.pos++;
      left = { kind: 'or', left, right: this.andCondition() };
    }
    return left;
  }

  andCondition(): ConditionNode {
    let left = this.notCondition();
    while (this.isKeyword('AND')) {
      this.pos++;
      left = { kind: 'and', left, right: this.notCondition() };
    }
    return left;
  }

  notCondition(): ConditionNode {
    if (this.isKeyword('NOT')) {
      this.pos++;
      return { kind: 'not', operand: this.nested(() => this.notCondition()) };
    }
    return this.primaryCondition();
  }

  isComparisonNext(): boolean {
    const t = this.peek();
    if (t.kind === 'punct') return comparatorOf(t.text) !== undefined;
    return this.isKeyword('BETWEEN') || this.isKeyword('IN');
  }

  primaryCondition(): ConditionNode {
    if (!this.isPunct('(')) return this.comparison(this.conditionOperand());
    const start = this.pos;
    const redundantBefore = this.redundant;
    let groupFailure: SyntaxFailure | undefined;
    try {
      this.pos++;
      const inner = this.nested(() => this.condition());
      this.expectPunct(')');
      if (!this.isComparisonNext()) return this.wrap(inner);
    } catch (error) {
      if (!(error instanceof SyntaxFailure)) throw error;
      groupFailure = error;
    }
    this.pos = start;
    this.redundant = redundantBefore;
    try {
      return this.comparison(this.conditionOperand());
    } catch (error) {
      if (!(error instanceof SyntaxFailure)) throw error;
      if (groupFailure !== undefined && groupFailure.tokenIndex > error.tokenIndex) throw groupFailure;
      throw error;
    }
  }

  comparison(left: OperandNode): ConditionNode {
    const t = this.peek();
    if (t.kind === 'punct') {
      const operator = comparatorOf(t.text);
      if (operator !== undefined) {
        this.pos++;
        return { kind: 'compare', operator, left, right: this.conditionOperand() };
      }
    }
    if (this.isKeyword('BETWEEN')) {
      this.pos++;
      const lower = this.conditionOperand();
      if (!this.isKeyword('AND')) this.fail();
      this.pos++;
      return { kind: 'between', operand: left, lower, upper: this.conditionOperand() };
    }
    if (this.isKeyword('IN')) {
      this.pos++;
      this.expectPunct('(');
      const list = [this.conditionOperand()];
      while (this.isPunct(',')) {
        this.pos++;
        list.push(this.conditionOperand());
      }
      this.expectPunct(')');
      return { kind: 'in', operand: left, list };
    }
    if (left.kind === 'function' && !this.parenthesized.has(left)) return { kind: 'call', call: left };
    this.fail();
  }

  // ---- updates -----------------------------------------------------------------------------

  updateOperand = (): OperandNode => {
    if (this.isPunct('(')) {
      this.pos++;
      const inner = this.nested(this.updateOperand);
      this.expectPunct(')');
      return inner;
    }
    if (this.peek().kind === 'value') return this.value();
    if (this.isFunctionStart()) return this.nested(() => this.functionCall(this.updateOperand));
    return this.path();
  };

  /** A term, and whether it is a parenthesised sum (which may not be combined further). */
  term(): [OperandNode, boolean] {
    if (this.isPunct('(')) {
      this.pos++;
      const [inner, innerIsSum] = this.nested(() => this.setValue());
      this.expectPunct(')');
      return [inner, innerIsSum || inner.kind === 'arithmetic'];
    }
    return [this.updateOperand(), false];
  }

  setValue(): [OperandNode, boolean] {
    const [left, leftIsSum] = this.term();
    if (!this.isPunct('+') && !this.isPunct('-')) return [left, leftIsSum];
    if (leftIsSum) this.fail();
    const operator = this.peek().text as '+' | '-';
    this.pos++;
    const [right, rightIsSum] = this.term();
    if (rightIsSum) throw new SyntaxFailure(this.pos - 1);
    return [{ kind: 'arithmetic', operator, left, right }, false];
  }

  update(): UpdateNode {
    const actions: UpdateActionNode[] = [];
    const clauses: UpdateClause[] = [];
    do {
      const t = this.peek();
      const clause = t.kind === 'identifier' ? (t.text.toUpperCase() as UpdateClause) : undefined;
      if (clause === undefined || !update_keywords.has(clause)) this.fail();
      this.pos++;
      clauses.push(clause);
      for (;;) {
        const path = this.path();
        switch (clause) {
          case 'SET':
            this.expectPunct('=');
            actions.push({ kind: 'set', path, value: this.setValue()[0] });
            break;
          case 'REMOVE':
            actions.push({ kind: 'remove', path });
            break;
          case 'ADD':
            actions.push({ kind: 'add', path, value: this.value() });
            break;
          case 'DELETE':
            actions.push({ kind: 'delete', path, value: this.value() });
            break;
        }
        if (!this.isPunct(',')) break;
        this.pos++;
      }
    } while (this.peek().kind !== 'eof');
    return { kind: 'update', actions, clauses };
  }

  projection(): ProjectionNode {
    const paths = [this.path()];
    while (this.isPunct(',')) {
      this.pos++;
      paths.push(this.path());
    }
    this.expectEnd();
    return { kind: 'projection', paths };
  }
}

function comparatorOf(text: string): Comparator | undefined {
  switch (text) {
    case '=':
    case '<>':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return text;
    default:
      return undefined;
  }
}

function run<T>(text: string, mode: Mode, body: (parser: Parser) => T): ParseResult<T> | string {
  const parser = new Parser(text, mode);
  try {
    const ast = body(parser);
    return { ast, redundantParentheses: parser.redundant };
  } catch (error) {
    if (!(error instanceof SyntaxFailure)) throw error;
    const token = parser.tokens[error.tokenIndex]!;
    return `Syntax error; token: "${token.text}", near: "${nearText(text, parser.tokens, error.tokenIndex)}"`;
  }
}

/** Parses a condition; a string result is DynamoDB's syntax-error message (without prefix). */
export function parseConditionSyntax(text: string): ParseResult<ConditionNode> | string {
  return run(text, 'condition', (p) => {
    const ast = p.condition();
    p.expectEnd();
    return ast;
  });
}

export function parseUpdateSyntax(text: string): ParseResult<UpdateNode> | string {
  return run(text, 'update', (p) => p.update());
}

export function parseProjectionSyntax(text: string): ParseResult<ProjectionNode> | string {
  return run(text, 'projection', (p) => p.projection());
}
