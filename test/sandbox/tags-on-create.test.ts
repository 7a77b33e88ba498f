import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreatePolicyCommand } from '@aws-sdk/client-iam';
import { rejection } from '../helpers/reference.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// Tags given to a create call are authorised as a second action (the service's tagging action), as on
// AWS: a restricted learner allowed to create, not to tag, is refused a tagged creation.
const learnerPolicy = {
  Version: '2012-10-17' as const,
  Statement: [{ Effect: 'Allow' as const, Action: ['iam:CreatePolicy', 'logs:CreateLogGroup'], Resource: '*' }],
};
const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] });

describe('tags at creation need the tagging action too', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox({ learnerPolicy });
  });
  after(() => t.stop());

  it('CreatePolicy with Tags needs iam:TagPolicy; without them it goes through', async () => {
    const error = (await rejection(t.clients.iam.send(new CreatePolicyCommand({ PolicyName: 'tagged', PolicyDocument: document, Tags: [{ Key: 'k', Value: 'v' }] })))) as Error;
    assert.equal(error.name, 'AccessDenied');
    assert.match(error.message, /is not authorized to perform: iam:TagPolicy on resource: arn:aws:iam::000000000000:policy\/tagged/);
    const created = await t.clients.iam.send(new CreatePolicyCommand({ PolicyName: 'untagged', PolicyDocument: document }));
    assert.equal(created.Policy?.PolicyName, 'untagged');
  });

  it('CreateLogGroup with tags needs logs:TagResource; without them it goes through', async () => {
    const error = (await rejection(t.clients.logs.send(new CreateLogGroupCommand({ logGroupName: '/tagged', tags: { k: 'v' } })))) as Error;
    assert.equal(error.name, 'AccessDeniedException');
    assert.match(error.message, /is not authorized to perform: logs:TagResource on resource: arn:aws:logs:us-east-1:000000000000:log-group:\/tagged/);
    await t.clients.logs.send(new CreateLogGroupCommand({ logGroupName: '/untagged' }));
  });
});
