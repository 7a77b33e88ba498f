import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketNotificationConfigurationCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  type NotificationConfiguration,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createClients } from '../../src/aws/clients.js';
import type { PolicyDocument } from '../../src/policy/types.js';
import { defaultSandboxOptions, type SandboxOptions } from '../../src/sandbox/options.js';
import { Router } from '../../src/sandbox/router.js';
import { createS3Service } from '../../src/sandbox/services/s3.js';
import { EventDispatcher } from '../../src/sandbox/services/s3/delivery.js';
import { eventRecord, Sequencer, type S3EventRecord } from '../../src/sandbox/services/s3/events.js';
import { s3UrlEncode } from '../../src/aws-rules/s3-key-encoding.js';
import { S3Store } from '../../src/sandbox/services/s3/store.js';
import { RoleSessions } from '../../src/sandbox/sessions.js';
import { StateDb } from '../../src/sandbox/state-db.js';
import type { FunctionView, World } from '../../src/sandbox/world.js';
import { assertErrorMatchesReference, assertMatchesRecorded, rawRequest, referenceCase, rejection } from '../helpers/reference.js';
import { LAB_ROLE, labRoleByArn, startTestSandbox, TEST_CREDENTIALS, type TestSandbox } from '../helpers/sandbox.js';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:my-lambda';
const md5 = (data: string) => createHash('md5').update(data).digest('hex');

/** A notification config in the SDK's shape; its filter rule names are typed lowercase but S3 answers capitalised ones. */
function lambdaConfig(id: string, arn: string, events: string[], rules: [string, string][] = []): NotificationConfiguration {
  return {
    LambdaFunctionConfigurations: [
      {
        Id: id,
        LambdaFunctionArn: arn,
        Events: events as never,
        ...(rules.length ? { Filter: { Key: { FilterRules: rules.map(([Name, Value]) => ({ Name: Name as never, Value })) } } } : {}),
      },
    ],
  };
}

function queueConfig(rules: [string, string][], events = ['s3:ObjectCreated:*'], id?: string): NotificationConfiguration {
  return {
    QueueConfigurations: [
      {
        ...(id ? { Id: id } : {}),
        QueueArn: 'arn:aws:sqs:us-east-1:000000000000:my-queue',
        Events: events as never,
        ...(rules.length ? { Filter: { Key: { FilterRules: rules.map(([Name, Value]) => ({ Name: Name as never, Value })) } } } : {}),
      },
    ],
  };
}


/** S3's answer when it may not invoke a Lambda destination, field by field as recorded on AWS. */
function assertNotAuthorizedDestination(error: unknown): void {
  const reference = referenceCase('s3', 's3.put_bucket_notification_configuration.lambda_destination_not_authorized');
  const fields = error as Record<string, string>;
  assertErrorMatchesReference(error, reference);
  assertMatchesRecorded(reference.response.Error.ArgumentName1, fields.ArgumentName1, 'ArgumentName1');
  assertMatchesRecorded(reference.response.Error.ArgumentValue1, fields.ArgumentValue1, 'ArgumentValue1');
}

describe('s3: notification configuration', () => {
  let t: TestSandbox;
  let s3: S3Client;
  const bucket = 'notify-config';
  before(async () => {
    t = await startTestSandbox();
    s3 = t.clients.s3;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(() => t.stop());

  const put = (config: NotificationConfiguration, skip = true) =>
    s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: config, SkipDestinationValidation: skip }));
  const get = () => s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));

  it('stores a Lambda configuration exactly (destination validation skipped)', async () => {
    await put(lambdaConfig('id123', FN, ['s3:ObjectCreated:*']));
    const got = await get();
    const recorded = referenceCase('s3', 's3.get_bucket_notification_configuration.lambda_config').response;
    assert.equal(got.LambdaFunctionConfigurations?.length, 1);
    const [config] = got.LambdaFunctionConfigurations!;
    assert.deepEqual(Object.keys(config!).sort(), Object.keys(recorded.LambdaFunctionConfigurations[0]).sort());
    assert.equal(config!.Id, 'id123');
    assert.deepEqual(config!.Events, recorded.LambdaFunctionConfigurations[0].Events);
    assertMatchesRecorded(recorded.LambdaFunctionConfigurations[0].LambdaFunctionArn, config!.LambdaFunctionArn, 'LambdaFunctionArn');
  });

  it('normalises filter rule names and keeps empty values, as the reference cases show', async () => {
    const cases: [string, NotificationConfiguration][] = [
      ['prefix_and_suffix_filter', { QueueConfigurations: [...queueConfig([['Prefix', 'testupload/'], ['Suffix', 'testfile.txt']], ['s3:ObjectCreated:*', 's3:ObjectRemoved:Delete'], 'id0001').QueueConfigurations!, ...queueConfig([['Prefix', 'testupload/'], ['Suffix', 'testfile.txt']], ['s3:ObjectTagging:*'], 'id0002').QueueConfigurations!] }],
      ['prefix_filter_only', queueConfig([['Prefix', 'testupload/']], ['s3:ObjectCreated:*'], 'id123456')],
      ['filter_rule_names_normalized', queueConfig([['suffix', '.txt'], ['PREFIX', 'notif-']])],
      ['filter_rule_empty_value', queueConfig([['Suffix', '']])],
    ];
    for (const [name, config] of cases) {
      await put(config);
      const got = await get();
      const recorded = referenceCase('s3', `s3.get_bucket_notification_configuration.${name}`).response;
      assert.equal(got.QueueConfigurations?.length, recorded.QueueConfigurations.length, name);
      got.QueueConfigurations!.forEach((q, i) => {
        const r = recorded.QueueConfigurations[i];
        const rules = [...(q.Filter?.Key?.FilterRules ?? [])].sort((a, b) => String(a.Name).localeCompare(String(b.Name)));
        assert.deepEqual(rules, r.Filter.Key.FilterRules, `${name} filter rules`);
        assert.deepEqual(q.Events, r.Events, `${name} events`);
        assertMatchesRecorded(r.Id, q.Id, `${name} Id`);
        assert.ok(q.Id && q.Id.length > 0, 'an Id is generated when absent');
      });
    }
  });

  it('clears the configuration with an empty one', async () => {
    await put(lambdaConfig('id123', FN, ['s3:ObjectCreated:*']));
    await put({});
    const got = await get();
    const recorded = referenceCase('s3', 's3.get_bucket_notification_configuration.empty').response;
    assert.equal(got.$metadata.httpStatusCode, recorded.ResponseMetadata.HTTPStatusCode);
    assert.equal(got.LambdaFunctionConfigurations, undefined);
    assert.equal(got.QueueConfigurations, undefined);
    const raw = await rawRequest(t.endpoint, { service: 's3', method: 'GET', path: `/${bucket}?notification` });
    assert.match(raw.text, /<NotificationConfiguration xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><\/NotificationConfiguration>$/);
  });

  it('rejects overlapping rules for the same event type, and accepts disjoint ones', async () => {
    const overlapping: NotificationConfiguration = {
      LambdaFunctionConfigurations: [
        ...lambdaConfig('one', FN, ['s3:ObjectCreated:*'], [['Prefix', 'incoming/']]).LambdaFunctionConfigurations!,
        ...lambdaConfig('two', `${FN}-2`, ['s3:ObjectCreated:Put'], [['Prefix', 'incoming/sub/']]).LambdaFunctionConfigurations!,
      ],
    };
    await assert.rejects(put(overlapping), (error: Error & { $metadata: { httpStatusCode: number } }) => {
      assert.equal(error.name, 'InvalidArgument');
      assert.equal(error.message, 'Configurations overlap. Configurations on the same bucket cannot share a common event type.');
      assert.equal(error.$metadata.httpStatusCode, 400);
      return true;
    });
    const disjoint: NotificationConfiguration = {
      LambdaFunctionConfigurations: [
        ...lambdaConfig('one', FN, ['s3:ObjectCreated:*'], [['Prefix', 'incoming/']]).LambdaFunctionConfigurations!,
        ...lambdaConfig('two', FN, ['s3:ObjectCreated:*'], [['Prefix', 'archive/']]).LambdaFunctionConfigurations!,
        ...lambdaConfig('three', FN, ['s3:ObjectRemoved:*'], [['Prefix', 'incoming/']]).LambdaFunctionConfigurations!,
      ],
    };
    await put(disjoint);
    assert.deepEqual((await get()).LambdaFunctionConfigurations?.map((c) => c.Id), ['one', 'two', 'three']);
  });

  it('refuses a Lambda destination S3 may not invoke (here: no such function)', async () => {
    assertNotAuthorizedDestination(await rejection(put(lambdaConfig('id', FN, ['s3:ObjectCreated:*']), false)));
  });

  it('numbers one ArgumentName/ArgumentValue pair per destination S3 cannot validate, as recorded', async () => {
    const other = FN.replace(/:function:.*/, ':function:another-missing-fn');
    const both: NotificationConfiguration = {
      LambdaFunctionConfigurations: [
        ...lambdaConfig('a', FN, ['s3:ObjectCreated:*'], [['Prefix', 'a/']]).LambdaFunctionConfigurations!,
        ...lambdaConfig('b', other, ['s3:ObjectCreated:*'], [['Prefix', 'b/']]).LambdaFunctionConfigurations!,
      ],
    };
    const error = (await rejection(put(both, false))) as Record<string, string>;
    // Recorded with two SQS queues; the numbering is the same for Lambda destinations.
    const recorded = referenceCase('s3', 's3.put_bucket_notification_configuration.multiple_destinations_missing').response.Error;
    assert.equal(error.name, recorded.Code);
    assert.equal(error.message, recorded.Message);
    assert.deepEqual(
      Object.keys(error).filter((k) => /^Argument(Name|Value)\d$/.test(k)).sort(),
      Object.keys(recorded).filter((k) => /^Argument(Name|Value)\d$/.test(k)).sort(),
    );
    assert.equal(error.ArgumentName1, `${FN}, null`);
    assert.equal(error.ArgumentName2, `${other}, null`);
  });

  it('checks ARN syntax even when destination validation is skipped', async () => {
    for (const [key, skip] of [
      ['s3.put_bucket_notification_configuration.lambda_arn_unparseable', false],
      ['s3.put_bucket_notification_configuration.lambda_arn_unparseable_skip_validation', true],
    ] as const) {
      const error = await put(lambdaConfig('x', 'invalid-queue', ['s3:ObjectCreated:*']), skip).then(
        () => assert.fail('expected InvalidArgument'),
        (e: Record<string, unknown>) => e,
      );
      assertErrorMatchesReference(error, referenceCase('s3', key));
      const recorded = referenceCase('s3', key).response.Error;
      assert.equal(error.ArgumentName, recorded.ArgumentName);
      assert.equal(error.ArgumentValue, recorded.ArgumentValue);
    }
  });

  it('refuses unknown event types and filter rule names', async () => {
    await assert.rejects(put(lambdaConfig('x', FN, ['s3:ObjectCreated:Bogus'])), { name: 'InvalidArgument' });
    await assert.rejects(put(lambdaConfig('x', FN, ['s3:ObjectCreated:*'], [['Middle', 'x']])), { name: 'InvalidArgument' });
    const malformed = await rawRequest(t.endpoint, { service: 's3', method: 'PUT', path: `/${bucket}?notification`, body: '<NotificationConfiguration><CloudFunctionConfiguration>' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.text, /<Code>MalformedXML<\/Code>/);
    // The SDK's member name is not the wire's element name: S3 does not silently ignore it.
    const unknownElement = await rawRequest(t.endpoint, {
      service: 's3',
      method: 'PUT',
      path: `/${bucket}?notification`,
      body: `<NotificationConfiguration><LambdaFunctionConfiguration><LambdaFunctionArn>${FN}</LambdaFunctionArn><Event>s3:ObjectCreated:*</Event></LambdaFunctionConfiguration></NotificationConfiguration>`,
    });
    assert.equal(unknownElement.status, 400);
    assert.match(unknownElement.text, /<Code>MalformedXML<\/Code>/);
  });

  it('answers NoSuchBucket for both operations', async () => {
    const calls: [string, () => Promise<unknown>][] = [
      ['s3.put_bucket_notification_configuration.no_such_bucket', () => s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'no-such-notify', NotificationConfiguration: {} }))],
      ['s3.get_bucket_notification_configuration.no_such_bucket', () => s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'no-such-notify' }))],
    ];
    for (const [key, call] of calls) {
      const error = await call().then(
        () => assert.fail('expected NoSuchBucket'),
        (e: Record<string, unknown>) => e,
      );
      assertErrorMatchesReference(error, referenceCase('s3', key));
      assert.equal(error.BucketName, 'no-such-notify');
    }
  });
});

interface Invocation {
  functionArn: string;
  payload: string;
}

/**
 * S3 alone, behind the real router and a real HTTP server, in a tiny World whose Lambda is a
 * recorder: it stands in for the Lambda service only, to test S3's delivery and validation rules.
 * (The end-to-end path with a real function is the Lambda service's test.)
 */
async function startS3WithRecordingLambda(overrides: Partial<SandboxOptions>, functions: FunctionView[], rolePolicies: PolicyDocument[] = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'upload-lab-s3-'));
  const invocations: Invocation[] = [];
  const state = await StateDb.open(dataDir);
  const world: World = {
    options: { ...defaultSandboxOptions(dataDir), ...overrides },
    endpoint: '',
    sessions: new RoleSessions(),
    state,
    iam: { roleByArn: labRoleByArn, rolePolicies: () => rolePolicies },
    lambda: {
      functionByArn: (arn) => functions.find((f) => f.arn === arn.replace(/:\$LATEST$/, '')),
      invokeAsync: (functionArn, payload) => void invocations.push({ functionArn, payload }),
    },
    logs: { write: () => undefined },
  };
  const service = createS3Service(world);
  const router = new Router(new Map([['s3', service]]), world, 1 << 20, () => state.settled());
  const server: Server = createServer((req, res) => {
    void router.route(req).then((answer) => {
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  router.listening((server.address() as AddressInfo).port);
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const s3 = createClients({ region: 'us-east-1', endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 }).s3;
  return {
    s3,
    /** A client signing as a Lambda role session, whose calls are held to `rolePolicies`. */
    roleS3() {
      const session = world.sessions.issue(LAB_ROLE, 'lab-session');
      return createClients({ region: 'us-east-1', endpoint, credentials: session, maxAttempts: 1 }).s3;
    },
    invocations,
    /** Waits (bounded) until `count` invocations arrived; the caller asserts on what arrived. */
    async delivered(count: number): Promise<Invocation[]> {
      for (let waited = 0; invocations.length < count && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
      return invocations;
    },
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await service.close?.();
      await state.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function s3InvokePolicy(condition?: Record<string, Record<string, string>>, action = 'lambda:InvokeFunction', effect: 'Allow' | 'Deny' = 'Allow'): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 's3', Effect: effect, Principal: { Service: 's3.amazonaws.com' }, Action: action, Resource: FN, ...(condition ? { Condition: condition } : {}) }],
  };
}

const recordsOf = (invocation: Invocation): S3EventRecord[] => (JSON.parse(invocation.payload) as { Records: S3EventRecord[] }).Records;

describe('s3: Lambda destination validation', () => {
  const cases: [string, PolicyDocument | undefined, boolean][] = [
    ['no resource policy', undefined, false],
    ['s3 allowed for this bucket and account', s3InvokePolicy({ ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::checked-bucket' }, StringEquals: { 'AWS:SourceAccount': '000000000000' } }), true],
    ['s3 allowed by a wildcard action and ARN pattern', s3InvokePolicy({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::checked-*' } }, 'lambda:*'), true],
    ['s3 allowed for another bucket only', s3InvokePolicy({ ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::other-bucket' } }), false],
    ['s3 allowed for another account only', s3InvokePolicy({ StringEquals: { 'AWS:SourceAccount': '111111111111' } }), false],
    ['another action only', s3InvokePolicy(undefined, 'lambda:GetFunction'), false],
    ['an explicit deny', s3InvokePolicy(undefined, 'lambda:InvokeFunction', 'Deny'), false],
  ];

  for (const [name, policy, accepted] of cases) {
    it(`${accepted ? 'accepts' : 'refuses'} a function with ${name}`, async () => {
      const env = await startS3WithRecordingLambda({}, [{ name: 'my-lambda', arn: FN, region: 'us-east-1', policy }]);
      try {
        await env.s3.send(new CreateBucketCommand({ Bucket: 'checked-bucket' }));
        const attempt = env.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'checked-bucket', NotificationConfiguration: lambdaConfig('id', FN, ['s3:ObjectCreated:*']) }));
        if (accepted) {
          await attempt;
          return;
        }
        assertNotAuthorizedDestination(await rejection(attempt));
      } finally {
        await env.stop();
      }
    });
  }

  it('reports a function that does not exist, and skips the check on request', async () => {
    const env = await startS3WithRecordingLambda({}, []);
    try {
      await env.s3.send(new CreateBucketCommand({ Bucket: 'checked-bucket' }));
      const config = lambdaConfig('id', FN, ['s3:ObjectCreated:*']);
      await assert.rejects(env.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'checked-bucket', NotificationConfiguration: config })), {
        name: 'InvalidArgument',
        message: 'Unable to validate the following destination configurations',
      });
      await env.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'checked-bucket', NotificationConfiguration: config, SkipDestinationValidation: true }));
    } finally {
      await env.stop();
    }
  });
});

describe('s3: event delivery to Lambda', () => {
  const bucket = 'events-bucket';
  async function withConfiguredBucket(options: Partial<SandboxOptions>, config: NotificationConfiguration) {
    const env = await startS3WithRecordingLambda(options, []);
    await env.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await env.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: config, SkipDestinationValidation: true }));
    return env;
  }

  it('delivers an ObjectCreated:Put record shaped like S3 sends it', async () => {
    const env = await withConfiguredBucket({}, lambdaConfig('cfg-1', FN, ['s3:ObjectCreated:*'], [['Prefix', 'incoming/']]));
    try {
      const put = await env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'incoming/notes.txt', Body: 'something..' }));
      const [invocation] = await env.delivered(1);
      assert.equal(invocation?.functionArn, FN);
      const records = recordsOf(invocation!);
      assert.equal(records.length, 1);
      const record = records[0]!;
      const reference = referenceCase('s3-event', 's3_event.record.object_created_put_prefix_filtered').response;
      assertSameShape(reference, record, 'record');
      assert.equal(record.eventVersion, '2.1');
      assert.equal(record.eventSource, 'aws:s3');
      assert.equal(record.awsRegion, 'us-east-1');
      assert.equal(record.eventName, 'ObjectCreated:Put');
      assert.match(record.eventTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(record.responseElements['x-amz-request-id'], put.$metadata.requestId);
      assert.equal(record.responseElements['x-amz-id-2'], put.$metadata.extendedRequestId);
      assert.equal(record.s3.configurationId, 'cfg-1');
      assert.deepEqual(record.s3.bucket.name, bucket);
      assert.equal(record.s3.bucket.arn, `arn:aws:s3:::${bucket}`);
      assert.equal(record.s3.object.key, 'incoming/notes.txt');
      assert.equal(record.s3.object.size, 11);
      // The reference's own upload was 'something..': the same bytes give the same eTag.
      assert.equal(record.s3.object.eTag, referenceCase('s3-event', 's3_event.lambda.object_created_put.record_as_stored_in_dynamodb').response.M.s3.M.object.M.eTag.S);
      assert.equal(record.s3.object.eTag, md5('something..'));
      assert.match(record.s3.object.sequencer, /^[0-9A-F]+$/);
      assert.equal('versionId' in record.s3.object, false);
    } finally {
      await env.stop();
    }
  });

  it('filters on the raw key, and sends encoded keys', async () => {
    const env = await withConfiguredBucket({}, lambdaConfig('cfg', FN, ['s3:ObjectCreated:Put'], [['Prefix', 'in coming/'], ['Suffix', '.txt']]));
    try {
      for (const key of ['other/a.txt', 'in coming/a.png', 'in coming/b c+d@é 日本 😀.txt']) {
        await env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
      }
      await env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'in coming/last.txt', Body: 'x' }));
      const invocations = await env.delivered(2);
      assert.deepEqual(
        invocations.map((i) => recordsOf(i)[0]!.s3.object.key),
        ['in+coming/b+c%2Bd%40%C3%A9+%E6%97%A5%E6%9C%AC+%F0%9F%98%80.txt', 'in+coming/last.txt'],
      );
    } finally {
      await env.stop();
    }
  });

  it('delivers Copy and Delete events (no size or eTag on removal), each to the rule that covers it', async () => {
    const config: NotificationConfiguration = {
      LambdaFunctionConfigurations: [
        ...lambdaConfig('created', FN, ['s3:ObjectCreated:Copy']).LambdaFunctionConfigurations!,
        ...lambdaConfig('removed', FN, ['s3:ObjectRemoved:*']).LambdaFunctionConfigurations!,
      ],
    };
    const env = await withConfiguredBucket({}, config);
    try {
      await env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: 'copied' }));
      await env.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst', CopySource: `${bucket}/src` }));
      await env.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'dst' }));
      await env.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'never-existed' }));
      await env.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'src' }] } }));
      const records = (await env.delivered(3)).map((i) => recordsOf(i)[0]!);
      assert.deepEqual(
        records.map((r) => [r.eventName, r.s3.configurationId, r.s3.object.key]),
        [
          ['ObjectCreated:Copy', 'created', 'dst'],
          ['ObjectRemoved:Delete', 'removed', 'dst'],
          ['ObjectRemoved:Delete', 'removed', 'src'],
        ],
      );
      const reference = referenceCase('s3-event', 's3_event.record.object_created_copy_put_and_removed_delete').response.messages;
      assertSameShape(reference[0], records[0], 'copy record');
      assertSameShape(reference[2], records[1], 'delete record');
      assert.equal(records[0]!.s3.object.eTag, md5('copied'));
      assert.ok(records[1]!.s3.object.sequencer > records[0]!.s3.object.sequencer, 'the later event on a key has the greater sequencer');
    } finally {
      await env.stop();
    }
  });

  it('duplicateEvents delivers every event twice', async () => {
    const env = await withConfiguredBucket({ duplicateEvents: true }, lambdaConfig('cfg', FN, ['s3:ObjectCreated:*']));
    try {
      await env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'twice', Body: 'x' }));
      const invocations = await env.delivered(2);
      assert.equal(invocations.length, 2);
      assert.equal(invocations[0]!.payload, invocations[1]!.payload);
    } finally {
      await env.stop();
    }
  });

  it('reorderEvents delivers a burst on one key in reverse; the sequencer still tells the order', async (t) => {
    // The dispatcher alone, on mocked timers: a burst is whatever arrives within the hold window,
    // which real requests cannot promise to do.
    t.mock.timers.enable({ apis: ['setTimeout', 'setImmediate'] });
    const dataDir = mkdtempSync(join(tmpdir(), 'upload-lab-s3-'));
    const state = await StateDb.open(dataDir);
    try {
      const invocations: Invocation[] = [];
      const world = {
        options: { ...defaultSandboxOptions(dataDir), reorderEvents: true },
        state,
        lambda: { functionByArn: () => undefined, invokeAsync: (functionArn: string, payload: string) => void invocations.push({ functionArn, payload }) },
      } as unknown as World;
      const store = new S3Store(state, dataDir);
      store.createBucket(bucket, 'us-east-1');
      store.bucket(bucket)!.notification = { rules: [{ kind: 'lambda', id: 'cfg', arn: FN, events: ['s3:ObjectCreated:*'], filterRules: [] }], eventBridge: false };
      const dispatcher = new EventDispatcher(world, store);
      const event = { eventName: 's3:ObjectCreated:Put', bucket, region: 'us-east-1', size: 1, eTag: md5('x'), requestId: 'r', hostId: 'h', caller: { kind: 'user', arn: 'arn:aws:iam::000000000000:root' } as const };
      for (const key of ['burst', 'burst', 'other', 'burst']) dispatcher.emit({ ...event, key });
      // Deliveries start once saved, then are held for the window.
      await state.settled();
      assert.equal(invocations.length, 0, 'held during the window');
      t.mock.timers.tick(1000);
      const records = invocations.map((i) => recordsOf(i)[0]!);
      const burst = records.filter((r) => r.s3.object.key === 'burst').map((r) => r.s3.object.sequencer);
      assert.equal(burst.length, 3);
      assert.deepEqual(burst, [...burst].sort().reverse());
      assert.equal(records.filter((r) => r.s3.object.key === 'other').length, 1);
      dispatcher.close();
    } finally {
      // Let the finished deliveries' removals be staged (real timers again) before the state closes.
      t.mock.timers.reset();
      await new Promise((resolve) => setImmediate(resolve));
      await state.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('s3: role enforcement', () => {
  it("holds a role session's calls to its policies, with IAM's action names and object ARNs", async () => {
    const policy: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::role-bucket/incoming/*' },
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::role-bucket' },
      ],
    };
    const env = await startS3WithRecordingLambda({}, [], [policy]);
    try {
      await env.s3.send(new CreateBucketCommand({ Bucket: 'role-bucket' }));
      await env.s3.send(
        new PutBucketNotificationConfigurationCommand({ Bucket: 'role-bucket', NotificationConfiguration: lambdaConfig('cfg', FN, ['s3:ObjectCreated:*']), SkipDestinationValidation: true }),
      );
      const role = env.roleS3();
      await role.send(new PutObjectCommand({ Bucket: 'role-bucket', Key: 'incoming/a.txt', Body: 'x' }));
      await role.send(new ListObjectsV2Command({ Bucket: 'role-bucket' }));
      const denied = await role.send(new PutObjectCommand({ Bucket: 'role-bucket', Key: 'outgoing/a.txt', Body: 'x' })).then(
        () => assert.fail('expected AccessDenied'),
        (e: Record<string, unknown> & { $metadata: { httpStatusCode: number } }) => e,
      );
      assert.equal(denied.name, 'AccessDenied');
      assert.equal(denied.$metadata.httpStatusCode, 403);
      assert.match(String(denied.message), /not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::role-bucket\/outgoing\/a.txt"/);
      await assert.rejects(role.send(new GetObjectCommand({ Bucket: 'role-bucket', Key: 'incoming/a.txt' })), { name: 'AccessDenied' });
      await assert.rejects(role.send(new CreateBucketCommand({ Bucket: 'role-made' })), { name: 'AccessDenied' });
      // The role's upload shows its session as the event's user.
      const [invocation] = await env.delivered(1);
      assert.equal(recordsOf(invocation!)[0]!.userIdentity.principalId, 'AWS:AROALABROLE000000000:lab-session');
    } finally {
      await env.stop();
    }
  });
});

describe('s3: event record units', () => {
  it('encodes keys as S3 does in event records', () => {
    const cases: [string, string][] = [
      ['a b', 'a+b'],
      ['a+b', 'a%2Bb'],
      ['100%', '100%25'],
      ['a@b', referenceCase('s3-event', 's3_event.record.key_url_encoding').response.messages[0].s3.object.key],
      ['café', 'caf%C3%A9'],
      ['日本', '%E6%97%A5%E6%9C%AC'],
      ['😀', '%F0%9F%98%80'],
      ['incoming/dir 1/file.txt', 'incoming/dir+1/file.txt'],
      ['safe-._*', 'safe-._*'],
      ["q'(x)!~", 'q%27%28x%29%21%7E'],
    ];
    for (const [key, encoded] of cases) assert.equal(s3UrlEncode(key), encoded, key);
    // What the lab's handler does (unquote_plus) brings every key back.
    for (const [key] of cases) assert.equal(decodeURIComponent(s3UrlEncode(key).replaceAll('+', ' ')), key);
  });

  it('makes sequencers of one width that only grow', () => {
    const sequencer = new Sequencer();
    const values = Array.from({ length: 1000 }, () => sequencer.next());
    assert.ok(values.every((v) => v.length === values[0]!.length && /^[0-9A-F]+$/.test(v)));
    assert.ok(values.every((v, i) => i === 0 || v > values[i - 1]!));
  });

  it('gives a removal record neither size nor eTag, and a role caller its session principal', () => {
    const record = eventRecord(
      {
        eventName: 's3:ObjectRemoved:Delete',
        bucket: 'b-1',
        region: 'eu-west-1',
        key: 'k',
        sequencer: '00AB',
        eventTime: '2026-01-01T00:00:00.000Z',
        requestId: 'r',
        hostId: 'h',
        caller: { kind: 'role', arn: 'arn:aws:sts::000000000000:assumed-role/r/s', roleName: 'r', roleId: 'AROAEXAMPLE', sessionName: 's', chain: 1 },
      },
      'cfg',
    );
    assert.deepEqual(record.s3.object, { key: 'k', sequencer: '00AB' });
    assert.equal(record.userIdentity.principalId, 'AWS:AROAEXAMPLE:s');
    assert.equal(record.awsRegion, 'eu-west-1');
  });
});

/** Same keys at every level as the recorded record (values are placeholders there). */
function assertSameShape(recorded: unknown, actual: unknown, path: string): void {
  if (recorded === null || typeof recorded !== 'object') {
    assert.equal(typeof actual, typeof recorded, `${path} type`);
    return;
  }
  assert.ok(actual !== null && typeof actual === 'object', `${path} is an object`);
  assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(recorded).sort(), `${path} keys`);
  for (const [key, value] of Object.entries(recorded)) assertSameShape(value, (actual as Record<string, unknown>)[key], `${path}.${key}`);
}
