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
        if (pattern.startsWith('"Saved') && ++polls === 3) world.logs.set(group, ['Saved metadata for lab-bucket/incoming/notes.txt\n']);
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

  test("stops waiting once the upload's invocation has finished without the line, and says what it logged", async () => {
    const { ctx, world, clock } = fakeContext({ timeoutMs: 90_000 });
    // The fake log's lines are stamped 0: the upload happened then too.
    ctx.upload = { key: 'incoming/notes.txt', etag: 'e1', at: 0 };
    world.logs.set('/aws/lambda/lab-fn', [
      // The code check's probe, just before: not the upload's.
      'START RequestId: p1 Version: $LATEST\n',
      'Saved metadata for lab-bucket/incoming/upload-lab-probe-0a1b2c3d4e5f/a b+c ünï ß%41.txt\n',
      'END RequestId: p1\n',
      'REPORT RequestId: p1\tDuration: 2.00 ms\t\n',
      'START RequestId: u1 Version: $LATEST\n',
      'stored incoming%2Fnotes.txt\n',
      'END RequestId: u1\n',
      'REPORT RequestId: u1\tDuration: 2.00 ms\t\n',
    ]);
    const result = await logsStep.check(ctx);
    assert.equal(result.ok, false);
    assert.equal(result.detail, 'the function ran for the upload (request u1) and finished without logging "Saved metadata for lab-bucket/incoming/notes.txt"; it logged: stored incoming%2Fnotes.txt');
    assert.deepEqual(clock.slept, [], 'no wait for a line that cannot come');
  });

  test("the probe's invocation alone does not end the wait", async () => {
    const { ctx, world, clock } = fakeContext({ timeoutMs: 3000 });
    ctx.upload = { key: 'incoming/notes.txt', etag: 'e1', at: 0 };
    world.logs.set('/aws/lambda/lab-fn', ['START RequestId: p1 Version: $LATEST\n', 'Saved metadata for lab-bucket/incoming/upload-lab-probe-0a1b2c3d4e5f/x.txt\n', 'END RequestId: p1\n', 'REPORT RequestId: p1\tDuration: 2.00 ms\t\n']);
    const result = await logsStep.check(ctx);
    assert.match(result.detail, /within 3 s of the upload/);
    assert.equal(clock.slept.length, 3);
  });

  test('without an upload (--no-upload) asks once', async () => {
    const { ctx, clock } = fakeContext();
    assert.equal((await logsStep.check(ctx)).ok, false);
    assert.deepEqual(clock.slept, []);
  });

  test('apply creates the log group tagged and recorded; an existing one is reused, not recorded', async () => {
    const { ctx, world } = fakeContext();
    assert.equal((await logsStep.apply(ctx))[0]?.action, 'create');
    assert.deepEqual(world.logTags.get('/aws/lambda/lab-fn'), { 'upload-lab': 'true' });
    assert.equal(ctx.state.created('logGroup'), '/aws/lambda/lab-fn');
    const other = fakeContext();
    other.world.logs.set('/aws/lambda/lab-fn', ['x']);
    assert.equal((await logsStep.apply(other.ctx))[0]?.action, 'reuse');
    assert.equal(other.ctx.state.created('logGroup'), undefined);
  });

  test('remove deletes the recorded, tagged log group; an untagged look-alike and an unrecorded group are kept', async () => {
    const { ctx, world } = fakeContext();
    world.logs.set('/aws/lambda/lab-fn', ['x']);
    ctx.state.record('function', 'lab-fn');
    assert.deepEqual(await logsStep.remove(ctx), []);
    ctx.state.record('logGroup', '/aws/lambda/lab-fn');
    const kept = await logsStep.remove(ctx);
    assert.equal(kept[0]?.action, 'keep');
    assert.match(kept[0]?.command ?? '', /^aws --region us-east-1 logs delete-log-group --log-group-name \/aws\/lambda\/lab-fn$/);
    assert.equal(world.logs.size, 1);
    world.logTags.set('/aws/lambda/lab-fn', { 'upload-lab': 'true' });
    ctx.state.record('logGroup', '/aws/lambda/lab-fn');
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
    assert.match((await itemStep.check(ctx)).detail, /has no etag; has no event_time; has no event_name; has no sequencer/);
  });

  test("stops waiting for the item once the upload's invocation has finished, saying what it logged", async () => {
    const { ctx, world, clock } = fakeContext({ timeoutMs: 90_000 });
    world.tables.set('upload_metadata', { keys: ['bucket', 'object_key'], status: 'ACTIVE', tags: {}, items: new Map() });
    ctx.upload = { key: 'incoming/notes.txt', etag: 'new', at: 0 };
    world.logs.set('/aws/lambda/lab-fn', ['START RequestId: u1 Version: $LATEST\n', '[ERROR] KeyError: \'TABLE_NAME\'\rTraceback (most recent call last):\n', 'END RequestId: u1\n', 'REPORT RequestId: u1\tDuration: 2.00 ms\t\n']);
    const result = await itemStep.check(ctx);
    assert.match(result.detail, /^no item upload_metadata \{bucket: lab-bucket, object_key: incoming\/notes\.txt\}: the function ran for the upload \(request u1\) and finished; it logged: \[ERROR\] KeyError: 'TABLE_NAME' Traceback/);
    assert.deepEqual(clock.slept, []);
  });

  test('remove deletes the lab\'s items from a table the learner brought and from the lab\'s own table (which goes only if nothing else is left in it)', async () => {
    for (const labTable of [false, true]) {
      const { ctx, world } = fakeContext();
      world.tables.set('upload_metadata', { keys: ['bucket', 'object_key'], status: 'ACTIVE', tags: {}, items: new Map([['lab-bucket|incoming/notes.txt', item]]) });
      ctx.state.recordUpload({ bucket: 'lab-bucket', key: 'incoming/notes.txt', table: 'upload_metadata' });
      if (labTable) ctx.state.record('table', 'upload_metadata');
      assert.deepEqual((await itemStep.remove(ctx)).filter((c) => c.resource.startsWith('item')).map((c) => c.action), ['remove']);
      assert.equal(world.tables.get('upload_metadata')!.items.size, 0);
    }
  });

  test('remove keeps an item a later upload rewrote (another etag) and an object the lab did not write, with the commands', async () => {
    const { ctx, world } = fakeContext();
    world.tables.set('upload_metadata', { keys: ['bucket', 'object_key'], status: 'ACTIVE', tags: {}, items: new Map([['lab-bucket|incoming/notes.txt', { ...item, etag: 'theirs' }]]) });
    world.buckets.set('lab-bucket', { tags: {}, notifications: {}, objects: new Map([['incoming/notes.txt', 'learner']]) });
    ctx.state.recordUpload({ bucket: 'lab-bucket', key: 'incoming/notes.txt', table: 'upload_metadata', etag: 'ours' });
    const changes = await itemStep.remove(ctx);
    assert.deepEqual(changes.map((c) => c.action), ['keep', 'keep']);
    assert.match(changes[0]!.command ?? '', /dynamodb delete-item --table-name upload_metadata/);
    assert.match(changes[1]!.command ?? '', /s3api delete-object --bucket lab-bucket --key incoming\/notes.txt/);
    assert.equal(world.tables.get('upload_metadata')!.items.size, 1);
    assert.equal(world.buckets.get('lab-bucket')!.objects.get('incoming/notes.txt'), 'learner');
    assert.deepEqual(ctx.state.uploads, []);
  });
});
