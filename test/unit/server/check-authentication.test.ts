import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HeaderValue } from '../../../src/server/check-authentication.js';
import { checkAuthentication } from '../../../src/server/check-authentication.js';

const goodAuthorization =
  'AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abcdef0123';

function check(headers: Record<string, HeaderValue>, query = ''): { name: string; message: string } | undefined {
  const error = checkAuthentication(headers, query);
  return error === undefined ? undefined : { name: error.errorName, message: error.message };
}

describe('checkAuthentication', () => {
  test('a well-formed SigV4 header passes (signatures are not verified)', () => {
    assert.equal(check({ authorization: goodAuthorization, 'x-amz-date': '20240101T000000Z' }), undefined);
    assert.equal(check({ authorization: goodAuthorization, date: 'Mon, 01 Jan 2024 00:00:00 GMT' }), undefined);
  });

  test('no header, an empty one, or one that is not AWS4- is a missing token', () => {
    const missing = { name: 'MissingAuthenticationTokenException', message: 'Request is missing Authentication Token' };
    assert.deepEqual(check({}), missing);
    assert.deepEqual(check({ authorization: '' }), missing);
    assert.deepEqual(check({ authorization: 'AWS4' }), missing);
    assert.deepEqual(check({ authorization: 'Bearer abc' }), missing);
  });

  test('"AWS4-" alone lists every missing part, as DynamoDB does', () => {
    assert.deepEqual(check({ authorization: 'AWS4-' }), {
      name: 'IncompleteSignatureException',
      message:
        "Authorization header requires 'Credential' parameter. " +
        "Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. " +
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
        'Authorization=AWS4-',
    });
  });

  test('only the missing parts are listed', () => {
    const authorization = 'AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host';
    assert.deepEqual(check({ authorization, 'x-amz-date': '20240101T000000Z' }), {
      name: 'IncompleteSignatureException',
      message: `Authorization header requires 'Signature' parameter. Authorization=${authorization}`,
    });
  });

  test('a malformed X-Amz-Date', () => {
    assert.deepEqual(check({ authorization: goodAuthorization, 'x-amz-date': '201' }), {
      name: 'IncompleteSignatureException',
      message: "Date must be in ISO-8601 'basic format'. Got '201'. See http://en.wikipedia.org/wiki/ISO_8601",
    });
  });

  test('Host must be signed', () => {
    const authorization = 'AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=x-amz-date, Signature=abc';
    assert.deepEqual(check({ authorization, 'x-amz-date': '20240101T000000Z' }), {
      name: 'InvalidSignatureException',
      message: "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    });
  });

  test('host is found among the signed headers in any case and position, and only as a whole name', () => {
    const withSigned = (signed: string) => `AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=${signed}, Signature=abc`;
    for (const signed of ['HOST', 'content-type;Host', 'x-amz-date;host;x-amz-target', 'a;;hOsT']) {
      assert.equal(check({ authorization: withSigned(signed), 'x-amz-date': '20240101T000000Z' }), undefined, signed);
    }
    for (const signed of ['hosts', 'x-host', 'hos;t', 'h(st', '']) {
      assert.equal(check({ authorization: withSigned(signed), 'x-amz-date': '20240101T000000Z' })?.name, 'InvalidSignatureException', signed);
    }
  });

  test('only AWS4-HMAC-SHA256 is supported', () => {
    const authorization = 'AWS4-HMAC-SHA25 Credential=a/b/c/d/e, SignedHeaders=host, Signature=abc';
    assert.deepEqual(check({ authorization, 'x-amz-date': '20240101T000000Z' }), {
      name: 'IncompleteSignatureException',
      message: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA25' (only AWS4-HMAC-SHA256 for now). ",
    });
  });

  test('the credential has five slash-delimited parts; trailing slashes are ignored', () => {
    const authorization = (credential: string) => `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host, Signature=abc`;
    assert.deepEqual(check({ authorization: authorization('a/b/c/d'), 'x-amz-date': '20240101T000000Z' }), {
      name: 'IncompleteSignatureException',
      message: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'a/b/c/d'",
    });
    assert.equal(check({ authorization: authorization('a/b/c/d/e/'), 'x-amz-date': '20240101T000000Z' }), undefined);
    assert.equal(check({ authorization: authorization('a/b/c/d/e///'), 'x-amz-date': '20240101T000000Z' }), undefined);
    assert.equal(check({ authorization: authorization('a//c/d/e'), 'x-amz-date': '20240101T000000Z' }), undefined, 'an empty element counts');
    assert.equal(check({ authorization: authorization('a/b/c/d/e/f'), 'x-amz-date': '20240101T000000Z' })?.name, 'IncompleteSignatureException');
  });

  test('presigned query: both forms at once are refused', () => {
    assert.deepEqual(check({ authorization: goodAuthorization }, 'X-Amz-Algorithm=AWS4-HMAC-SHA256'), {
      name: 'InvalidSignatureException',
      message: "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
    });
  });

  test('presigned query: every missing parameter is listed', () => {
    assert.deepEqual(check({}, 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc'), {
      name: 'IncompleteSignatureException',
      message:
        "AWS query-string parameters must include 'X-Amz-Credential'. " +
        "AWS query-string parameters must include 'X-Amz-SignedHeaders'. " +
        "AWS query-string parameters must include 'X-Amz-Date'. " +
        'Re-examine the query-string parameters.',
    });
    const complete = 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2Fb%2Fc%2Fd%2Fe&X-Amz-Signature=abc&X-Amz-SignedHeaders=host&X-Amz-Date=20240101T000000Z';
    assert.equal(check({}, complete), undefined);
  });
});
