import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Action } from '../../../src/api/action.js';
import { actionsByName } from '../../../src/api/actions.js';
import { defaultConfig } from '../../../src/config.js';
import { AssertionFailure, validationError } from '../../../src/errors.js';
import { max_request_body_bytes } from '../../../src/limits.js';
import { crc32 } from '../../../src/server/crc32.js';
import type { DynamoHttpResponse } from '../../../src/server/handle-dynamo-request.js';
import { handleDynamoRequest } from '../../../src/server/handle-dynamo-request.js';
import type { Service } from '../../../src/service.js';

// The routing core never touches the store for these requests.
const service: Service = {
  context: { store: undefined as never, admission: undefined as never, config: { ...defaultConfig, region: 'eu-west-3' } },
  close: async () => {},
};

// Test-only actions, under names no DynamoDB operation has; each test file runs in its own process.
const testActions: Action[] = [
  { name: 'TestOnlyEcho', run: (_context, body) => ({ Echo: body }) },
  { name: 'TestOnlyInvalid', run: () => Promise.reject(validationError('nope')) },
  {
    name: 'TestOnlyBug',
    run: () => {
      throw new AssertionFailure('broken invariant');
    },
  },
];
for (const action of testActions) (actionsByName as Map<string, Action>).set(action.name, action);

const signed = {
  authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
  'x-amz-date': '20240101T000000Z',
};

interface Request {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

function send(request: Request): Promise<DynamoHttpResponse> {
  const body = request.body === undefined ? new Uint8Array(0) : typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  return handleDynamoRequest(service, { method: request.method ?? 'POST', path: request.path ?? '/', headers: request.headers ?? {}, body });
}

function bytes(response: DynamoHttpResponse): Buffer {
  return typeof response.body === 'string' ? Buffer.from(response.body, 'utf8') : Buffer.from(response.body);
}

function text(response: DynamoHttpResponse): string {
  return bytes(response).toString('utf8');
}

function assertFramed(response: DynamoHttpResponse): void {
  assert.match(response.headers['x-amzn-RequestId']!, /^[A-Z0-9]{52}$/);
  assert.equal(response.headers['Content-Length'], String(bytes(response).length));
  assert.equal(response.headers['x-amz-crc32'], String(crc32(bytes(response))));
}

function assertJsonError(response: DynamoHttpResponse, status: number, body: object, contentType = 'application/json'): void {
  assert.equal(response.statusCode, status);
  assert.equal(text(response), JSON.stringify(body));
  assert.equal(response.headers['Content-Type'], contentType);
  assertFramed(response);
}

const amzJson = 'application/x-amz-json-1.0';
const serialization = { __type: 'com.amazon.coral.service#SerializationException' };
const unknownOperation = { __type: 'com.amazon.coral.service#UnknownOperationException' };

describe('handleDynamoRequest: front door', () => {
  test('GET answers the health line for the configured region', async () => {
    const response = await send({ method: 'GET' });
    assert.equal(response.statusCode, 200);
    assert.equal(text(response), 'healthy: dynamodb.eu-west-3.amazonaws.com ');
    assertFramed(response);
  });

  for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    test(`${method} answers 404 <UnknownOperationException/>`, async () => {
      const response = await send({ method });
      assert.equal(response.statusCode, 404);
      assert.equal(text(response), '<UnknownOperationException/>\n');
      assert.equal(response.headers['x-amz-crc32'], '3552371480');
      assertFramed(response);
    });
  }

  test('a body with no content type or an unknown one is a 404', async () => {
    for (const headers of [{} as Record<string, string>, { 'content-type': 'whatever' }, { 'content-type': 'application/x-amz-json-1.1' }]) {
      const response = await send({ headers, body: 'hi' });
      assert.equal(response.statusCode, 404);
      assert.equal(text(response), '<UnknownOperationException/>\n');
    }
  });

  test('content type parameters and case are ignored; the answer echoes the JSON flavour', async () => {
    const response = await send({ headers: { 'content-type': 'Application/X-Amz-Json-1.0; charset=utf-8' }, body: '{}' });
    assertJsonError(response, 400, unknownOperation, amzJson);
  });

  test('JSON that does not parse is a SerializationException without message, before the target is looked at', async () => {
    assertJsonError(await send({ headers: { 'content-type': 'application/json' }, body: 'hi' }), 400, serialization);
    assertJsonError(await send({ headers: { 'content-type': amzJson, 'x-amz-target': 'DynamoDB_20120810.TestOnlyEcho', ...signed }, body: '{"a":' }), 400, serialization, amzJson);
  });

  test('a missing, malformed or unknown target is an UnknownOperationException without message', async () => {
    assertJsonError(await send({}), 400, unknownOperation);
    for (const target of ['whatever', 'DynamoDB_20120810.ListTable', 'DynamoDB_20111205.TestOnlyEcho', 'DynamoDB_20120810.', 'DynamoDBStreams_20120810.PutItem', 'DynamoDB_20120810.GetRecords']) {
      assertJsonError(await send({ headers: { 'content-type': amzJson, 'x-amz-target': target }, body: '{}' }), 400, unknownOperation, amzJson);
    }
  });

  test('authentication is checked after the target and before the body shape', async () => {
    assertJsonError(await send({ headers: { 'x-amz-target': 'DynamoDB_20120810.TestOnlyEcho' } }), 400, {
      __type: 'com.amazon.coral.service#MissingAuthenticationTokenException',
      message: 'Request is missing Authentication Token',
    });
    const response = await send({ headers: { 'x-amz-target': 'DynamoDB_20120810.TestOnlyEcho', authorization: 'AWS4-' } });
    assert.equal(response.headers['x-amz-crc32'], '1828866742'); // DynamoDB's own answer, byte for byte
  });

  test('an empty body or a JSON scalar after authentication is a SerializationException without message', async () => {
    const headers = { 'content-type': amzJson, 'x-amz-target': 'DynamoDB_20120810.TestOnlyEcho', ...signed };
    assertJsonError(await send({ headers }), 400, serialization, amzJson);
    for (const body of ['null', '"text"', '12', 'true']) assertJsonError(await send({ headers, body }), 400, serialization, amzJson);
  });

  test('a JSON array body is "Start of list found where not expected"', async () => {
    const headers = { 'content-type': amzJson, 'x-amz-target': 'DynamoDB_20120810.TestOnlyEcho', ...signed };
    assertJsonError(await send({ headers, body: '[]' }), 400, { ...serialization, Message: 'Start of list found where not expected' }, amzJson);
  });

  test('an oversize body is a bare 413', async () => {
    const response = await send({ headers: { 'content-type': amzJson }, body: new Uint8Array(max_request_body_bytes + 1) });
    assert.equal(response.statusCode, 413);
    assert.equal(response.body.length, 0);
  });
});

describe('handleDynamoRequest: CORS', () => {
  test('a preflight echoes the requested method and headers', async () => {
    const response = await send({
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target' },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body.length, 0);
    assert.equal(response.headers['Access-Control-Allow-Origin'], '*');
    assert.equal(response.headers['Access-Control-Allow-Methods'], 'POST');
    assert.equal(response.headers['Access-Control-Allow-Headers'], 'content-type,x-amz-target');
    assert.equal(response.headers['Access-Control-Max-Age'], '172800');
  });

  test('every answer to a request with an Origin allows any origin; none without', async () => {
    assert.equal((await send({ headers: { origin: 'http://x' } })).headers['Access-Control-Allow-Origin'], '*');
    assert.equal((await send({ method: 'GET', headers: { origin: 'http://x' } })).headers['Access-Control-Allow-Origin'], '*');
    assert.equal((await send({})).headers['Access-Control-Allow-Origin'], undefined);
  });
});

describe('handleDynamoRequest: actions', () => {
  const headers = { 'content-type': amzJson, ...signed };

  test('the action gets the parsed body and its result is the JSON answer', async () => {
    const response = await send({ headers: { ...headers, 'x-amz-target': 'DynamoDB_20120810.TestOnlyEcho' }, body: '{"TableName":"é"}' });
    assert.equal(response.statusCode, 200);
    assert.equal(text(response), '{"Echo":{"TableName":"é"}}');
    assert.equal(response.headers['Content-Type'], amzJson);
    assertFramed(response);
  });

  test('a DynamoError from the action is its envelope', async () => {
    const response = await send({ headers: { ...headers, 'x-amz-target': 'DynamoDB_20120810.TestOnlyInvalid' }, body: '{}' });
    assertJsonError(response, 400, { __type: 'com.amazon.coral.validate#ValidationException', message: 'nope' }, amzJson);
  });

  test('any other failure is a 500 InternalServerError, logged with the request id', async (t) => {
    const logged: string[] = [];
    t.mock.method(process.stderr, 'write', (chunk: string) => {
      logged.push(chunk);
      return true;
    });
    const response = await send({ headers: { ...headers, 'x-amz-target': 'DynamoDB_20120810.TestOnlyBug' }, body: '{}' });
    t.mock.restoreAll();
    assertJsonError(response, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' }, amzJson);
    assert.equal(logged.length, 1);
    assert.ok(logged[0]!.includes(response.headers['x-amzn-RequestId']!));
    assert.ok(logged[0]!.includes('broken invariant'));
  });
});
