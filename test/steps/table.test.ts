import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LabError } from '../../src/errors.js';
import { tableStep } from '../../src/steps/table.js';
import { awsError, fakeContext } from './fakes.js';

describe('table step', () => {
  test('creates the table with the composite key, records it before creating, and waits for ACTIVE', async () => {
    const { ctx, world } = fakeContext();
    world.failNext('dynamodb.waitForTableActive', new Error('interrupted'));
    await assert.rejects(tableStep.apply(ctx), /interrupted/);
    // Killed while waiting: the table exists and the state file knows it.
    assert.equal(ctx.state.created('table'), 'upload_metadata');
    assert.deepEqual(world.tables.get('upload_metadata')?.keys, ['bucket', 'object_key']);
    assert.deepEqual(world.tables.get('upload_metadata')?.tags, { 'upload-lab': 'true' });
  });

  test('a rerun reuses the table, and its check passes', async () => {
    const { ctx } = fakeContext();
    assert.equal((await tableStep.apply(ctx))[0]?.action, 'create');
    assert.deepEqual(await tableStep.plan(ctx), [{ action: 'reuse', resource: 'table upload_metadata' }]);
    assert.equal((await tableStep.apply(ctx))[0]?.action, 'reuse');
    assert.equal((await tableStep.check(ctx)).ok, true);
  });

  test('a failed create is not left recorded', async () => {
    const { ctx, world } = fakeContext();
    world.failNext('dynamodb.createTable', awsError('LimitExceededException'));
    await assert.rejects(tableStep.apply(ctx), { name: 'LimitExceededException' });
    assert.equal(ctx.state.created('table'), undefined);
  });

  test('a table with the wrong sort key fails the check, and apply refuses with a fix', async () => {
    const { ctx, world } = fakeContext();
    world.tables.set('upload_metadata', { keys: ['bucket', 'objectKey'], status: 'ACTIVE', tags: {}, items: new Map() });
    const result = await tableStep.check(ctx);
    assert.equal(result.ok, false);
    assert.match(result.detail, /sort key is "objectKey", not "object_key"/);
    await assert.rejects(tableStep.apply(ctx), (error: unknown) => error instanceof LabError && error.code === 'TableKeyMismatch' && /--table/.test(error.fix ?? ''));
  });

  test('a missing table fails the check, saying so', async () => {
    const { ctx } = fakeContext();
    assert.deepEqual(await tableStep.check(ctx), { ok: false, detail: 'table upload_metadata does not exist in us-east-1' });
  });

  test('remove deletes only a recorded table, and keeps one that lost the lab tag', async () => {
    const { ctx, world } = fakeContext();
    world.tables.set('upload_metadata', { keys: ['bucket', 'object_key'], status: 'ACTIVE', tags: { team: 'x' }, items: new Map() });
    assert.deepEqual(await tableStep.remove(ctx), []);
    ctx.state.record('table', 'upload_metadata');
    const [change] = await tableStep.remove(ctx);
    assert.equal(change?.action, 'keep');
    assert.ok(world.tables.has('upload_metadata'));
    assert.equal(ctx.state.created('table'), undefined);
  });

  test('remove of a table already gone says so and forgets it', async () => {
    const { ctx } = fakeContext();
    ctx.state.record('table', 'upload_metadata');
    assert.deepEqual(await tableStep.remove(ctx), [{ action: 'remove', resource: 'table upload_metadata', reason: 'already gone' }]);
    assert.ok(ctx.state.empty);
  });
});
