import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { cliEnv, runCli, runCliJson } from '../helpers/cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { sdkServices } from '../../src/aws/sdk-services.js';
import { assertNothingLeft } from './lab-state.js';

const BUCKET = 'upload-lab-000000000000-us-east-1';
const LAB = { bucket: BUCKET, table: 'upload_metadata', function: 'upload-lab-metadata', role: 'upload-lab-metadata-us-east-1-role' };

interface SetupJson {
  applied: { step: string; action: string; resource: string }[];
  passed: number;
  total: number;
  item: Record<string, unknown> | null;
}

describe('setup → verify → teardown through the built CLI', () => {
  let sandbox: TestSandbox;
  let env: Record<string, string>;
  let target: string[];

  before(async () => {
    // A role stays unassumable for a moment, as on AWS: setup must retry CreateFunction.
    sandbox = await startTestSandbox({ rolePropagationMs: 300 });
    env = cliEnv();
    target = ['--endpoint-url', sandbox.endpoint, '--timeout', '20'];
  });
  after(() => sandbox.stop());

  test('setup builds the lab, passing 7/7, and shows the saved item', async () => {
    const { code, json, stderr } = await runCliJson<SetupJson>(['setup', ...target], { env });
    assert.equal(code, 0, stderr);
    assert.equal(json.passed, 7);
    assert.equal(json.total, 7);
    assert.deepEqual(
      json.applied.filter((c) => c.action === 'create').map((c) => c.step).sort(),
      ['bucket', 'env', 'logs', 'permissions', 'permissions', 'table', 'trigger', 'trigger'],
    );
    assert.equal(json.item?.bucket, BUCKET);
    assert.equal(json.item?.object_key, 'incoming/notes.txt');
  });

  test('a second setup changes nothing: one rule, one function, one policy', async () => {
    const { code, json } = await runCliJson<SetupJson>(['setup', ...target], { env });
    assert.equal(code, 0);
    assert.deepEqual(json.applied.filter((c) => c.action !== 'reuse'), []);
    const notifications = await sandbox.clients.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: BUCKET }));
    assert.equal(notifications.LambdaFunctionConfigurations?.length, 1);
    const policies = await sandbox.clients.iam.send(new ListRolePoliciesCommand({ RoleName: LAB.role }));
    assert.deepEqual(policies.PolicyNames, ['upload-lab-least-privilege']);
  });

  test('verify passes 7/7 in text, one line per check, exit 0', async () => {
    const { code, stdout } = await runCli(['verify', ...target], { env });
    assert.equal(code, 0, stdout);
    assert.equal(stdout.match(/^PASS /gm)?.length, 7);
    assert.match(stdout, /All 7 checks passed\./);
  });

  test('teardown --dry-run lists what would go and removes nothing', async () => {
    const { code, stdout } = await runCli(['teardown', ...target, '--dry-run'], { env });
    assert.equal(code, 0);
    assert.match(stdout, /remove table upload_metadata/);
    assert.match(stdout, /remove log group \/aws\/lambda\/upload-lab-metadata/);
    const verify = await runCliJson<{ passed: number }>(['verify', ...target, '--no-upload'], { env });
    assert.equal(verify.json.passed, 7);
  });

  test('teardown leaves no table, function, role, log group or lab bucket, and forgets the lab', async () => {
    const { code, stderr } = await runCli(['teardown', ...target], { env });
    assert.equal(code, 0, stderr);
    await assertNothingLeft(sandbox.clients, LAB);
    const stateDir = join(env.UPLOAD_LAB_HOME!, 'state');
    assert.deepEqual(existsSync(stateDir) ? readdirSync(stateDir) : [], []);
  });

  test('a second teardown says there is nothing to remove, exit 0', async () => {
    const { code, stdout } = await runCli(['teardown', ...target], { env });
    assert.equal(code, 0);
    assert.match(stdout, /Nothing to remove/);
  });

  test('verify of a lab that is gone fails (exit 1) at the first step, with its hint', async () => {
    const { code, json } = await runCliJson<{ passed: number; checks: { id: string; ok: boolean; hint: string | null }[] }>(['verify', ...target, '--no-upload'], { env });
    assert.equal(code, 1);
    assert.equal(json.passed, 0);
    assert.equal(json.checks[0]?.id, 'table');
    assert.match(json.checks[0]?.hint ?? '', /partition key `bucket`/);
  });
});

describe('labs in two regions of one account', () => {
  test('tearing down one leaves the other whole: the role is per region, IAM being global', async () => {
    const sandbox = await startTestSandbox();
    try {
      const env = cliEnv();
      const at = (region: string) => ['--endpoint-url', sandbox.endpoint, '--region', region, '--timeout', '20'];
      for (const region of ['us-east-1', 'eu-west-1']) {
        const setup = await runCliJson<SetupJson>(['setup', ...at(region)], { env });
        assert.equal(setup.json.passed, 7, `setup in ${region}`);
      }
      assert.equal((await runCli(['teardown', ...at('eu-west-1')], { env })).code, 0);
      const east = await runCliJson<{ passed: number }>(['verify', ...at('us-east-1')], { env });
      assert.equal(east.json.passed, 7, 'the us-east-1 lab still works');
      assert.ok(await sdkServices(sandbox.clients).iam.getRole(LAB.role), 'the us-east-1 role is kept');
      await assertNothingLeft(sandbox.clientsIn('eu-west-1'), { table: LAB.table, function: LAB.function, role: 'upload-lab-metadata-eu-west-1-role' });
    } finally {
      await sandbox.stop();
    }
  });
});

describe('bad usage is rejected before any AWS call (exit 2)', () => {
  const env = cliEnv();
  // Nothing listens here: any AWS call would fail with another message and exit code.
  const nowhere = ['--endpoint-url', 'http://127.0.0.1:9'];
  const cases: [string, string[], RegExp][] = [
    ['an invalid bucket name', ['setup', ...nowhere, '--bucket', 'Bad_Bucket'], /not a valid S3 bucket name/],
    ['an invalid table name', ['setup', ...nowhere, '--table', 'a'], /not a valid DynamoDB table name/],
    ['an invalid function name', ['verify', ...nowhere, '--function', 'no spaces'], /not a valid Lambda function name/],
    ['an unknown region', ['setup', ...nowhere, '--region', 'us-middle-9'], /not a region upload-lab knows/],
    ['a malformed region', ['setup', ...nowhere, '--region', 'useast1'], /not a region name/],
    ['a non-positive timeout', ['verify', ...nowhere, '--timeout', '0'], /--timeout must be a positive number/],
    ['--local with --endpoint-url', ['setup', '--local', ...nowhere], /cannot be used together/],
    ['an unknown option', ['setup', '--bukket', 'x'], /unknown option/],
    ['a runtime the handler is not written for', ['setup', ...nowhere, '--runtime', 'python3.8'], /--runtime python3\.8 is not one the lab's handler is written for/],
  ];
  for (const [what, args, message] of cases) {
    test(what, async () => {
      const { code, stderr } = await runCli(args, { env });
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
      assert.equal(existsSync(join(env.UPLOAD_LAB_HOME!, 'state')), false);
    });
  }

  test('setup on real AWS without a terminal and without --yes exits 2 with the fix', async () => {
    const noTty = cliEnv({ AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-secret', AWS_REGION: 'us-east-1' });
    const { code, stderr } = await runCli(['setup', '--region', 'us-east-1'], { env: noTty });
    // Offline, the STS call fails first: either way it must not prompt or hang, and must say why.
    assert.notEqual(code, 0);
    assert.match(stderr, /Error: /);
    assert.doesNotMatch(stderr, /not-a-secret/);
  });
});
