import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { CreateRoleCommand, GetRoleCommand, TagRoleCommand } from '@aws-sdk/client-iam';
import { sdkServices } from '../../src/aws/sdk-services.js';
import { trustsLambda } from '../../src/policy/trust.js';
import { cliEnv, runCli, runCliJson } from '../helpers/cli.js';
import { startTestSandbox } from '../helpers/sandbox.js';

/**
 * What a learner meets on a real account when the network or AWS is in the way: each failure is one
 * sentence with a fix (never "report the stack trace"), and none holds the command longer than the
 * timeouts. Each test has a runner timeout only as a guard against a hang; nothing is timed.
 */

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

function assertExplained(stderr: string, sentence: RegExp, fix: RegExp): void {
  assert.match(stderr, sentence);
  assert.match(stderr, fix);
  assert.doesNotMatch(stderr, /report the stack trace|Unexpected error|UnknownError/);
}

describe('the network in the way', () => {
  test('an endpoint that accepts connections and never answers is given up on within --timeout, with a sentence', { timeout: 60_000 }, async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', () => {});
    });
    const port = await listen(silent);
    try {
      const { code, stderr } = await runCli(['verify', '--endpoint-url', `http://127.0.0.1:${port}`, '--timeout', '2'], { env: cliEnv() });
      assert.equal(code, 1);
      assertExplained(stderr, new RegExp(`127\\.0\\.0\\.1:${port} accepted the connection but sent no answer within 2 s\\.`), /raise --timeout, or use --local/);
      assert.ok(sockets.length >= 1, 'the CLI did connect');
    } finally {
      for (const socket of sockets) socket.destroy();
      await close(silent);
    }
  });

  test('a name that does not resolve (DNS failure) is one sentence, offering --local', { timeout: 60_000 }, async () => {
    const { code, stderr } = await runCli(['verify', '--endpoint-url', 'http://upload-lab-test.invalid:4566', '--timeout', '5'], { env: cliEnv() });
    assert.equal(code, 1);
    assertExplained(stderr, /Cannot find upload-lab-test\.invalid:4566: the name does not resolve/, /use --local/);
    assert.doesNotMatch(stderr, /getaddrinfo/);
  });

  test('a refused connection names the address and how to start a sandbox', { timeout: 60_000 }, async () => {
    const server = createServer();
    const port = await listen(server);
    await close(server);
    const { code, stderr } = await runCli(['verify', '--endpoint-url', `http://127.0.0.1:${port}`, '--timeout', '5'], { env: cliEnv() });
    assert.equal(code, 1);
    assertExplained(stderr, new RegExp(`Nothing accepts connections at 127\\.0\\.0\\.1:${port}\\.`), /npx upload-lab sandbox/);
  });

  test('a TLS failure (https to something that does not speak it) is one sentence', { timeout: 60_000 }, async () => {
    const plain = createHttpServer((_req, res) => res.end('not TLS'));
    const port = await listen(plain);
    try {
      const { code, stderr } = await runCli(['verify', '--endpoint-url', `https://127.0.0.1:${port}`, '--timeout', '5'], { env: cliEnv() });
      assert.equal(code, 1);
      assertExplained(stderr, /The secure \(TLS\) connection to 127\.0\.0\.1:\d+ failed/, /--endpoint-url/);
    } finally {
      plain.closeAllConnections();
      await close(plain);
    }
  });

  test('with no credentials and no region, the first message offers --local', async () => {
    const { code, stderr } = await runCli(['setup', '--yes'], { env: cliEnv() });
    assert.equal(code, 2);
    assertExplained(stderr, /No AWS region is set\./, /Use --local to run the whole lab offline/);
  });
});

describe('AWS being slow, or set up otherwise', () => {
  test('a wait that runs out of --timeout says what it waited for, how long, what it saw and what to do', { timeout: 60_000 }, async () => {
    const sandbox = await startTestSandbox({ tableDelayMs: 6_000 });
    try {
      const { code, stderr } = await runCli(['setup', '--endpoint-url', sandbox.endpoint, '--timeout', '1'], { env: cliEnv() });
      assert.equal(code, 1);
      assertExplained(stderr, /Gave up waiting for table upload_metadata to become ACTIVE: not done within the 1 s timeout; it is still CREATING\./, /rerun with a longer --timeout/);
    } finally {
      await sandbox.stop();
    }
  });

  test('a bucket in another region is reported as such, with the region to use', async () => {
    const sandbox = await startTestSandbox();
    try {
      await sandbox.clientsIn('eu-west-1').s3.send(new CreateBucketCommand({ Bucket: 'learner-bucket-ireland', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
      const { code, stderr } = await runCli(['setup', '--endpoint-url', sandbox.endpoint, '--region', 'us-east-1', '--bucket', 'learner-bucket-ireland'], { env: cliEnv() });
      assert.equal(code, 1);
      assertExplained(stderr, /Bucket learner-bucket-ireland is in eu-west-1, but this lab runs in us-east-1/, /Rerun with --region eu-west-1/);
      const grade = await runCliJson<{ checks: { id: string; detail: string }[] }>(['verify', '--endpoint-url', sandbox.endpoint, '--bucket', 'learner-bucket-ireland', '--no-upload'], { env: cliEnv() });
      assert.match(grade.json.checks.find((c) => c.id === 'trigger')!.detail, /is in eu-west-1/);
    } finally {
      await sandbox.stop();
    }
  });

  test("a role of the lab's name that does not trust Lambda is reported at once, not retried; the lab's own is repaired", { timeout: 60_000 }, async () => {
    const sandbox = await startTestSandbox();
    try {
      const role = 'upload-lab-metadata-us-east-1-role';
      const ec2Trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
      await sandbox.clients.iam.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: JSON.stringify(ec2Trust) }));
      const env = cliEnv();
      // A 600 s timeout: retrying "cannot be assumed by Lambda" would outlast the test's guard.
      const target = ['--endpoint-url', sandbox.endpoint, '--timeout', '600'];
      const refused = await runCli(['setup', ...target], { env });
      assert.equal(refused.code, 1);
      assertExplained(refused.stderr, new RegExp(`Role ${role} exists, but its trust policy does not let Lambda assume it`), /aws iam update-assume-role-policy --role-name/);
      assert.equal(await sdkServices(sandbox.clients).lambda.getFunction('upload-lab-metadata'), undefined, 'no function was attempted');

      await sandbox.clients.iam.send(new TagRoleCommand({ RoleName: role, Tags: [{ Key: 'upload-lab', Value: 'true' }] }));
      const repaired = await runCliJson<{ passed: number; applied: { action: string; resource: string }[] }>(['setup', ...target], { env });
      assert.equal(repaired.code, 0, repaired.stderr);
      assert.equal(repaired.json.passed, 7);
      assert.ok(repaired.json.applied.some((c) => c.action === 'change' && c.resource === `trust policy of role ${role}`));
      const trust = (await sandbox.clients.iam.send(new GetRoleCommand({ RoleName: role }))).Role?.AssumeRolePolicyDocument;
      assert.ok(trustsLambda(JSON.parse(decodeURIComponent(trust ?? '{}'))));
    } finally {
      await sandbox.stop();
    }
  });
});
