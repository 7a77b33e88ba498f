import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cliEnv, runCli, runCliJson } from '../helpers/cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { assertNothingLeft } from './lab-state.js';

const LAB = { bucket: 'upload-lab-000000000000-us-east-1', table: 'upload_metadata', function: 'upload-lab-metadata', role: 'upload-lab-metadata-us-east-1-role' };

// setup prints one line per resource it creates; killing it (SIGKILL, no cleanup) after the n-th
// such line leaves a half-built lab, and whatever it created must be in the state file.
const CREATED_LINES = 8;

describe('setup killed after each step', () => {
  let sandbox: TestSandbox;
  before(async () => {
    sandbox = await startTestSandbox();
  });
  after(() => sandbox.stop());

  for (let n = 1; n <= CREATED_LINES; n++) {
    test(`killed after ${n} created resource(s): a rerun completes, and teardown leaves nothing`, async () => {
      const env = cliEnv();
      const target = ['--endpoint-url', sandbox.endpoint, '--timeout', '20'];
      const killed = await runCli(['setup', ...target], { env, killWhen: (stdout) => (stdout.match(/^ {2}\+ created /gm)?.length ?? 0) >= n });
      assert.equal(killed.signal, 'SIGKILL', `setup finished before it could be killed:\n${killed.stdout}`);
      const rerun = await runCliJson<{ passed: number }>(['setup', ...target], { env });
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.equal(rerun.json.passed, 7);
      const teardown = await runCli(['teardown', ...target], { env });
      assert.equal(teardown.code, 0, teardown.stderr);
      await assertNothingLeft(sandbox.clients, LAB);
    });
  }
});
