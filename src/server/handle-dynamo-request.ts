/**
 * The transport-agnostic core of the wire protocol: one request in, one response out. The HTTP
 * listener (`http1-connection.ts`) and the in-process AWS SDK handler (`../index.ts`) both call
 * it, so a request behaves identically whichever way it arrives.
 *
 * DynamoDB's front door checks, in this order (recorded against DynamoDB in dynalite's
 * test/connection.js): body size; CORS preflight; `GET` health answer; method and content type
 * (404 `<UnknownOperationException/>`); JSON syntax (SerializationException, no message); the
 * `X-Amz-Target` (UnknownOperationException, no message); authentication; only then an empty or
 * non-object body (SerializationException); then the action itself. Paths under `/_dynabase/`
 * are Dynabase's own endpoints (admin-routes.ts), answered before any of that.
 */
import type { Action, JsonObject } from '../api/action.js';
import { actionsByName } from '../api/actions.js';
import { DynamoError } from '../errors.js';
import { admin_path_prefix, handleAdminRequest } from './admin-routes.js';
import { streamActionsByName } from '../streams/stream-actions.js';
import { max_request_body_bytes } from '../limits.js';
import type { Service } from '../service.js';
import type { HeaderValue } from './check-authentication.js';
import { checkAuthentication } from './check-authentication.js';
import { crc32, crc32Text } from './crc32.js';
import { errorEnvelopeJson, errorStatus } from './error-envelope.js';
import { newRequestId } from './request-id.js';
import { responseJson } from './response-json.js';

export interface DynamoHttpRequest {
  readonly method: string;
  /** The request target: path plus query string, e.g. `/` or `/?X-Amz-Algorithm=...`. */
  readonly path: string;
  /** Header names in lower case (as node:http gives them). */
  readonly headers: Readonly<Record<string, HeaderValue>>;
  readonly body: Uint8Array;
}

export interface DynamoHttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  /**
   * The body: bytes, or text sent as UTF-8 (a JSON answer stays the string it was serialised
   * to; the socket encodes it with the head in one write, with no Buffer made for it).
   */
  readonly body: Uint8Array | string;
}

const amz_json_content_type = 'application/x-amz-json-1.0';
const plain_json_content_type = 'application/json';
const dynamodb_target_prefix = 'DynamoDB_20120810.';
const streams_target_prefix = 'DynamoDBStreams_20120810.';
/** Browsers may cache a preflight answer for two days, as DynamoDB allows. */
const cors_max_age_s = '172800';

const empty_body = new Uint8Array(0);
/** DynamoDB's answer to a method, path or content type it does not serve. */
const not_found_body = Buffer.from('<UnknownOperationException/>\n', 'utf8');
const not_found_crc32 = String(crc32(not_found_body));
const internal_error = new DynamoError('InternalServerError', 'Internal server error');

/** Handles one request; never rejects (internal failures become 500 InternalServerError). */
export async function handleDynamoRequest(service: Service, request: DynamoHttpRequest): Promise<DynamoHttpResponse> {
  const requestId = newRequestId();
  const headers: Record<string, string> = { 'x-amzn-RequestId': requestId };
  if (request.headers['origin'] !== undefined) headers['Access-Control-Allow-Origin'] = '*';
  try {
    const routed = route(service, request, headers);
    if (routed instanceof ActionCall) return jsonResponse(200, responseJson(await routed.action.run(service.context, routed.body)), headers);
    return await routed;
  } catch (error) {
    if (error instanceof DynamoError) return errorResponse(error, headers);
    // A bug, a failed assertion or a corrupt record: never the client's fault, never a crash.
    const target = request.headers['x-amz-target'];
    process.stderr.write(`dynabase: internal error in ${String(target)} (request ${requestId}): ${describeError(error)}\n`);
    if (headers['Content-Type'] === undefined) headers['Content-Type'] = plain_json_content_type;
    return errorResponse(internal_error, headers);
  }
}

/**
 * A request past the front door: the action to run on its body. `route` returns it rather than
 * awaiting the action itself, so that an answer reaches the socket one promise hop sooner.
 */
class ActionCall {
  constructor(
    readonly action: Action,
    readonly body: JsonObject,
  ) {}
}

/** The front door's checks, in DynamoDB's order: their answer, or the action to run. */
function route(service: Service, request: DynamoHttpRequest, headers: Record<string, string>): DynamoHttpResponse | Promise<DynamoHttpResponse> | ActionCall {
  const requestHeaders = request.headers;
  const body = request.body;
  if (body.length > max_request_body_bytes) return entityTooLarge(headers);
  const method = request.method;
  if (method === 'OPTIONS' && requestHeaders['origin'] !== undefined) return corsPreflight(requestHeaders, headers);
  if (request.path.startsWith(admin_path_prefix)) return handleAdminRequest(service, request, headers);
  if (method === 'GET') return health(service, headers);
  if (method !== 'POST') return notFound(headers);

  const mediaType = mediaTypeOf(requestHeaders['content-type']);
  const isAmzJson = mediaType === amz_json_content_type;
  if (body.length > 0 && !isAmzJson && mediaType !== plain_json_content_type) return notFound(headers);
  // DynamoDB answers in the request's JSON flavour; a body-less request gets application/json.
  headers['Content-Type'] = isAmzJson ? amz_json_content_type : plain_json_content_type;

  let parsed: unknown;
  if (body.length > 0) {
    try {
      // The socket's bodies are Buffers already (decoded without wrapping them in another).
      parsed = JSON.parse(body instanceof Buffer ? body.toString() : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString());
    } catch {
      return errorResponse(new DynamoError('SerializationException', undefined), headers);
    }
  }

  const action = actionFor(requestHeaders['x-amz-target']);
  if (action === undefined) return errorResponse(new DynamoError('UnknownOperationException', undefined), headers);

  const path = request.path;
  const queryStart = path.indexOf('?');
  const authError = checkAuthentication(requestHeaders, queryStart < 0 ? '' : path.slice(queryStart + 1));
  if (authError !== undefined) return errorResponse(authError, headers);

  if (parsed === null || typeof parsed !== 'object') {
    // An empty body, `null`, a bare string, number or boolean: coral's deserializer has no message.
    return errorResponse(new DynamoError('SerializationException', undefined), headers);
  }
  if (Array.isArray(parsed)) return errorResponse(new DynamoError('SerializationException', 'Start of list found where not expected'), headers);

  return new ActionCall(action, parsed as JsonObject);
}

/**
 * `DynamoDB_20120810.<Op>` and the Streams API's `DynamoDBStreams_20120810.<Op>` (one endpoint
 * serves both, as DynamoDB Local does); every other target is unknown.
 */
function actionFor(target: HeaderValue): Action | undefined {
  if (typeof target !== 'string') return undefined;
  if (target.startsWith(dynamodb_target_prefix)) return actionsByName.get(target.slice(dynamodb_target_prefix.length));
  if (target.startsWith(streams_target_prefix)) return streamActionsByName.get(target.slice(streams_target_prefix.length));
  return undefined;
}

/** `application/x-amz-json-1.0; charset=utf-8` -> `application/x-amz-json-1.0`. */
function mediaTypeOf(contentType: HeaderValue): string {
  if (typeof contentType !== 'string') return '';
  const semicolon = contentType.indexOf(';');
  return (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/**
 * Answers longer than this many characters are encoded to UTF-8 once, here, and sent as bytes: a
 * string body is encoded again for its CRC32, its length and the socket, which for a short answer
 * costs less than making a Buffer (node writes a string of up to 16 KB without one), but for a
 * large one (a Query page of up to 1 MB) took ~4 times the single encoding (measured).
 */
const text_body_max_chars = 16 * 1024;

/** A response with `json` (any text) as its body, with the CRC32 and length of its UTF-8 bytes. */
export function jsonResponse(statusCode: number, json: string, headers: Record<string, string>): DynamoHttpResponse {
  if (json.length > text_body_max_chars) {
    const body = Buffer.from(json, 'utf8');
    headers['x-amz-crc32'] = String(crc32(body));
    headers['Content-Length'] = String(body.length);
    return { statusCode, headers, body };
  }
  headers['x-amz-crc32'] = String(crc32Text(json));
  headers['Content-Length'] = String(Buffer.byteLength(json, 'utf8'));
  return { statusCode, headers, body: json };
}

function errorResponse(error: DynamoError, headers: Record<string, string>): DynamoHttpResponse {
  return jsonResponse(errorStatus(error), errorEnvelopeJson(error), headers);
}

function notFound(headers: Record<string, string>): DynamoHttpResponse {
  headers['x-amz-crc32'] = not_found_crc32;
  headers['Content-Length'] = String(not_found_body.length);
  return { statusCode: 404, headers, body: not_found_body };
}

/** DynamoDB answers `GET /` with a plain-text health line naming its regional endpoint. */
function health(service: Service, headers: Record<string, string>): DynamoHttpResponse {
  const body = Buffer.from(`healthy: dynamodb.${service.context.config.region}.amazonaws.com `, 'utf8');
  headers['x-amz-crc32'] = String(crc32(body));
  headers['Content-Length'] = String(body.length);
  return { statusCode: 200, headers, body };
}

/** DynamoDB allows any origin and echoes the requested method and headers. */
function corsPreflight(requestHeaders: Readonly<Record<string, HeaderValue>>, headers: Record<string, string>): DynamoHttpResponse {
  const requestedHeaders = requestHeaders['access-control-request-headers'];
  if (typeof requestedHeaders === 'string') headers['Access-Control-Allow-Headers'] = requestedHeaders;
  const requestedMethod = requestHeaders['access-control-request-method'];
  if (typeof requestedMethod === 'string') headers['Access-Control-Allow-Methods'] = requestedMethod;
  headers['Access-Control-Max-Age'] = cors_max_age_s;
  headers['Content-Length'] = '0';
  return { statusCode: 200, headers, body: empty_body };
}

/** DynamoDB's front end refuses an oversize body with a bare 413 (no JSON envelope). */
function entityTooLarge(headers: Record<string, string>): DynamoHttpResponse {
  headers['Content-Length'] = '0';
  return { statusCode: 413, headers, body: empty_body };
}

/**
 * The 413 answer for a body known to be oversize before it is read (from Content-Length, or
 * while streaming), so the HTTP listener can refuse it without buffering it.
 */
export function requestTooLargeResponse(hasOrigin: boolean): DynamoHttpResponse {
  const headers: Record<string, string> = { 'x-amzn-RequestId': newRequestId() };
  if (hasOrigin) headers['Access-Control-Allow-Origin'] = '*';
  return entityTooLarge(headers);
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
