import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { itemStep } from '../../src/steps/item.js';
import { logsStep } from '../../src/steps/logs.js';
import { fakeContext } from './fakes.js';

describe('logs step', () => {
  test('polls until the success line arrives after the upload', async () => {
    const { ctx, world, clock } = fakeContext();
    ctx.upload = { key: 'incoming/notes.txt', etag: 'e1', at: clock.now() };
    let polls = 0;
    const filter = ctx.logs.filterEvents;
    ctx.logs = {
      ...ctx.logs,
      async filterEvents(group, pattern, since) {
        if (++polls === 3) world.logs.set(group, ['Saved metadata for lab-bucket/incoming/notes.txt\n']);
        return filter(group, pattern, since);
      },
    };
    const result = await logsStep.check(ctx);
    assert.equal(result.ok, true);
    assert.deepEqual(clock.slept, [1000, 1000]);
  });

  test('times out with the function\'s own error line in the detail', async () => {
    const { ctx, world, clock } = fakeContext({ timeoutMs: 3000 });
    ctx.upload = { key: 'incoming/notes.txt', etag: 'e1', at: clock.now() };
    world.logs.set('/aws/lambda/lab-fn', ['ERROR Invoke Error {"errorType":"Error","errorMessage":"TABLE_NAME is not set"}']);
    const result = await logsStep.check(ctx);
    assert.equal(result.ok, false);
    assert.match(result.detail, /within 3 s of the upload; the log says: ERROR .*TABLE_NAME is not set/);
  });

  test('without an upload (--no-upload) asks once', async () => {
    const { ctx, clock } = fakeContext();
    assert.equal((await logsStep.check(ctx)).ok, false);
    assert.deepEqual(clock.slept, []);
  });

  test('remove deletes the log group of a function the lab created, and nothing otherwise', async () => {
    const { ctx, world } = fakeContext();
    world.logs.set('/aws/lambda/lab-fn', ['x']);
    assert.deepEqual(await logsStep.remove(ctx), []);
    ctx.state.record('function', 'lab-fn');
    assert.deepEqual(await logsStep.remove(ctx), [{ action: 'remove', resource: 'log group /aws/lambda/lab-fn' }]);
    assert.equal(world.logs.size, 0);
  });
});

describe('item step', () => {
  const item = { bucket: 'lab-bucket', object_key: 'incoming/notes.txt', size: 5, etag: 'new', event_time: 't', event_name: 'ObjectCreated:Put', sequencer: '01' };

  test('waits for the item of this upload (its etag), not an older one', async () => {
    const { ctx, world, clock } = fakeContext();
    world.tables.set('upload_metadata', { keys: ['bucket', 'object_key'], status: 'ACTIVE', tags: {}, items: new Map([['lab-bucket|incoming/notes.txt', { ...item, etag: 'old' }]]) });
    ctx.upload = { key: 'incoming/notes.txt', etag: 'new', at: clock.now() };
    const timedOut = await itemStep.check({ ...ctx, timeoutMs: 1000 });
    assert.match(timedOut.detail, /holds an older upload \(etag old\)/);
    world.tables.get('upload_metadata')!.items.set('lab-bucket|incoming/notes.txt', item);
    assert.equal((await itemStep.check(ctx)).ok, true);
  });

  test('an item without the metadata fields fails, naming them', async () => {
    const { ctx, world } = fakeContext();
    world.tables.set('upload_metadata', { keys: ['bucket', 'object_key'], status: 'ACTIVE', tags: {}, items: new Map([['lab-bucket|incoming/notes.txt', { bucket: 'lab-bucket', object_key: 'incoming/notes.txt', size: 1 }]]) });
    assert.match((await itemStep.check(ctx)).detail, /has no etag, event_time, event_name, sequencer/);
  });

  test('remove deletes the lab\'s items from a table the learner brought, and leaves a lab table to the table step', async () => {
    const { ctx, world } = fakeContext();
    world.tables.set('upload_metadata', { keys: ['bucket', 'object_key'], status: 'ACTIVE', tags: {}, items: new Map([['lab-bucket|incoming/notes.txt', item]]) });
    ctx.state.recordUpload('incoming/notes.txt');
    ctx.state.record('table', 'upload_metadata');
    assert.deepEqual(await itemStep.remove(ctx), []);
    ctx.state.forget('table');
    assert.equal((await itemStep.remove(ctx)).length, 1);
    assert.equal(world.tables.get('upload_metadata')!.items.size, 0);
  });
});
