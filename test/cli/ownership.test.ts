import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand, ScanCommand, waitUntilTableExists, waitUntilTableNotExists } from '@aws-sdk/client-dynamodb';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AttachRolePolicyCommand, CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetBucketNotificationConfigurationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../../src/aws/clients.js';
import { sdkServices } from '../../src/aws/sdk-services.js';
import { cliEnv, runCli, runCliJson } from '../helpers/cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { eventually, LAMBDA_TRUST, zipOf } from '../sandbox/lambda-support.js';
import { assertNothingLeft } from './lab-state.js';

const ACCOUNT = '000000000000';
const LAB = { bucket: `upload-lab-${ACCOUNT}-us-east-1`, table: 'upload_metadata', function: 'upload-lab-metadata', role: 'upload-lab-metadata-us-east-1-role' };
const ECHO = { 'index.mjs': 'export const handler = async (event) => event;\n' };
const WAIT = { maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.5 };
const removedLines = (stdout: string) => stdout.match(/^ {2}- removed /gm)?.length ?? 0;

async function createKeyedTable(clients: AwsClients, name: string): Promise<void> {
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'bucket', AttributeType: 'S' }, { AttributeName: 'object_key', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'bucket', KeyType: 'HASH' }, { AttributeName: 'object_key', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client: clients.dynamodb, ...WAIT }, { TableName: name });
}

async function createFunction(clients: AwsClients, name: string, roleArn: string): Promise<void> {
  await clients.lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: roleArn, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf(ECHO) } }));
  await waitUntilFunctionActiveV2({ client: clients.lambda, ...WAIT }, { FunctionName: name });
}

const exists = (call: Promise<unknown>) =>
  call.then(
    () => true,
    () => false,
  );

describe('teardown killed after each removal', () => {
  let sandbox: TestSandbox;
  before(async () => {
    sandbox = await startTestSandbox();
  });
  after(() => sandbox.stop());

  test('the next teardown finishes, whichever removal it was killed after', async () => {
    const env = cliEnv();
    const target = ['--endpoint-url', sandbox.endpoint, '--timeout', '20'];
    let lines = Infinity;
    for (let n = 1; n <= lines; n++) {
      const setup = await runCli(['setup', ...target], { env });
      assert.equal(setup.code, 0, setup.stderr);
      const killed = await runCli(['teardown', ...target], { env, killWhen: (stdout) => removedLines(stdout) >= n });
      if (killed.signal !== 'SIGKILL') {
        // Finished before the n-th line: every kill point has been tried.
        assert.equal(killed.code, 0, killed.stderr);
        lines = removedLines(killed.stdout);
        assert.ok(n > lines, `teardown printed ${lines} removals but was not killed after the ${n}th`);
      } else {
        const rerun = await runCli(['teardown', ...target], { env });
        assert.equal(rerun.code, 0, `after a kill at removal ${n}:\n${rerun.stdout}\n${rerun.stderr}`);
      }
      await assertNothingLeft(sandbox.clients, LAB);
      assert.match((await runCli(['teardown', ...target], { env })).stdout, /Nothing to remove/);
    }
    assert.ok(lines >= 7, `teardown removes the lab resource by resource (saw ${lines} lines)`);
  });
});

describe("look-alikes and the learner's own objects", () => {
  let sandbox: TestSandbox;
  let target: string[];
  const env = cliEnv();
  before(async () => {
    sandbox = await startTestSandbox();
    target = ['--endpoint-url', sandbox.endpoint, '--timeout', '20'];
  });
  after(() => sandbox.stop());

  test('an untagged table, bucket, role and function recreated under the lab\'s names are kept, each with the command to remove it', async () => {
    const setup = await runCli(['setup', ...target], { env });
    assert.equal(setup.code, 0, setup.stderr);
    const { s3, dynamodb, iam, lambda } = sandbox.clients;
    // The learner deletes the lab's resources by hand and makes their own under the same names.
    await lambda.send(new DeleteFunctionCommand({ FunctionName: LAB.function }));
    await dynamodb.send(new DeleteTableCommand({ TableName: LAB.table }));
    await waitUntilTableNotExists({ client: dynamodb, ...WAIT }, { TableName: LAB.table });
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: LAB.bucket }));
    for (const object of objects.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: LAB.bucket, Key: object.Key! }));
    await s3.send(new DeleteBucketCommand({ Bucket: LAB.bucket }));
    await iam.send(new DeleteRolePolicyCommand({ RoleName: LAB.role, PolicyName: 'upload-lab-least-privilege' }));
    await iam.send(new DeleteRoleCommand({ RoleName: LAB.role }));

    await createKeyedTable(sandbox.clients, LAB.table);
    await dynamodb.send(new PutItemCommand({ TableName: LAB.table, Item: { bucket: { S: 'mine' }, object_key: { S: 'precious' } } }));
    await s3.send(new CreateBucketCommand({ Bucket: LAB.bucket }));
    await s3.send(new PutObjectCommand({ Bucket: LAB.bucket, Key: 'photos/cat.jpg', Body: 'meow' }));
    const role = await iam.send(new CreateRoleCommand({ RoleName: LAB.role, AssumeRolePolicyDocument: LAMBDA_TRUST }));
    await createFunction(sandbox.clients, LAB.function, role.Role!.Arn!);

    const teardown = await runCli(['teardown', ...target], { env });
    assert.equal(teardown.code, 0, teardown.stderr);
    for (const [what, command] of [
      [`table ${LAB.table}`, `dynamodb delete-table --table-name ${LAB.table}`],
      [`bucket ${LAB.bucket}`, `s3 rb s3://${LAB.bucket} --force`],
      [`role ${LAB.role}`, `iam delete-role --role-name ${LAB.role}`],
      [`function ${LAB.function}`, `lambda delete-function --function-name ${LAB.function}`],
    ]) {
      assert.match(teardown.stdout, new RegExp(`kept ${what}.*not tagged upload-lab`), what);
      assert.ok(teardown.stdout.includes(`aws --endpoint-url ${sandbox.endpoint} --region us-east-1 ${command}`), `the command for ${what}`);
    }
    assert.match(teardown.stdout, /removed log group \/aws\/lambda\/upload-lab-metadata/);
    const item = await dynamodb.send(new GetItemCommand({ TableName: LAB.table, Key: { bucket: { S: 'mine' }, object_key: { S: 'precious' } } }));
    assert.ok(item.Item, "the learner's item is kept");
    assert.ok(await exists(s3.send(new GetObjectCommand({ Bucket: LAB.bucket, Key: 'photos/cat.jpg' }))), "the learner's object is kept");
    assert.ok(await exists(iam.send(new GetRoleCommand({ RoleName: LAB.role }))));
    assert.ok(await exists(lambda.send(new GetFunctionCommand({ FunctionName: LAB.function }))));
    assert.match((await runCli(['teardown', ...target], { env })).stdout, /Nothing to remove/, 'the look-alikes are no longer recorded');
  });

  test("the learner's own incoming/notes.txt in their bucket is never replaced nor removed; verify's upload is removed too", async () => {
    const own = cliEnv();
    const bucket = 'learner-bucket-with-notes';
    await sandbox.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await sandbox.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'incoming/notes.txt', Body: 'my own notes' }));
    const setup = await runCliJson<{ passed: number }>(['setup', ...target, '--bucket', bucket, '--table', 'notes_table', '--function', 'notes-fn'], { env: own });
    assert.equal(setup.json.passed, 7, setup.stdout);
    const verify = await runCliJson<{ passed: number }>(['verify', ...target, '--bucket', bucket, '--table', 'notes_table', '--function', 'notes-fn'], { env: own });
    assert.equal(verify.json.passed, 7, verify.stdout);
    const keys = async () => ((await sandbox.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key!).sort();
    assert.equal((await keys()).length, 3, 'the learner\'s file and the two test uploads of setup and verify');
    const teardown = await runCli(['teardown', ...target], { env: own });
    assert.equal(teardown.code, 0, teardown.stderr);
    assert.deepEqual(await keys(), ['incoming/notes.txt']);
    const body = await (await sandbox.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'incoming/notes.txt' }))).Body!.transformToString();
    assert.equal(body, 'my own notes');
  });
});

describe('a lab the learner changed, in an account with resources of their own', () => {
  let sandbox: TestSandbox;
  let target: string[];
  const env = cliEnv();
  const FOREIGN = { table: 'my_other_table', function: 'my-other-fn', role: 'my-other-role', bucket: 'my-other-bucket' };
  before(async () => {
    sandbox = await startTestSandbox();
    target = ['--endpoint-url', sandbox.endpoint, '--timeout', '20'];
    const { s3, iam } = sandbox.clients;
    await createKeyedTable(sandbox.clients, FOREIGN.table);
    const role = await iam.send(new CreateRoleCommand({ RoleName: FOREIGN.role, AssumeRolePolicyDocument: LAMBDA_TRUST }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: FOREIGN.role, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }));
    await createFunction(sandbox.clients, FOREIGN.function, role.Role!.Arn!);
    await sandbox.clients.lambda.send(
      new AddPermissionCommand({ FunctionName: FOREIGN.function, StatementId: 'mine', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: `arn:aws:s3:::${FOREIGN.bucket}` }),
    );
    await s3.send(new CreateBucketCommand({ Bucket: FOREIGN.bucket }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: FOREIGN.bucket,
        NotificationConfiguration: { LambdaFunctionConfigurations: [{ Id: 'mine', LambdaFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${FOREIGN.function}`, Events: ['s3:ObjectCreated:*'] }] },
      }),
    );
  });
  after(() => sandbox.stop());

  const assertForeignKept = async () => {
    const { s3, dynamodb, iam, lambda } = sandbox.clients;
    assert.ok(await exists(dynamodb.send(new DescribeTableCommand({ TableName: FOREIGN.table }))), 'the other table');
    assert.ok(await exists(lambda.send(new GetFunctionCommand({ FunctionName: FOREIGN.function }))), 'the other function');
    assert.ok(await exists(iam.send(new GetRoleCommand({ RoleName: FOREIGN.role }))), 'the other role');
    assert.ok(await exists(s3.send(new HeadBucketCommand({ Bucket: FOREIGN.bucket }))), 'the other bucket');
    const rules = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: FOREIGN.bucket }));
    assert.deepEqual(rules.LambdaFunctionConfigurations?.map((r) => r.Id), ['mine'], 'the other bucket\'s rule');
  };

  test('a managed policy attached, an inline policy added and the configuration edited: teardown removes every lab resource, exit 0', async () => {
    const setup = await runCli(['setup', ...target], { env });
    assert.equal(setup.code, 0, setup.stderr);
    const { iam, lambda } = sandbox.clients;
    await iam.send(new AttachRolePolicyCommand({ RoleName: LAB.role, PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }));
    await iam.send(new PutRolePolicyCommand({ RoleName: LAB.role, PolicyName: 'my-extra', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }) }));
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: LAB.function, Timeout: 30, MemorySize: 256, Environment: { Variables: { TABLE_NAME: LAB.table, DEBUG: '1' } } }));
    await waitUntilFunctionUpdatedV2({ client: lambda, ...WAIT }, { FunctionName: LAB.function });

    const teardown = await runCli(['teardown', ...target], { env });
    assert.equal(teardown.code, 0, `${teardown.stdout}\n${teardown.stderr}`);
    assert.match(teardown.stdout, /removed attachment of AWSLambdaBasicExecutionRole to role upload-lab-metadata-us-east-1-role \(the policy itself is kept\)/);
    assert.match(teardown.stdout, /removed inline policy my-extra on upload-lab-metadata-us-east-1-role/);
    await assertNothingLeft(sandbox.clients, LAB);
    await assertForeignKept();
  });

  test('a removal that fails does not stop the others: exit 1, what is left named with its command; the rerun finishes', async () => {
    const setup = await runCli(['setup', ...target], { env });
    assert.equal(setup.code, 0, setup.stderr);
    sandbox.sandbox.faults.add('iam:DeleteRole');
    let failed;
    try {
      failed = await runCli(['teardown', ...target], { env });
    } finally {
      sandbox.sandbox.faults.clear();
    }
    assert.equal(failed.code, 1, failed.stdout);
    assert.match(failed.stdout, /could not remove role upload-lab-metadata-us-east-1-role \(.*InjectedFault/);
    assert.match(failed.stdout, /Teardown did not finish: 1 resource could not be removed/);
    assert.ok(failed.stdout.includes(`aws --endpoint-url ${sandbox.endpoint} --region us-east-1 iam delete-role --role-name ${LAB.role}`), failed.stdout);
    const services = sdkServices(sandbox.clients);
    assert.equal(await services.dynamodb.describeTable(LAB.table), undefined, 'the table went');
    assert.equal(await services.lambda.getFunction(LAB.function), undefined, 'the function went');
    assert.equal(await services.s3.headBucket(LAB.bucket), 'missing', 'the bucket went');
    assert.ok(await services.iam.getRole(LAB.role), 'the role is left');

    const rerun = await runCli(['teardown', ...target], { env });
    assert.equal(rerun.code, 0, `${rerun.stdout}\n${rerun.stderr}`);
    assert.match(rerun.stdout, /removed role upload-lab-metadata-us-east-1-role/);
    assert.doesNotMatch(rerun.stdout, /kept bucket/, 'the lab\'s bucket went with the first teardown: nothing to keep');
    assert.match(failed.stdout, /removed inline policy upload-lab-least-privilege on upload-lab-metadata-us-east-1-role/, 'what emptying the role did is said');
    await assertNothingLeft(sandbox.clients, LAB);
    await assertForeignKept();
  });

  test('a corrupt state file is named, set aside, and teardown goes on from the lab\'s tags', async () => {
    const setup = await runCli(['setup', ...target], { env });
    assert.equal(setup.code, 0, setup.stderr);
    const stateDir = join(env.UPLOAD_LAB_HOME!, 'state');
    const [file] = readdirSync(stateDir).filter((f) => f.endsWith('.json'));
    writeFileSync(join(stateDir, file!), '{"version": 1, "created": {"tab');
    const teardown = await runCli(['teardown', ...target], { env });
    assert.equal(teardown.code, 0, `${teardown.stdout}\n${teardown.stderr}`);
    assert.ok(teardown.stdout.includes(`The state file ${join(stateDir, file!)} could not be read`), teardown.stdout);
    assert.match(teardown.stdout, /it was moved to .*\.json\.corrupt-/);
    assert.match(teardown.stdout, /Recorded again from their upload-lab tag or id: table, role, rolePolicy, function, permission, logGroup, bucket, notificationRule/);
    await assertNothingLeft(sandbox.clients, LAB);
    await assertForeignKept();
    const aside = readdirSync(stateDir).filter((f) => f.includes('.corrupt-'));
    assert.equal(aside.length, 1);
    assert.equal(readFileSync(join(stateDir, aside[0]!), 'utf8'), '{"version": 1, "created": {"tab');
  });
});

describe("the learner's own objects in the lab's bucket (--local)", () => {
  test('teardown removes the lab\'s uploads and resources, keeps the bucket and the table that hold what the lab did not write, says so with the commands; a rerun is idempotent', async () => {
    const env = cliEnv();
    // Serving the data dir --local uses: the CLI finds it running, and the learner uploads through it.
    const sandbox = await startTestSandbox({ dataDir: join(env.UPLOAD_LAB_HOME!, 'sandbox') });
    try {
      const setup = await runCli(['setup', '--local', '--timeout', '30'], { env });
      assert.equal(setup.code, 0, `${setup.stdout}\n${setup.stderr}`);
      const { s3, dynamodb, iam, lambda, logs } = sandbox.clients;
      const mine = { 'keep/me.txt': 'keep me, please', 'incoming/mine.txt': 'my own upload' };
      for (const [key, body] of Object.entries(mine)) await s3.send(new PutObjectCommand({ Bucket: LAB.bucket, Key: key, Body: body }));
      // incoming/mine.txt fires the lab's trigger: the lab's function writes an item for the learner's object.
      const itemKey = { bucket: { S: LAB.bucket }, object_key: { S: 'incoming/mine.txt' } };
      await eventually(async () => (await dynamodb.send(new GetItemCommand({ TableName: LAB.table, Key: itemKey }))).Item, "the item of the learner's upload");
      const bucketCommand = `aws --endpoint-url ${sandbox.endpoint} --region us-east-1 s3 rb s3://${LAB.bucket} --force`;
      const tableCommand = `aws --endpoint-url ${sandbox.endpoint} --region us-east-1 dynamodb delete-table --table-name ${LAB.table}`;
      const keptBucket = `bucket ${LAB.bucket} (it holds 2 objects the lab did not write: incoming/mine.txt, keep/me.txt)`;
      const keptTable = `table ${LAB.table} (it holds 1 item the lab did not write: ${LAB.bucket}/incoming/mine.txt)`;

      const dryRun = await runCli(['teardown', '--local', '--dry-run'], { env });
      assert.equal(dryRun.code, 0, `${dryRun.stdout}\n${dryRun.stderr}`);
      for (const line of [`keep ${keptBucket}`, `keep ${keptTable}`, bucketCommand, tableCommand, `remove object ${LAB.bucket}/incoming/notes.txt`]) assert.ok(dryRun.stdout.includes(line), `dry run: ${line}\n${dryRun.stdout}`);

      const teardown = await runCli(['teardown', '--local'], { env });
      assert.equal(teardown.code, 0, `${teardown.stdout}\n${teardown.stderr}`);
      for (const line of [`kept ${keptBucket}`, `kept ${keptTable}`, `remove it by hand: ${bucketCommand}`, `remove it by hand: ${tableCommand}`, `removed object ${LAB.bucket}/incoming/notes.txt`, `removed item ${LAB.bucket}/incoming/notes.txt in ${LAB.table}`]) {
        assert.ok(teardown.stdout.includes(line), `${line}\n${teardown.stdout}`);
      }
      // The learner's objects, byte for byte, and nothing of the lab's in the bucket.
      const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: LAB.bucket }))).Contents ?? []).map((o) => o.Key!).sort();
      assert.deepEqual(keys, Object.keys(mine).sort());
      for (const [key, body] of Object.entries(mine)) assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: LAB.bucket, Key: key }))).Body!.transformToString(), body, key);
      const rules = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: LAB.bucket }));
      assert.deepEqual(rules.LambdaFunctionConfigurations ?? [], [], "the lab's trigger rule went");
      // Only the learner's item: the lab's test upload's item went.
      const items = await dynamodb.send(new ScanCommand({ TableName: LAB.table, ConsistentRead: true }));
      assert.deepEqual(items.Items?.map((i) => i.object_key?.S), ['incoming/mine.txt']);
      assert.equal(await exists(lambda.send(new GetFunctionCommand({ FunctionName: LAB.function }))), false, 'the function went');
      assert.equal(await exists(iam.send(new GetRoleCommand({ RoleName: LAB.role }))), false, 'the role went');
      assert.deepEqual((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${LAB.function}` }))).logGroups ?? [], [], 'the log group went');

      const rerun = await runCli(['teardown', '--local'], { env });
      assert.equal(rerun.code, 0, `${rerun.stdout}\n${rerun.stderr}`);
      assert.match(rerun.stdout, /Nothing to remove/, 'the kept bucket and table are no longer recorded');
      assert.deepEqual(((await s3.send(new ListObjectsV2Command({ Bucket: LAB.bucket }))).Contents ?? []).map((o) => o.Key!).sort(), keys);
    } finally {
      await sandbox.stop();
    }
  });
});

describe('two --local commands on one home at once', () => {
  test('two setups: both succeed, one waits for the other, the state records everything, and teardown leaves nothing', async () => {
    const env = cliEnv();
    const args = ['setup', '--local', '--timeout', '30'];
    const [first, second] = await Promise.all([runCli(args, { env }), runCli(args, { env })]);
    assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
    assert.equal(second.code, 0, `${second.stdout}\n${second.stderr}`);
    assert.match(first.stdout + second.stdout, /Waiting for the other upload-lab command \(pid \d+\)/);
    assert.match(first.stdout + second.stdout, /All 7 checks passed/);
    const [state] = readdirSync(join(env.UPLOAD_LAB_HOME!, 'state'));
    const recorded = JSON.parse(readFileSync(join(env.UPLOAD_LAB_HOME!, 'state', state!), 'utf8')) as { created: Record<string, string> };
    assert.deepEqual(Object.keys(recorded.created).sort(), ['bucket', 'function', 'logGroup', 'notificationRule', 'permission', 'role', 'rolePolicy', 'table']);
    const teardown = await runCli(['teardown', '--local'], { env });
    assert.equal(teardown.code, 0, teardown.stderr);
    assert.equal(existsSync(join(env.UPLOAD_LAB_HOME!, 'locks')) ? readdirSync(join(env.UPLOAD_LAB_HOME!, 'locks')).length : 0, 0, 'no lock is left behind');
    const sandbox = await startTestSandbox({ dataDir: join(env.UPLOAD_LAB_HOME!, 'sandbox') });
    try {
      await assertNothingLeft(sandbox.clients, LAB);
    } finally {
      await sandbox.stop();
    }
  });
});
