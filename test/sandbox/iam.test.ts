import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  SimulatePrincipalPolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  type IAMClient,
  type ListPoliciesCommandInput,
} from '@aws-sdk/client-iam';
import { createIamService } from '../../src/sandbox/services/iam.js';
import { StateDb } from '../../src/sandbox/state-db.js';
import type { World } from '../../src/sandbox/world.js';
import { answerKeys, assertErrorMatchesReference, assertMatchesRecorded, rawRequest, referenceCase } from '../helpers/reference.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/upload_metadata';
const PUT_ITEM = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE }] });
const BASIC_EXECUTION = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/** The keys a recorded answer has, without the SDK's metadata. */

/** Runs `call`, which must fail, and gives back the SDK's error. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

/** IAM's wire error code is the SDK error's `Code` (its `name` is the modelled shape, e.g. NoSuchEntityException). */
function assertAwsError(error: unknown, code: string, status: number, message: string): void {
  const e = error as { Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  assert.equal(e.Code, code);
  assert.equal(e.$metadata?.httpStatusCode, status);
  assert.equal(e.message, message);
}

describe('sandbox IAM', () => {
  let t: TestSandbox;
  let iam: IAMClient;
  before(async () => {
    t = await startTestSandbox();
    iam = t.clients.iam;
  });
  after(() => t.stop());

  const createRole = (RoleName: string, extra: Partial<ConstructorParameters<typeof CreateRoleCommand>[0]> = {}) =>
    iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: TRUST, ...extra }));

  describe('roles', () => {
    it('CreateRole answers with the recorded keys, the trust policy URL-encoded and an AROA id', async () => {
      const recorded = referenceCase('iam', 'iam.create_role.lambda_trust_policy').response.Role;
      const { Role } = await createRole('lab-create', { Path: '/service-role/' });
      assert.ok(Role);
      assert.deepEqual(answerKeys(Role), answerKeys(recorded));
      assert.equal(Role.Arn, 'arn:aws:iam::000000000000:role/service-role/lab-create');
      assertMatchesRecorded(recorded.Arn.replace('<path>', '/service-role/'), Role.Arn, 'Arn');
      assert.equal(Role.Path, '/service-role/');
      assert.match(Role.RoleId ?? '', /^AROA[A-Z2-7]{17}$/);
      assert.ok(Role.CreateDate instanceof Date && !Number.isNaN(Role.CreateDate.getTime()));
      assert.deepEqual(JSON.parse(decodeURIComponent(Role.AssumeRolePolicyDocument!)), recorded.AssumeRolePolicyDocument);
    });

    it('GetRole answers with the recorded keys, plus Description and Tags when the role has them', async () => {
      const recorded = referenceCase('iam', 'iam.get_role.response').response.Role;
      const created = await createRole('lab-get');
      const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'lab-get' }));
      assert.ok(Role);
      assert.deepEqual(answerKeys(Role), answerKeys(recorded));
      assert.equal(Role.MaxSessionDuration, recorded.MaxSessionDuration);
      assert.deepEqual(Role.RoleLastUsed, recorded.RoleLastUsed);
      assert.equal(Role.RoleId, created.Role?.RoleId);
      assert.equal(decodeURIComponent(Role.AssumeRolePolicyDocument!), TRUST);

      await createRole('lab-described', { Description: 'writes <metadata> & logs', MaxSessionDuration: 7200, Tags: [{ Key: 'lab', Value: 'upload' }] });
      const described = (await iam.send(new GetRoleCommand({ RoleName: 'lab-described' }))).Role!;
      assert.equal(described.Description, 'writes <metadata> & logs');
      assert.equal(described.MaxSessionDuration, 7200);
      assert.deepEqual(described.Tags, [{ Key: 'lab', Value: 'upload' }]);
    });

    it('refuses a second role with the same name, whatever its case', async () => {
      await createRole('lab-twice');
      for (const name of ['lab-twice', 'LAB-TWICE']) {
        assertAwsError(await failure(createRole(name)), 'EntityAlreadyExists', 409, `Role with name ${name} already exists.`);
      }
    });

    it('refuses a malformed trust policy as recorded, and a trust policy that names resources', async () => {
      assertErrorMatchesReference(
        await failure(iam.send(new CreateRoleCommand({ RoleName: 'lab-bad', AssumeRolePolicyDocument: '{"Version": "2012-10-17", "Statement": [' }))),
        referenceCase('iam', 'iam.create_role.malformed_trust_policy'),
      );
      const withResource = JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole', Resource: '*' }] });
      assertAwsError(
        await failure(iam.send(new CreateRoleCommand({ RoleName: 'lab-bad', AssumeRolePolicyDocument: withResource }))),
        'MalformedPolicyDocument',
        400,
        'Has prohibited field Resource',
      );
      await assert.rejects(iam.send(new GetRoleCommand({ RoleName: 'lab-bad' })), { Code: 'NoSuchEntity' });
    });

    it('answers missing or invalid parameters with ValidationError in AWS wording', async () => {
      assertAwsError(
        await failure(iam.send(new CreateRoleCommand({ RoleName: 'lab-no-trust' } as never))),
        'ValidationError',
        400,
        "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null",
      );
      assertAwsError(
        await failure(createRole('lab role')),
        'ValidationError',
        400,
        "1 validation error detected: Value 'lab role' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
      );
      assertAwsError(
        await failure(createRole('lab-short', { MaxSessionDuration: 60 })),
        'ValidationError',
        400,
        "1 validation error detected: Value '60' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600",
      );
      await assert.rejects(createRole('lab-path', { Path: 'no-slashes' }), { Code: 'ValidationError' });
    });

    it('answers an unknown role with NoSuchEntity, as AWS answers a missing principal', async () => {
      const recorded = referenceCase('iam', 'iam.no_such_entity.user_not_found').response;
      for (const call of [
        iam.send(new GetRoleCommand({ RoleName: 'lab-ghost' })),
        iam.send(new DeleteRoleCommand({ RoleName: 'lab-ghost' })),
        iam.send(new PutRolePolicyCommand({ RoleName: 'lab-ghost', PolicyName: 'p', PolicyDocument: PUT_ITEM })),
      ]) {
        const error = await failure(call);
        assertAwsError(error, recorded.Error.Code, recorded.ResponseMetadata.HTTPStatusCode, 'The role with name lab-ghost cannot be found.');
      }
    });

    it('ListRoles filters by PathPrefix and pages with Marker and MaxItems', async () => {
      for (const name of ['lab-page-a', 'lab-page-b', 'lab-page-c']) await createRole(name, { Path: '/paged/' });
      const first = await iam.send(new ListRolesCommand({ PathPrefix: '/paged/', MaxItems: 2 }));
      assert.deepEqual(first.Roles?.map((r) => r.RoleName), ['lab-page-a', 'lab-page-b']);
      assert.equal(first.IsTruncated, true);
      assert.ok(first.Marker);
      const second = await iam.send(new ListRolesCommand({ PathPrefix: '/paged/', MaxItems: 2, Marker: first.Marker }));
      assert.deepEqual(second.Roles?.map((r) => r.RoleName), ['lab-page-c']);
      assert.equal(second.IsTruncated, false);
      assert.equal(second.Marker, undefined);
      assert.equal(second.Roles?.[0]?.Arn, 'arn:aws:iam::000000000000:role/paged/lab-page-c');
      assert.equal(second.Roles?.[0]?.RoleLastUsed, undefined, 'ListRoles leaves RoleLastUsed out');
      const all = await iam.send(new ListRolesCommand({}));
      assert.ok((all.Roles ?? []).some((r) => r.RoleName === 'lab-get'));
      assert.deepEqual((await iam.send(new ListRolesCommand({ PathPrefix: '/nothing-here/' }))).Roles, []);
    });

    it('TagRole adds and replaces tags, UntagRole removes them, ListRoleTags lists them in order', async () => {
      await createRole('lab-tags', { Tags: [{ Key: 'a', Value: '1' }] });
      await iam.send(new TagRoleCommand({ RoleName: 'lab-tags', Tags: [{ Key: 'b', Value: '2' }, { Key: 'a', Value: 'one' }] }));
      assert.deepEqual((await iam.send(new ListRoleTagsCommand({ RoleName: 'lab-tags' }))).Tags, [
        { Key: 'a', Value: 'one' },
        { Key: 'b', Value: '2' },
      ]);
      await iam.send(new UntagRoleCommand({ RoleName: 'lab-tags', TagKeys: ['a', 'absent'] }));
      const listed = await iam.send(new ListRoleTagsCommand({ RoleName: 'lab-tags' }));
      assert.deepEqual(listed.Tags, [{ Key: 'b', Value: '2' }]);
      assert.equal(listed.IsTruncated, false);
      await assert.rejects(iam.send(new TagRoleCommand({ RoleName: 'lab-ghost', Tags: [{ Key: 'a', Value: '1' }] })), { Code: 'NoSuchEntity' });
    });
  });

  describe('inline and attached policies', () => {
    before(() => createRole('lab-fn'));

    it('PutRolePolicy then GetRolePolicy gives the document back URL-encoded, as written', async () => {
      const recorded = referenceCase('iam', 'iam.get_role_policy.response').response;
      await iam.send(new PutRolePolicyCommand({ RoleName: 'lab-fn', PolicyName: 'write-metadata', PolicyDocument: PUT_ITEM }));
      const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'lab-fn', PolicyName: 'write-metadata' }));
      assert.deepEqual(answerKeys(got), answerKeys(recorded));
      assert.equal(got.RoleName, 'lab-fn');
      assert.equal(got.PolicyName, 'write-metadata');
      assert.equal(decodeURIComponent(got.PolicyDocument!), PUT_ITEM);

      const raw = await rawRequest(t.endpoint, {
        service: 'iam',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'Action=GetRolePolicy&Version=2010-05-08&RoleName=lab-fn&PolicyName=write-metadata',
      });
      assert.equal(raw.status, 200);
      assert.ok(raw.text.includes(`<PolicyDocument>${encodeURIComponent(PUT_ITEM)}</PolicyDocument>`), raw.text);
    });

    it('keeps percent-encoded characters that were part of the policy (recorded encoded_characters case)', async () => {
      const recorded = referenceCase('iam', 'iam.get_role_policy.encoded_characters').response.PolicyDocument;
      const resource = recorded.Statement[0].Resource[0].replaceAll('<region>', 'us-east-1').replace('arn:<partition>:', 'arn:aws:');
      const text = JSON.stringify({ ...recorded, Statement: [{ ...recorded.Statement[0], Resource: [resource] }] });
      await iam.send(new PutRolePolicyCommand({ RoleName: 'lab-fn', PolicyName: 'encoded', PolicyDocument: text }));
      const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'lab-fn', PolicyName: 'encoded' }));
      const document = JSON.parse(decodeURIComponent(got.PolicyDocument!));
      assert.equal(document.Statement[0].Resource[0], resource);
      assert.match(resource, /%3A.*%2F/);
      await iam.send(new DeleteRolePolicyCommand({ RoleName: 'lab-fn', PolicyName: 'encoded' }));
    });

    it('refuses identity policies IAM would refuse', async () => {
      const noResource = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem' }] });
      assertAwsError(
        await failure(iam.send(new PutRolePolicyCommand({ RoleName: 'lab-fn', PolicyName: 'bad', PolicyDocument: noResource }))),
        'MalformedPolicyDocument',
        400,
        'Policy statement must contain resources.',
      );
      assertAwsError(
        await failure(iam.send(new PutRolePolicyCommand({ RoleName: 'lab-fn', PolicyName: 'bad', PolicyDocument: 'nope' }))),
        'MalformedPolicyDocument',
        400,
        'This policy contains invalid Json',
      );
    });

    it('ListRolePolicies lists inline policy names as recorded', async () => {
      const recorded = referenceCase('iam', 'iam.list_role_policies.response').response;
      const listed = await iam.send(new ListRolePoliciesCommand({ RoleName: 'lab-fn' }));
      assert.deepEqual(answerKeys(listed), answerKeys(recorded));
      assert.deepEqual(listed.PolicyNames, ['write-metadata']);
      assert.equal(listed.IsTruncated, false);

      const empty = referenceCase('iam', 'iam.list_role_policies.empty').response;
      await createRole('lab-empty');
      const none = await iam.send(new ListRolePoliciesCommand({ RoleName: 'lab-empty' }));
      assert.deepEqual(none.PolicyNames, empty.PolicyNames);
      assert.equal(none.IsTruncated, empty.IsTruncated);
    });

    it('GetRolePolicy and DeleteRolePolicy answer NoSuchEntity for a policy the role does not have', async () => {
      for (const call of [
        iam.send(new GetRolePolicyCommand({ RoleName: 'lab-fn', PolicyName: 'absent' })),
        iam.send(new DeleteRolePolicyCommand({ RoleName: 'lab-fn', PolicyName: 'absent' })),
      ]) {
        assertAwsError(await failure(call), 'NoSuchEntity', 404, 'The role policy with name absent cannot be found.');
      }
    });

    it('attaches AWS managed policies by ARN and lists them as recorded', async () => {
      const recorded = referenceCase('iam', 'iam.list_attached_role_policies.response').response;
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'lab-fn', PolicyArn: BASIC_EXECUTION }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'lab-fn', PolicyArn: BASIC_EXECUTION }));
      const listed = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'lab-fn' }));
      assert.deepEqual(answerKeys(listed), answerKeys(recorded));
      assert.deepEqual(
        listed.AttachedPolicies,
        recorded.AttachedPolicies.map((p: { PolicyArn: string; PolicyName: string }) => ({ PolicyName: p.PolicyName, PolicyArn: p.PolicyArn.replace('arn:<partition>:', 'arn:aws:') })),
      );
      assert.deepEqual((await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'lab-fn', PathPrefix: '/elsewhere/' }))).AttachedPolicies, []);
    });

    it('AttachRolePolicy refuses an unparsable ARN and a policy that does not exist, as recorded', async () => {
      assertErrorMatchesReference(
        await failure(iam.send(new AttachRolePolicyCommand({ RoleName: 'lab-fn', PolicyArn: 'longpolicynamebutnoarn' }))),
        referenceCase('iam', 'iam.attach_role_policy.invalid_arn'),
      );
      assertErrorMatchesReference(
        await failure(iam.send(new AttachRolePolicyCommand({ RoleName: 'lab-fn', PolicyArn: 'arn:aws:iam::000000000000:policy/lab-policy123' }))),
        referenceCase('iam', 'iam.attach_role_policy.policy_not_found'),
      );
    });

    it('DeleteRole refuses while policies remain, then deletes, as AWS orders it', async () => {
      const conflict = referenceCase('iam', 'iam.delete_user.delete_conflict').response;
      await createRole('lab-doomed');
      await iam.send(new PutRolePolicyCommand({ RoleName: 'lab-doomed', PolicyName: 'inline', PolicyDocument: PUT_ITEM }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'lab-doomed', PolicyArn: BASIC_EXECUTION }));
      const code = conflict.Error.Code;
      const status = conflict.ResponseMetadata.HTTPStatusCode;
      assertAwsError(await failure(iam.send(new DeleteRoleCommand({ RoleName: 'lab-doomed' }))), code, status, 'Cannot delete entity, must delete policies first.');
      await iam.send(new DeleteRolePolicyCommand({ RoleName: 'lab-doomed', PolicyName: 'inline' }));
      assertAwsError(await failure(iam.send(new DeleteRoleCommand({ RoleName: 'lab-doomed' }))), code, status, 'Cannot delete entity, must detach all policies first.');
      await iam.send(new DetachRolePolicyCommand({ RoleName: 'lab-doomed', PolicyArn: BASIC_EXECUTION }));
      assertAwsError(
        await failure(iam.send(new DetachRolePolicyCommand({ RoleName: 'lab-doomed', PolicyArn: BASIC_EXECUTION }))),
        'NoSuchEntity',
        404,
        `Policy ${BASIC_EXECUTION} was not found.`,
      );
      const deleted = await iam.send(new DeleteRoleCommand({ RoleName: 'lab-doomed' }));
      assert.equal(deleted.$metadata.httpStatusCode, referenceCase('iam', 'iam.delete_role.response').response.ResponseMetadata.HTTPStatusCode);
      await assert.rejects(iam.send(new GetRoleCommand({ RoleName: 'lab-doomed' })), { Code: 'NoSuchEntity' });
    });
  });

  describe('managed policies', () => {
    it('CreatePolicy, GetPolicy and GetPolicyVersion give the policy and its document back', async () => {
      const created = await iam.send(new CreatePolicyCommand({ PolicyName: 'lab-put-item', PolicyDocument: PUT_ITEM, Description: 'PutItem on the lab table' }));
      const arn = 'arn:aws:iam::000000000000:policy/lab-put-item';
      assert.equal(created.Policy?.Arn, arn);
      assert.match(created.Policy?.PolicyId ?? '', /^ANPA[A-Z2-7]{17}$/);
      assert.equal(created.Policy?.DefaultVersionId, 'v1');
      assert.equal(created.Policy?.AttachmentCount, 0);
      const got = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
      assert.equal(got.Policy?.Description, 'PutItem on the lab table');
      assert.equal(got.Policy?.IsAttachable, true);
      const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
      assert.equal(decodeURIComponent(version.PolicyVersion!.Document!), PUT_ITEM);
      assert.equal(version.PolicyVersion?.IsDefaultVersion, true);
      await assert.rejects(iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })), { Code: 'NoSuchEntity' });
      assertAwsError(
        await failure(iam.send(new CreatePolicyCommand({ PolicyName: 'lab-put-item', PolicyDocument: PUT_ITEM }))),
        'EntityAlreadyExists',
        409,
        'A policy called lab-put-item already exists. Duplicate names are not allowed.',
      );
    });

    it('serves the AWS managed policies of the lab with their documents', async () => {
      const got = await iam.send(new GetPolicyCommand({ PolicyArn: BASIC_EXECUTION }));
      assert.equal(got.Policy?.PolicyName, 'AWSLambdaBasicExecutionRole');
      assert.equal(got.Policy?.Path, '/service-role/');
      const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: BASIC_EXECUTION, VersionId: got.Policy!.DefaultVersionId! }));
      const document = JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!));
      assert.deepEqual(document.Statement[0].Action, ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
      const full = await iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess' }));
      assert.equal(full.Policy?.PolicyName, 'AmazonDynamoDBFullAccess');
    });

    it('ListPolicies honours Scope and OnlyAttached', async () => {
      await iam.send(new CreatePolicyCommand({ PolicyName: 'lab-listed', PolicyDocument: PUT_ITEM }));
      await createRole('lab-lister');
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'lab-lister', PolicyArn: 'arn:aws:iam::000000000000:policy/lab-listed' }));
      const names = async (input: ListPoliciesCommandInput) =>
        ((await iam.send(new ListPoliciesCommand(input))).Policies ?? []).map((p) => p.PolicyName);
      const local = await names({ Scope: 'Local' });
      assert.ok(local.includes('lab-listed') && !local.includes('AWSLambdaBasicExecutionRole'));
      const aws = await names({ Scope: 'AWS' });
      assert.ok(aws.includes('AWSLambdaBasicExecutionRole') && !aws.includes('lab-listed'));
      assert.ok((await names({})).includes('lab-listed'));
      assert.deepEqual(await names({ Scope: 'Local', OnlyAttached: true }), ['lab-listed']);
      const listed = (await iam.send(new ListPoliciesCommand({ Scope: 'Local', OnlyAttached: true }))).Policies![0]!;
      assert.equal(listed.AttachmentCount, 1);
    });

    it('DeletePolicy refuses while attached, answers a missing policy as recorded, then deletes', async () => {
      const arn = 'arn:aws:iam::000000000000:policy/lab-listed';
      assertAwsError(await failure(iam.send(new DeletePolicyCommand({ PolicyArn: arn }))), 'DeleteConflict', 409, 'Cannot delete a policy attached to entities.');
      await iam.send(new DetachRolePolicyCommand({ RoleName: 'lab-lister', PolicyArn: arn }));
      await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
      await assert.rejects(iam.send(new GetPolicyCommand({ PolicyArn: arn })), { Code: 'NoSuchEntity' });
      assertErrorMatchesReference(
        await failure(iam.send(new DeletePolicyCommand({ PolicyArn: 'arn:aws:iam::000000000000:policy/non-existent-policy' }))),
        referenceCase('iam', 'iam.delete_policy.not_found'),
      );
    });
  });

  describe('SimulatePrincipalPolicy', () => {
    // The recorded case's policy, as Python's json.dumps wrote it: AWS placed its statement at columns 41-113.
    const RECORDED_POLICY = '{"Version": "2012-10-17", "Statement": {"Sid": "", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}}';
    before(async () => {
      await createRole('lab-sim');
      await iam.send(new CreatePolicyCommand({ PolicyName: 'lab-sim-put', PolicyDocument: RECORDED_POLICY }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'lab-sim', PolicyArn: 'arn:aws:iam::000000000000:policy/lab-sim-put' }));
    });

    it('answers allowed and implicitDeny with the recorded shape and statement positions', async () => {
      const recorded = referenceCase('iam', 'iam.simulate_principal_policy.role').response;
      const answer = await iam.send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: 'arn:aws:iam::000000000000:role/lab-sim',
          ActionNames: ['s3:PutObject', 's3:GetObjectVersion'],
          ResourceArns: ['arn:aws:s3:::bucket'],
        }),
      );
      assert.deepEqual(answerKeys(answer), answerKeys(recorded));
      assert.equal(answer.IsTruncated, false);
      const results = answer.EvaluationResults!;
      assert.equal(results.length, recorded.EvaluationResults.length);
      results.forEach((result, i) => {
        const expected = recorded.EvaluationResults[i];
        assert.deepEqual(answerKeys(result), answerKeys(expected));
        assert.equal(result.EvalActionName, expected.EvalActionName);
        assert.equal(result.EvalDecision, expected.EvalDecision);
        assert.equal(result.EvalResourceName, 'arn:aws:s3:::bucket');
        assert.deepEqual(result.MissingContextValues, []);
        assert.deepEqual(result.OrganizationsDecisionDetail, expected.OrganizationsDecisionDetail);
        assert.equal(result.MatchedStatements?.length, expected.MatchedStatements.length);
        assert.equal(result.ResourceSpecificResults?.[0]?.EvalResourceDecision, expected.ResourceSpecificResults[0].EvalResourceDecision);
      });
      const [statement] = results[0]!.MatchedStatements!;
      const recordedStatement = recorded.EvaluationResults[0].MatchedStatements[0];
      assert.equal(statement?.SourcePolicyId, 'lab-sim-put');
      assert.equal(statement?.SourcePolicyType, recordedStatement.SourcePolicyType);
      assert.deepEqual(statement?.StartPosition, recordedStatement.StartPosition);
      assert.deepEqual(statement?.EndPosition, recordedStatement.EndPosition);
    });

    it('reports an explicit deny, attached managed policies, and conditions as missing context values', async () => {
      await createRole('lab-sim-2');
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'lab-sim-2', PolicyArn: BASIC_EXECUTION }));
      const deny = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'NoDeletes', Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: '*' },
          { Effect: 'Allow', Action: 'dynamodb:*', Resource: TABLE, Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } },
        ],
      });
      await iam.send(new PutRolePolicyCommand({ RoleName: 'lab-sim-2', PolicyName: 'guard', PolicyDocument: deny }));
      const simulate = async (ActionNames: string[], ResourceArns?: string[]) =>
        (await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: 'arn:aws:iam::000000000000:role/lab-sim-2', ActionNames, ResourceArns }))).EvaluationResults!;
      const [logs] = await simulate(['logs:PutLogEvents']);
      assert.equal(logs?.EvalDecision, 'allowed');
      assert.equal(logs?.EvalResourceName, '*');
      assert.equal(logs?.MatchedStatements?.[0]?.SourcePolicyId, 'AWSLambdaBasicExecutionRole');
      const [remove, put] = await simulate(['dynamodb:DeleteItem', 'dynamodb:PutItem'], [TABLE]);
      assert.equal(remove?.EvalDecision, 'explicitDeny');
      assert.equal(remove?.MatchedStatements?.[0]?.SourcePolicyId, 'guard');
      assert.equal(put?.EvalDecision, 'implicitDeny');
      assert.deepEqual(put?.MissingContextValues, ['aws:RequestedRegion']);
    });

    it('answers NoSuchEntity for a principal that does not exist', async () => {
      assertAwsError(
        await failure(iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: 'arn:aws:iam::000000000000:role/lab-ghost', ActionNames: ['s3:GetObject'] }))),
        'NoSuchEntity',
        404,
        'The role with name lab-ghost cannot be found.',
      );
      const recorded = referenceCase('iam', 'iam.no_such_entity.user_not_found');
      assertErrorMatchesReference(
        await failure(iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: 'arn:aws:iam::000000000000:user/non-existent-user', ActionNames: ['s3:GetObject'] }))),
        recorded,
      );
    });
  });

  it('answers an unknown action with InvalidAction in the Query error shape', async () => {
    const raw = await rawRequest(t.endpoint, {
      service: 'iam',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=CreateUser&Version=2010-05-08&UserName=u',
    });
    assert.equal(raw.status, 400);
    assert.match(raw.text, /<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/);
    assert.ok(raw.text.includes('<Message>Could not find operation CreateUser for version 2010-05-08</Message>'), raw.text);
    const prototype = await rawRequest(t.endpoint, { service: 'iam', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=toString' });
    assert.equal(prototype.status, 400);
  });
});

describe('sandbox IAM state', () => {
  it('survives a restart, and the IAM API the other services use sees it', async () => {
    const first = await startTestSandbox();
    let reopened: TestSandbox | undefined;
    try {
      const iam = first.clients.iam;
      await iam.send(new CreateRoleCommand({ RoleName: 'lab-kept', AssumeRolePolicyDocument: TRUST, Path: '/service-role/' }));
      await iam.send(new PutRolePolicyCommand({ RoleName: 'lab-kept', PolicyName: 'write', PolicyDocument: PUT_ITEM }));
      await iam.send(new AttachRolePolicyCommand({ RoleName: 'lab-kept', PolicyArn: BASIC_EXECUTION }));
      const roleId = (await iam.send(new GetRoleCommand({ RoleName: 'lab-kept' }))).Role?.RoleId;
      await first.stop(true);

      reopened = await startTestSandbox({ dataDir: first.dataDir });
      const again = reopened.clients.iam;
      assert.equal((await again.send(new GetRoleCommand({ RoleName: 'lab-kept' }))).Role?.RoleId, roleId);
      assert.equal(decodeURIComponent((await again.send(new GetRolePolicyCommand({ RoleName: 'lab-kept', PolicyName: 'write' }))).PolicyDocument!), PUT_ITEM);
      assert.deepEqual((await again.send(new ListAttachedRolePoliciesCommand({ RoleName: 'lab-kept' }))).AttachedPolicies?.map((p) => p.PolicyArn), [BASIC_EXECUTION]);
      await reopened.stop(true);

      // The narrow API Lambda and enforce.ts read, over the same saved state.
      const state = await StateDb.open(first.dataDir);
      const { api } = createIamService({ options: { dataDir: first.dataDir }, state } as World);
      await state.close();
      const arn = 'arn:aws:iam::000000000000:role/service-role/lab-kept';
      const view = api.roleByArn(arn);
      assert.equal(view?.name, 'lab-kept');
      assert.equal(view?.roleId, roleId);
      assert.deepEqual(view?.trustPolicy, JSON.parse(TRUST));
      assert.ok(view && view.createdAt <= Date.now());
      assert.equal(api.roleByArn('arn:aws:iam::000000000000:role/lab-kept'), undefined, 'the path is part of the ARN');
      const policies = api.rolePolicies('lab-kept');
      assert.deepEqual(policies[0], JSON.parse(PUT_ITEM));
      assert.deepEqual((policies[1]?.Statement as { Action: string[] }[])[0]?.Action, ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
      assert.deepEqual(api.rolePolicies('lab-ghost'), []);
    } finally {
      await reopened?.stop();
      await first.stop();
    }
  });
});
