import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatePolicies } from '../../src/policy/evaluate.js';
import type { PolicyDocument, PolicyStatement } from '../../src/policy/types.js';

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/upload_metadata';

function policy(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

function decide(policies: PolicyDocument[], action: string, resource = TABLE) {
  return evaluatePolicies(policies, { action, resource }).decision;
}

describe('evaluatePolicies', () => {
  it('allows what an Allow statement names, and implicitly denies everything else', () => {
    const p = [policy({ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE })];
    assert.equal(decide(p, 'dynamodb:PutItem'), 'allowed');
    assert.equal(decide(p, 'dynamodb:GetItem'), 'implicitDeny');
    assert.equal(decide(p, 'dynamodb:PutItem', TABLE + '_other'), 'implicitDeny');
    assert.equal(decide([], 'dynamodb:PutItem'), 'implicitDeny');
  });

  it('lets an explicit Deny override any Allow, in the same or another policy', () => {
    const allowAll = policy({ Effect: 'Allow', Action: '*', Resource: '*' });
    const deny = policy({ Sid: 'NoWrites', Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: TABLE });
    const result = evaluatePolicies([allowAll, deny], { action: 'dynamodb:PutItem', resource: TABLE });
    assert.equal(result.decision, 'explicitDeny');
    assert.deepEqual(
      result.matchedStatements.map((m) => [m.policyIndex, m.statementIndex, m.sid, m.effect]),
      [[1, 0, 'NoWrites', 'Deny']],
    );
    assert.equal(decide([allowAll, deny], 'dynamodb:GetItem'), 'allowed');
  });

  it('reports every Allow that matched', () => {
    const result = evaluatePolicies(
      [policy({ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }), policy({ Sid: 'Exact', Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: [TABLE] })],
      { action: 'dynamodb:PutItem', resource: TABLE },
    );
    assert.equal(result.decision, 'allowed');
    assert.deepEqual(result.matchedStatements.map((m) => [m.policyIndex, m.sid]), [[0, undefined], [1, 'Exact']]);
  });

  it('combines statements of several policies, the way a role with inline and managed policies is evaluated', () => {
    const logs = policy({ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' });
    const table = policy({ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE });
    assert.equal(decide([logs, table], 'logs:PutLogEvents', 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/f:*'), 'allowed');
    assert.equal(decide([logs, table], 'dynamodb:PutItem'), 'allowed');
    assert.equal(decide([logs], 'dynamodb:PutItem'), 'implicitDeny');
  });

  it('matches action names case-insensitively, service prefix included', () => {
    const p = [policy({ Effect: 'Allow', Action: 'DynamoDB:putitem', Resource: TABLE })];
    assert.equal(decide(p, 'dynamodb:PutItem'), 'allowed');
    assert.equal(decide([policy({ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE })], 'dynamodb:putitem'), 'allowed');
  });

  it('matches resources case-sensitively', () => {
    const p = [policy({ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE })];
    assert.equal(decide(p, 'dynamodb:PutItem', TABLE.toUpperCase()), 'implicitDeny');
  });

  it('understands * and ? in actions (the AWS docs example: iam:Get*, iam:List*, and *Report* denied)', () => {
    const p = [
      policy(
        { Sid: 'AllowGetList', Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
        { Sid: 'DenyReports', Effect: 'Deny', Action: 'iam:*Report', Resource: '*' },
      ),
    ];
    assert.equal(decide(p, 'iam:GetRole', '*'), 'allowed');
    assert.equal(decide(p, 'iam:ListRoles', '*'), 'allowed');
    assert.equal(decide(p, 'iam:CreatePolicy', '*'), 'implicitDeny');
    assert.equal(decide(p, 'iam:GetOrganizationsAccessReport', '*'), 'explicitDeny');
    const q = [policy({ Effect: 'Allow', Action: 'dynamodb:?etItem', Resource: '*' })];
    assert.equal(decide(q, 'dynamodb:GetItem'), 'allowed');
    assert.equal(decide(q, 'dynamodb:PutItem'), 'implicitDeny');
    assert.equal(decide(q, 'dynamodb:BatchGetItem'), 'implicitDeny');
  });

  it('understands * and ? in resources, * spanning / and :', () => {
    const p = [policy({ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: 'arn:aws:dynamodb:*:*:table/upload_*' })];
    assert.equal(decide(p, 'dynamodb:PutItem'), 'allowed');
    assert.equal(decide(p, 'dynamodb:PutItem', 'arn:aws:dynamodb:eu-west-1:123456789012:table/upload_x/index/by_size'), 'allowed');
    assert.equal(decide(p, 'dynamodb:PutItem', 'arn:aws:dynamodb:us-east-1:000000000000:table/downloads'), 'implicitDeny');
    const bucket = [policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::lab-?/incoming/*' })];
    assert.equal(decide(bucket, 's3:GetObject', 'arn:aws:s3:::lab-1/incoming/a/b.txt'), 'allowed');
    assert.equal(decide(bucket, 's3:GetObject', 'arn:aws:s3:::lab-12/incoming/a.txt'), 'implicitDeny');
    assert.equal(decide(bucket, 's3:GetObject', 'arn:aws:s3:::lab-1/outgoing/a.txt'), 'implicitDeny');
  });

  it('does not stall on a pattern built to backtrack', () => {
    const p = [policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::' + '*a'.repeat(30) + 'b' })];
    assert.equal(decide(p, 's3:GetObject', 'arn:aws:s3:::' + 'a'.repeat(5000)), 'implicitDeny');
  });

  it('NotAction with Allow allows everything except the listed actions (the docs: all but IAM)', () => {
    const p = [policy({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })];
    assert.equal(decide(p, 'dynamodb:PutItem'), 'allowed');
    assert.equal(decide(p, 's3:GetObject', 'arn:aws:s3:::b/k'), 'allowed');
    assert.equal(decide(p, 'iam:CreateRole', '*'), 'implicitDeny');
    assert.equal(decide(p, 'IAM:createrole', '*'), 'implicitDeny');
  });

  it('NotAction with Deny denies everything except the listed actions', () => {
    const p = [
      policy(
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', NotAction: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: TABLE },
      ),
    ];
    assert.equal(decide(p, 'dynamodb:GetItem'), 'allowed');
    assert.equal(decide(p, 'dynamodb:PutItem'), 'explicitDeny');
    assert.equal(decide(p, 'dynamodb:PutItem', TABLE + '_other'), 'allowed');
  });

  it('NotResource applies to every resource except the listed ones', () => {
    const p = [
      policy(
        { Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::secrets/*' },
        { Effect: 'Deny', Action: 'dynamodb:DeleteTable', NotResource: 'arn:aws:dynamodb:*:*:table/scratch_*' },
      ),
    ];
    assert.equal(decide(p, 's3:GetObject', 'arn:aws:s3:::uploads/a.txt'), 'allowed');
    assert.equal(decide(p, 's3:GetObject', 'arn:aws:s3:::secrets/a.txt'), 'implicitDeny');
    assert.equal(decide([...p, policy({ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' })], 'dynamodb:DeleteTable'), 'explicitDeny');
    assert.equal(
      decide([...p, policy({ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' })], 'dynamodb:DeleteTable', 'arn:aws:dynamodb:us-east-1:0:table/scratch_1'),
      'allowed',
    );
  });

  it('treats a single statement object like a list of one', () => {
    const p: PolicyDocument = { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE } };
    const result = evaluatePolicies([p], { action: 'dynamodb:PutItem', resource: TABLE });
    assert.equal(result.decision, 'allowed');
    assert.equal(result.matchedStatements[0]?.statementIndex, 0);
  });

  it('applies a statement with neither Resource nor NotResource to nothing (IAM requires one)', () => {
    assert.equal(decide([policy({ Effect: 'Allow', Action: '*' })], 'dynamodb:PutItem'), 'implicitDeny');
    assert.equal(decide([policy({ Effect: 'Allow', Resource: '*' })], 'dynamodb:PutItem'), 'implicitDeny');
  });

  it('does not apply a statement with a Condition, and reports its condition keys', () => {
    const conditionalAllow = policy({
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource: TABLE,
      Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' }, Bool: { 'aws:SecureTransport': 'true' } },
    });
    const allowed = evaluatePolicies([conditionalAllow], { action: 'dynamodb:PutItem', resource: TABLE });
    assert.equal(allowed.decision, 'implicitDeny');
    assert.deepEqual(allowed.unevaluatedConditions, ['aws:RequestedRegion', 'aws:SecureTransport']);

    const conditionalDeny = policy({ Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:SourceVpc': 'vpc-1' } } });
    const plainAllow = policy({ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE });
    const denied = evaluatePolicies([plainAllow, conditionalDeny], { action: 'dynamodb:PutItem', resource: TABLE });
    assert.equal(denied.decision, 'allowed');
    assert.deepEqual(denied.unevaluatedConditions, ['aws:SourceVpc']);

    // A conditional statement that does not match the action is not reported.
    assert.deepEqual(evaluatePolicies([conditionalAllow], { action: 's3:GetObject', resource: '*' }).unevaluatedConditions, []);
  });
});
