import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createClients, type AwsClients } from '../../src/aws/clients.js';
import { sdkServices } from '../../src/aws/sdk-services.js';
import { cliEnv, runCli, runCliJson, startCli, type RunningCli } from '../helpers/cli.js';
import { TEST_CREDENTIALS } from '../helpers/sandbox.js';
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
