import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { labRolePolicy, permissionsStep } from '../../src/steps/permissions.js';
import { fakeContext } from './fakes.js';

const fn = (role: string) => ({
  arn: 'arn:aws:lambda:us-east-1:000000000000:function:lab-fn',
  role: `arn:aws:iam::000000000000:role/${role}`,
  handler: 'index.handler',
  runtime: 'nodejs22.x',
  codeSha256: 'x',
  environment: {},
  state: 'Active',
  lastUpdateStatus: 'Successful',
  tags: {},
});

describe('permissions step', () => {
  test('creates the role (tagged) and the one least-privilege inline policy, both recorded', async () => {
    const { ctx, world } = fakeContext();
    const changes = await permissionsStep.apply(ctx);
    assert.deepEqual(changes.map((c) => c.action), ['create', 'create']);
    assert.deepEqual(world.roles.get('lab-role')?.tags, { 'upload-lab': 'true' });
    assert.deepEqual([...world.roles.get('lab-role')!.policies.keys()], ['upload-lab-least-privilege']);
    assert.equal(ctx.state.created('role'), 'lab-role');
    assert.equal(ctx.state.created('rolePolicy'), 'lab-role/upload-lab-least-privilege');
  });

  test('the policy grants PutItem on the table ARN only, and logs on the function\'s group only', () => {
    const policy = labRolePolicy({ region: 'eu-west-1', account: '123456789012', table: 't1', function: 'f1' });
    assert.deepEqual(policy.Statement, [
      { Sid: 'SaveUploadMetadata', Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: 'arn:aws:dynamodb:eu-west-1:123456789012:table/t1' },
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: ['arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f1', 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f1:*'],
      },
    ]);
  });

  test('a rerun changes nothing; a policy edited by hand is put back', async () => {
    const { ctx, world } = fakeContext();
    await permissionsStep.apply(ctx);
    assert.deepEqual((await permissionsStep.apply(ctx)).map((c) => c.action), ['reuse', 'reuse']);
    world.roles.get('lab-role')!.policies.set('upload-lab-least-privilege', { Statement: [] });
    assert.deepEqual((await permissionsStep.plan(ctx)).map((c) => c.action), ['reuse', 'change']);
    assert.deepEqual((await permissionsStep.apply(ctx)).map((c) => c.action), ['reuse', 'change']);
  });

  test('check evaluates the fetched policies locally when the caller may not simulate', async () => {
    const { ctx, world } = fakeContext();
    await permissionsStep.apply(ctx);
    world.functions.set('lab-fn', fn('lab-role'));
    const result = await permissionsStep.check(ctx);
    assert.equal(result.ok, true);
    assert.match(result.detail, /local policy evaluation/);
    assert.deepEqual(result.warnings, []);
    assert.ok(world.calls.includes('iam.simulate'));
  });

  test('a role without PutItem fails, naming the action and the table ARN', async () => {
    const { ctx, world } = fakeContext();
    world.roles.set('hand-role', { tags: {}, policies: new Map([['logs', { Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/lab-fn:*' }] }]]) });
    world.functions.set('lab-fn', fn('hand-role'));
    const result = await permissionsStep.check(ctx);
    assert.equal(result.ok, false);
    assert.match(result.detail, /role hand-role is not allowed dynamodb:PutItem on arn:aws:dynamodb:us-east-1:000000000000:table\/upload_metadata/);
  });

  test('over-broad grants pass with a warning that teaches least privilege', async () => {
    const { ctx, world } = fakeContext();
    world.roles.set('broad', { tags: {}, policies: new Map([['everything', { Statement: [{ Sid: 'All', Effect: 'Allow', Action: ['dynamodb:*', 'logs:*'], Resource: '*' }] }]]) });
    world.functions.set('lab-fn', fn('broad'));
    const result = await permissionsStep.check(ctx);
    assert.equal(result.ok, true);
    assert.ok(result.warnings?.some((w) => /dynamodb:\*/.test(w) && /Resource "\*"/.test(w) && /allow only dynamodb:PutItem on arn:aws:dynamodb/.test(w)), String(result.warnings));
  });

  test('check without a function says there is no role to check', async () => {
    const { ctx } = fakeContext();
    assert.match((await permissionsStep.check(ctx)).detail, /function lab-fn does not exist/);
  });

  test('remove deletes the recorded policy and role, and only those', async () => {
    const { ctx, world } = fakeContext();
    world.roles.set('other', { tags: {}, policies: new Map() });
    await permissionsStep.apply(ctx);
    const removed = await permissionsStep.remove(ctx);
    assert.deepEqual(removed.map((c) => `${c.action} ${c.resource}`), ['remove inline policy upload-lab-least-privilege on lab-role', 'remove role lab-role']);
    assert.deepEqual([...world.roles.keys()], ['other']);
    assert.deepEqual(await permissionsStep.remove(ctx), []);
  });
});
