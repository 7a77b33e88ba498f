import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { createClients, type AwsClients } from '../../src/aws/clients.js';
import { sdkServices } from '../../src/aws/sdk-services.js';
import { cliEnv, runCli, runCliJson, startCli, type RunningCli } from '../helpers/cli.js';
import { startTestSandbox, TEST_CREDENTIALS } from '../helpers/sandbox.js';
import { assertNothingLeft } from './lab-state.js';

const LAB = { bucket: 'upload-lab-000000000000-us-east-1', table: 'upload_metadata', function: 'upload-lab-metadata', role: 'upload-lab-metadata-us-east-1-role' };
const serving = (stdout: string) => /export AWS_ENDPOINT_URL=(http:\/\/127\.0\.0\.1:\d+)/.test(stdout);

/**
 * The whole life of a lab against a sandbox that plays AWS's slow parts (UPLOAD_LAB_SANDBOX_REALISTIC):
 * tables take seconds to create and to delete, a new role cannot be assumed at once, functions are
 * Pending and InProgress, a changed policy reaches the function's sessions late. Served by
 * `upload-lab sandbox` in a child process with the switch in its environment; each command runs with
 * --local, which finds it through the data dir.
 */
describe('setup → verify → teardown → setup at once, with every realistic delay on', () => {
  let sandbox: RunningCli;
  let env: Record<string, string>;
  let local: string[];
  let clients: AwsClients;

  before(async () => {
    env = cliEnv({ UPLOAD_LAB_SANDBOX_REALISTIC: '1' });
    const dataDir = join(env.HOME!, 'sandbox');
    sandbox = startCli(['sandbox', '--port', '0', '--data-dir', dataDir], { env });
    await sandbox.until(serving);
    const endpoint = /export AWS_ENDPOINT_URL=(\S+)/.exec(sandbox.stdout())![1]!;
    clients = createClients({ region: 'us-east-1', endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    local = ['--local', '--data-dir', dataDir, '--timeout', '30'];
  });
  after(async () => {
    clients.destroy();
    sandbox.signal('SIGTERM');
    await sandbox.done;
  });

  test('setup rides out the delays and passes 7/7', async () => {
    const { code, json, stderr } = await runCliJson<{ passed: number; total: number }>(['setup', ...local], { env });
    assert.equal(code, 0, stderr);
    assert.equal(json.passed, 7);
  });

  test('verify passes 7/7', async () => {
    const { code, json } = await runCliJson<{ passed: number }>(['verify', ...local], { env });
    assert.equal(code, 0);
    assert.equal(json.passed, 7);
  });

  test('teardown right away, then setup while the old table is still DELETING: waited out, recreated, 7/7', async () => {
    assert.equal((await runCli(['teardown', ...local], { env })).code, 0);
    const table = await sdkServices(clients).dynamodb.describeTable(LAB.table);
    assert.equal(table?.status, 'DELETING', 'the sandbox keeps a deleted table DELETING for a while, as DynamoDB does');
    const { code, json, stderr } = await runCliJson<{ passed: number; applied: { step: string; action: string }[] }>(['setup', ...local], { env });
    assert.equal(code, 0, stderr);
    assert.equal(json.passed, 7);
    assert.ok(json.applied.some((c) => c.step === 'table' && c.action === 'create'), 'the table is created anew, not "reused" while it is being deleted');
    const verify = await runCliJson<{ passed: number }>(['verify', ...local], { env });
    assert.equal(verify.json.passed, 7);
  });

  test('the last teardown leaves nothing', async () => {
    const { code, stderr } = await runCli(['teardown', ...local], { env });
    assert.equal(code, 0, stderr);
    await sdkServices(clients, { waiterMinDelaySeconds: 0.2 }).dynamodb.waitForTableGone(LAB.table, 20_000);
    await assertNothingLeft(clients, LAB);
  });
});

describe("the seconds in which the role's new policy has not reached the function", () => {
  test('setup is denied inside the function at first, retries the probe, and passes 7/7', { timeout: 120_000 }, async () => {
    // The role exists already with a logs-only policy (set up before the window switch is on), so the
    // function can log the denial it meets while the lab's new policy propagates.
    const before = await startTestSandbox();
    const lambdaTrust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    const logsOnly = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*' }] };
    await before.clients.iam.send(new CreateRoleCommand({ RoleName: LAB.role, AssumeRolePolicyDocument: JSON.stringify(lambdaTrust) }));
    await before.clients.iam.send(new PutRolePolicyCommand({ RoleName: LAB.role, PolicyName: 'logs', PolicyDocument: JSON.stringify(logsOnly) }));
    await before.stop(true);
    // Only this delay: the role is assumable at once, so the first probe lands inside the window.
    const sandbox = await startTestSandbox({ dataDir: before.dataDir, policyPropagationMs: 2_500 });
    try {
      const { code, json, stderr } = await runCliJson<{ passed: number }>(['setup', '--endpoint-url', sandbox.endpoint, '--timeout', '30'], { env: cliEnv() });
      assert.equal(code, 0, stderr);
      assert.equal(json.passed, 7);
      // The function's own log shows the denial the probe rode out: the window was real.
      const denied = await sandbox.clients.logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${LAB.function}`, filterPattern: 'AccessDeniedException' }));
      assert.ok((denied.events ?? []).length > 0, 'the first invocation was denied');
    } finally {
      await sandbox.stop();
    }
  });
});
