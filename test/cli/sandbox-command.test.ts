import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cliEnv, runCli, runCliJson, startCli } from '../helpers/cli.js';
import { pasteInBash } from '../helpers/paste.js';

const serving = (stdout: string) => /export AWS_ENDPOINT_URL=http:\/\/127\.0\.0\.1:\d+/.test(stdout) && stdout.includes('Ctrl+C');

describe('upload-lab sandbox', () => {
  test('prints the endpoint and the lines to paste, and stops cleanly on SIGTERM', async () => {
    const env = cliEnv();
    const { code, stdout } = await runCli(['sandbox', '--port', '0', '--data-dir', join(env.HOME!, 'data')], { env, killWhen: serving, signal: 'SIGTERM' });
    assert.equal(code, 0);
    for (const line of ['export AWS_ACCESS_KEY_ID=test', 'export AWS_SECRET_ACCESS_KEY=test', 'export AWS_REGION=us-east-1']) assert.ok(stdout.includes(line), line);
    assert.match(stdout, /aws --endpoint-url http:\/\/127\.0\.0\.1:\d+ s3 ls/);
    // Pasted as printed, --local reaches this sandbox: its data dir is not the default one.
    assert.ok(stdout.includes(`npx upload-lab setup --local --data-dir ${join(env.HOME!, 'data')}`), stdout);
    assert.match(stdout, /Sandbox stopped/);
  });

  test("the printed exports work when pasted, with the AWS CLI on PATH (v1 reads only AWS_DEFAULT_REGION) and with the printed --endpoint-url call", async () => {
    const env = cliEnv();
    const running = startCli(['sandbox', '--port', '0', '--data-dir', join(env.HOME!, 'data')], { env });
    try {
      await running.until(serving);
      const printed = running.stdout().split('\n').map((l) => l.trim());
      const exports = printed.filter((l) => l.startsWith('export '));
      assert.ok(exports.includes('export AWS_DEFAULT_REGION=us-east-1'));
      const call = printed.find((l) => l.startsWith('aws --endpoint-url'))!;
      // The exports and `aws` alone (AWS_ENDPOINT_URL), then the printed call, under the CLI on PATH.
      assert.match(await pasteInBash([...exports, 'aws dynamodb list-tables'], env), /"TableNames": \[\]/);
      await pasteInBash([...exports, call], env);
    } finally {
      running.signal('SIGTERM');
      assert.equal((await running.done).code, 0);
    }
  });

  test('stops cleanly on SIGINT (Ctrl+C)', async () => {
    const env = cliEnv();
    const { code } = await runCli(['sandbox', '--port', '0', '--data-dir', join(env.HOME!, 'data')], { env, killWhen: serving, signal: 'SIGINT' });
    assert.equal(code, 0);
  });

  test('a data dir in use and a busy port are clear errors (exit 2)', async () => {
    const env = cliEnv();
    const dataDir = join(env.HOME!, 'data');
    const first = startCli(['sandbox', '--port', '0', '--data-dir', dataDir], { env });
    try {
      await first.until(serving);
      const port = /127\.0\.0\.1:(\d+)/.exec(first.stdout())![1]!;
      const sameDir = await runCli(['sandbox', '--port', '0', '--data-dir', dataDir], { env });
      assert.equal(sameDir.code, 2);
      assert.match(sameDir.stderr, /is in use by process \d+/);
      const samePort = await runCli(['sandbox', '--port', port, '--data-dir', join(env.HOME!, 'other')], { env });
      assert.equal(samePort.code, 2);
      assert.match(samePort.stderr, /port is already in use/);
    } finally {
      first.signal('SIGTERM');
      assert.equal((await first.done).code, 0);
    }
  });

  test('a malformed behaviour switch in the environment is a clear error (exit 2), for sandbox and --local alike', async () => {
    const env = cliEnv({ UPLOAD_LAB_SANDBOX_DUPLICATE_EVENTS: 'maybe' });
    const served = await runCli(['sandbox', '--port', '0', '--data-dir', join(env.HOME!, 'data')], { env });
    assert.equal(served.code, 2);
    assert.match(served.stderr, /UPLOAD_LAB_SANDBOX_DUPLICATE_EVENTS must be true or false, not "maybe"/);
    const local = await runCli(['verify', '--local', '--data-dir', join(env.HOME!, 'data')], { env });
    assert.equal(local.code, 2);
    assert.match(local.stderr, /UPLOAD_LAB_SANDBOX_DUPLICATE_EVENTS/);
  });

  test('rejects a non-loopback --host (the sandbox takes any credentials)', async () => {
    const { code, stderr } = await runCli(['sandbox', '--host', '0.0.0.0'], { env: cliEnv() });
    assert.equal(code, 2);
    assert.match(stderr, /not a loopback address/);
  });
});

describe('--local with its own data dir', () => {
  test('setup, verify and teardown run against an in-process sandbox', async () => {
    const env = cliEnv();
    const local = ['--local', '--data-dir', join(env.HOME!, 'sandbox-data')];
    const setup = await runCli(['setup', ...local], { env });
    assert.equal(setup.code, 0, setup.stderr);
    assert.match(setup.stdout, /npx upload-lab sandbox/);
    const verify = await runCliJson<{ passed: number }>(['verify', ...local], { env });
    assert.equal(verify.json.passed, 7);
    const teardown = await runCli(['teardown', ...local], { env });
    assert.equal(teardown.code, 0, teardown.stderr);
    assert.match((await runCli(['teardown', ...local], { env })).stdout, /Nothing to remove/);
  });
});
