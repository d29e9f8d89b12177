/** `dynabase tail <table>` as a child process against a running server. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';
import { createStreamTable } from './stream-helpers.js';

const mainJs = fileURLToPath(new URL('../../../src/main.js', import.meta.url));
let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(() => server.close());

test('prints each change as one line, live', async () => {
  await createStreamTable(server, 'tail_table', 'NEW_AND_OLD_IMAGES');
  await server.client.send(new PutItemCommand({ TableName: 'tail_table', Item: { pk: { S: 'a' }, n: { N: '1' } } }));
  const child = spawn(process.execPath, [mainJs, 'tail', 'tail_table', '--endpoint', server.endpoint, '--from', 'trim-horizon'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
  const lines = async (count: number): Promise<string[]> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const got = stdout.split('\n').filter((line) => line !== '');
      if (got.length >= count) return got;
      if (Date.now() > deadline) throw new Error(`tail printed ${JSON.stringify(stdout)}, stderr ${JSON.stringify(stderr)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  try {
    const first = await lines(1);
    assert.match(first[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ INSERT \{"pk":"a"\} \{"pk":"a","n":1\}$/);
    await server.client.send(new PutItemCommand({ TableName: 'tail_table', Item: { pk: { S: 'a' }, n: { N: '2' } } }));
    await server.client.send(new DeleteItemCommand({ TableName: 'tail_table', Key: { pk: { S: 'a' } } }));
    const all = await lines(3);
    assert.match(all[1]!, / MODIFY \{"pk":"a"\} \{"pk":"a","n":1\} -> \{"pk":"a","n":2\}$/);
    assert.match(all[2]!, / REMOVE \{"pk":"a"\} \{"pk":"a","n":2\}$/);
  } finally {
    child.kill('SIGINT');
    assert.equal(await exited, 0);
  }
});

/** Runs the CLI to its end without blocking this process (which serves the requests). */
function run(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [mainJs, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stderr })));
}

test('a table without a stream, or bad flags, end with an error', async () => {
  const missing = await run(['tail', 'tail_missing', '--endpoint', server.endpoint]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /ResourceNotFoundException: Requested resource not found: Table: tail_missing not found/);
  const noTable = await run(['tail']);
  assert.equal(noTable.status, 2);
  assert.match(noTable.stderr, /tail takes one table name/);
  const badFrom = await run(['tail', 't', '--from', 'middle']);
  assert.equal(badFrom.status, 2);
});
