import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliEnv, runCli } from '../helpers/cli.js';

test('--help and setup\'s summary point a learner at `upload-lab learn`', async () => {
  const env = cliEnv();
  const help = await runCli(['--help'], { env });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Start here:\n\s+\$ npx upload-lab learn --local/);
  assert.match(help.stdout, /^\s+learn \[options\]/m);
  assert.match(help.stdout, /^\s+quiz \[options\]/m);
  assert.match(help.stdout, /^\s+progress \[options\]/m);

  const target = ['--local', '--data-dir', join(env.UPLOAD_LAB_HOME!, 'sandbox')];
  const setup = await runCli(['setup', ...target], { env });
  assert.equal(setup.code, 0, setup.stderr);
  assert.match(setup.stdout, new RegExp(`Learning the lab\\? upload-lab learn ${target.join(' ')} walks it part by part`));
  assert.equal((await runCli(['teardown', ...target], { env })).code, 0);
});

test("teardown --help's first example works as shown for a learner with no AWS account", async () => {
  const env = cliEnv();
  const help = await runCli(['teardown', '--help'], { env });
  assert.equal(help.code, 0);
  const first = /Examples:\n\s+\$ npx upload-lab (.+)/.exec(help.stdout)![1]!;
  const run = await runCli(first.split(' '), { env });
  assert.equal(run.code, 0, `${first}: ${run.stdout}${run.stderr}`);
});
