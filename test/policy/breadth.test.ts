import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overBroadGrants } from '../../src/policy/breadth.js';
import type { PolicyDocument, PolicyStatement } from '../../src/policy/types.js';

const TABLE = 'arn:aws:dynamodb:us-east-1:000000000000:table/upload_metadata';
const PUT = { action: 'dynamodb:PutItem', resource: TABLE };

function policy(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

describe('overBroadGrants', () => {
  it('has nothing to say about a least-privilege grant', () => {
    assert.deepEqual(overBroadGrants([policy({ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE })], PUT), []);
    assert.deepEqual(overBroadGrants([policy({ Effect: 'Allow', Action: 'dynamodb:Put*', Resource: 'arn:aws:dynamodb:*:*:table/upload_*' })], PUT), []);
  });

  it('flags a whole-service action, "*" and Resource "*" with a reason each', () => {
    const grants = overBroadGrants(
      [policy({ Sid: 'Service', Effect: 'Allow', Action: ['dynamodb:*'], Resource: TABLE }), policy({ Effect: 'Allow', Action: '*', Resource: '*' })],
      PUT,
    );
    assert.deepEqual(
      grants.map((g) => [g.policyIndex, g.sid, g.reasons]),
      [
        [0, 'Service', ['Action "dynamodb:*" allows every dynamodb action']],
        [1, undefined, ['Action "*" allows every action of every service', 'Resource "*" applies to every resource']],
      ],
    );
  });

  it('flags NotAction and NotResource in an Allow', () => {
    const grants = overBroadGrants([policy({ Effect: 'Allow', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::secret/*' })], PUT);
    assert.equal(grants.length, 1);
    assert.equal(grants[0]?.reasons.length, 2);
    assert.match(grants[0]!.reasons[0]!, /^NotAction/);
    assert.match(grants[0]!.reasons[1]!, /^NotResource/);
  });

  it('only looks at statements that grant the request, and at nothing when it is denied', () => {
    const broadLogs = policy({ Effect: 'Allow', Action: 'logs:*', Resource: '*' });
    const exact = policy({ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE });
    assert.deepEqual(overBroadGrants([broadLogs, exact], PUT), []);
    const denied = policy({ Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: TABLE });
    assert.deepEqual(overBroadGrants([policy({ Effect: 'Allow', Action: '*', Resource: '*' }), denied], PUT), []);
  });
});
