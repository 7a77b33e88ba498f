import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';
import { cliEnv, runCli, runCliJson, type CliResult } from '../helpers/cli.js';

interface SetupJson {
  applied: { step: string; action: string; resource: string }[];
  passed: number;
  total: number;
}

describe('setup --runtime', () => {
  const env = cliEnv();
  const dataDir = join(env.HOME!, 'lab data');
  const local = ['--local', '--data-dir', dataDir, '--timeout', '30'];
  after(() => rmSync(env.HOME!, { recursive: true, force: true }));

  test('python3.13 deploys the Python handler, passes 7/7, and says where its source is and why it differs from the lesson', async () => {
    const { code, stdout, stderr } = await runCli(['setup', ...local, '--runtime', 'python3.13'], { env });
    assert.equal(code, 0, stdout + stderr);
    assert.match(stdout, /All 7 checks passed\./);
    const source = /handler: (\S+lambda_function\.py) \(python3\.13, lambda_function\.lambda_handler\)/.exec(stdout);
    assert.ok(source, stdout);
    assert.match(readFileSync(source[1]!, 'utf8'), /urllib\.parse\.unquote_plus/);
    assert.match(stdout, /differs from the lesson's on purpose: its table\.put_item is conditional on the event's sequencer/);
    // Pasted as printed, the pointers reach the same sandbox: the data dir, quoted, and the credentials the AWS CLI needs.
    assert.ok(stdout.includes(`data:   ${dataDir}`), stdout);
    assert.ok(stdout.includes(`npx upload-lab sandbox --data-dir '${dataDir}'`), stdout);
    assert.match(stdout, /env: +export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test/);
  });

  test('verify of a lab it cannot find names what is there and the options to name it, or setup', async () => {
    const { code, stdout } = await runCli(['verify', ...local, '--bucket', 'my-bucket', '--function', 'my-fn', '--table', 'my_table', '--no-upload'], { env });
    assert.equal(code, 1);
    assert.ok(
      stdout.includes(
        `No lab was found under the names verify looked for (bucket my-bucket, table my_table, function my-fn). If you built yours under other names, name them: \`npx upload-lab verify --local --data-dir '${dataDir}' --bucket <your bucket> --function <your function> --table <your table>\` (buckets here: upload-lab-000000000000-us-east-1; functions here: upload-lab-metadata). Or let upload-lab build it: \`npx upload-lab setup --local --data-dir '${dataDir}'\`.`,
      ),
      stdout,
    );
  });

  test('verify on an empty sandbox suggests setup --local', async () => {
    const empty = join(env.HOME!, 'empty');
    const { code, stdout } = await runCli(['verify', '--local', '--data-dir', empty, '--no-upload'], { env });
    assert.equal(code, 1);
    assert.ok(stdout.includes(`This sandbox is empty: no bucket, table or function yet. Build the lab with \`npx upload-lab setup --local --data-dir ${empty}\``), stdout);
  });

  test('a rerun compares CodeSha256 and changes nothing; nodejs22.x then redeploys the Node handler', async () => {
    const again = await runCliJson<SetupJson>(['setup', ...local, '--runtime', 'python3.13'], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(again.json.applied.filter((c) => c.action !== 'reuse'), []);
    const node = await runCliJson<SetupJson>(['setup', ...local, '--runtime', 'nodejs22.x'], { env });
    assert.equal(node.code, 0, node.stderr);
    assert.equal(node.json.passed, 7);
    assert.deepEqual(node.json.applied.filter((c) => c.action !== 'reuse').map((c) => c.resource), ['code of upload-lab-metadata']);
  });
});

// This build's package root: the test runs from <root>/<build>/test/cli/.
const BUILD = fileURLToPath(new URL('../../', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * A copy of the built package, as `npm install` in another folder makes one: its own dist and its own
 * @aws-sdk (the folder the sandbox links functions to); the other dependencies are links to this
 * checkout's, which the test never deletes.
 */
function installCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'upload-lab-install-'));
  cpSync(join(BUILD, 'src'), join(root, 'dist', 'src'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  cpSync(join(ROOT, 'checklist.json'), join(root, 'checklist.json'));
  mkdirSync(join(root, 'node_modules'));
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry === '@aws-sdk') cpSync(join(ROOT, 'node_modules', entry), join(root, 'node_modules', entry), { recursive: true });
    else symlinkSync(join(ROOT, 'node_modules', entry), join(root, 'node_modules', entry));
  }
  return root;
}

function runInstalled(root: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'dist', 'src', 'cli.js'), ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, signal: null, stdout, stderr });
    });
  });
}

describe('a sandbox data dir outlives the installation that first ran the lab', () => {
  const env = cliEnv();
  const dataDir = join(env.HOME!, 'sandbox');
  const first = installCopy();
  const second = installCopy();
  after(() => {
    for (const dir of [env.HOME!, first, second]) rmSync(dir, { recursive: true, force: true });
  });

  test('setup from one installation, that installation deleted, verify --local from another: 7/7', async () => {
    const local = ['--local', '--data-dir', dataDir, '--timeout', '30'];
    const setup = await runInstalled(first, ['setup', ...local], env);
    assert.equal(setup.code, 0, setup.stdout + setup.stderr);
    rmSync(first, { recursive: true, force: true });
    const verify = await runInstalled(second, ['verify', ...local, '--json'], env);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.equal((JSON.parse(verify.stdout) as { passed: number }).passed, 7);
    // The function's SDK now comes from the second installation.
    const runtime = join(dataDir, 'lambda', 'runtime', 'us-east-1', 'upload-lab-metadata');
    for (const code of readdirSync(runtime)) {
      assert.equal(readlinkSync(join(runtime, code, 'node_modules', '@aws-sdk')), join(second, 'node_modules', '@aws-sdk'));
    }
  });
});
