/**
 * An AWS SDK v3 request handler that serves requests in-process, with no socket:
 * `new DynamoDBClient({ requestHandler })`. It implements the shape of smithy's `HttpHandler`
 * (`handle(request) -> { response }`) structurally, so the SDK stays a test-only dependency.
 * Requests go through `handleDynamoRequest`, exactly like requests arriving over HTTP.
 */
import type { Service } from '../service.js';
import { handleDynamoRequest } from './handle-dynamo-request.js';

/** The parts of smithy's `HttpRequest` this handler reads. */
export interface SdkHttpRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | readonly string[] | null>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** smithy's `HttpResponse`: header names in lower case, as node:http would give them. */
export interface SdkHttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

export interface InProcessRequestHandler {
  handle(request: SdkHttpRequest, options?: { readonly abortSignal?: { readonly aborted: boolean } }): Promise<{ response: SdkHttpResponse }>;
  /** Part of smithy's HttpHandler contract; there is nothing to configure. */
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy(): void;
}

export function createInProcessHandler(service: Service): InProcessRequestHandler {
  return {
    async handle(request, options) {
      if (options?.abortSignal?.aborted) {
        const error = new Error('Request aborted');
        error.name = 'AbortError';
        throw error;
      }
      const headers: Record<string, string> = {};
      for (const name in request.headers) headers[name.toLowerCase()] = request.headers[name]!;
      const answer = await handleDynamoRequest(service, {
        method: request.method,
        path: request.path + queryString(request.query),
        headers,
        body: await bodyBytes(request.body),
      });
      const responseHeaders: Record<string, string> = {};
      for (const name in answer.headers) responseHeaders[name.toLowerCase()] = answer.headers[name]!;
      // A fresh view (no copy): the SDK re-prototypes the body it receives, and some answers
      // share one constant buffer.
      const bytes = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : answer.body;
      const body = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return { response: { statusCode: answer.statusCode, headers: responseHeaders, body } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs() {
      return {};
    },
    destroy() {},
  };
}

function queryString(query: SdkHttpRequest['query']): string {
  if (query === undefined) return '';
  const parameters = new URLSearchParams();
  for (const name in query) {
    const value = query[name];
    if (value === null || value === undefined) parameters.append(name, '');
    else if (typeof value === 'string') parameters.append(name, value);
    else for (const each of value) parameters.append(name, each);
  }
  const text = parameters.toString();
  return text === '' ? '' : `?${text}`;
}

const empty_body = new Uint8Array(0);

/** The SDK sends DynamoDB's JSON as a string; other bodies may be bytes or a stream. */
async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return empty_body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body;
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  throw new TypeError(`unsupported request body type: ${typeof body}`);
}
