import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, GetItemCommand, ScanCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { AddPermissionCommand, CreateFunctionCommand, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { buildHandlerZip } from '../../src/deploy/zip.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { createRole, eventually, sleep } from '../sandbox/lambda-support.js';

/**
 * The lab's whole pipeline in the sandbox, built through the SDK as a learner's script would (not
 * through the CLI's steps): upload -> S3 event -> the real lab handler in a Node process -> DynamoDB,
 * with the function's logs in CloudWatch Logs.
 */
const TABLE = 'upload_metadata';
const BUCKET = 'pipeline-bucket';
const ACCOUNT = '000000000000';
const tableArn = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${TABLE}`;

/** The function's log lines matching `pattern`; none while Lambda has not yet created its log group. */
async function logLines(t: TestSandbox, fn: string, pattern = ''): Promise<string[]> {
  try {
    const answer = await t.clients.logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: pattern }));
    return (answer.events ?? []).map((e) => e.message ?? '');
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return [];
    throw error;
  }
}

async function createLabTable(t: TestSandbox): Promise<void> {
  await t.clients.dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'bucket', AttributeType: 'S' }, { AttributeName: 'object_key', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'bucket', KeyType: 'HASH' }, { AttributeName: 'object_key', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client: t.clients.dynamodb, maxWaitTime: 10, minDelay: 0.05 }, { TableName: TABLE });
}

async function deployLabFunction(t: TestSandbox, name: string, role: string, prefix: string): Promise<void> {
  const { zip, handler, runtime } = await buildHandlerZip();
  await t.clients.lambda.send(
    new CreateFunctionCommand({ FunctionName: name, Role: role, Runtime: runtime, Handler: handler, Code: { ZipFile: zip }, Environment: { Variables: { TABLE_NAME: TABLE } } }),
  );
  await waitUntilFunctionActiveV2({ client: t.clients.lambda, maxWaitTime: 30 }, { FunctionName: name });
  await t.clients.lambda.send(
    new AddPermissionCommand({ FunctionName: name, StatementId: `s3-${prefix.replace(/\W/g, '')}`, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: `arn:aws:s3:::${BUCKET}`, SourceAccount: ACCOUNT }),
  );
}

const rule = (fn: string, prefix: string) => ({
  Id: `${fn}-rule`,
  LambdaFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn}`,
  Events: ['s3:ObjectCreated:*' as const],
  Filter: { Key: { FilterRules: [{ Name: 'prefix' as const, Value: prefix }] } },
});

describe('upload -> S3 event -> Lambda -> DynamoDB, in the sandbox', () => {
  let t: TestSandbox;

  async function item(key: string) {
    return (await t.clients.dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: { bucket: { S: BUCKET }, object_key: { S: key } } }))).Item;
  }

  const logMessages = (fn: string, pattern = '') => logLines(t, fn, pattern);

  before(async () => {
    t = await startTestSandbox();
    await createLabTable(t);
    const labRole = await createRole(t.clients, 'pipeline-role', { extra: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: tableArn }] });
    // The classic mistake: the role has the logs grants but not dynamodb:PutItem.
    const deniedRole = await createRole(t.clients, 'pipeline-no-putitem-role');
    await deployLabFunction(t, 'pipeline-fn', labRole, 'incoming/');
    await deployLabFunction(t, 'pipeline-denied-fn', deniedRole, 'denied/');
    await t.clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await t.clients.s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: BUCKET,
        NotificationConfiguration: { LambdaFunctionConfigurations: [rule('pipeline-fn', 'incoming/'), rule('pipeline-denied-fn', 'denied/')] },
      }),
    );
  });
  after(() => t.stop());

  const keys = [
    'incoming/notes.txt',
    'incoming/hello world.txt',
    'incoming/a+b=c.txt',
    'incoming/100% sure.txt',
    'incoming/café/日本語 ファイル.txt',
    'incoming/emoji 😀 party.txt',
    'incoming/deep/nested/folder/report (final).pdf',
    'incoming/odd chars ~!@#$&*()[]{};\',.txt',
  ];

  it('stores one item per upload under the exact key, whatever its characters', async () => {
    for (const key of keys) await t.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `contents of ${key}` }));
    for (const key of keys) {
      const saved = await eventually(() => item(key), `the item for ${key}`);
      assert.equal(saved.object_key?.S, key);
      assert.equal(saved.bucket?.S, BUCKET);
      assert.equal(saved.size?.N, String(Buffer.byteLength(`contents of ${key}`)));
      assert.equal(saved.event_name?.S, 'ObjectCreated:Put');
      assert.match(saved.etag?.S ?? '', /^[0-9a-f]{32}$/);
      assert.match(saved.sequencer?.S ?? '', /^[0-9A-F]+$/);
      assert.ok(!Number.isNaN(Date.parse(saved.event_time?.S ?? '')));
    }
  });

  it('does nothing for an upload outside the rule prefix', async () => {
    await t.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'outside/ignored.txt', Body: 'x' }));
    // An upload inside the prefix afterwards: once its item is there, the pipeline had every chance.
    await t.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/after-outside.txt', Body: 'y' }));
    await eventually(() => item('incoming/after-outside.txt'), 'the item uploaded after the outside one');
    assert.equal(await item('outside/ignored.txt'), undefined);
    const messages = await logMessages('pipeline-fn');
    assert.ok(!messages.some((m) => m.includes('outside/ignored.txt')), 'no log line for the outside key');
    const all = await t.clients.dynamodb.send(new ScanCommand({ TableName: TABLE }));
    assert.equal(all.Count, keys.length + 1);
  });

  it("writes the handler's lines and Lambda's START/END/REPORT lines to /aws/lambda/<fn>", async () => {
    const saved = await eventually(async () => {
      const lines = await logMessages('pipeline-fn', '"Saved metadata"');
      return lines.length >= keys.length ? lines : undefined;
    }, 'one "Saved metadata" line per upload');
    assert.ok(saved.some((m) => m.includes(`Saved metadata for ${BUCKET}/incoming/café/日本語 ファイル.txt`)));
    // Lambda's Node format: time, request id, level, message.
    assert.match(saved[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t[0-9a-f-]{36}\tINFO\tSaved metadata for /);
    const all = await logMessages('pipeline-fn');
    const starts = all.filter((m) => /^START RequestId: [0-9a-f-]{36} Version: \$LATEST/.test(m));
    const ends = all.filter((m) => /^END RequestId: [0-9a-f-]{36}/.test(m));
    const reports = all.filter((m) => /^REPORT RequestId: [0-9a-f-]{36}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: \d+ MB\tMax Memory Used: \d+ MB/.test(m));
    assert.ok(starts.length >= keys.length + 1, `START per invocation (${starts.length})`);
    assert.equal(ends.length, starts.length);
    assert.equal(reports.length, starts.length);
  });

  it('a role without dynamodb:PutItem: no item, AccessDeniedException in the log, tried three times', async () => {
    await t.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'denied/secret.txt', Body: 'nope' }));
    const denials = await eventually(async () => {
      const lines = await logMessages('pipeline-denied-fn', '"AccessDeniedException"');
      return lines.length >= 3 ? lines : undefined;
    }, 'three denied attempts (the invocation and its two retries)');
    assert.match(
      denials[0]!,
      /User: arn:aws:sts::000000000000:assumed-role\/pipeline-no-putitem-role\/pipeline-denied-fn is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/upload_metadata/,
    );
    // The retries are spaced by the test sandbox's short delays; wait past them and count again.
    await sleep(400);
    const starts = (await logMessages('pipeline-denied-fn')).filter((m) => m.startsWith('START RequestId:'));
    assert.equal(starts.length, 3, 'one invocation and two retries, no more');
    assert.equal(await item('denied/secret.txt'), undefined);
  });
});

describe('S3 delivery switches with the real handler', () => {
  it('duplicate delivery: the item is written once, the second delivery is skipped', async () => {
    const t = await startTestSandbox({ duplicateEvents: true });
    try {
      await createLabTable(t);
      const role = await createRole(t.clients, 'dup-role', { extra: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: tableArn }] });
      await deployLabFunction(t, 'dup-fn', role, 'incoming/');
      await t.clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      await t.clients.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: BUCKET, NotificationConfiguration: { LambdaFunctionConfigurations: [rule('dup-fn', 'incoming/')] } }));
      await t.clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/twice.txt', Body: 'once' }));
      const lines = await eventually(async () => {
        const messages = await logLines(t, 'dup-fn', '"twice.txt"');
        return messages.length >= 2 ? messages : undefined;
      }, 'both deliveries in the log');
      assert.equal(lines.filter((m) => m.includes('Saved metadata')).length, 1);
      assert.equal(lines.filter((m) => m.includes('Skipped')).length, 1);
    } finally {
      await t.stop();
    }
  });
});
