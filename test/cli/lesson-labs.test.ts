import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { awsCli, findClis } from '../helpers/aws-cli.js';
import { cliEnv, runCliJson } from '../helpers/cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

/**
 * The learner's own exercise, offline: labs built by hand with the AWS CLI against the sandbox, with
 * the lesson's Python handler and its natural Node.js port, then graded by `verify`; and the broken
 * variants a learner writes on the way, each failing with its own hint.
 */

interface VerifyJson {
  passed: number;
  total: number;
  checks: { id: string; ok: boolean; detail: string; hint: string | null }[];
}

const lesson = (file: string) => readFileSync(new URL(`../../../test/fixtures/lab/lesson/${file}`, import.meta.url), 'utf8');
const KEYS = ['incoming/a b+c.txt', 'incoming/ünï cödé/ß%41.txt'];
const TABLE = 'lesson_items';
const ROLE = 'lesson-role';
const ACCOUNT = '000000000000';

const { clis } = await findClis();
const cli = clis[0];

describe('labs built by hand with the AWS CLI, graded by verify', { skip: cli ? false : 'no AWS CLI installed; .ci/run installs it' }, () => {
  let t: TestSandbox;
  let work: string;
  const env = cliEnv();
  const aws = (...args: string[]) => awsCli(cli!, t.endpoint, join(work, 'home'), args);

  /** The zip a learner makes of their handler file. */
  function zipFile(name: string, files: Record<string, string>): string {
    const path = join(work, `${name}.zip`);
    writeFileSync(path, zipSync(Object.fromEntries(Object.entries(files).map(([file, text]) => [file, strToU8(text)]))));
    return `fileb://${path}`;
  }

  async function notify(bucket: string, fn: string, rules: { Name: string; Value: string }[]) {
    const configuration = {
      LambdaFunctionConfigurations: [{ Id: 'my-rule', LambdaFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fn}`, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: rules } } }],
    };
    await aws('s3api', 'put-bucket-notification-configuration', '--bucket', bucket, '--notification-configuration', JSON.stringify(configuration));
  }

  /** Function, permission, bucket and an incoming/ rule, as the console or the AWS CLI builds them. */
  async function buildLab(input: { fn: string; bucket: string; runtime: string; handler: string; files: Record<string, string> }) {
    await aws(
      'lambda', 'create-function', '--function-name', input.fn, '--runtime', input.runtime, '--handler', input.handler, '--timeout', '30',
      '--role', `arn:aws:iam::${ACCOUNT}:role/${ROLE}`, '--zip-file', zipFile(input.fn, input.files), '--environment', `Variables={TABLE_NAME=${TABLE}}`,
    );
    await aws('lambda', 'wait', 'function-active-v2', '--function-name', input.fn);
    await aws('lambda', 'add-permission', '--function-name', input.fn, '--statement-id', 's3', '--action', 'lambda:InvokeFunction', '--principal', 's3.amazonaws.com', '--source-arn', `arn:aws:s3:::${input.bucket}`);
    await aws('s3api', 'create-bucket', '--bucket', input.bucket);
    await notify(input.bucket, input.fn, [{ Name: 'prefix', Value: 'incoming/' }]);
  }

  /** Uploads each key with the AWS CLI and reads back, by its exact key, the item the function stored. */
  async function uploadAndRead(bucket: string): Promise<Record<string, Record<string, string>>[]> {
    const body = join(work, 'body.txt');
    writeFileSync(body, 'a test upload\n');
    const items = [];
    for (const key of KEYS) {
      await aws('s3api', 'put-object', '--bucket', bucket, '--key', key, '--body', body);
      let item: Record<string, Record<string, string>> | undefined;
      for (let attempt = 0; attempt < 100 && !item; attempt++) {
        item = (await aws('dynamodb', 'get-item', '--consistent-read', '--table-name', TABLE, '--key', JSON.stringify({ bucket: { S: bucket }, object_key: { S: key } }))).Item as typeof item;
        if (!item) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(item, `an item stored under exactly ${JSON.stringify(key)}`);
      items.push(item);
    }
    return items;
  }

  const verify = async (bucket: string, fn: string) => {
    const { json, stderr } = await runCliJson<VerifyJson>(['verify', '--endpoint-url', t.endpoint, '--bucket', bucket, '--function', fn, '--table', TABLE, '--timeout', '30'], { env });
    assert.equal(json.total, 7, stderr);
    return json;
  };
  const firstFailure = (result: VerifyJson) => result.checks.find((c) => !c.ok)!;

  before(async () => {
    t = await startTestSandbox();
    work = mkdtempSync(join(tmpdir(), 'upload-lab-lesson-'));
    await aws(
      'dynamodb', 'create-table', '--table-name', TABLE, '--billing-mode', 'PAY_PER_REQUEST',
      '--attribute-definitions', 'AttributeName=bucket,AttributeType=S', 'AttributeName=object_key,AttributeType=S',
      '--key-schema', 'AttributeName=bucket,KeyType=HASH', 'AttributeName=object_key,KeyType=RANGE',
    );
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    await aws('iam', 'create-role', '--role-name', ROLE, '--assume-role-policy-document', JSON.stringify(trust));
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${TABLE}` },
        { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
      ],
    };
    await aws('iam', 'put-role-policy', '--role-name', ROLE, '--policy-name', 'lab', '--policy-document', JSON.stringify(policy));
  });
  after(async () => {
    await t.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(env.HOME!, { recursive: true, force: true });
  });

  test("the lesson's Python handler stores the keys exactly (a number for size) and verify passes 7/7", async () => {
    await buildLab({ fn: 'py-lesson', bucket: 'py-lesson-lab', runtime: 'python3.13', handler: 'lambda_function.lambda_handler', files: { 'lambda_function.py': lesson('lambda_function.py') } });
    const items = await uploadAndRead('py-lesson-lab');
    assert.deepEqual(items.map((i) => i.object_key!.S), KEYS);
    assert.deepEqual(items.map((i) => Object.keys(i.size!)), [['N'], ['N']]);
    const result = await verify('py-lesson-lab', 'py-lesson');
    assert.equal(result.passed, 7, JSON.stringify(result.checks, null, 1));
  });

  test('its Node.js port with DynamoDBDocumentClient and PutCommand does the same', async () => {
    await buildLab({ fn: 'node-lesson', bucket: 'node-lesson-lab', runtime: 'nodejs22.x', handler: 'index.handler', files: { 'index.mjs': lesson('index.mjs') } });
    const items = await uploadAndRead('node-lesson-lab');
    assert.deepEqual(items.map((i) => i.object_key!.S), KEYS);
    assert.deepEqual(items.map((i) => i.event_name!.S), ['ObjectCreated:Put', 'ObjectCreated:Put']);
    const result = await verify('node-lesson-lab', 'node-lesson');
    assert.equal(result.passed, 7, JSON.stringify(result.checks, null, 1));
  });

  const broken: [string, (code: string) => string, RegExp, RegExp][] = [
    [
      'the key not decoded',
      (code) => code.replace('urllib.parse.unquote_plus(record["s3"]["object"]["key"])', 'record["s3"]["object"]["key"]'),
      /stored the key still URL-encoded, as the event carries it: object_key "incoming\/upload-lab-probe-[0-9a-f]+\/a\+b%2Bc\+%C3%BCn%C3%AF\+%C3%9F%2541\.txt", where it should be "incoming\/upload-lab-probe-[0-9a-f]+\/a b\+c ünï ß%41\.txt"/,
      /^S3 puts keys into events URL-encoded .*Python \(lambda_function\.py\): `key = urllib\.parse\.unquote_plus\(record\['s3'\]\['object'\]\['key'\]\)`.*--function-name py-lesson /,
    ],
    [
      'size stored as a String',
      (code) => code.replace('"size": record["s3"]["object"]["size"]', '"size": str(record["s3"]["object"]["size"])'),
      /has size as S "\d+", where it should be a Number \(N\)/,
      /^Store size as a Number \(N\), not a String: .*Python \(lambda_function\.py\): `'size': record\['s3'\]\['object'\]\['size'\]`/,
    ],
    [
      'sequencer missing',
      (code) => code.replace('"sequencer": record["s3"]["object"]["sequencer"],', ''),
      /has no sequencer/,
      /^Add sequencer to the item\. Python \(lambda_function\.py\): `'sequencer': record\['s3'\]\['object'\]\['sequencer'\]`/,
    ],
  ];
  for (const [what, edit, detail, hint] of broken) {
    test(`a Python handler with ${what}: the code check fails first, with its own hint`, async () => {
      const code = edit(lesson('lambda_function.py'));
      assert.notEqual(code, lesson('lambda_function.py'));
      await aws('lambda', 'update-function-code', '--function-name', 'py-lesson', '--zip-file', zipFile('py-broken', { 'lambda_function.py': code }));
      await aws('lambda', 'wait', 'function-updated-v2', '--function-name', 'py-lesson');
      const failure = firstFailure(await verify('py-lesson-lab', 'py-lesson'));
      assert.equal(failure.id, 'code');
      assert.match(failure.detail, detail);
      assert.match(failure.hint!, hint);
    });
  }

  test('a rule on the prefix "incoming" without the slash passes with a warning that says how to fix it', async () => {
    await aws('lambda', 'update-function-code', '--function-name', 'py-lesson', '--zip-file', zipFile('py-lesson-again', { 'lambda_function.py': lesson('lambda_function.py') }));
    await aws('lambda', 'wait', 'function-updated-v2', '--function-name', 'py-lesson');
    await notify('py-lesson-lab', 'py-lesson', [{ Name: 'prefix', Value: 'incoming' }]);
    const result = await verify('py-lesson-lab', 'py-lesson');
    assert.equal(result.passed, 7);
    const trigger = result.checks.find((c) => c.id === 'trigger')!;
    assert.match(trigger.detail, /warning: rule my-rule has the prefix "incoming" without the slash, so it also fires for keys such as incoming-old\/x\.txt/);
    assert.match(trigger.detail, /Console: S3 > py-lesson-lab > Properties > Event notifications > my-rule > Edit, Prefix incoming\/\. AWS CLI: `aws s3api get-bucket-notification-configuration --bucket py-lesson-lab/);
  });

  test('a suffix-only rule passes with a warning that it fires for the whole bucket', async () => {
    await notify('py-lesson-lab', 'py-lesson', [{ Name: 'suffix', Value: '.txt' }]);
    const result = await verify('py-lesson-lab', 'py-lesson');
    assert.equal(result.passed, 7);
    assert.match(result.checks.find((c) => c.id === 'trigger')!.detail, /warning: rule my-rule has no prefix \(only the suffix "\.txt"\), so it fires for every upload ending in "\.txt" anywhere in py-lesson-lab/);
  });
});
