import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateFunctionCommand, GetFunctionConfigurationCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { rejection } from '../helpers/reference.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { createRole, zipOf } from './lambda-support.js';

// "To pass a role (and its permissions) to an AWS service, a user must have permissions to pass the
// role to the service" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html):
// Lambda passes the role both when a function is created with it and when its configuration is
// changed to it.
const ALLOWED = 'pass-allowed';
const OTHER = 'pass-other';
const learnerPolicy = {
  Version: '2012-10-17' as const,
  Statement: [
    { Effect: 'Allow' as const, Action: ['lambda:*', 'iam:CreateRole', 'iam:PutRolePolicy'], Resource: '*' },
    { Effect: 'Allow' as const, Action: 'iam:PassRole', Resource: `arn:aws:iam::000000000000:role/${ALLOWED}` },
  ],
};

describe('a restricted learner passing a role to Lambda', () => {
  let t: TestSandbox;
  let allowed: string;
  let other: string;
  before(async () => {
    t = await startTestSandbox({ learnerPolicy });
    allowed = await createRole(t.clients, ALLOWED);
    other = await createRole(t.clients, OTHER);
  });
  after(() => t.stop());

  const denied = (role: string) => `User: arn:aws:iam::000000000000:user/upload-lab-learner is not authorized to perform: iam:PassRole on resource: ${role} because no identity-based policy allows the iam:PassRole action`;
  const code = { ZipFile: zipOf({ 'index.mjs': 'export const handler = async () => 1;' }) };

  it('needs iam:PassRole on the role to create a function with it', async () => {
    const error = await rejection(t.clients.lambda.send(new CreateFunctionCommand({ FunctionName: 'with-other', Role: other, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: code })));
    assert.equal((error as Error).name, 'AccessDeniedException');
    assert.equal((error as Error).message, denied(other));
  });

  it('needs iam:PassRole on the new role to change a function to it, and changes nothing when refused', async () => {
    await t.clients.lambda.send(new CreateFunctionCommand({ FunctionName: 'switching', Role: allowed, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: code }));
    await waitUntilFunctionActiveV2({ client: t.clients.lambda, maxWaitTime: 30 }, { FunctionName: 'switching' });
    const error = await rejection(t.clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'switching', Role: other })));
    assert.equal((error as Error).name, 'AccessDeniedException');
    assert.equal((error as Error).message, denied(other));
    assert.equal((await t.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'switching' }))).Role, allowed);
    // A change that hands over a role the learner may pass goes through.
    await t.clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'switching', Role: allowed, Description: 'still allowed' }));
    await waitUntilFunctionUpdatedV2({ client: t.clients.lambda, maxWaitTime: 30 }, { FunctionName: 'switching' });
    assert.equal((await t.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'switching' }))).Description, 'still allowed');
  });
});
