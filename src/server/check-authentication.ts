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
/** `X-Amz-Date` is ISO-8601 basic format, e.g. 20130609T094515Z. */
const amz_date_pattern = /^\d{8}T\d{6}Z$/;
const comma_code = 0x2c;
const space_code = 0x20;
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
  if (authorization === undefined || !authorization.trim().startsWith('AWS4-')) {
    return new DynamoError('MissingAuthenticationTokenException', missing_token_message);
  }
  return checkAuthorizationHeader(authorization, single(headers['x-amz-date']), single(headers['date']));
}

function checkQueryAuthentication(parameters: URLSearchParams): DynamoError | undefined {
  let message = '';
  for (const name of required_query_parameters) {
    if (!parameters.get(name)) message += `AWS query-string parameters must include '${name}'. `;
  }
  if (message === '') return undefined;
  return new DynamoError('IncompleteSignatureException', `${message}Re-examine the query-string parameters.`);
}

function checkAuthorizationHeader(authorization: string, amzDate: string | undefined, date: string | undefined): DynamoError | undefined {
  // `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`: the pairs may be
  // separated by commas, spaces or both. Scanned by hand: every request passes here, and a
  // regular-expression split allocates an array of every token.
  const text = authorization.trim();
  let credential: string | undefined;
  let signature: string | undefined;
  let signedHeaders: string | undefined;
  let algorithm = '';
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : comma_code;
    if (code !== comma_code && code !== space_code) continue;
    if (i > start) {
      if (start === 0) algorithm = text.slice(0, i);
      else {
        const equals = text.indexOf('=', start);
        if (equals >= 0 && equals < i) {
          const name = text.slice(start, equals);
          if (name === 'Credential') credential = text.slice(equals + 1, i);
          else if (name === 'Signature') signature = text.slice(equals + 1, i);
          else if (name === 'SignedHeaders') signedHeaders = text.slice(equals + 1, i);
        }
      }
    }
    start = i + 1;
  }

  let message = '';
  if (!credential) message += "Authorization header requires 'Credential' parameter. ";
  if (!signature) message += "Authorization header requires 'Signature' parameter. ";
  // DynamoDB accepts an empty SignedHeaders at this stage; the Host check below rejects it.
  if (signedHeaders === undefined) message += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!amzDate && !date) message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  if (message !== '') return new DynamoError('IncompleteSignatureException', `${message}Authorization=${authorization}`);

  if (amzDate && !amz_date_pattern.test(amzDate)) {
    return new DynamoError('IncompleteSignatureException', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }
  if (!signsHost(signedHeaders!)) {
    return new DynamoError('InvalidSignatureException', "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (algorithm !== supported_algorithm) {
    return new DynamoError('IncompleteSignatureException', `Unsupported AWS 'algorithm': '${algorithm}' (only ${supported_algorithm} for now). `);
  }
  if (credentialElements(credential!) !== 5) {
    return new DynamoError('IncompleteSignatureException', `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`);
  }
  return undefined;
}

/** Whether the `;`-separated header names include `host`, in any case (scanned: no array per request). */
function signsHost(signedHeaders: string): boolean {
  let start = 0;
  for (let i = 0; i <= signedHeaders.length; i++) {
    if (i < signedHeaders.length && signedHeaders.charCodeAt(i) !== semicolon_code) continue;
    if (i - start === host_name.length && isHostName(signedHeaders, start)) return true;
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
function credentialElements(credential: string): number {
  let end = credential.length;
  while (end > 0 && credential.charCodeAt(end - 1) === slash_code) end--;
  let elements = 1;
  for (let i = 0; i < end; i++) if (credential.charCodeAt(i) === slash_code) elements++;
  return elements;
}
