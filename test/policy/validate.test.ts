import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPolicyDocument } from '../../src/policy/validate.js';

const TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const IDENTITY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/t' }] };

function errorOf(doc: unknown, kind: 'identity' | 'trust' = 'identity'): string | undefined {
  const check = checkPolicyDocument(typeof doc === 'string' ? doc : JSON.stringify(doc), kind);
  return check.ok ? undefined : check.error;
}

function withStatement(base: typeof IDENTITY | typeof TRUST, change: Record<string, unknown>, remove: string[] = []) {
  const statement: Record<string, unknown> = { ...base.Statement[0], ...change };
  for (const key of remove) delete statement[key];
  return { ...base, Statement: [statement] };
}

describe('checkPolicyDocument', () => {
  it('accepts well-formed identity and trust policies and returns the parsed document', () => {
    const check = checkPolicyDocument(JSON.stringify(IDENTITY), 'identity');
    assert.ok(check.ok);
    assert.deepEqual(check.document, IDENTITY);
    assert.equal(errorOf(TRUST, 'trust'), undefined);
    assert.equal(errorOf({ Version: '2012-10-17', Statement: { Effect: 'Deny', NotAction: '*', NotResource: ['arn:aws:s3:::b'] } }), undefined);
    assert.equal(errorOf({ Version: '2008-10-17', Statement: TRUST.Statement }, 'trust'), undefined);
  });

  it('answers "This policy contains invalid Json" for text that is not a JSON object', () => {
    for (const text of ['{"Version": "2012-10-17",', 'not json', '[]', '"text"', 'null']) {
      assert.equal(errorOf(text), 'This policy contains invalid Json', text);
    }
  });

  it('refuses a document without statements, with unknown keys or a wrong Version', () => {
    assert.equal(errorOf({ Version: '2012-10-17' }), 'Syntax errors in policy.');
    assert.equal(errorOf({ Version: '2012-10-17', Statement: [] }), 'Syntax errors in policy.');
    assert.equal(errorOf({ ...IDENTITY, Extra: 1 }), 'Syntax errors in policy.');
    assert.equal(errorOf({ ...IDENTITY, Version: '2020-01-01' }), 'The policy failed legacy parsing');
    // Identity policies must be written in the 2012-10-17 language (IAM's own message).
    assert.equal(errorOf({ Statement: IDENTITY.Statement }), 'Policy document must be version 2012-10-17 or greater.');
    assert.equal(errorOf({ ...IDENTITY, Version: '2008-10-17' }), 'Policy document must be version 2012-10-17 or greater.');
    assert.equal(errorOf({ Version: '2012-10-17', Statement: ['Allow'] }), 'Syntax errors in policy.');
  });

  it('refuses an Effect other than Allow or Deny, and unknown statement keys', () => {
    assert.equal(errorOf(withStatement(IDENTITY, { Effect: 'allow' })), 'Syntax errors in policy.');
    assert.equal(errorOf(withStatement(IDENTITY, {}, ['Effect'])), 'Syntax errors in policy.');
    assert.equal(errorOf(withStatement(IDENTITY, { Actions: 's3:*' })), 'Syntax errors in policy.');
    assert.equal(errorOf(withStatement(IDENTITY, { NotAction: 's3:*' })), 'Syntax errors in policy.');
  });

  it('requires actions prefixed by a service', () => {
    assert.equal(errorOf(withStatement(IDENTITY, {}, ['Action'])), 'Policy statement must contain actions.');
    assert.equal(errorOf(withStatement(IDENTITY, { Action: 'PutItem' })), 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
    assert.equal(errorOf(withStatement(IDENTITY, { Action: [] })), 'Syntax errors in policy.');
    assert.equal(errorOf(withStatement(IDENTITY, { Action: 42 })), 'Syntax errors in policy.');
  });

  it('requires identity policies to name resources as ARNs or "*", and no principal', () => {
    assert.equal(errorOf(withStatement(IDENTITY, {}, ['Resource'])), 'Policy statement must contain resources.');
    assert.equal(errorOf(withStatement(IDENTITY, { Resource: 'upload_metadata' })), 'Resource upload_metadata must be in ARN format or "*".');
    assert.equal(errorOf(withStatement(IDENTITY, { Principal: '*' })), 'Policy document should not specify a principal.');
  });

  it('requires trust policies to name a principal and no resource', () => {
    assert.equal(errorOf(withStatement(TRUST, {}, ['Principal']), 'trust'), 'Missing required field Principal');
    assert.equal(errorOf(withStatement(TRUST, { Resource: '*' }), 'trust'), 'Has prohibited field Resource');
  });

  it('refuses a Condition that is not a map of operators to maps', () => {
    assert.equal(errorOf(withStatement(IDENTITY, { Condition: 'yes' })), 'Syntax errors in policy.');
    assert.equal(errorOf(withStatement(IDENTITY, { Condition: { StringEquals: 'x' } })), 'Syntax errors in policy.');
    assert.equal(errorOf(withStatement(IDENTITY, { Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } } })), undefined);
  });
});
