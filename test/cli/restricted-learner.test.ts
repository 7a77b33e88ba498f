import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, test } from 'node:test';
import { learnerPolicy } from '../../src/aws/permissions.js';
import type { PolicyDocument } from '../../src/policy/types.js';
import { cliEnv, runCli, runCliJson } from '../helpers/cli.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { assertNothingLeft } from './lab-state.js';

const LAB = { bucket: 'upload-lab-000000000000-us-east-1', table: 'upload_metadata', function: 'upload-lab-metadata', role: 'upload-lab-metadata-us-east-1-role' };

/** The generated learner policy without some actions, as an administrator might forget them. */
function without(...actions: string[]): PolicyDocument {
  const policy = learnerPolicy();
  return { ...policy, Statement: [policy.Statement].flat().map((s) => ({ ...s, Action: [s.Action ?? []].flat().filter((a) => !actions.includes(a)) })) };
}

/**
 * A learner whose identity is restricted (the sandbox's learnerPolicy, what an administrator attaches
 * on a real account): `upload-lab policy` must be enough for the whole lab, and a missing action must
 * surface as a sentence naming it, offline.
 */
describe('a learner restricted to the policy upload-lab prints', () => {
  test('is enough for setup 7/7, verify 7/7 and a teardown that leaves nothing', { timeout: 120_000 }, async () => {
    const restricted = await startTestSandbox({ learnerPolicy: learnerPolicy() });
    const target = ['--endpoint-url', restricted.endpoint, '--timeout', '20'];
    const env = cliEnv();
    try {
      const setup = await runCliJson<{ passed: number }>(['setup', ...target], { env });
      assert.equal(setup.code, 0, setup.stderr);
      assert.equal(setup.json.passed, 7);
      assert.equal((await runCliJson<{ passed: number }>(['verify', ...target], { env })).json.passed, 7);
      const teardown = await runCli(['teardown', ...target], { env });
      assert.equal(teardown.code, 0, teardown.stderr);
    } finally {
      await restricted.stop(true);
    }
    // Looked at as the account's admin: the same data dir, served without the learner policy.
    const admin = await startTestSandbox({ dataDir: restricted.dataDir });
    try {
      await assertNothingLeft(admin.clients, LAB);
    } finally {
      await admin.stop();
    }
  });

  test('a missing action (iam:TagRole, needed because the role is created with tags) is named, with the fix', { timeout: 120_000 }, async () => {
    const sandbox = await startTestSandbox({ learnerPolicy: without('iam:TagRole') });
    try {
      const { code, stderr } = await runCli(['setup', '--endpoint-url', sandbox.endpoint, '--timeout', '20'], { env: cliEnv() });
      assert.equal(code, 1);
      assert.match(stderr, /AWS denied iam:TagRole to your identity\./);
      assert.match(stderr, /Grant iam:TagRole to the user or role you run upload-lab as/);
    } finally {
      await sandbox.stop();
    }
  });

  test("a 403 on the lab's own bucket: 'yours, but you may not list it', or 'cannot tell' without ListAllMyBuckets", { timeout: 120_000 }, async () => {
    const full = await startTestSandbox();
    const env = cliEnv();
    const setup = await runCliJson<{ passed: number }>(['setup', '--endpoint-url', full.endpoint, '--timeout', '20'], { env });
    assert.equal(setup.json.passed, 7);
    await full.stop(true);
    for (const [policy, message] of [
      [without('s3:ListBucket'), /Bucket upload-lab-000000000000-us-east-1 is yours, but your identity may not look into it \(s3:ListBucket/],
      [without('s3:ListBucket', 's3:ListAllMyBuckets'), /either another account owns that name, or your identity may not call s3:ListBucket on it/],
    ] as const) {
      const sandbox = await startTestSandbox({ dataDir: full.dataDir, learnerPolicy: policy });
      try {
        const { code, stderr } = await runCli(['setup', '--endpoint-url', sandbox.endpoint, '--timeout', '20'], { env });
        assert.equal(code, 1);
        assert.match(stderr, message);
        assert.doesNotMatch(stderr, /taken by another AWS account/);
      } finally {
        await sandbox.stop(true);
      }
    }
    rmSync(full.dataDir, { recursive: true, force: true });
  });
});
