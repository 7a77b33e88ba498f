import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidSandboxOptionError, sandboxOptionsFromEnv } from '../../src/sandbox/options.js';

describe('sandbox switches from the environment', () => {
  it('reads every switch', () => {
    assert.deepEqual(
      sandboxOptionsFromEnv({
        UPLOAD_LAB_SANDBOX_ROLE_PROPAGATION_MS: '1500',
        UPLOAD_LAB_SANDBOX_DUPLICATE_EVENTS: 'true',
        UPLOAD_LAB_SANDBOX_REORDER_EVENTS: '0',
        UPLOAD_LAB_SANDBOX_ASYNC_RETRY_DELAYS_MS: '10,20',
      }),
      { rolePropagationMs: 1500, duplicateEvents: true, reorderEvents: false, asyncRetryDelaysMs: [10, 20] },
    );
  });

  it('ignores what is unset and rejects what is malformed', () => {
    assert.deepEqual(sandboxOptionsFromEnv({}), {});
    assert.throws(() => sandboxOptionsFromEnv({ UPLOAD_LAB_SANDBOX_TABLE_DELAY_MS: '-1' }), InvalidSandboxOptionError);
    assert.throws(() => sandboxOptionsFromEnv({ UPLOAD_LAB_SANDBOX_DUPLICATE_EVENTS: 'yes' }), /true or false/);
    assert.throws(() => sandboxOptionsFromEnv({ UPLOAD_LAB_SANDBOX_ASYNC_RETRY_DELAYS_MS: '5' }), /two delays/);
  });

  it('takes a learner policy IAM would take, and refuses one IAM would refuse, with IAM\'s reason', () => {
    const statement = { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' };
    const policy = (s: object) => JSON.stringify({ Version: '2012-10-17', Statement: [s] });
    assert.deepEqual(sandboxOptionsFromEnv({ UPLOAD_LAB_SANDBOX_LEARNER_POLICY: policy(statement) }).learnerPolicy, JSON.parse(policy(statement)));
    // "allow" is not an Effect IAM knows: the policy would be refused on AWS, not silently deny.
    assert.throws(() => sandboxOptionsFromEnv({ UPLOAD_LAB_SANDBOX_LEARNER_POLICY: policy({ ...statement, Effect: 'allow' }) }), /not a valid IAM policy document \(.+\)/);
    assert.throws(() => sandboxOptionsFromEnv({ UPLOAD_LAB_SANDBOX_LEARNER_POLICY: '{"Version": "2012-10-17"' }), InvalidSandboxOptionError);
  });
});
