import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { sdkServices } from '../../src/aws/sdk-services.js';
import { startTestSandbox } from '../helpers/sandbox.js';

test("a role's policies are read to the end: IAM answers lists in pages of 100", { timeout: 60_000 }, async () => {
  const sandbox = await startTestSandbox();
  try {
    const { iam } = sandbox.clients;
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    await iam.send(new CreateRoleCommand({ RoleName: 'many-policies', AssumeRolePolicyDocument: JSON.stringify(trust) }));
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    for (let i = 0; i < 105; i++) await iam.send(new PutRolePolicyCommand({ RoleName: 'many-policies', PolicyName: `p${i}`, PolicyDocument: document }));
    const policies = await sdkServices(sandbox.clients).iam.rolePolicies('many-policies');
    assert.equal(policies.length, 105);
  } finally {
    await sandbox.stop();
  }
});
