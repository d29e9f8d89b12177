/**
 * HTTP/1.1 framing for one client connection on a raw node:net socket: it cuts the byte stream
 * into requests, hands each to `answer` (the transport-agnostic core, `handleDynamoRequest`), and
 * writes each answer back, in order, with keep-alive.
 *
 * Why not node:http: its per-request machinery (IncomingMessage and ServerResponse objects,
 * stream events, per-header validation of our own fixed headers) cost 15-20 µs of CPU per request
 * on the 2-core reference VM, a third of a whole GetItem. DynamoDB's clients (the AWS SDKs, the
 * CLI, boto3, Terraform's Go client) speak a small part of HTTP/1.1, which this module implements
 * after RFC 9112 and node:http's own limits and answers:
 * - request line `METHOD target HTTP/1.x`, header fields `name: value` (names case-insensitive,
 *   given to the core in lower case; a repeated field joined with ", " except the single-valued
 *   ones, where the first wins, as node:http does), an empty line;
 * - a body framed by `Content-Length` or `Transfer-Encoding: chunked` (both at once is refused,
 *   the classic request-smuggling ambiguity), or no body;
 * - `Expect: 100-continue` (the interim 100 is sent unless the declared body is oversize);
 * - persistent connections: HTTP/1.1 stays open unless `Connection: close`, HTTP/1.0 closes
 *   unless `Connection: keep-alive`; pipelined requests are answered one at a time, in order;
 * - a `HEAD` answer carries the headers without the body.
 * A malformed head is answered 400, an oversize head 431 (16 KB, node:http's default), an
 * oversize body DynamoDB's bare 413 (from `requestTooLargeResponse`, before reading the body when
 * its length is declared); each closes the connection.
 */
import type { Socket } from 'node:net';
import { max_request_body_bytes } from '../limits.js';
import type { DynamoHttpRequest, DynamoHttpResponse } from './handle-dynamo-request.js';
import { requestTooLargeResponse } from './handle-dynamo-request.js';

/** The longest request head accepted (node:http's default `maxHeaderSize`). */
export const max_request_head_bytes = 16 * 1024;

export type AnswerRequest = (request: DynamoHttpRequest) => Promise<DynamoHttpResponse>;

/** A request whose head has been read, waiting for its body. */
interface RequestHead {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly keepAlive: boolean;
}

type Framing = { readonly kind: 'length'; readonly length: number } | { readonly kind: 'chunked' };

/** Fields that carry one value: a repetition is dropped (node:http's rule, so answers match it). */
const single_valued_fields = new Set([
  'age',
  'authorization',
  'content-length',
  'content-type',
  'etag',
  'expires',
  'from',
  'host',
  'if-modified-since',
  'if-unmodified-since',
  'last-modified',
  'location',
  'max-forwards',
  'proxy-authorization',
  'referer',
  'retry-after',
  'server',
  'user-agent',
]);

/** tchar of RFC 9110 §5.6.2: what a method and a field name may be made of. */
const token_pattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** The same set as a table by character code, for the per-field scan (regular expressions cost more there). */
const token_chars = new Uint8Array(128);
for (let code = 0; code < 128; code++) token_chars[code] = token_pattern.test(String.fromCharCode(code)) ? 1 : 0;
const tab_code = 0x09;
const space_code = 0x20;
const chunk_size_pattern = /^([0-9A-Fa-f]{1,8})[\t ]*(;.*)?$/;

const crlf = Buffer.from('\r\n', 'latin1');
const no_body = Buffer.alloc(0);
const continue_answer = Buffer.from('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');

/**
 * Reason phrases of the statuses Dynabase answers (RFC 9110 §15). A client ignores the phrase
 * (RFC 9112 §4), so an unlisted status is sent with an empty one rather than importing node:http
 * for its table.
 */
const reason_phrases: Readonly<Record<number, string>> = {
  100: 'Continue',
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  417: 'Expectation Failed',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
};

/** A bare error answer (no body), after which the connection closes. */
function bareAnswer(statusCode: number): Buffer {
  return Buffer.from(`HTTP/1.1 ${statusCode} ${reason_phrases[statusCode] ?? ''}\r\nConnection: close\r\n\r\n`, 'latin1');
}
const bad_request_answer = bareAnswer(400);
const head_too_large_answer = bareAnswer(431);
const expectation_failed_answer = bareAnswer(417);
const request_timeout_answer = bareAnswer(408);

/** `since_ms` before the first timeout check has stamped it (a time no clock gives). */
const not_yet_seen = -1;

/** The `Date` header every answer carries (RFC 9110 §6.6.1), formatted at most once a second. */
let dateSecond = -1;
let dateLine = '';
function currentDateLine(): string {
  const now_ms = Date.now();
  const second = Math.floor(now_ms / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = `Date: ${new Date(now_ms).toUTCString()}\r\n`;
  }
  return dateLine;
}

/**
 * Methods and header field names a request usually carries (the AWS SDKs', boto3's and the CLI's,
 * and those the core reads): recognised where they stand in the head, in any case, and stored
 * under these constant strings, instead of a copy sliced out of the head (and lower-cased) for
 * every field of every request. Any other name is sliced and lower-cased.
 */
const known_methods = ['POST', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'];
const known_field_names = [
  'accept',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'authorization',
  'connection',
  'content-length',
  'content-type',
  'date',
  'expect',
  'host',
  'origin',
  'transfer-encoding',
  'user-agent',
  'x-amz-content-sha256',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-target',
  'x-amz-user-agent',
];
/** The known names by length, so a field is compared with the few of its own length. */
const known_field_names_by_length: string[][] = [];
for (const name of known_field_names) (known_field_names_by_length[name.length] ??= []).push(name);

/** Whether `text` holds `name` (lower case) at `start`, in any case. */
function holdsName(text: string, start: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = text.charCodeAt(start + i);
    if ((code >= 0x41 && code <= 0x5a ? code | 0x20 : code) !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** A field name (tchars, no space before the colon: RFC 9112 §5.1) in lower case; undefined when it is not a token. */
function fieldName(text: string, start: number, end: number): string | undefined {
  const known = known_field_names_by_length[end - start];
  if (known !== undefined) for (const name of known) if (holdsName(text, start, name)) return name;
  let lowerCase = true;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || token_chars[code] === 0) return undefined;
    if (code >= 0x41 && code <= 0x5a) lowerCase = false;
  }
  return lowerCase ? text.slice(start, end) : text.slice(start, end).toLowerCase();
}

/** The method, a token: one of the usual ones as its constant. */
function methodName(text: string, end: number): string | undefined {
  for (const method of known_methods) if (method.length === end && text.startsWith(method)) return method;
  const method = text.slice(0, end);
  return token_pattern.test(method) ? method : undefined;
}

/** Parses a request head (without its final empty line); undefined when it is malformed. */
function parseRequestHead(text: string): RequestHead | undefined {
  const length = text.length;
  let lineEnd = text.indexOf('\r\n');
  if (lineEnd < 0) lineEnd = length;
  // `METHOD target HTTP/1.x`: the target is everything between the first and the last space.
  const firstSpace = text.indexOf(' ');
  const lastSpace = text.lastIndexOf(' ', lineEnd - 1);
  if (firstSpace <= 0 || firstSpace >= lineEnd || lastSpace === firstSpace) return undefined;
  const method = methodName(text, firstSpace);
  if (method === undefined || lastSpace === firstSpace + 1 || text.indexOf(' ', firstSpace + 1) !== lastSpace) return undefined;
  const path = text.slice(firstSpace + 1, lastSpace);
  if (lineEnd - lastSpace !== 9 || !text.startsWith('HTTP/1.', lastSpace + 1)) return undefined;
  const minorVersion = text.charCodeAt(lineEnd - 1);
  if (minorVersion !== 0x31 && minorVersion !== 0x30) return undefined;

  const headers: Record<string, string> = {};
  let start = lineEnd + 2;
  while (start < length) {
    let end = text.indexOf('\r\n', start);
    if (end < 0) end = length;
    const colon = text.indexOf(':', start);
    if (colon <= start || colon >= end) return undefined;
    const name = fieldName(text, start, colon);
    if (name === undefined) return undefined;
    // The value, without the spaces and tabs around it; no control character within.
    let valueStart = colon + 1;
    let valueEnd = end;
    while (valueStart < valueEnd && isBlank(text.charCodeAt(valueStart))) valueStart++;
    while (valueEnd > valueStart && isBlank(text.charCodeAt(valueEnd - 1))) valueEnd--;
    for (let i = valueStart; i < valueEnd; i++) {
      const code = text.charCodeAt(i);
      if ((code < space_code && code !== tab_code) || code === 0x7f) return undefined;
    }
    const value = text.slice(valueStart, valueEnd);
    const previous = headers[name];
    if (previous === undefined) headers[name] = value;
    else if (name === 'content-length' || name === 'transfer-encoding') return undefined;
    else if (!single_valued_fields.has(name)) headers[name] = `${previous}, ${value}`;
    start = end + 2;
  }

  const connection = headers['connection'];
  const keepAlive =
    connection === 'keep-alive' || (connection === undefined ? minorVersion === 0x31 : minorVersion === 0x31 ? !hasToken(connection, 'close') : hasToken(connection, 'keep-alive'));
  return { method, path, headers, keepAlive };
}

/**
 * Where the CRLF CRLF ending a head starts in `bytes`, or -1. Scanned here rather than with
 * `Buffer.indexOf`, whose call into C++ cost more than the search of a few hundred bytes: the
 * byte under the window's last position says how far the pattern can move (Horspool), four
 * bytes at a time through field text.
 */
function headEnd(bytes: Buffer): number {
  const length = bytes.length;
  let i = 3;
  while (i < length) {
    const code = bytes[i]!;
    if (code === 0x0a) {
      if (bytes[i - 1] === 0x0d && bytes[i - 2] === 0x0a && bytes[i - 3] === 0x0d) return i - 3;
      i += 2;
    } else i += code === 0x0d ? 1 : 4;
  }
  return -1;
}

function isBlank(code: number): boolean {
  return code === space_code || code === tab_code;
}

/** Whether the comma-separated `list` holds `token` (lower case), in any case. */
function hasToken(list: string, token: string): boolean {
  for (const part of list.split(',')) if (part.trim().toLowerCase() === token) return true;
  return false;
}

const no_length: Framing = { kind: 'length', length: 0 };
const chunked: Framing = { kind: 'chunked' };

/** How the body is framed; undefined when the head declares it ambiguously or malformed. */
function framingOf(headers: Record<string, string>): Framing | undefined {
  const transferEncoding = headers['transfer-encoding'];
  const contentLength = headers['content-length'];
  if (transferEncoding !== undefined) {
    if (contentLength !== undefined) return undefined;
    const codings = transferEncoding.toLowerCase().split(',');
    // Only chunked is understood, and it must be the final coding (RFC 9112 §6.3).
    if (codings.length !== 1 || codings[0]!.trim() !== 'chunked') return undefined;
    return chunked;
  }
  if (contentLength === undefined) return no_length;
  // 1 to 16 decimal digits (a longer number cannot be a body Dynabase accepts anyway).
  const digits = contentLength.length;
  if (digits === 0 || digits > 16) return undefined;
  let length = 0;
  for (let i = 0; i < digits; i++) {
    const digit = contentLength.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    length = length * 10 + digit;
  }
  return { kind: 'length', length };
}

/**
 * One connection's state machine. Bytes arrive in `pending`; `advance` consumes as many whole
 * requests as it can while no answer is outstanding.
 */
export class Http1Connection {
  private pending: Buffer | undefined;
  private head: RequestHead | undefined;
  private framing: Framing | undefined;
  /**
   * The body's pieces so far, and their total size: a chunked body's decoded chunks, or a length
   * body arriving over several reads (kept apart and joined once, not re-joined as each arrives).
   */
  private chunks: Buffer[] = [];
  private bodySize_bytes = 0;
  /** Within a chunked body: a chunk's data still to come, then its CRLF. */
  private chunkRemaining_bytes = 0;
  private inTrailers = false;
  /** An answer is being computed: nothing more is parsed until it is written. */
  private answering = false;
  /** Everything that arrives is dropped (after an error answer, until the client closes). */
  private discarding = false;
  /** The server is closing: end the connection after the answer in progress. */
  private draining = false;
  /**
   * When the current request's first byte arrived, or when the connection became idle, as the
   * first timeout check after it saw the clock (`not_yet_seen` until then): up to a check
   * interval late, so a timeout fires late rather than early, and no request reads the clock.
   */
  private since_ms: number;
  /** The request being answered, and what is called with its answer (made once, not per request). */
  private answered: RequestHead | undefined;
  private readonly onAnswer = (answer: DynamoHttpResponse): void => {
    const head = this.answered!;
    this.answered = undefined;
    this.respond(head, answer);
  };
  private readonly onFailure = (error: unknown): void => {
    // handleDynamoRequest never rejects; this is a last line of defence so that no request is
    // ever left hanging.
    process.stderr.write(`dynabase: unexpected failure answering a request: ${String(error)}\n`);
    this.refuse(bareAnswer(500));
  };

  constructor(
    private readonly socket: Socket,
    private readonly answer: AnswerRequest,
    now_ms: number,
  ) {
    this.since_ms = now_ms;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // A client that goes away mid-request leaves nothing to answer; node reports it as an error.
    socket.on('error', () => {});
    socket.on('end', () => {
      // The client finished sending. Answer what it asked for, then close (half-open sockets
      // are not kept).
      if (!this.answering) socket.destroy();
      else this.draining = true;
    });
  }

  /** Whether the connection has timed out at `now_ms` (and has been told so). */
  checkTimeout(now_ms: number, keepAliveTimeout_ms: number, headersTimeout_ms: number, requestTimeout_ms: number): void {
    if (this.since_ms === not_yet_seen) this.since_ms = now_ms;
    if (this.answering || this.socket.destroyed) return;
    const waited_ms = now_ms - this.since_ms;
    if (this.pending === undefined && this.head === undefined) {
      if (waited_ms > keepAliveTimeout_ms) this.socket.destroy();
      return;
    }
    const limit_ms = this.head === undefined ? headersTimeout_ms : requestTimeout_ms;
    if (waited_ms > limit_ms) this.refuse(request_timeout_answer);
  }

  /** Closes the connection now if it is idle, else after the answer in progress. */
  drain(): void {
    this.draining = true;
    if (!this.answering) this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.discarding) return;
    if (this.pending === undefined) {
      this.pending = chunk;
      if (this.head === undefined) this.since_ms = not_yet_seen;
    } else {
      this.pending = Buffer.concat([this.pending, chunk], this.pending.length + chunk.length);
    }
    // A client that keeps sending while its answer is computed is slowed down, not buffered
    // without bound (pipelined requests are answered one at a time).
    if (this.answering && this.pending.length > max_request_head_bytes + max_request_body_bytes) this.socket.pause();
    if (!this.answering) this.advance();
  }

  private consume(bytes: number): void {
    const pending = this.pending!;
    this.pending = bytes >= pending.length ? undefined : pending.subarray(bytes);
  }

  /** Parses and dispatches requests from `pending` until it runs out or an answer is awaited. */
  private advance(): void {
    while (!this.answering && !this.discarding && this.pending !== undefined) {
      if (this.head === undefined && !this.readHead()) return;
      const body = this.framing!.kind === 'length' ? this.readLengthBody(this.framing!.length) : this.readChunkedBody();
      if (body === undefined) return;
      this.dispatch(this.head!, body);
    }
  }

  /** Reads a request head from `pending`; false when more bytes are needed or it was refused. */
  private readHead(): boolean {
    // An empty line before a request line is ignored (RFC 9112 §2.2: some clients send a CRLF
    // after a body).
    while (this.pending !== undefined && this.pending.length >= 2 && this.pending[0] === 0x0d && this.pending[1] === 0x0a) this.consume(2);
    const pending = this.pending;
    if (pending === undefined) return false;
    const end = headEnd(pending);
    if (end < 0) {
      if (pending.length > max_request_head_bytes) this.refuse(head_too_large_answer);
      return false;
    }
    if (end > max_request_head_bytes) {
      this.refuse(head_too_large_answer);
      return false;
    }
    const head = parseRequestHead(pending.toString('latin1', 0, end));
    const framing = head === undefined ? undefined : framingOf(head.headers);
    if (head === undefined || framing === undefined) {
      this.refuse(bad_request_answer);
      return false;
    }
    this.consume(end + 4);
    const expect = head.headers['expect'];
    if (framing.kind === 'length' && framing.length > max_request_body_bytes) {
      // Refused from its declared length: no 100 Continue, and the body is never buffered.
      this.refuseOversize(head);
      return false;
    }
    if (expect !== undefined) {
      if (expect.toLowerCase() !== '100-continue') {
        this.refuse(expectation_failed_answer);
        return false;
      }
      this.socket.write(continue_answer);
    }
    this.head = head;
    this.framing = framing;
    this.chunks = [];
    this.bodySize_bytes = 0;
    this.chunkRemaining_bytes = 0;
    this.inTrailers = false;
    return true;
  }

  private readLengthBody(length: number): Buffer | undefined {
    if (length === 0) return no_body;
    const pending = this.pending;
    if (pending === undefined) return undefined;
    if (this.bodySize_bytes === 0 && pending.length >= length) {
      // The whole body in what has arrived (the usual case): a view of it.
      const body = pending.length === length ? pending : pending.subarray(0, length);
      this.consume(length);
      return body;
    }
    const take = Math.min(length - this.bodySize_bytes, pending.length);
    this.chunks.push(pending.subarray(0, take));
    this.bodySize_bytes += take;
    this.consume(take);
    if (this.bodySize_bytes < length) return undefined;
    const body = Buffer.concat(this.chunks, length);
    this.chunks = [];
    return body;
  }

  /** Decodes chunks from `pending`; the whole body once its last chunk and trailers are read. */
  private readChunkedBody(): Buffer | undefined {
    for (;;) {
      const pending = this.pending;
      if (pending === undefined) return undefined;
      if (this.inTrailers) {
        // Trailer fields are read and ignored; the body ends at an empty line.
        const lineEnd = pending.indexOf(crlf);
        if (lineEnd < 0) return this.headTooLargeIf(pending.length > max_request_head_bytes);
        this.consume(lineEnd + 2);
        if (lineEnd === 0) {
          const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bodySize_bytes);
          this.chunks = [];
          return body;
        }
        continue;
      }
      if (this.chunkRemaining_bytes > 0) {
        const take = Math.min(this.chunkRemaining_bytes, pending.length);
        this.chunks.push(pending.subarray(0, take));
        this.chunkRemaining_bytes -= take;
        this.consume(take);
        if (this.chunkRemaining_bytes > 0) return undefined;
        this.chunkRemaining_bytes = -1;
        continue;
      }
      if (this.chunkRemaining_bytes < 0) {
        // The CRLF closing a chunk's data.
        if (pending.length < 2) return undefined;
        if (pending[0] !== 0x0d || pending[1] !== 0x0a) return this.malformed();
        this.consume(2);
        this.chunkRemaining_bytes = 0;
        continue;
      }
      const lineEnd = pending.indexOf(crlf);
      if (lineEnd < 0) return this.headTooLargeIf(pending.length > max_request_head_bytes);
      const match = chunk_size_pattern.exec(pending.toString('latin1', 0, lineEnd));
      if (match === null) return this.malformed();
      const size_bytes = parseInt(match[1]!, 16);
      this.consume(lineEnd + 2);
      if (size_bytes === 0) {
        this.inTrailers = true;
        continue;
      }
      this.bodySize_bytes += size_bytes;
      if (this.bodySize_bytes > max_request_body_bytes) {
        this.refuseOversize(this.head!);
        return undefined;
      }
      this.chunkRemaining_bytes = size_bytes;
    }
  }

  private malformed(): undefined {
    this.refuse(bad_request_answer);
    return undefined;
  }

  private headTooLargeIf(tooLarge: boolean): undefined {
    if (tooLarge) this.refuse(head_too_large_answer);
    return undefined;
  }

  private dispatch(head: RequestHead, body: Buffer): void {
    this.head = undefined;
    this.framing = undefined;
    this.answering = true;
    this.answered = head;
    this.answer({ method: head.method, path: head.path, headers: head.headers, body }).then(this.onAnswer, this.onFailure);
  }

  private respond(head: RequestHead, answer: DynamoHttpResponse): void {
    this.answering = false;
    if (this.socket.destroyed) return;
    const keepAlive = head.keepAlive && !this.draining;
    let text = `HTTP/1.1 ${answer.statusCode} ${reason_phrases[answer.statusCode] ?? ''}\r\n`;
    for (const name in answer.headers) text += `${name}: ${answer.headers[name]}\r\n`;
    text += currentDateLine();
    text += keepAlive ? 'Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n' : 'Connection: close\r\n\r\n';
    const body = head.method === 'HEAD' ? undefined : answer.body;
    // One write for head and body. A text body is encoded with the head, as UTF-8 (node writes a
    // string of up to 16 KB from the stack, making no Buffer); the head is ASCII then, as every
    // header sent with a text body is Dynabase's own. A head echoing request text (a CORS
    // preflight's) goes out in latin1, as its bytes came in, with a byte body copied behind it.
    let bytes: string | Buffer;
    let encoding: BufferEncoding = 'latin1';
    if (typeof body === 'string') {
      bytes = text + body;
      encoding = 'utf8';
    } else if (body === undefined || body.length === 0) bytes = text;
    else {
      bytes = Buffer.allocUnsafe(text.length + body.length);
      bytes.write(text, 0, 'latin1');
      bytes.set(body, text.length);
    }
    this.since_ms = not_yet_seen;
    if (!keepAlive) {
      this.socket.end(bytes, encoding);
      this.discarding = true;
      return;
    }
    this.socket.write(bytes, encoding);
    if (this.socket.isPaused()) this.socket.resume();
    this.advance();
  }

  /**
   * Refuses a body too large to take, with DynamoDB's 413, and closes the connection once the
   * answer is out. What the client still sends is read and dropped, so that it can read the
   * answer rather than meet a reset.
   */
  private refuseOversize(head: RequestHead): void {
    const answer = requestTooLargeResponse(head.headers['origin'] !== undefined);
    this.discarding = true;
    this.pending = undefined;
    this.respond({ ...head, keepAlive: false }, answer);
  }

  /** Answers a bare error and closes the connection after it. */
  private refuse(answer: Buffer): void {
    this.discarding = true;
    this.pending = undefined;
    this.head = undefined;
    this.socket.end(answer);
  }
}
