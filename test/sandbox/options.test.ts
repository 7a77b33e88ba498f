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
});
