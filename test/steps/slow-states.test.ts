import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LabError } from '../../src/errors.js';
import { codeStep } from '../../src/steps/code.js';
import { envStep } from '../../src/steps/env.js';
import { permissionsStep } from '../../src/steps/permissions.js';
import { tableStep } from '../../src/steps/table.js';
import { awsError, fakeContext } from './fakes.js';

/** AWS's slow states, met by the steps: each is waited out (within the timeout) or explained at once. */

async function builtLab() {
  const lab = fakeContext();
  await tableStep.apply(lab.ctx);
  await permissionsStep.apply(lab.ctx);
  await envStep.apply(lab.ctx);
  return lab;
}

const denied = JSON.stringify({ errorType: 'AccessDeniedException', errorMessage: 'User: arn:aws:sts::000000000000:assumed-role/lab-role/lab-fn is not authorized to perform: dynamodb:PutItem' });

describe('a table still DELETING (setup right after teardown)', () => {
  test('plan says it will be created; apply waits until it is gone, then creates and records it', async () => {
    const { ctx, world } = fakeContext();
    world.tables.set('upload_metadata', { keys: ['bucket', 'object_key'], status: 'DELETING', tags: { 'upload-lab': 'true' }, items: new Map() });
    assert.equal((await tableStep.plan(ctx))[0]?.action, 'create');
    assert.deepEqual((await tableStep.apply(ctx)).map((c) => c.action), ['create']);
    assert.deepEqual(world.calls.filter((c) => c.startsWith('dynamodb.wait') || c === 'dynamodb.createTable'), ['dynamodb.waitForTableGone', 'dynamodb.createTable', 'dynamodb.waitForTableActive']);
    assert.equal(world.tables.get('upload_metadata')?.status, 'ACTIVE');
    assert.equal(ctx.state.created('table'), 'upload_metadata');
  });

  test('a deletion that outlasts the timeout is the wait error, and nothing is created', async () => {
    const { ctx, world } = fakeContext();
    world.tables.set('upload_metadata', { keys: ['bucket', 'object_key'], status: 'DELETING', tags: {}, items: new Map() });
    const timedOut = new LabError('WaitTimedOut', 'Gave up waiting for table upload_metadata to finish deleting', 'rerun with a longer --timeout', 'aws');
    world.failNext('dynamodb.waitForTableGone', timedOut);
    await assert.rejects(tableStep.apply(ctx), timedOut);
    assert.ok(!world.calls.includes('dynamodb.createTable'));
    assert.equal(ctx.state.created('table'), undefined);
  });
});

describe("the code probe and the function's states", () => {
  test('AccessDenied inside the function right after setup (IAM propagating) is retried with backoff, then passes', async () => {
    const { ctx, world, clock } = await builtLab();
    let denials = 3;
    world.onInvoke = () => {
      // After three denials the policy has "arrived": the fake's own handler (which writes the item) runs.
      if (--denials === 0) delete world.onInvoke;
      return { functionError: 'Unhandled', payload: denied };
    };
    const result = await codeStep.check(ctx);
    assert.equal(result.ok, true, result.detail);
    assert.equal(world.calls.filter((c) => c === 'lambda.invoke').length, 4);
    assert.deepEqual(clock.slept, [1000, 2000, 4000], 'backoff doubles');
  });

  test('an AccessDenied that outlasts the timeout fails the check and says it is not propagation', async () => {
    const { ctx, world, clock } = await builtLab();
    world.onInvoke = () => ({ functionError: 'Unhandled', payload: denied });
    const result = await codeStep.check(ctx);
    assert.equal(result.ok, false);
    assert.match(result.detail, /AccessDeniedException: .*dynamodb:PutItem \(still denied after 30 s: not IAM propagation/);
    assert.ok(clock.slept.reduce((a, b) => a + b, 0) <= ctx.timeoutMs, 'the retries stay within the timeout');
  });

  test('another function error is reported at once, without retrying', async () => {
    const { ctx, world, clock } = await builtLab();
    world.onInvoke = () => ({ functionError: 'Unhandled', payload: JSON.stringify({ errorType: 'TypeError', errorMessage: 'boom' }) });
    const result = await codeStep.check(ctx);
    assert.equal(result.detail, 'the function failed on a test upload event: TypeError: boom');
    assert.deepEqual(clock.slept, []);
  });

  test('an Inactive function: the refused invocation wakes it (Pending), the probe waits for Active and invokes again', async () => {
    const { ctx, world } = await builtLab();
    const fn = world.functions.get('lab-fn')!;
    fn.state = 'Inactive';
    world.failNext('lambda.invoke', Object.assign(awsError('ResourceConflictException', 'The operation cannot be performed at this time. The function is currently in the following state: Inactive', 409)));
    const wake = world.calls.length;
    // The fake's invoke throws the queued error before touching state: model Lambda's wake-up on the refusal.
    const original = ctx.lambda.invoke.bind(ctx.lambda);
    ctx.lambda = { ...ctx.lambda, invoke: async (name, payload) => original(name, payload).catch((error: unknown) => ((fn.state = 'Pending'), Promise.reject(error))) };
    const result = await codeStep.check(ctx);
    assert.equal(result.ok, true, result.detail);
    const after = world.calls.slice(wake);
    assert.deepEqual(after.filter((c) => c === 'lambda.invoke' || c === 'lambda.waitActive'), ['lambda.invoke', 'lambda.waitActive', 'lambda.invoke']);
  });
});
