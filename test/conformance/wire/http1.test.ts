/**
 * HTTP/1.1 framing over a raw socket (http1-connection.ts): keep-alive and pipelining, chunked
 * bodies, `Expect: 100-continue`, HEAD, and the bare 400/431 answers to malformed heads. Then a
 * seeded fuzzer that mutates well-formed requests byte by byte: every connection must end with
 * zero or more whole HTTP answers, and the server must keep serving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connect } from 'node:net';
import { max_request_head_bytes } from '../../../src/server/http1-connection.js';
import { envNumber, envSeed, Gen } from '../../fuzz/fuzz-kit.js';
import type { TestServer } from '../../helpers/test-server.js';
import { amzDate, dummyAuthorization, startTestServer, test_region } from '../../helpers/test-server.js';

let server: TestServer;
let port: number;
before(async () => {
  server = await startTestServer();
  port = Number(new URL(server.endpoint).port);
});
after(() => server.close());

/** A signed ListTables request, framed by Content-Length unless `extraHead` says otherwise. */
function listTablesRequest(options: { extraHead?: string; body?: string; version?: string } = {}): string {
  const body = options.body ?? '{}';
  const framing = options.extraHead?.toLowerCase().includes('transfer-encoding') ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`;
  return (
    `POST / ${options.version ?? 'HTTP/1.1'}\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.0\r\n` +
    `X-Amz-Target: DynamoDB_20120810.ListTables\r\nX-Amz-Date: ${amzDate(new Date())}\r\n` +
    `Authorization: ${dummyAuthorization(test_region)}\r\n${framing}${options.extraHead ?? ''}\r\n${body}`
  );
}

interface Exchange {
  /** Everything the server sent, as latin1 text. */
  readonly text: string;
  /** Whether the server closed the connection (rather than the test giving up waiting). */
  readonly closedByServer: boolean;
}

/**
 * Writes `pieces` one by one (each in its own write) and collects the answer until the server
 * closes the connection or `quiet_ms` pass without new bytes once `until` matches.
 */
function exchange(pieces: readonly (string | Buffer)[], until?: RegExp, quiet_ms = 150): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (closedByServer: boolean): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      socket.destroy();
      resolve({ text, closedByServer });
    };
    const arm = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      if (until === undefined || until.test(text)) timer = setTimeout(() => finish(false), quiet_ms);
    };
    socket.on('data', (data) => {
      text += data.toString('latin1');
      arm();
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('connect', async () => {
      for (const piece of pieces) {
        if (socket.destroyed) return;
        socket.write(piece);
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (until === undefined) arm();
    });
  });
}

/** The status codes of the HTTP answers in `text`, in order. */
function statuses(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
}

describe('persistent connections', () => {
  test('pipelined requests in one write are answered in order on one connection', async () => {
    const request = listTablesRequest();
    const { text } = await exchange([request + request + request], /(HTTP\/1\.1 200[\s\S]*){3}/);
    assert.deepEqual(statuses(text), [200, 200, 200]);
    assert.equal(text.match(/\{"TableNames":\[\]\}/g)?.length, 3);
    assert.match(text, /\r\nConnection: keep-alive\r\n/);
    assert.match(text, /\r\nDate: [A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT\r\n/);
  });

  test('a request arriving a few bytes at a time is answered', async () => {
    const request = Buffer.from(listTablesRequest(), 'latin1');
    const pieces: Buffer[] = [];
    for (let offset = 0; offset < request.length; offset += 7) pieces.push(request.subarray(offset, offset + 7));
    const { text } = await exchange(pieces, /TableNames/);
    assert.deepEqual(statuses(text), [200]);
  });

  test('Connection: close is honoured after the answer', async () => {
    const { text, closedByServer } = await exchange([listTablesRequest({ extraHead: 'Connection: close\r\n' })]);
    assert.deepEqual(statuses(text), [200]);
    assert.match(text, /\r\nConnection: close\r\n/);
    assert.equal(closedByServer, true);
  });

  test('an HTTP/1.0 request closes after its answer unless it asks to keep alive', async () => {
    const closing = await exchange([listTablesRequest({ version: 'HTTP/1.0' })]);
    assert.deepEqual(statuses(closing.text), [200]);
    assert.equal(closing.closedByServer, true);
    const kept = await exchange([listTablesRequest({ version: 'HTTP/1.0', extraHead: 'Connection: keep-alive\r\n' })], /TableNames/);
    assert.deepEqual(statuses(kept.text), [200]);
    assert.equal(kept.closedByServer, false);
  });

  test('an empty line before a request line is ignored', async () => {
    const { text } = await exchange(['\r\n' + listTablesRequest()], /TableNames/);
    assert.deepEqual(statuses(text), [200]);
  });
});

describe('bodies', () => {
  test('a chunked body, with a chunk extension and a trailer, is decoded', async () => {
    const chunked = '1;ext=1\r\n{\r\n1\r\n}\r\n0\r\nX-Trailer: yes\r\n\r\n';
    const { text } = await exchange([listTablesRequest({ extraHead: 'Transfer-Encoding: chunked\r\n', body: chunked })], /TableNames/);
    assert.deepEqual(statuses(text), [200]);
  });

  test('Expect: 100-continue gets the interim answer, then the answer', async () => {
    const request = listTablesRequest({ extraHead: 'Expect: 100-continue\r\n' });
    const { text } = await exchange([request], /TableNames/);
    assert.deepEqual(statuses(text), [100, 200]);
  });

  test('an unknown expectation is answered 417', async () => {
    const { text } = await exchange([listTablesRequest({ extraHead: 'Expect: something-else\r\n' })]);
    assert.deepEqual(statuses(text), [417]);
  });

  test('HEAD gets the headers of the answer without its body', async () => {
    const { text } = await exchange(['HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n'], /\r\n\r\n/);
    const [head, body] = text.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 \d{3} /);
    assert.match(head!, /\r\nContent-Length: [1-9]\d*/i);
    assert.equal(body, '');
  });
});

describe('malformed heads', () => {
  const cases: readonly [string, string, number][] = [
    ['a request line without a version', 'POST /\r\nHost: x\r\n\r\n', 400],
    ['an unknown HTTP version', 'POST / HTTP/2.0\r\nHost: x\r\n\r\n', 400],
    ['a field name with a space before its colon', 'POST / HTTP/1.1\r\nHost : x\r\n\r\n', 400],
    ['a line without a colon', 'POST / HTTP/1.1\r\nHost x\r\n\r\n', 400],
    ['Content-Length and Transfer-Encoding together', 'POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}', 400],
    ['two Content-Length fields', 'POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}', 400],
    ['a non-numeric Content-Length', 'POST / HTTP/1.1\r\nContent-Length: 2x\r\n\r\n{}', 400],
    ['a transfer coding other than chunked', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n', 400],
    ['a malformed chunk size', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 400],
    ['chunk data not followed by CRLF', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{}}\r\n', 400],
  ];
  for (const [name, request, status] of cases) {
    test(`${name}: ${status}, then the connection closes`, async () => {
      const { text, closedByServer } = await exchange([request]);
      assert.deepEqual(statuses(text), [status]);
      assert.match(text, /\r\nConnection: close\r\n/);
      assert.equal(closedByServer, true);
    });
  }

  test(`a head over ${max_request_head_bytes} bytes: 431`, async () => {
    const { text, closedByServer } = await exchange([`POST / HTTP/1.1\r\nX-Big: ${'a'.repeat(max_request_head_bytes)}\r\n\r\n`]);
    assert.deepEqual(statuses(text), [431]);
    assert.equal(closedByServer, true);
  });
});

describe('fuzzed requests', () => {
  const cases = envNumber('DYNABASE_HTTP_FUZZ_CASES', 150);
  const seed = envSeed('DYNABASE_HTTP_FUZZ_SEED');

  test(`${cases} mutated requests never break the server (seed ${seed}, DYNABASE_HTTP_FUZZ_SEED to replay)`, async () => {
    const gen = new Gen(seed);
    // DynamoDB's answers (200, 400 errors, 404 for what it does not serve, 413) and the framing's
    // own (100, 400, 417, 431); never a 5xx.
    const expected_statuses = new Set([100, 200, 400, 404, 413, 417, 431]);
    const base = Buffer.from(listTablesRequest() + listTablesRequest({ extraHead: 'Transfer-Encoding: chunked\r\n', body: '2\r\n{}\r\n0\r\n\r\n' }), 'latin1');
    const alphabet = Buffer.from('\r\n :;0123456789abcdefABCDEF-HTTP/1.01\x00\x7f\xff\t', 'latin1');
    for (let i = 0; i < cases; i++) {
      const bytes = Buffer.from(base);
      const mutations = 1 + gen.int(4);
      let mutated = bytes;
      for (let m = 0; m < mutations; m++) {
        const at = gen.int(mutated.length);
        const choice = gen.int(3);
        if (choice === 0) mutated[at] = alphabet[gen.int(alphabet.length)]!;
        else if (choice === 1) mutated = Buffer.concat([mutated.subarray(0, at), mutated.subarray(at + 1 + gen.int(8))]);
        else mutated = Buffer.concat([mutated.subarray(0, at), Buffer.from([alphabet[gen.int(alphabet.length)]!]), mutated.subarray(at)]);
      }
      const split = gen.int(mutated.length);
      const { text } = await exchange([mutated.subarray(0, split), mutated.subarray(split)], undefined, 60);
      // Whatever came back is a sequence of whole answers with known status codes.
      for (const status of statuses(text)) assert.ok(expected_statuses.has(status), `case ${i}: status ${status}\n${text}`);
    }
    const after = await exchange([listTablesRequest()], /TableNames/);
    assert.deepEqual(statuses(after.text), [200]);
  });
});
