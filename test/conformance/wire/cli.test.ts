/**
 * The `dynabase` command, run as a child process: `dist/src/main.js` as tsc builds it, and the
 * single-file bundle of it that package.json's `bin` and `npm start` run (`npm run build`).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { commandFiles, compileCommand } from '../../../src/command-script.js';
import { missingActions, test_credentials } from '../../helpers/test-server.js';
import { tableDefinition } from '../../helpers/tables.js';

const mainJs = fileURLToPath(new URL('../../../src/main.js', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: { dynabase: string } };
const binJs = join(repoRoot, packageJson.bin.dynabase);

interface Running {
  readonly endpoint: string;
  readonly line: string;
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** The table names a ListTables through the AWS SDK returns from `endpoint`. */
async function listTableNames(endpoint: string): Promise<string[] | undefined> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: test_credentials, maxAttempts: 1 });
  try {
    return (await client.send(new ListTablesCommand({}))).TableNames;
  } finally {
    client.destroy();
  }
}

/** Starts the CLI (`script`, main.js by default) and resolves once it prints its listening line. */
function startCli(args: string[], script = mainJs): Promise<Running> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(stdout);
      if (match !== null) {
        resolve({
          endpoint: match[1]!,
          line: stdout.trim(),
          stop: (signal) => {
            child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => reject(new Error(`dynabase exited with ${code} before listening: ${stderr}`)));
  });
}

describe('dynabase CLI', () => {
  test('--in-memory --port 0 prints the chosen port and serves requests; SIGTERM exits 0', async () => {
    const running = await startCli(['--in-memory', '--port', '0', '--host', '127.0.0.1']);
    assert.match(running.line, /^Dynabase listening on http:\/\/127\.0\.0\.1:\d+ .*in memory$/);
    assert.notEqual(new URL(running.endpoint).port, '0');
    const health = await fetch(running.endpoint);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), 'healthy: dynamodb.us-east-1.amazonaws.com ');
    const unknown = await fetch(running.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.Nope' }, body: '{}' });
    assert.equal(unknown.status, 400);
    assert.deepEqual(await unknown.json(), { __type: 'com.amazon.coral.service#UnknownOperationException' });
    if (!missingActions('ListTables')) {
      assert.deepEqual(await listTableNames(running.endpoint), []);
    }
    assert.equal(await running.stop('SIGTERM'), 0);
  });

  test('--clock manual: time stands still until POST /_dynabase/clock moves it', async () => {
    const running = await startCli(['--in-memory', '--port', '0', '--host', '127.0.0.1', '--clock', 'manual', '--create-table-ms', '60000']);
    assert.match(running.line, /manual clock at \d{4}-\d\d-\d\dT/);
    const clock = async (init?: RequestInit) => (await (await fetch(`${running.endpoint}/_dynabase/clock`, init)).json()) as { mode: string; now_ms: number };
    const start = await clock();
    assert.equal(start.mode, 'manual');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal((await clock()).now_ms, start.now_ms);
    const moved = await clock({ method: 'POST', body: JSON.stringify({ advance_ms: 60_000 }) });
    assert.equal(moved.now_ms, start.now_ms + 60_000);
    assert.equal(await running.stop('SIGTERM'), 0);
  });

  test('--data-dir creates the directory, --region shows in the health line; SIGINT exits 0', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'dynabase-cli-'));
    const dataDir = join(parent, 'nested', 'data');
    try {
      const running = await startCli(['--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1', '--region', 'eu-west-1', '--durability', 'relaxed']);
      assert.ok(running.line.includes(`data in ${dataDir} (relaxed)`), running.line);
      assert.ok(existsSync(dataDir));
      const health = await fetch(running.endpoint);
      assert.equal(await health.text(), 'healthy: dynamodb.eu-west-1.amazonaws.com ');
      assert.equal(await running.stop('SIGINT'), 0);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  test('--help prints the flags and exits 0', () => {
    const result = spawnSync(process.execPath, [mainJs, '--help'], { encoding: 'utf8' });
    assert.equal(result.status, 0);
    for (const flag of ['--port', '--host', '--data-dir', '--in-memory', '--region', '--durability', '--create-table-ms', '--update-table-ms', '--delete-table-ms', '--clock', '--eventual-lag-ms']) {
      assert.ok(result.stdout.includes(flag), flag);
    }
  });

  const badFlags: ReadonlyArray<readonly [string[], RegExp]> = [
    [['--bogus'], /bogus/],
    [['--port', 'abc'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer/],
    [['--durability', 'sometimes'], /--durability must be durable or relaxed/],
    [['--in-memory', '--data-dir', '/tmp/x'], /contradict/],
    [['--create-table-ms', '-5'], /create-table-ms/],
    [['--port'], /port/],
    [['--clock', 'sundial'], /--clock must be system or manual/],
    [['--eventual-lag-ms', 'soon'], /--eventual-lag-ms must be an integer/],
  ];
  for (const [args, message] of badFlags) {
    test(`bad flags ${args.join(' ')}: a clear message and exit code 2`, () => {
      const result = spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8' });
      assert.equal(result.status, 2);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /dynabase --help/);
    });
  }

  test('a port already in use: a message and exit code 1', async () => {
    const first = await startCli(['--in-memory', '--port', '0', '--host', '127.0.0.1']);
    try {
      const port = new URL(first.endpoint).port;
      const result = spawnSync(process.execPath, [mainJs, '--in-memory', '--port', port, '--host', '127.0.0.1'], { encoding: 'utf8' });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /could not start.*EADDRINUSE/);
    } finally {
      await first.stop('SIGTERM');
    }
  });
});

describe('the bundled dynabase command (package.json bin)', () => {
  const stale = 'run `npm run build`: the bundle is built from dist/src by esbuild';

  test('exists and prints the same --help as dist/src/main.js', () => {
    assert.ok(existsSync(binJs), `${binJs} is missing: ${stale}`);
    const bundled = spawnSync(process.execPath, [binJs, '--help'], { encoding: 'utf8' });
    const unbundled = spawnSync(process.execPath, [mainJs, '--help'], { encoding: 'utf8' });
    assert.equal(bundled.status, 0);
    assert.equal(bundled.stdout, unbundled.stdout, `the bundle differs from dist/src/main.js: ${stale}`);
  });

  test('serves in memory; SIGTERM exits 0', async () => {
    const running = await startCli(['--in-memory', '--port', '0', '--host', '127.0.0.1'], binJs);
    assert.match(running.line, /^Dynabase listening on http:\/\/127\.0\.0\.1:\d+ .*in memory$/);
    assert.deepEqual(await listTableNames(running.endpoint), []);
    assert.equal(await running.stop('SIGTERM'), 0);
  });

  test('on disk: the LMDB engine, loaded on demand from inside the bundle, keeps a table across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dynabase-bin-'));
    try {
      const first = await startCli(['--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1'], binJs);
      const client = new DynamoDBClient({ endpoint: first.endpoint, region: 'us-east-1', credentials: test_credentials, maxAttempts: 1 });
      await client.send(
        new CreateTableCommand(tableDefinition({ TableName: 'kept', key: { id: 'S' }, BillingMode: 'PAY_PER_REQUEST' })),
      );
      client.destroy();
      assert.equal(await first.stop('SIGTERM'), 0);
      const second = await startCli(['--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1'], binJs);
      assert.deepEqual(await listTableNames(second.endpoint), ['kept']);
      assert.equal(await second.stop('SIGTERM'), 0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a client command, loaded on demand from inside the bundle, checks its flags (exit 2)', () => {
    const result = spawnSync(process.execPath, [binJs, 'tail'], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^dynabase tail: tail takes one table name/);
  });

  test('with source maps on, loads its bundle by require (vm.Script maps no stack traces on Node 20) and runs the same', () => {
    const mapped = spawnSync(process.execPath, ['--enable-source-maps', binJs, '--help'], { encoding: 'utf8' });
    assert.equal(mapped.status, 0);
    assert.equal(mapped.stdout, spawnSync(process.execPath, [binJs, '--help'], { encoding: 'utf8' }).stdout);
  });

  test("runs its bundle with the build's V8 code cache, which V8 accepts", () => {
    const { bundle, cache } = commandFiles(dirname(binJs));
    assert.ok(existsSync(cache), `${cache} is missing: ${stale}`);
    assert.equal(compileCommand(bundle, readFileSync(cache)).cachedDataRejected, false);
  });

  /**
   * Runs the bin from a copy of dist/bin whose cache `spoil` has made unusable, and checks that the
   * command serves, then writes a cache V8 accepts in its place (and no temporary file).
   */
  async function checkCacheReplaced(spoil: (cache: string) => void): Promise<void> {
    const copy = mkdtempSync(join(tmpdir(), 'dynabase-bin-copy-'));
    try {
      for (const file of readdirSync(dirname(binJs))) copyFileSync(join(dirname(binJs), file), join(copy, file));
      const { bundle, cache } = commandFiles(copy);
      spoil(cache);
      const spoiled = readFileSync(cache);
      const spoiledMtime_ms = statSync(cache).mtimeMs;
      const running = await startCli(['--in-memory', '--port', '0', '--host', '127.0.0.1'], join(copy, basename(binJs)));
      try {
        assert.deepEqual(await listTableNames(running.endpoint), []);
        // The launcher writes its cache a second after the start: wait for it (30 s: a hang guard, not a timing).
        for (let polls = 0; readFileSync(cache).equals(spoiled) && statSync(cache).mtimeMs === spoiledMtime_ms; polls++) {
          if (polls === 600) assert.fail('the command wrote no code cache');
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        assert.equal(await running.stop('SIGTERM'), 0);
      }
      assert.deepEqual(readdirSync(copy).filter((file) => file.includes('.v8cache.')), [], 'no temporary file is left');
      assert.equal(compileCommand(bundle, readFileSync(cache)).cachedDataRejected, false);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }

  test('a code cache V8 refuses: the command still serves, then writes one V8 accepts in its place', async () => {
    await checkCacheReplaced((cache) => writeFileSync(cache, 'not a V8 code cache'));
  });

  test('a code cache older than the bundle is not used (V8 would match it by length alone), and is replaced', async () => {
    const stale = new Date(Date.parse('2020-01-01T00:00:00Z'));
    await checkCacheReplaced((cache) => utimesSync(cache, stale, stale));
  });
});
