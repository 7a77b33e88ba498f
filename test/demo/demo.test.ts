import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { sdkServices } from '../../src/aws/sdk-services.js';
import type { DemoResult } from '../../src/demo/run.js';
import { cliEnv, runCli, runCliJson, startCli } from '../helpers/cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const PLAIN = 'upload-lab-metadata-plain-put';

describe('upload-lab demo overwrite|ordering --local, on a lab setup built', () => {
  let sandbox: TestSandbox;
  let env: Record<string, string>;
  let target: string[];

  before(async () => {
    env = cliEnv();
    const dataDir = join(env.UPLOAD_LAB_HOME!, 'sandbox');
    // Served by this process, so the test's SDK clients see the same world as the CLI. A new function
    // stays Pending for 1.5 s, as on AWS: the demo then waits for its function long enough to be killed.
    sandbox = await startTestSandbox({ dataDir, functionUpdateMs: 1500 });
    target = ['--local', '--data-dir', dataDir];
    const setup = await runCli(['setup', ...target], { env });
    assert.equal(setup.code, 0, setup.stdout + setup.stderr);
  });
  after(() => sandbox.stop());

  /** Nothing of a demo is left: no second function, no log group of it, no demo item, nothing recorded. */
  async function assertNothingOfTheDemo(): Promise<void> {
    const services = sdkServices(sandbox.clients);
    assert.equal(await services.lambda.getFunction(PLAIN), undefined, 'the plain-PutItem function is left');
    const groups = await sandbox.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${PLAIN}` }));
    assert.deepEqual(groups.logGroups ?? [], [], 'its log group is left');
    const items = await sandbox.clients.dynamodb.send(new ScanCommand({ TableName: 'upload_metadata' }));
    assert.deepEqual(items.Items?.map((i) => i.object_key?.S), ['incoming/notes.txt'], 'only the lab\'s own item remains');
    const stateDir = join(env.UPLOAD_LAB_HOME!, 'state');
    const [file] = readdirSync(stateDir);
    const state = JSON.parse(readFileSync(join(stateDir, file!), 'utf8')) as { created: Record<string, string>; uploads: { key: string }[] };
    assert.equal(state.created.demoFunction, undefined);
    assert.deepEqual(state.uploads.map((u) => u.key), ['incoming/notes.txt']);
  }

  for (const demo of ['overwrite', 'ordering'] as const) {
    test(`demo ${demo} --json: plain PutItem does not keep the newest, the conditional write does; nothing of the demo remains`, async () => {
      const { code, json, stderr } = await runCliJson<DemoResult>(['demo', demo, ...target], { env });
      assert.equal(code, 0, stderr);
      assert.equal(json.demo, demo);
      assert.equal(json.plainPutItem.keptNewest, false);
      assert.equal(json.conditionalWrite.keptNewest, true);
      assert.equal(json.plainPutItem.function, PLAIN);
      assert.equal(json.conditionalWrite.function, 'upload-lab-metadata');
      // The plain PutItem wrote every delivery; the conditional write refused exactly the stale one.
      assert.ok(json.plainPutItem.deliveries.every((d) => d.written));
      assert.deepEqual(json.conditionalWrite.deliveries.map((d) => d.written), demo === 'overwrite' ? [true, true, false] : [true, false, true]);
      assert.equal(json.plainPutItem.holds, 'upload 1');
      assert.equal(json.conditionalWrite.holds, 'upload 2');
      // The items the functions really saved: the stale sequencer in one, the newest in the other.
      assert.equal(json.plainPutItem.item?.sequencer, '0062F3A1B2C3D4E5F0');
      assert.equal(json.conditionalWrite.item?.sequencer, json.sequencers.find((s) => s.event === 'upload 2')!.sequencer);
      if (demo === 'ordering') {
        // A shorter sequencer that is later once padded; and the other key's smaller one is still written.
        assert.deepEqual(json.sequencers.map((s) => [s.event, s.padded, s.laterThanPrevious]), [['upload 2', '0062F3A1B2C3D4E600', null], ['upload 1', '0062F3A1B2C3D4E5F0', false]]);
        assert.equal(json.conditionalWrite.deliveries[2]!.event, 'other key');
      }
      assert.ok(json.removed.some((c) => c.resource === `function ${PLAIN}`));
      await assertNothingOfTheDemo();
    });
  }

  test('the text output shows the deliveries side by side and the verdicts', async () => {
    const { code, stdout } = await runCli(['demo', 'overwrite', ...target], { env });
    assert.equal(code, 0);
    assert.match(stdout, /3\. upload 1\s+written, holds upload 1\s+refused, holds upload 2/);
    assert.match(stdout, /plain PutItem: kept upload 1, not the newest \(upload 2\)/);
    assert.match(stdout, /conditional write: kept upload 2, the newest/);
    await assertNothingOfTheDemo();
  });

  test('a demo killed once its function exists leaves it recorded, and teardown removes it', async () => {
    const running = startCli(['demo', 'ordering', ...target, '--json'], { env });
    const services = sdkServices(sandbox.clients);
    const deadline = Date.now() + 60_000;
    while (!(await services.lambda.getFunction(PLAIN))) {
      assert.ok(Date.now() < deadline, 'the demo never created its function');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    running.signal('SIGKILL');
    await running.done;
    assert.equal((await services.lambda.getFunction(PLAIN))?.state, 'Pending', 'killed while waiting for its function');
    const teardown = await runCli(['teardown', ...target], { env });
    assert.equal(teardown.code, 0, teardown.stderr);
    assert.match(teardown.stdout, new RegExp(`removed function ${PLAIN}`));
    assert.equal(await services.lambda.getFunction(PLAIN), undefined);
    assert.equal(await services.lambda.getFunction('upload-lab-metadata'), undefined);
    assert.ok(!existsSync(join(env.UPLOAD_LAB_HOME!, 'state')) || readdirSync(join(env.UPLOAD_LAB_HOME!, 'state')).length === 0);
  });

  test('without a lab, the demo says to build it first (exit 2)', async () => {
    const { code, json } = await runCliJson<{ error: { code: string; fix: string } }>(['demo', 'overwrite', ...target], { env });
    assert.equal(code, 2);
    assert.equal(json.error.code, 'LabMissing');
    assert.match(json.error.fix, /upload-lab setup/);
  });
});
