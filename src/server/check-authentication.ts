/**
 * The authentication checks DynamoDB makes before it reads the request body: is there a SigV4
 * `Authorization` header (or a presigned query string), and is it well formed. Signatures are not
 * verified here (any credentials are accepted, as DynamoDB Local does); the messages are
 * DynamoDB's own, in the order it checks them (recorded in dynalite's test/connection.js and the
 * notes in its index.js).
 */
import { DynamoError } from '../errors.js';

const missing_token_message = 'Request is missing Authentication Token';
const supported_algorithm = 'AWS4-HMAC-SHA256';
const t_code = 0x54;
const z_code = 0x5a;
const digit_0_code = 0x30;
const digit_9_code = 0x39;
const semicolon_code = 0x3b;
const slash_code = 0x2f;
const host_name = 'host';
const required_query_parameters = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'] as const;

export type HeaderValue = string | readonly string[] | undefined;

function single(value: HeaderValue): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * Returns the error DynamoDB would answer for this request's credentials, or undefined when they
 * are acceptable. `headers` has lower-case names; `query` is the raw query string (no `?`), or
 * '' when there is none.
 */
export function checkAuthentication(headers: Readonly<Record<string, HeaderValue>>, query: string): DynamoError | undefined {
  const authorization = single(headers['authorization']);
  const queryParameters = query === '' ? undefined : new URLSearchParams(query);
  if (queryParameters !== undefined && queryParameters.has('X-Amz-Algorithm')) {
    if (authorization) {
      return new DynamoError('InvalidSignatureException', "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
    }
    return checkQueryAuthentication(queryParameters);
  }
  // An empty header, or one that is not SigV4 at all (e.g. `AWS4` without the dash), is treated
  // as no token.
  const text = authorization?.trim();
  if (text === undefined || !text.startsWith('AWS4-')) {
    return new DynamoError('MissingAuthenticationTokenException', missing_token_message);
  }
  return checkAuthorizationHeader(authorization!, text, single(headers['x-amz-date']), single(headers['date']));
}

function checkQueryAuthentication(parameters: URLSearchParams): DynamoError | undefined {
  let message = '';
  for (const name of required_query_parameters) {
    if (!parameters.get(name)) message += `AWS query-string parameters must include '${name}'. `;
  }
  if (message === '') return undefined;
  return new DynamoError('IncompleteSignatureException', `${message}Re-examine the query-string parameters.`);
}

/** `text` is `authorization` trimmed; an error message quotes the header as sent. */
function checkAuthorizationHeader(authorization: string, text: string, amzDate: string | undefined, date: string | undefined): DynamoError | undefined {
  // `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`: the pairs may be
  // separated by commas, spaces or both. Every request passes here, so the text is not split:
  // the separators are found by indexOf (one search for each kind, renewed once passed) and the
  // pairs recognised in place; a value is cut out of the text only for an error message.
  const length = text.length;
  let algorithmEnd = 0;
  let credential: Range | undefined;
  let signature: Range | undefined;
  let signedHeaders: Range | undefined;
  let nextComma = indexOrLength(text, ',', 0);
  let nextSpace = indexOrLength(text, ' ', 0);
  let start = 0;
  while (start <= length) {
    const end = nextComma < nextSpace ? nextComma : nextSpace;
    if (end > start) {
      if (start === 0) algorithmEnd = end;
      // No prefix holds a separator, so one found at `start` lies wholly before `end`.
      else if (text.startsWith(credential_prefix, start)) credential = { start: start + credential_prefix.length, end };
      else if (text.startsWith(signature_prefix, start)) signature = { start: start + signature_prefix.length, end };
      else if (text.startsWith(signed_headers_prefix, start)) signedHeaders = { start: start + signed_headers_prefix.length, end };
    }
    start = end + 1;
    if (nextComma < start) nextComma = indexOrLength(text, ',', start);
    if (nextSpace < start) nextSpace = indexOrLength(text, ' ', start);
  }

  let message = '';
  if (credential === undefined || credential.end === credential.start) message += "Authorization header requires 'Credential' parameter. ";
  if (signature === undefined || signature.end === signature.start) message += "Authorization header requires 'Signature' parameter. ";
  // DynamoDB accepts an empty SignedHeaders at this stage; the Host check below rejects it.
  if (signedHeaders === undefined) message += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!amzDate && !date) message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (message !== '') return new DynamoError('IncompleteSignatureException', `${message}Authorization=${authorization}`);

  if (amzDate && !isAmzDate(amzDate)) {
    return new DynamoError('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }
  if (!signsHost(text, signedHeaders!)) {
    return new DynamoError('InvalidSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (algorithmEnd !== supported_algorithm.length || !text.startsWith(supported_algorithm)) {
    const algorithm = text.slice(0, algorithmEnd);
    return new DynamoError('IncompleteSignatureException', `Unsupported AWS 'algorithm': '${algorithm}' (only ${supported_algorithm} for now). `);
  }
  if (credentialElements(text, credential!) !== 5) {
    const value = text.slice(credential!.start, credential!.end);
    return new DynamoError('IncompleteSignatureException', `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${value}'`);
  }
  return undefined;
}

/** Where a pair's value lies in the Authorization text. */
interface Range {
  readonly start: number;
  readonly end: number;
}

const credential_prefix = 'Credential=';
const signature_prefix = 'Signature=';
const signed_headers_prefix = 'SignedHeaders=';

function indexOrLength(text: string, search: string, from: number): number {
  const index = text.indexOf(search, from);
  return index < 0 ? text.length : index;
}

/** `X-Amz-Date` in ISO-8601 basic format: `yyyyMMddTHHmmssZ`, e.g. 20130609T094515Z. */
function isAmzDate(value: string): boolean {
  if (value.length !== 16 || value.charCodeAt(8) !== t_code || value.charCodeAt(15) !== z_code) return false;
  for (let i = 0; i < 15; i++) {
    if (i === 8) continue;
    const code = value.charCodeAt(i);
    if (code < digit_0_code || code > digit_9_code) return false;
  }
  return true;
}

/** Whether the `;`-separated header names in `range` of `text` include `host`, in any case (scanned: no array per request). */
function signsHost(text: string, range: Range): boolean {
  let start = range.start;
  for (let i = start; i <= range.end; i++) {
    if (i < range.end && text.charCodeAt(i) !== semicolon_code) continue;
    if (i - start === host_name.length && isHostName(text, start)) return true;
    start = i + 1;
  }
  return false;
}

/** Whether the four characters at `start` spell `host` in any case (`c | 0x20` lower-cases an ASCII letter and maps no other character onto one). */
function isHostName(text: string, start: number): boolean {
  for (let i = 0; i < host_name.length; i++) if ((text.charCodeAt(start + i) | 0x20) !== host_name.charCodeAt(i)) return false;
  return true;
}

/** The number of `/`-delimited elements of a credential scope; trailing slashes are ignored (`keyid/date/region/service/term/` is accepted). */
function credentialElements(text: string, range: Range): number {
  let end = range.end;
  while (end > range.start && text.charCodeAt(end - 1) === slash_code) end--;
  let elements = 1;
  for (let slash = text.indexOf('/', range.start); slash >= 0 && slash < end; slash = text.indexOf('/', slash + 1)) elements++;
  return elements;
}
