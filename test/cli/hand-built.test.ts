import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, RemovePermissionCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, GetBucketNotificationConfigurationCommand, HeadObjectCommand, PutBucketNotificationConfigurationCommand, type NotificationConfiguration } from '@aws-sdk/client-s3';
import { zipSync } from 'fflate';
import { loadChecklist } from '../../src/checklist.js';
import { buildHandlerZip } from '../../src/deploy/zip.js';
import { cliEnv, runCli, runCliJson } from '../helpers/cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { assertNothingLeft } from './lab-state.js';

const ACCOUNT = '000000000000';
const HAND = { bucket: 'my-hand-built-bucket', table: 'hand_uploads', function: 'hand-metadata-fn', role: 'hand-lambda-role' };
const fnArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

const goodPolicy = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${HAND.table}` },
    { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: `arn:aws:logs:us-east-1:${ACCOUNT}:*` },
  ],
};
const incomingRule = (prefix: string): NotificationConfiguration => ({
  LambdaFunctionConfigurations: [{ Id: 'by-hand', LambdaFunctionArn: fnArn(HAND.function), Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: prefix }] } } }],
});

interface VerifyJson {
  passed: number;
  total: number;
  checks: { id: string; ok: boolean; detail: string; hint: string | null }[];
}

/** A lab built the way a learner would through the console or the SDK, with names of their own. */
async function buildByHand(sandbox: TestSandbox): Promise<void> {
  const { s3, dynamodb, iam, lambda } = sandbox.clients;
  await s3.send(new CreateBucketCommand({ Bucket: HAND.bucket }));
  await dynamodb.send(
    new CreateTableCommand({
      TableName: HAND.table,
      AttributeDefinitions: [{ AttributeName: 'bucket', AttributeType: 'S' }, { AttributeName: 'object_key', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'bucket', KeyType: 'HASH' }, { AttributeName: 'object_key', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await iam.send(new CreateRoleCommand({ RoleName: HAND.role, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }));
  await iam.send(new PutRolePolicyCommand({ RoleName: HAND.role, PolicyName: 'mine', PolicyDocument: JSON.stringify(goodPolicy) }));
  const zip = await buildHandlerZip();
  await lambda.send(
    new CreateFunctionCommand({ FunctionName: HAND.function, Role: `arn:aws:iam::${ACCOUNT}:role/${HAND.role}`, Runtime: 'nodejs22.x', Handler: zip.handler, Code: { ZipFile: zip.zip }, Environment: { Variables: { TABLE_NAME: HAND.table } } }),
  );
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.5 }, { FunctionName: HAND.function });
  await addInvokePermission(sandbox);
  await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: HAND.bucket, NotificationConfiguration: incomingRule('incoming/') }));
}

const addInvokePermission = (sandbox: TestSandbox) =>
  sandbox.clients.lambda.send(new AddPermissionCommand({ FunctionName: HAND.function, StatementId: 's3-invoke', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: `arn:aws:s3:::${HAND.bucket}`, SourceAccount: ACCOUNT }));

async function updateFunction(sandbox: TestSandbox, command: UpdateFunctionCodeCommand | UpdateFunctionConfigurationCommand): Promise<void> {
  await sandbox.clients.lambda.send(command as UpdateFunctionCodeCommand);
  await waitUntilFunctionUpdatedV2({ client: sandbox.clients.lambda, maxWaitTime: 20, minDelay: 0.05, maxDelay: 0.5 }, { FunctionName: HAND.function });
}

describe('verify on a lab built by hand with other names', () => {
  let sandbox: TestSandbox;
  let target: string[];
  const env = cliEnv();
  const hints = new Map(loadChecklist().map((c) => [c.id, c.hint]));

  before(async () => {
    sandbox = await startTestSandbox();
    target = ['--endpoint-url', sandbox.endpoint, '--timeout', '20'];
    await buildByHand(sandbox);
  });
  after(() => sandbox.stop());

  test('passes 7/7, finding the function from the bucket\'s rule for incoming/', async () => {
    const { code, json, stderr } = await runCliJson<VerifyJson>(['verify', ...target, '--bucket', HAND.bucket, '--table', HAND.table], { env });
    assert.equal(code, 0, stderr + JSON.stringify(json, null, 2));
    assert.equal(json.passed, 7);
    // The hand-built role allows CreateLogGroup on the whole account, as the console's basic role does: narrow enough.
    assert.doesNotMatch(json.checks[1]!.detail, /warning/);
  });

  // Each way a learner's lab goes wrong, how to break it, how to repair it, and the check that must fail first.
  const breakages: { name: string; first: string; args?: string[]; breakIt(): Promise<void>; repair(): Promise<void> }[] = [
    {
      name: 'wrong sort key name',
      first: 'table',
      args: ['--table', 'hand_bad_keys'],
      async breakIt() {
        await sandbox.clients.dynamodb.send(
          new CreateTableCommand({
            TableName: 'hand_bad_keys',
            AttributeDefinitions: [{ AttributeName: 'bucket', AttributeType: 'S' }, { AttributeName: 'key', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'bucket', KeyType: 'HASH' }, { AttributeName: 'key', KeyType: 'RANGE' }],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        );
      },
      async repair() {},
    },
    {
      name: 'role without PutItem',
      first: 'permissions',
      async breakIt() {
        await sandbox.clients.iam.send(new PutRolePolicyCommand({ RoleName: HAND.role, PolicyName: 'mine', PolicyDocument: JSON.stringify({ ...goodPolicy, Statement: [goodPolicy.Statement[1]] }) }));
      },
      async repair() {
        await sandbox.clients.iam.send(new PutRolePolicyCommand({ RoleName: HAND.role, PolicyName: 'mine', PolicyDocument: JSON.stringify(goodPolicy) }));
      },
    },
    {
      name: 'no TABLE_NAME',
      first: 'env',
      async breakIt() {
        await updateFunction(sandbox, new UpdateFunctionConfigurationCommand({ FunctionName: HAND.function, Environment: { Variables: {} } }));
      },
      async repair() {
        await updateFunction(sandbox, new UpdateFunctionConfigurationCommand({ FunctionName: HAND.function, Environment: { Variables: { TABLE_NAME: HAND.table } } }));
      },
    },
    {
      name: 'a handler that does not write',
      first: 'code',
      async breakIt() {
        const code = 'export const handler = async (event) => { console.log("got", event.Records.length); return { statusCode: 200 }; };\n';
        await updateFunction(sandbox, new UpdateFunctionCodeCommand({ FunctionName: HAND.function, ZipFile: zipSync({ 'index.mjs': new TextEncoder().encode(code) }) }));
      },
      async repair() {
        await updateFunction(sandbox, new UpdateFunctionCodeCommand({ FunctionName: HAND.function, ZipFile: (await buildHandlerZip()).zip }));
      },
    },
    {
      name: 'no notification rule',
      first: 'trigger',
      async breakIt() {
        await sandbox.clients.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: HAND.bucket, NotificationConfiguration: {} }));
      },
      async repair() {
        await sandbox.clients.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: HAND.bucket, NotificationConfiguration: incomingRule('incoming/') }));
      },
    },
    {
      name: 'a rule on another prefix',
      first: 'trigger',
      async breakIt() {
        await sandbox.clients.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: HAND.bucket, NotificationConfiguration: incomingRule('uploads/') }));
      },
      async repair() {
        await sandbox.clients.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: HAND.bucket, NotificationConfiguration: incomingRule('incoming/') }));
      },
    },
    {
      name: 'no S3 invoke permission',
      first: 'trigger',
      async breakIt() {
        await sandbox.clients.lambda.send(new RemovePermissionCommand({ FunctionName: HAND.function, StatementId: 's3-invoke' }));
      },
      async repair() {
        await addInvokePermission(sandbox);
      },
    },
  ];

  for (const breakage of breakages) {
    test(`broken: ${breakage.name} → exit 1, first failing check ${breakage.first}, with its hint`, async () => {
      await breakage.breakIt();
      try {
        const args = ['verify', ...target, '--bucket', HAND.bucket, '--function', HAND.function, '--table', HAND.table, ...(breakage.args ?? [])];
        const { code, json } = await runCliJson<VerifyJson>(args, { env });
        assert.equal(code, 1);
        const firstFailure = json.checks.find((c) => !c.ok);
        assert.equal(firstFailure?.id, breakage.first, JSON.stringify(json.checks, null, 2));
        assert.equal(firstFailure?.hint, hints.get(breakage.first));
        assert.ok(json.passed < 7);
      } finally {
        await breakage.repair();
      }
    });
  }

  test('repaired, it passes 7/7 again', async () => {
    const { code, json } = await runCliJson<VerifyJson>(['verify', ...target, '--bucket', HAND.bucket, '--function', HAND.function, '--table', HAND.table], { env });
    assert.equal(code, 0, JSON.stringify(json.checks, null, 2));
  });
});

describe('a lab on a bucket the learner brought', () => {
  let sandbox: TestSandbox;
  let target: string[];
  const env = cliEnv();
  const LEARNER_BUCKET = 'learner-own-bucket';
  const LAB = { table: 'upload_metadata', function: 'upload-lab-metadata', role: 'upload-lab-metadata-us-east-1-role' };

  before(async () => {
    sandbox = await startTestSandbox();
    target = ['--endpoint-url', sandbox.endpoint, '--timeout', '20'];
    // The learner's bucket, with a rule of their own (another function, another prefix).
    await buildByHand(sandbox);
    await sandbox.clients.s3.send(new CreateBucketCommand({ Bucket: LEARNER_BUCKET }));
    await sandbox.clients.lambda.send(new AddPermissionCommand({ FunctionName: HAND.function, StatementId: 'learner-bucket', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: `arn:aws:s3:::${LEARNER_BUCKET}` }));
    await sandbox.clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: LEARNER_BUCKET,
        NotificationConfiguration: { LambdaFunctionConfigurations: [{ Id: 'images', LambdaFunctionArn: fnArn(HAND.function), Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'images/' }] } } }] },
      }),
    );
  });
  after(() => sandbox.stop());

  test('setup --bucket uses it and passes 7/7; teardown keeps the bucket and its other rule', async () => {
    const setup = await runCliJson<{ passed: number }>(['setup', ...target, '--bucket', LEARNER_BUCKET], { env });
    assert.equal(setup.code, 0, setup.stderr);
    assert.equal(setup.json.passed, 7);

    const teardown = await runCli(['teardown', ...target], { env });
    assert.equal(teardown.code, 0, teardown.stderr);
    assert.match(teardown.stdout, /kept bucket learner-own-bucket/);
    await assertNothingLeft(sandbox.clients, LAB);
    const rules = await sandbox.clients.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: LEARNER_BUCKET }));
    assert.deepEqual(rules.LambdaFunctionConfigurations?.map((r) => r.Id), ['images']);
    await assert.rejects(sandbox.clients.s3.send(new HeadObjectCommand({ Bucket: LEARNER_BUCKET, Key: 'incoming/notes.txt' })), { name: 'NotFound' });
  });
});
