/**
 * The wire protocol over real HTTP, checked against answers recorded from DynamoDB (status,
 * body bytes, and the x-amz-crc32 DynamoDB sent for those exact bytes).
 */
import assert from 'node:assert/strict';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { after, before, describe, test } from 'node:test';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { max_request_body_bytes } from '../../../src/limits.js';
import { crc32 } from '../../../src/server/crc32.js';
import type { RawResponse, TestServer } from '../../helpers/test-server.js';
import { missingActions, startTestServer } from '../../helpers/test-server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const amzJson = 'application/x-amz-json-1.0';

function assertFramed(response: RawResponse): void {
  assert.match(response.headers['x-amzn-requestid']!, /^[A-Z0-9]{52}$/);
  assert.equal(response.headers['content-length'], String(Buffer.byteLength(response.text)));
  assert.equal(response.headers['x-amz-crc32'], String(crc32(Buffer.from(response.text, 'utf8'))));
}

function assertAnswer(response: RawResponse, status: number, text: string, crc: number, contentType?: string): void {
  assert.equal(response.statusCode, status);
  assert.equal(response.text, text);
  assert.equal(response.headers['x-amz-crc32'], String(crc));
  if (contentType !== undefined) assert.equal(response.headers['content-type'], contentType);
  assertFramed(response);
}

const notFoundText = '<UnknownOperationException/>\n';
const serializationText = '{"__type":"com.amazon.coral.service#SerializationException"}';
const unknownOperationText = '{"__type":"com.amazon.coral.service#UnknownOperationException"}';
const missingTokenText = '{"__type":"com.amazon.coral.service#MissingAuthenticationTokenException","message":"Request is missing Authentication Token"}';

describe('answer framing', () => {
  test('an answer with text beyond ASCII carries the length and CRC32 of its UTF-8 bytes', async () => {
    // The table name is echoed in the ValidationException's message: two- and four-byte characters.
    const response = await server.rawRequest('DescribeTable', { TableName: 'caf\u00e9-\u{1f600}' });
    assert.equal(response.statusCode, 400);
    assert.match(response.text, /caf\u00e9-\u{1f600}/u);
    assert.ok(Buffer.byteLength(response.text) > response.text.length);
    assertFramed(response);
  });
});

describe('methods, paths and content types', () => {
  test('GET answers the health line', async () => {
    for (const path of ['/', '/anything']) {
      const response = await server.rawHttp({ method: 'GET', path });
      assertAnswer(response, 200, 'healthy: dynamodb.us-east-1.amazonaws.com ', 3128867991);
    }
  });

  for (const method of ['PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    test(`${method} is a 404 <UnknownOperationException/>`, async () => {
      assertAnswer(await server.rawHttp({ method }), 404, notFoundText, 3552371480);
    });
  }

  test('a body with no content type, or one that is not JSON, is a 404', async () => {
    assertAnswer(await server.rawHttp({ body: 'hi' }), 404, notFoundText, 3552371480);
    assertAnswer(await server.rawHttp({ body: 'hi', headers: { 'content-type': 'whatever' } }), 404, notFoundText, 3552371480);
    assertAnswer(await server.rawHttp({ body: '{}', headers: { 'content-type': 'text/plain' } }), 404, notFoundText, 3552371480);
  });
});

describe('framing errors, in DynamoDB order', () => {
  test('a body that is not JSON: SerializationException, no message, in the request flavour', async () => {
    assertAnswer(await server.rawHttp({ body: 'hi', headers: { 'content-type': 'application/json' } }), 400, serializationText, 3948637019, 'application/json');
    assertAnswer(await server.rawHttp({ body: 'hi', headers: { 'content-type': amzJson } }), 400, serializationText, 3948637019, amzJson);
    // Syntax is checked before the target and before authentication.
    assertAnswer(await server.rawRequest('ListTables', '{"Limit":', { authorization: undefined }), 400, serializationText, 3948637019, amzJson);
  });

  test('no target, a malformed one, an unknown operation or one under the wrong prefix: UnknownOperationException', async () => {
    assertAnswer(await server.rawHttp({}), 400, unknownOperationText, 1368724161, 'application/json');
    assertAnswer(await server.rawHttp({ body: '{}', headers: { 'content-type': 'application/json' } }), 400, unknownOperationText, 1368724161, 'application/json');
    assertAnswer(await server.rawHttp({ body: '{}', headers: { 'content-type': amzJson } }), 400, unknownOperationText, 1368724161, amzJson);
    for (const target of ['whatever', 'DynamoDB_20120810.ListTable', 'DynamoDB_20120810.', 'DynamoDBStreams_20120810.PutItem', 'DynamoDB_20120810.DescribeStream']) {
      assertAnswer(await server.rawRequest(undefined, {}, { 'x-amz-target': target }), 400, unknownOperationText, 1368724161, amzJson);
    }
  });

  test('the target is checked before authentication', async () => {
    assertAnswer(await server.rawRequest('NoSuchOperation', {}, { authorization: undefined }), 400, unknownOperationText, 1368724161, amzJson);
  });
});

// Authentication is checked only for a known operation; ListTables is the one used here (the
// store is never reached: every request below is refused before the action runs).
describe('authentication header', { skip: missingActions('ListTables') }, () => {
  const operation = 'DynamoDB_20120810.ListTables';

  test('no Authorization header: MissingAuthenticationTokenException', async () => {
    const response = await server.rawHttp({ headers: { 'x-amz-target': operation } });
    assertAnswer(response, 400, missingTokenText, 2088342776, 'application/json');
  });

  test('"AWS4" (no dash) is also a missing token', async () => {
    const response = await server.rawHttp({ headers: { 'x-amz-target': operation, authorization: 'AWS4' } });
    assertAnswer(response, 400, missingTokenText, 2088342776, 'application/json');
  });

  test('"AWS4-": IncompleteSignatureException listing every missing part', async () => {
    const response = await server.rawHttp({ headers: { 'x-amz-target': operation, authorization: 'AWS4-' } });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json, {
      __type: 'com.amazon.coral.service#IncompleteSignatureException',
      message:
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a " +
        "'X-Amz-Date' or a 'Date' header. Authorization=AWS4-",
    });
    assert.equal(response.headers['x-amz-crc32'], '1828866742');
    assertFramed(response);
  });

  test('an unsupported algorithm', async () => {
    const authorization = 'AWS4-HMAC-SHA1 Credential=a/b/c/d/e, SignedHeaders=host, Signature=abc';
    const response = await server.rawRequest('ListTables', {}, { authorization });
    assert.deepEqual(response.json, {
      __type: 'com.amazon.coral.service#IncompleteSignatureException',
      message: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). ",
    });
  });

  test('a presigned query string with an Authorization header too', async () => {
    const response = await server.rawHttp({ path: '/?X-Amz-Algorithm=AWS4-HMAC-SHA256', headers: { 'x-amz-target': operation, authorization: 'AWS4-HMAC-SHA256' } });
    assert.deepEqual(response.json, {
      __type: 'com.amazon.coral.service#InvalidSignatureException',
      message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    });
  });

  test('an incomplete presigned query string', async () => {
    const response = await server.rawHttp({ path: '/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20240101T000000Z', headers: { 'x-amz-target': operation } });
    assert.deepEqual(response.json, {
      __type: 'com.amazon.coral.service#IncompleteSignatureException',
      message:
        "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. " +
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
    });
  });
});

describe('body shape after authentication', { skip: missingActions('ListTables') }, () => {
  test('an empty body or a JSON scalar: SerializationException without message', async () => {
    for (const body of [undefined, 'null', '"x"', '3']) {
      assertAnswer(await server.rawRequest('ListTables', body), 400, serializationText, 3948637019, amzJson);
    }
  });

  test('a JSON array: "Start of list found where not expected"', async () => {
    const response = await server.rawRequest('ListTables', '[]');
    assert.equal(response.statusCode, 400);
    assert.equal(response.text, '{"__type":"com.amazon.coral.service#SerializationException","Message":"Start of list found where not expected"}');
    assertFramed(response);
  });
});

describe('a successful request', { skip: missingActions('ListTables') }, () => {
  test('raw: 200, the action\'s JSON, framed like every answer', async () => {
    const response = await server.rawRequest('ListTables', {});
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json, { TableNames: [] });
    assert.equal(response.headers['content-type'], amzJson);
    assertFramed(response);
  });

  test('application/json requests are answered in application/json', async () => {
    const response = await server.rawRequest('ListTables', {}, { 'content-type': 'application/json' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'application/json');
  });

  test('through the AWS SDK v3', async () => {
    const output = await server.client.send(new ListTablesCommand({}));
    assert.deepEqual(output.TableNames, []);
    assert.equal(output.$metadata.httpStatusCode, 200);
    assert.match(output.$metadata.requestId ?? '', /^[A-Z0-9]{52}$/);
  });
});

describe('CORS', () => {
  test('a preflight is answered with the requested method and headers', async () => {
    const response = await server.rawHttp({
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target,authorization' },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.text, '');
    assert.equal(response.headers['access-control-allow-origin'], '*');
    assert.equal(response.headers['access-control-allow-methods'], 'POST');
    assert.equal(response.headers['access-control-allow-headers'], 'content-type,x-amz-target,authorization');
    assert.equal(response.headers['access-control-max-age'], '172800');
    assert.equal(response.headers['content-length'], '0');
  });

  test('answers to requests with an Origin allow any origin', async () => {
    const response = await server.rawRequest('NoSuchOperation', {}, { origin: 'http://app.example' });
    assert.equal(response.headers['access-control-allow-origin'], '*');
    const plain = await server.rawRequest('NoSuchOperation', {});
    assert.equal(plain.headers['access-control-allow-origin'], undefined);
  });
});

describe('request body limit', () => {
  /** Sends a raw request head and up to `body_bytes` of body, and collects the answer. */
  function sendOversize(chunked: boolean, body_bytes: number): Promise<string> {
    const port = Number(new URL(server.endpoint).port);
    return new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (data) => (answer += data.toString('latin1')));
      // The server closes the connection after its 413 while the body is still being sent.
      socket.on('error', () => {});
      socket.on('close', () => resolve(answer));
      socket.write(
        'POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n' +
          (chunked ? 'Transfer-Encoding: chunked\r\n\r\n' : `Content-Length: ${body_bytes}\r\n\r\n`),
      );
      const chunk = Buffer.alloc(1 << 20, 0x20);
      let sent_bytes = 0;
      const pump = (): void => {
        while (sent_bytes < body_bytes && !socket.destroyed) {
          sent_bytes += chunk.length;
          let writable: boolean;
          if (chunked) {
            socket.write(`${chunk.length.toString(16)}\r\n`);
            socket.write(chunk);
            writable = socket.write('\r\n');
          } else {
            writable = socket.write(chunk);
          }
          if (!writable) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  }

  test('a declared Content-Length over the limit is refused with 413 before the body is read', async () => {
    const answer = await sendOversize(false, max_request_body_bytes + 1);
    assert.match(answer, /^HTTP\/1\.1 413 /);
    assert.match(answer, /\r\nx-amzn-RequestId: [A-Z0-9]{52}\r\n/);
  });

  test('a chunked body that grows over the limit is refused with 413', async () => {
    const answer = await sendOversize(true, max_request_body_bytes + (2 << 20));
    assert.match(answer, /^HTTP\/1\.1 413 /);
  });

  test('Expect: 100-continue with an oversize Content-Length gets the 413 instead of a 100', async () => {
    const events = await new Promise<string[]>((resolve) => {
      const seen: string[] = [];
      const request = httpRequest(server.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'content-length': max_request_body_bytes + 1, expect: '100-continue' },
      });
      request.on('continue', () => seen.push('continue'));
      request.on('response', (response) => {
        seen.push(String(response.statusCode));
        response.resume();
        response.on('end', () => resolve(seen));
      });
      request.on('error', () => resolve(seen));
    });
    assert.deepEqual(events, ['413']);
  });

  test('the server keeps serving afterwards', async () => {
    const response = await server.rawHttp({ method: 'GET' });
    assert.equal(response.statusCode, 200);
  });
});
