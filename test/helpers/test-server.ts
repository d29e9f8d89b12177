/**
 * Shared helper for conformance tests: a Dynabase in memory on a random port, with ready AWS SDK
 * v3 clients and a raw HTTP request function for protocol-level tests.
 *
 *   import { startTestServer } from '../../helpers/test-server.js';
 *
 *   const server = await startTestServer();
 *   after(() => server.close());
 *   await server.client.send(new ListTablesCommand({}));          // low-level client
 *   await server.documentClient.send(new PutCommand({ ... }));     // document client
 *   const r = await server.rawRequest('ListTables', { Limit: 1 }); // signed-looking raw request
 *   r.statusCode; r.headers['x-amz-crc32']; r.text; r.json
 *
 * The SDK clients use dummy credentials, region us-east-1 and `maxAttempts: 1`, so throttling
 * and server errors surface to the test instead of being retried away.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Client } from 'undici';
import { actionsByName } from '../../src/api/actions.js';
import type { Dynabase, DynabaseOptions } from '../../src/index.js';
import { startDynabase } from '../../src/index.js';

export interface RawResponse {
  readonly statusCode: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export interface RawHttpRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

export interface TestServer {
  readonly dynabase: Dynabase;
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  /**
   * POSTs `DynamoDB_20120810.<operation>` (no X-Amz-Target header when `operation` is undefined)
   * with `body` (an object is sent as JSON, a string as is, undefined as an empty body), plus
   * Content-Type application/x-amz-json-1.0, a well-formed (unverified) SigV4 Authorization and
   * X-Amz-Date. `headers` overrides those; a header given as undefined is left out.
   */
  rawRequest(operation: string | undefined, body?: unknown, headers?: Readonly<Record<string, string | undefined>>): Promise<RawResponse>;
  /** Sends exactly what it is given: for method, path and header tests. */
  rawHttp(request: RawHttpRequest): Promise<RawResponse>;
  close(): Promise<void>;
}

export const test_region = 'us-east-1';
export const test_credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };

/** Starts an in-memory Dynabase on 127.0.0.1 and a random port (options override). */
export async function startTestServer(options: DynabaseOptions = {}): Promise<TestServer> {
  const dynabase = await startDynabase({ inMemory: options.dataDir === undefined, region: test_region, ...options });
  const endpoint = dynabase.endpoint!;
  const client = new DynamoDBClient({ endpoint, region: dynabase.region, credentials: test_credentials, maxAttempts: 1 });
  const documentClient = DynamoDBDocumentClient.from(client);
  const http = new Client(endpoint);

  async function rawHttp(request: RawHttpRequest): Promise<RawResponse> {
    const response = await http.request({
      method: (request.method ?? 'POST') as 'POST',
      path: request.path ?? '/',
      headers: request.headers ?? {},
      body: request.body,
    });
    const text = await response.body.text();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    return { statusCode: response.statusCode, headers, text, json: parseJson(text) };
  }

  return {
    dynabase,
    endpoint,
    client,
    documentClient,
    rawHttp,
    rawRequest(operation, body, headers = {}) {
      const merged: Record<string, string | undefined> = {
        'content-type': 'application/x-amz-json-1.0',
        authorization: dummyAuthorization(dynabase.region),
        'x-amz-date': amzDate(new Date()),
      };
      if (operation !== undefined) merged['x-amz-target'] = `DynamoDB_20120810.${operation}`;
      for (const [name, value] of Object.entries(headers)) merged[name.toLowerCase()] = value;
      const sent: Record<string, string> = {};
      for (const [name, value] of Object.entries(merged)) if (value !== undefined) sent[name] = value;
      const payload = body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
      return rawHttp({ method: 'POST', path: '/', headers: sent, body: payload });
    },
    async close() {
      client.destroy();
      await http.close();
      await dynabase.close();
    },
  };
}

/** A well-formed SigV4 Authorization header; Dynabase does not verify signatures yet. */
export function dummyAuthorization(region: string): string {
  const day = amzDate(new Date()).slice(0, 8);
  return (
    `AWS4-HMAC-SHA256 Credential=${test_credentials.accessKeyId}/${day}/${region}/dynamodb/aws4_request, ` +
    'SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=' +
    '0'.repeat(64)
  );
}

/** `20240101T000000Z` */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * For `test(name, { skip: missingActions('PutItem') }, ...)` while actions are being written in
 * parallel: false when all are registered, else the reason to skip.
 */
export function missingActions(...names: string[]): string | false {
  const missing = names.filter((name) => !actionsByName.has(name));
  return missing.length === 0 ? false : `needs actions not registered yet: ${missing.join(', ')}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
