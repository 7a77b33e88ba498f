import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { codeStep } from '../../src/steps/code.js';
import { envStep } from '../../src/steps/env.js';
import { permissionsStep } from '../../src/steps/permissions.js';
import { tableStep } from '../../src/steps/table.js';
import { awsError, fakeContext } from './fakes.js';

const roleNotReady = () => awsError('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.');
const inProgress = () => awsError('ResourceConflictException', 'The operation cannot be performed at this time. An update is in progress for resource: arn', 409);

async function withRoleAndTable() {
  const lab = fakeContext();
  await tableStep.apply(lab.ctx);
  await permissionsStep.apply(lab.ctx);
  return lab;
}

describe('env step (creates the function)', () => {
  test('retries "role cannot be assumed" with growing backoff, then records the function and waits for Active', async () => {
    const { ctx, world, clock } = await withRoleAndTable();
    world.failNext('lambda.createFunction', roleNotReady(), 3);
    assert.deepEqual((await envStep.apply(ctx)).map((c) => c.action), ['create']);
    assert.deepEqual(clock.slept, [1000, 2000, 4000]);
    const fn = world.functions.get('lab-fn')!;
    assert.equal(fn.state, 'Active');
    assert.deepEqual(fn.environment, { TABLE_NAME: 'upload_metadata' });
    assert.deepEqual(fn.tags, { 'upload-lab': 'true' });
    assert.equal(ctx.state.created('function'), 'lab-fn');
  });

  test('gives up after the timeout with the AWS error, leaving nothing recorded', async () => {
    const { ctx, world } = await withRoleAndTable();
    world.failNext('lambda.createFunction', roleNotReady(), 100);
    await assert.rejects(envStep.apply(ctx), { name: 'InvalidParameterValueException' });
    assert.equal(ctx.state.created('function'), undefined);
  });

  test('does not retry other errors', async () => {
    const { ctx, world, clock } = await withRoleAndTable();
    world.failNext('lambda.createFunction', awsError('CodeStorageExceededException'));
    await assert.rejects(envStep.apply(ctx), { name: 'CodeStorageExceededException' });
    assert.deepEqual(clock.slept, []);
  });

  test('fixes a missing TABLE_NAME, keeping the other variables, and waits out an update in progress', async () => {
    const { ctx, world } = await withRoleAndTable();
    await envStep.apply(ctx);
    world.functions.get('lab-fn')!.environment = { DEBUG: '1' };
    assert.equal((await envStep.check(ctx)).detail, 'function lab-fn has no TABLE_NAME variable');
    world.failNext('lambda.updateConfiguration', inProgress());
    assert.deepEqual((await envStep.apply(ctx)).map((c) => c.action), ['change']);
    assert.deepEqual(world.functions.get('lab-fn')!.environment, { DEBUG: '1', TABLE_NAME: 'upload_metadata' });
    assert.equal(world.calls.filter((c) => c === 'lambda.updateConfiguration').length, 2);
    assert.equal((await envStep.check(ctx)).ok, true);
  });

  test('check names a wrong TABLE_NAME', async () => {
    const { ctx, world } = await withRoleAndTable();
    await envStep.apply(ctx);
    world.functions.get('lab-fn')!.environment = { TABLE_NAME: 'other' };
    assert.equal((await envStep.check(ctx)).detail, 'TABLE_NAME is "other", but the table is "upload_metadata"');
  });
});

describe('code step', () => {
  test('skips an unchanged deploy (same CodeSha256) and deploys changed code', async () => {
    const { ctx, world } = await withRoleAndTable();
    await envStep.apply(ctx);
    assert.deepEqual(await codeStep.apply(ctx), [{ action: 'reuse', resource: 'code of lab-fn', reason: "already the lab's handler: same CodeSha256" }]);
    assert.ok(!world.calls.includes('lambda.updateCode'));
    world.functions.get('lab-fn')!.codeSha256 = 'hand-edited';
    assert.equal((await codeStep.plan(ctx))[0]?.action, 'change');
    assert.equal((await codeStep.apply(ctx))[0]?.action, 'change');
    assert.equal(world.functions.get('lab-fn')!.codeSha256, 'sha-of-v1');
  });

  test('the probe invokes with an S3 event, finds the item, and deletes it', async () => {
    const { ctx, world } = await withRoleAndTable();
    await envStep.apply(ctx);
    const result = await codeStep.check(ctx);
    assert.equal(result.ok, true, result.detail);
    assert.match(result.detail, /incoming\/upload-lab-probe-[0-9a-f]{12}\.txt/);
    assert.equal(world.tables.get('upload_metadata')!.items.size, 0);
    assert.ok(world.calls.includes('dynamodb.deleteItem'));
  });

  test('a function that throws fails the probe with its error', async () => {
    const { ctx, world } = await withRoleAndTable();
    await envStep.apply(ctx);
    world.onInvoke = () => ({ functionError: 'Unhandled', payload: '{"errorType":"AccessDeniedException","errorMessage":"not authorized to perform: dynamodb:PutItem"}' });
    const result = await codeStep.check(ctx);
    assert.equal(result.ok, false);
    assert.match(result.detail, /AccessDeniedException: not authorized to perform: dynamodb:PutItem/);
  });

  test('a function that does not write fails the probe', async () => {
    const { ctx, world } = await withRoleAndTable();
    await envStep.apply(ctx);
    world.onInvoke = () => ({ functionError: undefined, payload: 'null' });
    assert.match((await codeStep.check(ctx)).detail, /wrote no item to upload_metadata/);
  });
});
