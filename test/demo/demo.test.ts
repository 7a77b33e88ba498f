import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { UpdateFunctionCodeCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { zipSync } from 'fflate';
import { buildHandlerZip } from '../../src/deploy/zip.js';
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

  /** Replaces the lab function's code, as a learner deploying their own handler does. */
  async function deployLabCode(zip: Uint8Array): Promise<void> {
    await sandbox.clients.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'upload-lab-metadata', ZipFile: zip }));
    await waitUntilFunctionUpdatedV2({ client: sandbox.clients.lambda, maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.5 }, { FunctionName: 'upload-lab-metadata' });
  }
  const handlerZip = (code: string) => zipSync({ 'index.mjs': new TextEncoder().encode(code) });

  test("the lab's function is the learner's own plain-PutItem handler that returns nothing: the demo judges by the table", async () => {
    // What a learner writes first: PutItem, no condition, no reply.
    await deployLabCode(handlerZip(`import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
const db = new DynamoDBClient({});
export const handler = async (event) => {
  for (const r of event.Records) {
    await db.send(new PutItemCommand({ TableName: process.env.TABLE_NAME, Item: {
      bucket: { S: r.s3.bucket.name }, object_key: { S: decodeURIComponent(r.s3.object.key.replace(/\\+/g, ' ')) },
      sequencer: { S: r.s3.object.sequencer }, etag: { S: r.s3.object.eTag }, size: { N: String(r.s3.object.size) } } }));
  }
};
`));
    try {
      const { code, json, stderr } = await runCliJson<DemoResult>(['demo', 'overwrite', ...target], { env });
      assert.equal(code, 0, stderr);
      // Both functions wrote every delivery, so neither kept the newest: what the table holds says so.
      assert.deepEqual(json.conditionalWrite.deliveries.map((d) => [d.written, d.holds]), [[true, 'upload 1'], [true, 'upload 2'], [true, 'upload 1']]);
      assert.equal(json.conditionalWrite.keptNewest, false);
      await assertNothingOfTheDemo();

      await deployLabCode(handlerZip('export const handler = async () => { throw new Error("my table name is wrong"); };\n'));
      const failed = await runCli(['demo', 'ordering', ...target], { env });
      assert.equal(failed.code, 1, failed.stdout + failed.stderr);
      assert.match(failed.stderr, /Function upload-lab-metadata failed on upload 2's event: Error: my table name is wrong/);
      assert.doesNotMatch(failed.stderr, /Cannot read properties/);
      await assertNothingOfTheDemo();
    } finally {
      await deployLabCode((await buildHandlerZip()).zip);
    }
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
