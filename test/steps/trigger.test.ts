import assert from 'node:assert/strict';
import type { LambdaFunctionConfiguration } from '@aws-sdk/client-s3';
import { describe, test } from 'node:test';
import { LabError } from '../../src/errors.js';
import { bucketStep } from '../../src/steps/bucket.js';
import { envStep } from '../../src/steps/env.js';
import { permissionsStep } from '../../src/steps/permissions.js';
import { tableStep } from '../../src/steps/table.js';
import { triggerStep, uploadTestFile } from '../../src/steps/trigger.js';
import { awsError, fakeContext } from './fakes.js';

async function labUpToTrigger() {
  const lab = fakeContext();
  for (const step of [bucketStep, tableStep, permissionsStep, envStep]) await step.apply(lab.ctx);
  return lab;
}

const otherRule: LambdaFunctionConfiguration = {
  Id: 'thumbnails',
  LambdaFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:thumbs',
  Events: ['s3:ObjectCreated:*'],
  Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'images/' }] } },
};

describe('bucket step', () => {
  test('creates and tags a missing bucket, recorded; a rerun reuses it', async () => {
    const { ctx, world } = fakeContext();
    assert.equal((await bucketStep.apply(ctx))[0]?.action, 'create');
    assert.deepEqual(world.buckets.get('lab-bucket')?.tags, { 'upload-lab': 'true' });
    assert.equal(ctx.state.created('bucket'), 'lab-bucket');
    assert.equal((await bucketStep.apply(ctx))[0]?.action, 'reuse');
  });

  test('a bucket name owned by someone else is a clear error with a fix', async () => {
    const { ctx } = fakeContext();
    ctx.names.bucket = 'taken-name';
    await assert.rejects(bucketStep.apply(ctx), (e: unknown) => e instanceof LabError && e.code === 'BucketNotYours' && /--bucket/.test(e.fix ?? ''));
  });

  test('BucketAlreadyExists from CreateBucket is the same error, and nothing stays recorded', async () => {
    const { ctx, world } = fakeContext();
    world.failNext('s3.createBucket', awsError('BucketAlreadyExists', 'The requested bucket name is not available.', 409));
    await assert.rejects(bucketStep.apply(ctx), (e: unknown) => e instanceof LabError && e.code === 'BucketNotYours');
    assert.equal(ctx.state.created('bucket'), undefined);
  });

  test('a bucket the learner brought is kept on remove; none is mentioned once it is gone', async () => {
    const { ctx, world } = fakeContext();
    world.buckets.set('lab-bucket', { tags: {}, notifications: {}, objects: new Map() });
    assert.deepEqual(await bucketStep.remove(ctx), [{ action: 'keep', resource: 'bucket lab-bucket', reason: 'the lab did not create it' }]);
    world.buckets.delete('lab-bucket');
    assert.deepEqual(await bucketStep.remove(ctx), []);
  });
});

describe('trigger step', () => {
  test('adds the permission before the rule, and merges the rule into the existing configuration', async () => {
    const { ctx, world } = await labUpToTrigger();
    world.buckets.get('lab-bucket')!.notifications = { LambdaFunctionConfigurations: [otherRule] };
    const changes = await triggerStep.apply(ctx);
    assert.deepEqual(changes.map((c) => c.action), ['create', 'create']);
    assert.ok(world.calls.indexOf('lambda.addPermission') < world.calls.indexOf('s3.putNotifications'));
    const rules = world.buckets.get('lab-bucket')!.notifications.LambdaFunctionConfigurations!;
    assert.deepEqual(rules.map((r) => r.Id), ['thumbnails', 'upload-lab-incoming']);
    assert.equal((await triggerStep.check(ctx)).ok, true);
  });

  test('retries "Unable to validate the following destination configurations" briefly', async () => {
    const { ctx, world, clock } = await labUpToTrigger();
    world.failNext('s3.putNotifications', awsError('InvalidArgument', 'Unable to validate the following destination configurations'), 2);
    await triggerStep.apply(ctx);
    assert.deepEqual(clock.slept, [500, 1000]);
    assert.equal(ctx.state.created('notificationRule'), 'upload-lab-incoming');
  });

  test('reuses a rule that already sends incoming/ to the function (and an equivalent permission)', async () => {
    const { ctx, world } = await labUpToTrigger();
    await triggerStep.apply(ctx);
    const before = world.calls.length;
    assert.deepEqual((await triggerStep.apply(ctx)).map((c) => c.action), ['reuse', 'reuse']);
    assert.ok(!world.calls.slice(before).includes('s3.putNotifications'));
    assert.ok(!world.calls.slice(before).includes('lambda.addPermission'));
  });

  test('an overlapping rule for another function is a clear error, not an AWS one', async () => {
    const { ctx, world } = await labUpToTrigger();
    world.buckets.get('lab-bucket')!.notifications = { LambdaFunctionConfigurations: [{ ...otherRule, Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } } }] };
    await assert.rejects(triggerStep.apply(ctx), (e: unknown) => e instanceof LabError && e.code === 'OverlappingRule');
    assert.ok(!world.calls.includes('s3.putNotifications'));
  });

  test('check: a rule on another prefix fails, saying which prefix', async () => {
    const { ctx, world } = await labUpToTrigger();
    await triggerStep.apply(ctx);
    const rule = world.buckets.get('lab-bucket')!.notifications.LambdaFunctionConfigurations![0]!;
    rule.Filter = { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } };
    const result = await triggerStep.check(ctx);
    assert.equal(result.ok, false);
    assert.match(result.detail, /prefix "uploads\/"/);
  });

  test('check: no S3 invoke permission fails', async () => {
    const { ctx, world } = await labUpToTrigger();
    await triggerStep.apply(ctx);
    world.functions.get('lab-fn')!.policy = undefined;
    assert.match((await triggerStep.check(ctx)).detail, /does not let s3.amazonaws.com invoke it for lab-bucket/);
  });

  test('check: no rule at all fails, naming the rules there are', async () => {
    const { ctx, world } = await labUpToTrigger();
    world.buckets.get('lab-bucket')!.notifications = { LambdaFunctionConfigurations: [otherRule] };
    assert.match((await triggerStep.check(ctx)).detail, /no notification rule that invokes lab-fn \(its rules invoke thumbs\)/);
  });

  test('remove takes out the lab\'s rule and permission, and keeps the other rules', async () => {
    const { ctx, world } = await labUpToTrigger();
    world.buckets.get('lab-bucket')!.notifications = { LambdaFunctionConfigurations: [otherRule] };
    await triggerStep.apply(ctx);
    await triggerStep.remove(ctx);
    assert.deepEqual(world.buckets.get('lab-bucket')!.notifications.LambdaFunctionConfigurations!.map((r) => r.Id), ['thumbnails']);
    assert.equal(world.functions.get('lab-fn')!.policy, undefined);
    assert.deepEqual(await triggerStep.remove(ctx), []);
  });

  test('the test upload never replaces an object the lab did not write: the learner\'s notes.txt stays, the lab uses a key of its own', async () => {
    const { ctx, world } = await labUpToTrigger();
    world.buckets.get('lab-bucket')!.objects.set('incoming/notes.txt', 'learner');
    const upload = await uploadTestFile(ctx);
    assert.notEqual(upload.key, 'incoming/notes.txt');
    assert.match(upload.key, /^incoming\/upload-lab-test-\d+\.txt$/);
    assert.equal(world.buckets.get('lab-bucket')!.objects.get('incoming/notes.txt'), 'learner');
    assert.deepEqual(ctx.state.uploads.map((u) => u.key), [upload.key]);
    // The lab's own earlier upload is replaced in place.
    world.buckets.get('lab-bucket')!.objects.delete('incoming/notes.txt');
    const first = await uploadTestFile(ctx);
    assert.equal(first.key, 'incoming/notes.txt');
    assert.equal((await uploadTestFile(ctx)).key, 'incoming/notes.txt');
  });

  test('a dry run lists and changes nothing', async () => {
    const { ctx, world } = await labUpToTrigger();
    await triggerStep.apply(ctx);
    ctx.dryRun = true;
    const before = world.calls.length;
    assert.equal((await triggerStep.remove(ctx)).length, 2);
    assert.deepEqual(world.calls.slice(before), []);
    assert.equal(ctx.state.created('notificationRule'), 'upload-lab-incoming');
  });
});
