/**
 * The expression lexer. DynamoDB's lexer (as its error messages show) knows identifiers
 * (`[A-Za-z][A-Za-z0-9_]*`), `#name` and `:value` placeholders, integer literals (`0` or a digit
 * string without a leading zero, so `03` is the two tokens `0` and `3`), the punctuation of the
 * grammar, and nothing else: any other character becomes a one-character token that the parser
 * then rejects ("Syntax error; token: \"_\", near: \"__\"" for `__typename`). Keywords are
 * identifiers; the parser recognises them case-insensitively.
 */

export type TokenKind =
  | 'identifier'
  | 'name' // #placeholder
  | 'value' // :placeholder
  | 'number'
  | 'punct'
  | 'unknown'
  | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The token as written; `<EOF>` for the end, as DynamoDB prints it. */
  readonly text: string;
  /** Offsets into the expression text (end exclusive). */
  readonly start: number;
  readonly end: number;
}

const eof_text = '<EOF>';

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isWordPart(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 95; // '_'
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Splits an expression into tokens, always ending with an `eof` token. Never throws. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (isLetter(c)) {
      i++;
      while (i < length && isWordPart(text.charCodeAt(i))) i++;
      tokens.push({ kind: 'identifier', text: text.slice(start, i), start, end: i });
      continue;
    }
    if ((c === 35 || c === 58) && i + 1 < length && isWordPart(text.charCodeAt(i + 1))) {
      // '#' or ':' followed by at least one word character
      i += 2;
      while (i < length && isWordPart(text.charCodeAt(i))) i++;
      tokens.push({ kind: c === 35 ? 'name' : 'value', text: text.slice(start, i), start, end: i });
      continue;
    }
    if (isDigit(c)) {
      i++;
      if (c !== 48) while (i < length && isDigit(text.charCodeAt(i))) i++;
      tokens.push({ kind: 'number', text: text.slice(start, i), start, end: i });
      continue;
    }
    const next = i + 1 < length ? text.charCodeAt(i + 1) : -1;
    if ((c === 60 && (next === 62 || next === 61)) || (c === 62 && next === 61)) {
      // '<>', '<=', '>='
      i += 2;
      tokens.push({ kind: 'punct', text: text.slice(start, i), start, end: i });
      continue;
    }
    switch (c) {
      case 40: // (
      case 41: // )
      case 91: // [
      case 93: // ]
      case 44: // ,
      case 46: // .
      case 61: // =
      case 60: // <
      case 62: // >
      case 43: // +
      case 45: // -
        i++;
        tokens.push({ kind: 'punct', text: text[start]!, start, end: i });
        continue;
      default: {
        // One code point, so a surrogate pair is not split in the error message.
        const cp = text.codePointAt(i)!;
        i += cp > 0xffff ? 2 : 1;
        tokens.push({ kind: 'unknown', text: text.slice(start, i), start, end: i });
      }
    }
  }
  tokens.push({ kind: 'eof', text: eof_text, start: length, end: length });
  return tokens;
}

/**
 * DynamoDB's syntax-error context: the source text from the token before the offending one to
 * the token after it (`a = = b` fails at the second `=`, near `= = b`; `foo` fails at the end,
 * near `foo`).
 */
export function nearText(text: string, tokens: readonly Token[], index: number): string {
  const offending = tokens[index]!;
  const from = index > 0 ? tokens[index - 1]!.start : offending.start;
  const after = tokens[index + 1];
  const to = offending.kind === 'eof' || after === undefined ? offending.end : after.end;
  return text.slice(from, to);
}
