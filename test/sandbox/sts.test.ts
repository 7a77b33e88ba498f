import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { rawRequest } from '../helpers/reference.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// The recorded sts.json cases are about role sessions (a function's GetCallerIdentity, AssumeRole);
// the sandbox hands role credentials only to functions, so those are held by the Lambda tests.
describe('sandbox STS', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox();
  });
  after(() => t.stop());

  it('GetCallerIdentity answers the learner as the account root, in every region', async () => {
    for (const sts of [t.clients.sts, t.clientsIn('eu-west-1').sts]) {
      const me = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(me.Account, '000000000000');
      assert.equal(me.UserId, '000000000000');
      assert.equal(me.Arn, 'arn:aws:iam::000000000000:root');
    }
  });

  it('answers an operation it does not serve with InvalidAction in the Query error shape', async () => {
    await assert.rejects(t.clients.sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/r', RoleSessionName: 's' })), (error: unknown) => {
      const e = error as { Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      assert.equal(e.Code, 'InvalidAction');
      assert.equal(e.$metadata?.httpStatusCode, 400);
      assert.equal(e.message, 'Could not find operation AssumeRole for version 2011-06-15');
      return true;
    });
    const raw = await rawRequest(t.endpoint, {
      service: 'sts',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetSessionToken&Version=2011-06-15',
    });
    assert.equal(raw.status, 400);
    assert.match(raw.text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/);
    assert.ok(raw.headers.get('x-amzn-requestid'));
  });
});
