/**
 * Runs the AWS CLI and boto3 smoke scripts (test/smoke/) against a live in-memory server. The
 * tools come from Debian (scripts/install-test-tools.sh, run by .ci/run); where they are missing
 * the tests are skipped and say why.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const scriptsDir = new URL('../../../test/smoke/', import.meta.url).pathname;

function findTool(candidates: readonly string[], probe: readonly string[]): string | undefined {
  for (const candidate of candidates) {
    if (!candidate.startsWith('/') || existsSync(candidate)) {
      const result = spawnSync(candidate, probe, { stdio: 'ignore' });
      if (result.status === 0) return candidate;
    }
  }
  return undefined;
}

// The server runs in this process: the tools must run asynchronously, or they would block it.
const run = promisify(execFile);

const aws = findTool(['/usr/bin/aws', 'aws'], ['--version']);
const python = findTool(['/usr/bin/python3', 'python3'], ['-c', 'import boto3']);

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

// Each CLI call starts a Python interpreter (~1-2 s on a busy 2-core machine, ~40 calls): a
// generous limit, so the test fails on a hang, not on a slow machine.
test('AWS CLI drives the control plane and items', { skip: aws === undefined ? 'the AWS CLI is not installed (scripts/install-test-tools.sh)' : false, timeout: 300_000 }, async () => {
  const { stdout: output } = await run('bash', [`${scriptsDir}aws-cli.sh`, server.endpoint], { encoding: 'utf8', env: { ...process.env, PATH: `/usr/bin:${process.env['PATH'] ?? ''}` } });
  assert.match(output, /aws-cli smoke: ok/);
});

test('boto3 drives the control plane and items', { skip: python === undefined ? 'boto3 is not installed (scripts/install-test-tools.sh)' : false, timeout: 60_000 }, async () => {
  const { stdout: output } = await run(python!, [`${scriptsDir}boto3_smoke.py`, server.endpoint], { encoding: 'utf8' });
  assert.match(output, /boto3 smoke: ok/);
});
