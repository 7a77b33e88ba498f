import { decodeS3Key } from '../../src/handler/decode-key.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NotificationConfiguration } from '@aws-sdk/client-s3';
import type { FunctionInfo, Item, Services, Tags } from '../../src/aws/services.js';
import type { Clock } from '../../src/lab/clock.js';
import type { LabContext } from '../../src/lab/context.js';
import { StateStore } from '../../src/lab/state.js';
import type { PolicyDocument } from '../../src/policy/types.js';

/**
 * Small in-memory fakes of the narrow service interfaces, for unit tests of the steps. They keep just
 * enough state for a step to read back what it wrote, and nothing of AWS's rules: a test that needs an
 * AWS error queues it with `failNext`. (The real behaviour is covered end to end against the sandbox.)
 */

/** An error as the SDK raises it: `name` is the AWS code. */
export function awsError(code: string, message = code, status = 400): Error {
  return Object.assign(new Error(message), { name: code, $metadata: { httpStatusCode: status } });
}

/** A clock whose sleeps pass instantly, and which records them. */
export function fakeClock(): Clock & { slept: number[] } {
  let now = 1_700_000_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    async sleep(ms) {
      slept.push(ms);
      now += ms;
    },
  };
}

export interface FakeWorld {
  tables: Map<string, { keys: [string, string]; status: string; tags: Tags; items: Map<string, Item> }>;
  roles: Map<string, { tags: Tags; policies: Map<string, PolicyDocument>; trust?: PolicyDocument; attached?: string[] }>;
  functions: Map<string, FunctionInfo & { policy?: PolicyDocument }>;
  /** `metadata`: each object's `x-amz-meta-*`, when it was written with some. */
  buckets: Map<string, { tags: Tags; notifications: NotificationConfiguration; objects: Map<string, string>; metadata?: Map<string, Record<string, string>> }>;
  logs: Map<string, string[]>;
  /** Tags of the log groups in `logs` that have some. */
  logTags: Map<string, Tags>;
  calls: string[];
  /** Queues an error for the next call of `operation` (e.g. `lambda.createFunction`). */
  failNext(operation: string, error: Error, times?: number): void;
  /** What the probe's invocation does; default: write the item like the lab's handler. */
  onInvoke?: (payload: string) => { functionError: string | undefined; payload: string };
}

export function fakeServices(): { services: Services; world: FakeWorld } {
  const failures = new Map<string, Error[]>();
  const world: FakeWorld = {
    tables: new Map(),
    roles: new Map(),
    functions: new Map(),
    buckets: new Map(),
    logs: new Map(),
    logTags: new Map(),
    calls: [],
    failNext(operation, error, times = 1) {
      failures.set(operation, [...(failures.get(operation) ?? []), ...Array<Error>(times).fill(error)]);
    },
  };
  const call = (operation: string) => {
    world.calls.push(operation);
    const queued = failures.get(operation);
    if (queued?.length) throw queued.shift();
  };
  const fn = (name: string) => {
    const found = world.functions.get(name) ?? [...world.functions.values()].find((f) => f.arn === name);
    if (!found) throw awsError('ResourceNotFoundException', `Function not found: ${name}`, 404);
    return found;
  };
  const keyOf = (k: { bucket: string; object_key: string }) => `${k.bucket}|${k.object_key}`;

  const services: Services = {
    sts: { callerIdentity: async () => ({ account: '000000000000', arn: 'arn:aws:iam::000000000000:root' }) },
    dynamodb: {
      async describeTable(name) {
        call('dynamodb.describeTable');
        const t = world.tables.get(name);
        return t && { arn: `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`, status: t.status, keySchema: [{ name: t.keys[0], keyType: 'HASH', type: 'S' }, { name: t.keys[1], keyType: 'RANGE', type: 'S' }] };
      },
      async createTable({ name, hashKey, rangeKey, tags }) {
        call('dynamodb.createTable');
        world.tables.set(name, { keys: [hashKey, rangeKey], status: 'CREATING', tags, items: new Map() });
      },
      async waitForTableActive(name) {
        call('dynamodb.waitForTableActive');
        world.tables.get(name)!.status = 'ACTIVE';
      },
      async waitForTableGone(name) {
        call('dynamodb.waitForTableGone');
        world.tables.delete(name);
      },
      async tableTags(arn) {
        return world.tables.get(arn.split('/')[1]!)?.tags;
      },
      async deleteTable(name) {
        call('dynamodb.deleteTable');
        if (!world.tables.delete(name)) throw awsError('ResourceNotFoundException');
      },
      async getItem(table, key) {
        call('dynamodb.getItem');
        return world.tables.get(table)?.items.get(keyOf(key));
      },
      async deleteItem(table, key) {
        call('dynamodb.deleteItem');
        world.tables.get(table)?.items.delete(keyOf(key));
      },
      async scanItems(table) {
        call('dynamodb.scanItems');
        const found = world.tables.get(table);
        if (!found) throw awsError('ResourceNotFoundException');
        return [...found.items.values()];
      },
      async itemsWithKeyPrefix(table, bucket, prefix) {
        call('dynamodb.itemsWithKeyPrefix');
        return [...(world.tables.get(table)?.items.values() ?? [])].filter((item) => item.bucket === bucket && String(item.object_key).startsWith(prefix));
      },
    },
    iam: {
      async getRole(name) {
        call('iam.getRole');
        const r = world.roles.get(name);
        return r && { arn: `arn:aws:iam::000000000000:role/${name}`, trustPolicy: r.trust ?? { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, tags: r.tags };
      },
      async createRole(name, trust, tags) {
        call('iam.createRole');
        world.roles.set(name, { tags, policies: new Map(), trust });
        return { arn: `arn:aws:iam::000000000000:role/${name}` };
      },
      async updateTrustPolicy(name, trust) {
        call('iam.updateTrustPolicy');
        world.roles.get(name)!.trust = trust;
      },
      async getRolePolicy(role, policy) {
        call('iam.getRolePolicy');
        return world.roles.get(role)?.policies.get(policy);
      },
      async putRolePolicy(role, policy, document) {
        call('iam.putRolePolicy');
        world.roles.get(role)!.policies.set(policy, document);
      },
      async deleteRolePolicy(role, policy) {
        call('iam.deleteRolePolicy');
        world.roles.get(role)?.policies.delete(policy);
      },
      async deleteRole(name) {
        call('iam.deleteRole');
        const r = world.roles.get(name);
        if (r && (r.policies.size > 0 || (r.attached ?? []).length > 0)) throw awsError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
        world.roles.delete(name);
      },
      async inlinePolicyNames(role) {
        return [...(world.roles.get(role)?.policies.keys() ?? [])];
      },
      async attachedPolicyArns(role) {
        return [...(world.roles.get(role)?.attached ?? [])];
      },
      async detachPolicy(role, arn) {
        call('iam.detachPolicy');
        const r = world.roles.get(role);
        if (r) r.attached = (r.attached ?? []).filter((a) => a !== arn);
      },
      async rolePolicies(role) {
        call('iam.rolePolicies');
        const r = world.roles.get(role);
        if (!r) throw awsError('NoSuchEntity', `The role with name ${role} cannot be found.`, 404);
        return [...r.policies].map(([name, document]) => ({ name, document }));
      },
      async simulate() {
        call('iam.simulate');
        throw awsError('AccessDenied', 'not authorized to perform: iam:SimulatePrincipalPolicy', 403);
      },
    },
    lambda: {
      async listFunctions() {
        call('lambda.listFunctions');
        return [...world.functions.keys()];
      },
      async getFunction(name) {
        call('lambda.getFunction');
        const f = world.functions.get(name);
        return f && { ...f, environment: { ...f.environment } };
      },
      async createFunction(input) {
        call('lambda.createFunction');
        const arn = `arn:aws:lambda:us-east-1:000000000000:function:${input.name}`;
        world.functions.set(input.name, {
          arn,
          role: input.roleArn,
          handler: input.handler,
          runtime: input.runtime,
          codeSha256: `sha-of-${Buffer.from(input.zip).toString()}`,
          environment: input.environment,
          state: 'Pending',
          lastUpdateStatus: undefined,
          tags: input.tags,
        });
        return { arn };
      },
      async updateCode(name, zip) {
        call('lambda.updateCode');
        Object.assign(fn(name), { codeSha256: `sha-of-${Buffer.from(zip).toString()}`, lastUpdateStatus: 'InProgress' });
      },
      async updateConfiguration(name, changes) {
        call('lambda.updateConfiguration');
        const f = fn(name);
        if (changes.environment) f.environment = changes.environment;
        if (changes.handler) f.handler = changes.handler;
        f.lastUpdateStatus = 'InProgress';
      },
      async waitActive(name) {
        call('lambda.waitActive');
        fn(name).state = 'Active';
      },
      async waitUpdated(name) {
        call('lambda.waitUpdated');
        if (fn(name).lastUpdateStatus === 'InProgress') fn(name).lastUpdateStatus = 'Successful';
      },
      async getPolicy(name) {
        call('lambda.getPolicy');
        return world.functions.get(name)?.policy;
      },
      async addPermission(input) {
        call('lambda.addPermission');
        const f = fn(input.name);
        const statement = {
          Sid: input.statementId,
          Effect: 'Allow' as const,
          Principal: { Service: input.principal },
          Action: 'lambda:InvokeFunction',
          Resource: f.arn,
          Condition: { ArnLike: { 'AWS:SourceArn': input.sourceArn }, StringEquals: { 'AWS:SourceAccount': input.sourceAccount } },
        };
        f.policy = { Version: '2012-10-17', Statement: [...(f.policy ? (f.policy.Statement as object[]) : []), statement] as PolicyDocument['Statement'] };
      },
      async removePermission(name, sid) {
        call('lambda.removePermission');
        const f = fn(name);
        const kept = ((f.policy?.Statement ?? []) as { Sid?: string }[]).filter((s) => s.Sid !== sid);
        f.policy = kept.length ? { Statement: kept as PolicyDocument['Statement'] } : undefined;
      },
      async invoke(name, payload) {
        call('lambda.invoke');
        const f = fn(name);
        if (world.onInvoke) return world.onInvoke(payload);
        const record = (JSON.parse(payload) as { Records: { s3: { bucket: { name: string }; object: { key: string; size: number; eTag: string; sequencer: string } }; eventTime: string; eventName: string }[] }).Records[0]!;
        const item = { bucket: record.s3.bucket.name, object_key: decodeS3Key(record.s3.object.key), size: record.s3.object.size, etag: record.s3.object.eTag, event_time: record.eventTime, event_name: record.eventName, sequencer: record.s3.object.sequencer };
        world.tables.get(f.environment.TABLE_NAME ?? '')?.items.set(keyOf(item), item);
        return { functionError: undefined, payload: '{"statusCode":200}' };
      },
      async deleteFunction(name) {
        call('lambda.deleteFunction');
        if (!world.functions.delete(name)) throw awsError('ResourceNotFoundException', 'Function not found', 404);
      },
    },
    s3: {
      async listBuckets() {
        call('s3.listBuckets');
        return [...world.buckets.keys()];
      },
      async headBucket(bucket) {
        call('s3.headBucket');
        if (bucket.startsWith('taken-')) return 'forbidden';
        return world.buckets.has(bucket) ? 'owned' : 'missing';
      },
      async createBucket(bucket) {
        call('s3.createBucket');
        world.buckets.set(bucket, { tags: {}, notifications: {}, objects: new Map() });
      },
      async tagBucket(bucket, tags) {
        call('s3.tagBucket');
        world.buckets.get(bucket)!.tags = tags;
      },
      async bucketTags(bucket) {
        return world.buckets.get(bucket)?.tags ?? {};
      },
      async getNotifications(bucket) {
        call('s3.getNotifications');
        const b = world.buckets.get(bucket);
        if (!b) throw awsError('NoSuchBucket', 'The specified bucket does not exist', 404);
        return structuredClone(b.notifications);
      },
      async putNotifications(bucket, configuration) {
        call('s3.putNotifications');
        world.buckets.get(bucket)!.notifications = structuredClone(configuration);
      },
      async putObject(bucket, key, body, metadata) {
        call('s3.putObject');
        const b = world.buckets.get(bucket)!;
        b.objects.set(key, body);
        (b.metadata ??= new Map()).set(key, metadata ?? {});
        return { etag: `etag-${body.length}` };
      },
      async headObject(bucket, key) {
        const b = world.buckets.get(bucket);
        const body = b?.objects.get(key);
        return body === undefined ? undefined : { etag: `etag-${body.length}`, metadata: b?.metadata?.get(key) ?? {} };
      },
      async listKeys(bucket) {
        return [...(world.buckets.get(bucket)?.objects.keys() ?? [])];
      },
      async deleteObject(bucket, key) {
        call('s3.deleteObject');
        world.buckets.get(bucket)?.objects.delete(key);
      },
      async deleteBucket(bucket) {
        call('s3.deleteBucket');
        world.buckets.delete(bucket);
      },
    },
    logs: {
      async filterEvents(group, pattern) {
        call('logs.filterEvents');
        const phrase = pattern.replaceAll('"', '');
        return (world.logs.get(group) ?? []).filter((m) => m.includes(phrase) || pattern.startsWith('?')).map((message) => ({ timestamp: 0, message }));
      },
      async createLogGroup(group, tags) {
        call('logs.createLogGroup');
        if (world.logs.has(group)) throw awsError('ResourceAlreadyExistsException');
        world.logs.set(group, []);
        world.logTags.set(group, tags);
      },
      async logGroupTags(arn) {
        const group = arn.slice(arn.indexOf(':log-group:') + ':log-group:'.length);
        return world.logs.has(group) ? (world.logTags.get(group) ?? {}) : undefined;
      },
      async deleteLogGroup(group) {
        call('logs.deleteLogGroup');
        world.logTags.delete(group);
        return world.logs.delete(group);
      },
    },
  };
  return { services, world };
}

/** A whole LabContext over the fakes, with a state file in a fresh temporary home. */
export function fakeContext(overrides: Partial<LabContext> = {}): { ctx: LabContext; world: FakeWorld; clock: ReturnType<typeof fakeClock> } {
  const { services, world } = fakeServices();
  const clock = fakeClock();
  const ctx: LabContext = {
    ...services,
    names: { region: 'us-east-1', account: '000000000000', bucket: 'lab-bucket', table: 'upload_metadata', function: 'lab-fn', role: 'lab-role' },
    bucketGiven: false,
    target: 'endpoint',
    state: StateStore.open('fake', '000000000000', 'us-east-1', mkdtempSync(join(tmpdir(), 'upload-lab-state-'))),
    clock,
    timeoutMs: 30_000,
    pollIntervalMs: 1000,
    handlerZip: async () => ({ zip: Buffer.from('v1'), codeSha256: 'sha-of-v1', handler: 'index.handler', runtime: 'nodejs22.x', source: 'src/handler/index.ts' }),
    upload: undefined,
    dryRun: false,
    awsCli: 'aws --region us-east-1',
    ...overrides,
  };
  return { ctx, world, clock };
}
