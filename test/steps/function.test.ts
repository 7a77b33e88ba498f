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
    assert.match(result.detail, /"incoming\/upload-lab-probe-[0-9a-f]{12}\/a b\+c ünï ß%41\.txt" was saved to upload_metadata under that exact key/);
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

  /** The probe's event record, and a writer that stores `item(record)` as a learner's handler would. */
  type ProbeRecord = { s3: { bucket: { name: string }; object: { key: string; size: number; eTag: string; sequencer: string } }; eventTime: string; eventName: string };
  const storing = (world: Awaited<ReturnType<typeof withRoleAndTable>>['world'], item: (r: ProbeRecord) => Record<string, unknown>) => (payload: string) => {
    const record = (JSON.parse(payload) as { Records: ProbeRecord[] }).Records[0]!;
    const stored = item(record);
    world.tables.get('upload_metadata')!.items.set(`${String(stored.bucket)}|${String(stored.object_key)}`, stored);
    return { functionError: undefined, payload: 'null' };
  };
  const lessonItem = (r: ProbeRecord) => ({ bucket: r.s3.bucket.name, object_key: r.s3.object.key, size: r.s3.object.size, etag: r.s3.object.eTag, event_time: r.eventTime, event_name: r.eventName, sequencer: r.s3.object.sequencer });

  test('a key stored as the event carries it (URL-encoded) fails, saying what was stored and what should have been, with the Python fix', async () => {
    const { ctx, world } = await withRoleAndTable();
    await envStep.apply(ctx);
    Object.assign(world.functions.get('lab-fn')!, { runtime: 'python3.13', handler: 'lambda_function.lambda_handler' });
    world.onInvoke = storing(world, lessonItem);
    const result = await codeStep.check(ctx);
    assert.equal(result.ok, false);
    assert.match(result.detail, /stored the key still URL-encoded, as the event carries it: object_key "incoming\/upload-lab-probe-[0-9a-f]{12}\/a\+b%2Bc\+%C3%BCn%C3%AF\+%C3%9F%2541\.txt", where it should be "incoming\/upload-lab-probe-[0-9a-f]{12}\/a b\+c ünï ß%41\.txt"/);
    assert.match(result.hint!, /Python \(lambda_function\.py\): `key = urllib\.parse\.unquote_plus\(record\['s3'\]\['object'\]\['key'\]\)`/);
    assert.match(result.hint!, /Console: Lambda > Functions > lab-fn > Code, edit lambda_function\.py, then Deploy\. AWS CLI: `zip function\.zip lambda_function\.py && aws lambda update-function-code --function-name lab-fn --zip-file fileb:\/\/function\.zip`/);
    assert.doesNotMatch(result.hint!, /decodeURIComponent/);
    assert.equal(world.tables.get('upload_metadata')!.items.size, 0, 'the wrongly keyed probe item is removed too');
  });

  test('a key decoded without the + rule fails the same way; the Node.js fix is decodeURIComponent after replacing +', async () => {
    const { ctx, world } = await withRoleAndTable();
    await envStep.apply(ctx);
    world.onInvoke = storing(world, (r) => ({ ...lessonItem(r), object_key: decodeURIComponent(r.s3.object.key) }));
    const result = await codeStep.check(ctx);
    assert.match(result.detail, /stored the key decoded differently from unquote_plus: object_key "incoming\/upload-lab-probe-[0-9a-f]{12}\/a\+b\+c\+ünï\+ß%41\.txt"/);
    assert.match(result.hint!, /Node\.js \(index\.mjs \(or \.js\)\): `const key = decodeURIComponent\(record\.s3\.object\.key\.replace\(\/\\\+\/g, ' '\)\)`/);
  });

  test('size stored as a String fails with its own hint; a missing sequencer with another', async () => {
    const { ctx, world } = await withRoleAndTable();
    await envStep.apply(ctx);
    world.onInvoke = storing(world, (r) => ({ ...lessonItem(r), object_key: decodeURIComponent(r.s3.object.key.replaceAll('+', ' ')), size: String(r.s3.object.size) }));
    const size = await codeStep.check(ctx);
    assert.match(size.detail, /has size as S "\d+", where it should be a Number \(N\)/);
    assert.match(size.hint!, /^Store size as a Number \(N\), not a String: .*\{ N: String\(size\) \}.*`size: record\.s3\.object\.size`/);
    world.onInvoke = storing(world, (r) => {
      const { sequencer: _dropped, ...rest } = { ...lessonItem(r), object_key: decodeURIComponent(r.s3.object.key.replaceAll('+', ' ')) };
      return rest;
    });
    const sequencer = await codeStep.check(ctx);
    assert.match(sequencer.detail, /the function's item for a test event has no sequencer/);
    assert.match(sequencer.hint!, /^Add sequencer to the item\. Node\.js \(index\.mjs \(or \.js\)\): `sequencer: record\.s3\.object\.sequencer`/);
  });
});
