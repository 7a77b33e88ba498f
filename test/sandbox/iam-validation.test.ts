import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreatePolicyCommand, CreateRoleCommand, GetPolicyCommand, PutRolePolicyCommand, TagRoleCommand, type IAMClient, type Tag } from '@aws-sdk/client-iam';
import { rejection } from '../helpers/reference.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const STATEMENT = { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::example_bucket' };

/** IAM's wire error code is the SDK error's `Code`; `name` is the modelled shape. */
function assertIamError(error: unknown, code: string, message: string): void {
  const e = error as { Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  assert.equal(e.Code, code);
  assert.equal(e.$metadata?.httpStatusCode, 400);
  assert.equal(e.message, message);
}

describe('sandbox IAM: policy versions, policy answers and tag limits as IAM has them', () => {
  let t: TestSandbox;
  let iam: IAMClient;
  before(async () => {
    t = await startTestSandbox();
    iam = t.clients.iam;
    await iam.send(new CreateRoleCommand({ RoleName: 'validation-role', AssumeRolePolicyDocument: TRUST }));
  });
  after(() => t.stop());

  // IAM answers a document without Version, or with the 2008 language, this way (moto's IAM test suite,
  // written against AWS: tests/test_iam/test_iam_policies.py; "Version ... must be 2012-10-17" for
  // policy variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html).
  it('CreatePolicy and PutRolePolicy refuse an identity policy that is not version 2012-10-17', async () => {
    const message = 'Policy document must be version 2012-10-17 or greater.';
    for (const document of [{ Statement: STATEMENT }, { Version: '2008-10-17', Statement: STATEMENT }]) {
      const text = JSON.stringify(document);
      assertIamError(await rejection(iam.send(new CreatePolicyCommand({ PolicyName: 'old-language', PolicyDocument: text }))), 'MalformedPolicyDocument', message);
      assertIamError(await rejection(iam.send(new PutRolePolicyCommand({ RoleName: 'validation-role', PolicyName: 'old', PolicyDocument: text }))), 'MalformedPolicyDocument', message);
    }
  });

  it('trust policies may still say 2008-10-17', async () => {
    const trust2008 = JSON.stringify({ Version: '2008-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const created = await iam.send(new CreateRoleCommand({ RoleName: 'old-trust', AssumeRolePolicyDocument: trust2008 }));
    assert.equal(created.Role?.RoleName, 'old-trust');
  });

  // AWS's Policy data type: Description "is not included in the response to the CreatePolicy operation"
  // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Policy.html); GetPolicy lists Tags, empty or not.
  it('CreatePolicy does not echo Description; GetPolicy gives it, and Tags: [] when there are none', async () => {
    const document = JSON.stringify({ Version: '2012-10-17', Statement: STATEMENT });
    const created = await iam.send(new CreatePolicyCommand({ PolicyName: 'described', PolicyDocument: document, Description: 'lists one bucket' }));
    assert.equal(created.Policy?.Description, undefined);
    assert.equal(created.Policy?.Tags, undefined);
    const got = await iam.send(new GetPolicyCommand({ PolicyArn: created.Policy!.Arn! }));
    assert.equal(got.Policy?.Description, 'lists one bucket');
    assert.deepEqual(got.Policy?.Tags, []);
    const tagged = await iam.send(new CreatePolicyCommand({ PolicyName: 'tagged', PolicyDocument: document, Tags: [{ Key: 'lab', Value: 'upload' }] }));
    assert.deepEqual(tagged.Policy?.Tags, [{ Key: 'lab', Value: 'upload' }]);
    assert.deepEqual((await iam.send(new GetPolicyCommand({ PolicyArn: tagged.Policy!.Arn! }))).Policy?.Tags, [{ Key: 'lab', Value: 'upload' }]);
  });

  // IAM's Tag type: Key 1-128 and Value 0-256 characters of [\p{L}\p{Z}\p{N}_.:/=+\-@]; at most 50 tags
  // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Tag.html, .../API_TagRole.html). IAM reports
  // a broken constraint in its ValidationError wording; duplicate keys are InvalidInput.
  it('refuses tags IAM refuses: too many, keys or values too long, characters outside the pattern, keys twice', async () => {
    const tagRole = (Tags: Tag[]) => iam.send(new TagRoleCommand({ RoleName: 'validation-role', Tags }));
    const pattern = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]';
    const violation = (value: string, member: string, constraint: string) =>
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`;
    const longKey = 'k'.repeat(129);
    assertIamError(await rejection(tagRole([{ Key: longKey, Value: 'v' }])), 'ValidationError', violation(longKey, 'tags.1.member.key', 'Member must have length less than or equal to 128'));
    const longValue = 'v'.repeat(257);
    assertIamError(
      await rejection(tagRole([{ Key: 'ok', Value: 'v' }, { Key: 'long', Value: longValue }])),
      'ValidationError',
      violation(longValue, 'tags.2.member.value', 'Member must have length less than or equal to 256'),
    );
    assertIamError(await rejection(tagRole([{ Key: 'semi;colon', Value: 'v' }])), 'ValidationError', violation('semi;colon', 'tags.1.member.key', `Member must satisfy regular expression pattern: ${pattern}+`));
    assertIamError(await rejection(tagRole([{ Key: 'k', Value: 'a#b' }])), 'ValidationError', violation('a#b', 'tags.1.member.value', `Member must satisfy regular expression pattern: ${pattern}*`));
    assertIamError(
      await rejection(tagRole([{ Key: 'Lab', Value: '1' }, { Key: 'lab', Value: '2' }])),
      'InvalidInput',
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    );
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const tooMany = (await rejection(tagRole(many))) as { Code?: string; message?: string };
    assert.equal(tooMany.Code, 'ValidationError');
    assert.match(tooMany.message ?? '', /^1 validation error detected: Value '\[.*\]' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50$/);
    // What the pattern allows: letters and numbers of any script, spaces, and _.:/=+-@; an empty value.
    await tagRole([{ Key: 'Prüfung 1_.:/=+-@', Value: '' }, { Key: 'x'.repeat(128), Value: 'v'.repeat(256) }]);
  });
});
