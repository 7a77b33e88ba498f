import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { CreateTableCommand, GetItemCommand, PutItemCommand, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, InvokeCommand, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { createClients, type AwsClients } from '../../src/aws/clients.js';
import { buildHandlerZip } from '../../src/deploy/zip.js';
import { cliEnv, startCli, type RunningCli } from '../helpers/cli.js';
import { TEST_CREDENTIALS } from '../helpers/sandbox.js';
import { createActiveFunction, createRole, eventually, fixture, sleep, zipOf } from './lambda-support.js';

/**
 * kill -9 under load: the real CLI (`upload-lab sandbox`) in a child process takes a mixed load of
 * uploads, overwrites and deletions, DynamoDB items, roles, functions and log groups; it is killed at a random
 * moment, restarted on the same data dir, and every write it had acknowledged must be there, intact:
 * objects with their bytes and ETags (an overwrite never fails the SDK's checksum), deleted objects
 * gone for good (not listed, HEAD 404), items, roles, functions with their code. Uploads to the lab
 * bucket, whose trigger runs the lab's handler, must all end with their item in DynamoDB: their S3
 * events were saved before the upload was answered, and the next start delivers them. Likewise every
 * asynchronous Invoke answered 202 must end with its effect, a third of them after a failed first
 * attempt and its retry (with the first attempt's request id): Lambda's queue is saved too.
 *
 * A write whose answer never came (in flight at the kill) may have happened or not: either state is
 * accepted, and the state found becomes the expected one.
 */
const KILLS = 10;
const PLAIN = 'crash-plain';
const LAB = 'crash-lab';
const LAB_TABLE = 'upload_metadata';
const ITEMS = 'crash_items';
const LAB_FUNCTION = 'crash-lab-fn';
const ASYNC_FUNCTION = 'crash-async-fn';
const ACCOUNT = '000000000000';

/** An object version as the model knows it; undefined for "no object". */
interface Version {
  md5: string;
}

/** What a key or name may hold: the acknowledged state, or one of the writes in flight when the sandbox died. */
interface Expected<T> {
  acked: T | undefined;
  inFlight: (T | undefined)[];
}

class Model {
  readonly objects = new Map<string, Expected<Version>>();
  readonly items = new Map<string, Expected<string>>();
  readonly roles = new Map<string, Expected<true>>();
  readonly logGroups = new Map<string, Expected<true>>();
  /** Function name -> CodeSha256 of its code. */
  readonly functions = new Map<string, Expected<string>>();
  /** Lab uploads whose answer came: each must end with its item. */
  readonly labUploads = new Set<string>();
  /** Ids of the asynchronous invocations answered 202: each must end with its effect. */
  readonly asyncInvokes = new Set<string>();
  /** Writes answered with success. */
  acknowledged = 0;
  /** Acknowledged states read back after a restart. */
  checked = 0;
  losses: string[] = [];

  /** Runs a write: in flight until answered; acknowledged once answered. A failed call (the kill) leaves it in flight. */
  async write<T>(map: Map<string, Expected<T>>, name: string, next: T | undefined, call: () => Promise<unknown>): Promise<boolean> {
    const entry = map.get(name) ?? { acked: undefined, inFlight: [] };
    map.set(name, entry);
    entry.inFlight.push(next);
    try {
      await call();
    } catch {
      return false;
    }
    entry.inFlight.pop();
    entry.acked = next;
    this.acknowledged++;
    return true;
  }

  /** Compares what the sandbox holds with what may be there; what is found becomes the expected state. */
  settle<T>(kind: string, map: Map<string, Expected<T>>, name: string, found: T | undefined, same: (a: T, b: T) => boolean): void {
    const entry = map.get(name)!;
    const matches = (candidate: T | undefined) => (candidate === undefined ? found === undefined : found !== undefined && same(candidate, found));
    if (entry.inFlight.length === 0) {
      this.checked++;
      if (!matches(entry.acked)) this.losses.push(`${kind} ${name}: acknowledged ${JSON.stringify(entry.acked)}, found ${JSON.stringify(found)}`);
    } else if (![entry.acked, ...entry.inFlight].some(matches)) {
      this.losses.push(`${kind} ${name}: found ${JSON.stringify(found)}, neither the acknowledged state nor a write in flight`);
    }
    map.set(name, { acked: found, inFlight: [] });
  }
}

interface Running {
  cli: RunningCli;
  clients: AwsClients;
  endpoint: string;
}

async function startSandboxProcess(env: Record<string, string>, dataDir: string): Promise<Running> {
  const cli = startCli(['sandbox', '--port', '0', '--data-dir', dataDir], { env });
  await cli.until((out) => /serving .* at http:\/\/127\.0\.0\.1:\d+/.test(out));
  const endpoint = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.stdout())![1]!;
  // One attempt per call: a call cut by the kill must fail, not be retried against nothing.
  const clients = createClients({ region: 'us-east-1', endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  return { cli, clients, endpoint };
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

async function buildLab(clients: AwsClients, effectsFile: string): Promise<string> {
  const key = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: LAB_TABLE,
      AttributeDefinitions: [key('bucket'), key('object_key')],
      KeySchema: [{ AttributeName: 'bucket', KeyType: 'HASH' }, { AttributeName: 'object_key', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await clients.dynamodb.send(new CreateTableCommand({ TableName: ITEMS, AttributeDefinitions: [key('pk')], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
  for (const table of [LAB_TABLE, ITEMS]) await waitUntilTableExists({ client: clients.dynamodb, maxWaitTime: 10, minDelay: 0.05 }, { TableName: table });
  const role = await createRole(clients, 'crash-lab-role', {
    extra: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${LAB_TABLE}` }],
  });
  const { zip, handler, runtime } = await buildHandlerZip();
  await clients.lambda.send(
    new CreateFunctionCommand({ FunctionName: LAB_FUNCTION, Role: role, Runtime: runtime, Handler: handler, Code: { ZipFile: zip }, Environment: { Variables: { TABLE_NAME: LAB_TABLE } } }),
  );
  await waitUntilFunctionActiveV2({ client: clients.lambda, maxWaitTime: 30 }, { FunctionName: LAB_FUNCTION });
  await createActiveFunction(clients, {
    name: ASYNC_FUNCTION,
    role,
    files: { 'index.mjs': fixture('effect-once-retried.mjs') },
    Environment: { Variables: { EFFECTS_FILE: effectsFile } },
  });
  await clients.lambda.send(
    new AddPermissionCommand({ FunctionName: LAB_FUNCTION, StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: `arn:aws:s3:::${LAB}` }),
  );
  await clients.s3.send(new CreateBucketCommand({ Bucket: PLAIN }));
  await clients.s3.send(new CreateBucketCommand({ Bucket: LAB }));
  await clients.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: LAB,
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          {
            LambdaFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${LAB_FUNCTION}`,
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
          },
        ],
      },
    }),
  );
  return role;
}

/**
 * One round of load, until `stopped()`: six kinds of writers, each on its own keys or names so no
 * two writes to one name are ever in flight together. Each loop is bounded.
 */
async function load(round: number, clients: AwsClients, model: Model, role: string, stopped: () => boolean): Promise<void> {
  const objects = async (worker: number) => {
    for (let n = 0; n < 200 && !stopped(); n++) {
      const key = `w${worker}/k${n % 6}`;
      if (n % 4 === 3) {
        await model.write(model.objects, key, undefined, () => clients.s3.send(new DeleteObjectCommand({ Bucket: PLAIN, Key: key })));
      } else {
        const body = randomBytes(1 + ((n * 7919 + worker * 104729) % (96 * 1024)));
        await model.write(model.objects, key, { md5: md5(body) }, () => clients.s3.send(new PutObjectCommand({ Bucket: PLAIN, Key: key, Body: body })));
      }
    }
  };
  const items = async () => {
    for (let n = 0; n < 300 && !stopped(); n++) {
      const pk = `item-${n % 40}`;
      const value = `${round}-${n}`;
      await model.write(model.items, pk, value, () => clients.dynamodb.send(new PutItemCommand({ TableName: ITEMS, Item: { pk: { S: pk }, value: { S: value } } })));
    }
  };
  const roles = async () => {
    for (let n = 0; n < 4 && !stopped(); n++) {
      const name = `crash-role-${round}-${n}`;
      await model.write(model.roles, name, true, () => createRole(clients, name, { logs: false }));
    }
  };
  const functions = async () => {
    for (let n = 0; n < 4 && !stopped(); n++) {
      const name = `crash-fn-${round}-${n}`;
      const zip = zipOf({ 'index.mjs': `export const handler = async () => ${JSON.stringify(name)};\n` });
      const sha = createHash('sha256').update(zip).digest('base64');
      await model.write(model.functions, name, sha, () =>
        clients.lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zip } })),
      );
      // Every other round removes a function of the round before: deletions are writes too.
      const old = `crash-fn-${round - 1}-${n}`;
      if (round % 2 === 0 && model.functions.get(old)?.acked && !stopped()) {
        await model.write(model.functions, old, undefined, () => clients.lambda.send(new DeleteFunctionCommand({ FunctionName: old })));
      }
    }
  };
  const logGroups = async () => {
    for (let n = 0; n < 30 && !stopped(); n++) {
      const name = `/crash/r${round}/g${n}`;
      await model.write(model.logGroups, name, true, () => clients.logs.send(new CreateLogGroupCommand({ logGroupName: name })));
    }
  };
  const labUploads = async () => {
    for (let n = 0; n < 60 && !stopped(); n++) {
      const key = `incoming/r${round}-${n}.txt`;
      try {
        await clients.s3.send(new PutObjectCommand({ Bucket: LAB, Key: key, Body: `upload ${round}/${n}` }));
        model.labUploads.add(key);
      } catch {
        // In flight at the kill: S3 promises nothing for it.
      }
    }
  };
  const asyncInvokes = async () => {
    for (let n = 0; n < 40 && !stopped(); n++) {
      const id = `r${round}-${n}`;
      try {
        await clients.lambda.send(new InvokeCommand({ FunctionName: ASYNC_FUNCTION, InvocationType: 'Event', Payload: JSON.stringify({ id, fail: n % 3 === 0 }) }));
        model.asyncInvokes.add(id);
      } catch {
        // In flight at the kill: Lambda promises nothing for it.
      }
    }
  };
  await Promise.all([objects(0), objects(1), objects(2), items(), roles(), functions(), logGroups(), labUploads(), asyncInvokes()]);
}

async function absentOn404<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return undefined;
    throw error;
  }
}

/** Reads back every name the model knows of and compares. */
async function verify(clients: AwsClients, model: Model): Promise<void> {
  const listed = new Set<string>();
  let token: string | undefined;
  do {
    const page = await clients.s3.send(new ListObjectsV2Command({ Bucket: PLAIN, ContinuationToken: token }));
    for (const o of page.Contents ?? []) listed.add(o.Key!);
    token = page.NextContinuationToken;
  } while (token);
  for (const key of [...model.objects.keys()]) {
    const head = await absentOn404(() => clients.s3.send(new HeadObjectCommand({ Bucket: PLAIN, Key: key })));
    let found: Version | undefined;
    if (head) {
      // ChecksumMode: the SDK checks the bytes against the stored CRC32, so a mixed state fails here.
      const got = await clients.s3.send(new GetObjectCommand({ Bucket: PLAIN, Key: key, ChecksumMode: 'ENABLED' }));
      const bytes = await got.Body!.transformToByteArray();
      assert.equal(JSON.parse(got.ETag!), md5(bytes), `${key}: the ETag is the MD5 of the bytes served`);
      assert.equal(head.ETag, got.ETag, `${key}: HEAD and GET agree`);
      found = { md5: md5(bytes) };
    }
    assert.equal(listed.has(key), found !== undefined, `${key}: listed exactly when it exists`);
    listed.delete(key);
    model.settle('object', model.objects, key, found, (a, b) => a.md5 === b.md5);
  }
  assert.deepEqual([...listed], [], 'no object the model does not know of');
  for (const pk of [...model.items.keys()]) {
    const { Item } = await clients.dynamodb.send(new GetItemCommand({ TableName: ITEMS, Key: { pk: { S: pk } }, ConsistentRead: true }));
    model.settle('item', model.items, pk, Item?.value?.S, (a, b) => a === b);
  }
  for (const name of [...model.roles.keys()]) {
    const role = await absentOn404(() => clients.iam.send(new GetRoleCommand({ RoleName: name })));
    model.settle('role', model.roles, name, role ? true : undefined, () => true);
  }
  const groups = new Set<string>();
  let next: string | undefined;
  do {
    const page = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/crash/', nextToken: next }));
    for (const g of page.logGroups ?? []) groups.add(g.logGroupName!);
    next = page.nextToken;
  } while (next);
  for (const name of [...model.logGroups.keys()]) model.settle('log group', model.logGroups, name, groups.has(name) ? true : undefined, () => true);
  for (const name of [...model.functions.keys()]) {
    const fn = await absentOn404(() => clients.lambda.send(new GetFunctionCommand({ FunctionName: name })));
    if (fn) {
      // The code is there and is the code saved: its download hashes to CodeSha256.
      const zip = Buffer.from(await (await fetch(fn.Code!.Location!)).arrayBuffer());
      assert.equal(createHash('sha256').update(zip).digest('base64'), fn.Configuration!.CodeSha256, `${name}: its code is intact`);
    }
    model.settle('function', model.functions, name, fn?.Configuration?.CodeSha256, (a, b) => a === b);
  }
}

describe('durability under kill -9', () => {
  it(`loses no acknowledged write over ${KILLS} kills under load, and delivers every acknowledged upload's event`, async (t) => {
    const env = cliEnv({ UPLOAD_LAB_SANDBOX_FUNCTION_UPDATE_MS: '10', UPLOAD_LAB_SANDBOX_ASYNC_RETRY_DELAYS_MS: '50,100' });
    const dataDir = mkdtempSync(join(tmpdir(), 'upload-lab-crash-'));
    const effectsFile = join(mkdtempSync(join(tmpdir(), 'upload-lab-crash-effects-')), 'effects.txt');
    const model = new Model();
    let running = await startSandboxProcess(env, dataDir);
    try {
      const role = await buildLab(running.clients, effectsFile);
      for (let round = 0; round < KILLS; round++) {
        let killed = false;
        // The kill lands at a random moment of the load, writes in flight.
        const kill = sleep(150 + Math.floor(Math.random() * 500)).then(() => {
          killed = true;
          running.cli.signal('SIGKILL');
        });
        await Promise.all([load(round, running.clients, model, role, () => killed), kill]);
        await running.cli.done;
        running.clients.destroy();
        running = await startSandboxProcess(env, dataDir);
        await verify(running.clients, model);
        assert.deepEqual(model.losses, [], `after kill ${round + 1}`);
      }
      // Each acknowledged lab upload's event was saved with it, so the handler ends up writing its item.
      const db = running.clients.dynamodb;
      const missing = async () => {
        const left: string[] = [];
        for (const key of model.labUploads) {
          const { Item } = await db.send(new GetItemCommand({ TableName: LAB_TABLE, Key: { bucket: { S: LAB }, object_key: { S: key } } }));
          if (!Item) left.push(key);
        }
        return left;
      };
      const left = await eventually(
        async () => {
          const keys = await missing();
          return keys.length === 0 ? keys : undefined;
        },
        'the items of every acknowledged lab upload',
        30_000,
      ).catch(() => missing());
      assert.deepEqual(left, [], 'acknowledged lab uploads whose item never appeared');
      assert.ok(model.labUploads.size > 0, 'the load did upload to the lab bucket');
      // Each acknowledged asynchronous Invoke was saved before its 202, so it ends with its effect.
      const effects = () => {
        const lines = (existsSync(effectsFile) ? readFileSync(effectsFile, 'utf8') : '').trim().split('\n').map((l) => l.split(' '));
        return { lines, missing: [...model.asyncInvokes].filter((id) => !lines.some(([kind, done]) => kind === 'done' && done === id)) };
      };
      const { lines, missing: notRun } = await eventually(
        () => {
          const found = effects();
          return found.missing.length === 0 ? found : undefined;
        },
        'the effect of every acknowledged asynchronous invocation',
        30_000,
      ).catch(() => effects());
      assert.deepEqual(notRun, [], 'asynchronous invocations answered 202 that never ran');
      assert.ok(model.asyncInvokes.size > 0, 'the load did invoke asynchronously');
      // A retry keeps its request id, across a restart too: each retried id's effect carries the id of its failed attempt.
      for (const [kind, id, requestId] of lines) {
        if (kind !== 'tried' || !model.asyncInvokes.has(id!)) continue;
        assert.ok(lines.some(([k, i, r]) => k === 'done' && i === id && r === requestId), `${id}: its retry kept request id ${requestId}`);
      }
      t.diagnostic(
        `${KILLS} kills; ${model.acknowledged} acknowledged writes (plus ${model.labUploads.size} lab uploads, each with its item); ` +
          `${model.checked} acknowledged states read back after restarts; losses: ${model.losses.length}; ` +
          `${model.asyncInvokes.size} asynchronous invocations answered 202, each with its effect (${lines.filter(([k]) => k === 'done').length} effects in all: at least once)`,
      );
    } finally {
      running.cli.signal('SIGTERM');
      await running.cli.done;
      running.clients.destroy();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(dirname(effectsFile), { recursive: true, force: true });
    }
  });
});
