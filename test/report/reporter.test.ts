import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LabError } from '../../src/errors.js';
import { createReporter } from '../../src/report/create-reporter.js';
import type { OutputStream } from '../../src/report/reporter.js';
import type { CheckOutcome } from '../../src/steps/run.js';

/** A stream that keeps what is written; as a TTY it has the cursor methods ora uses. */
function capture(isTTY: boolean): OutputStream & { text: () => string } {
  let written = '';
  const tty = isTTY ? { columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true } : {};
  return { isTTY, ...tty, write: (chunk: string) => (written += chunk), text: () => written };
}

const outcomes: CheckOutcome[] = [
  { id: 'table', title: 'Create DynamoDB table', status: 'pass', detail: 'upload_metadata is ACTIVE', warnings: [] },
  { id: 'permissions', title: 'Add Lambda permissions', status: 'pass', detail: 'role r may', warnings: ['policy p grants more than needed'] },
  { id: 'env', title: 'Add environment variable', status: 'fail', detail: 'no TABLE_NAME', warnings: [], hint: 'Set TABLE_NAME', docs: 'https://docs.aws.amazon.com/x' },
  { id: 'code', title: 'Update Lambda code', status: 'skip', detail: 'skipped: env must pass first', warnings: [] },
];

async function render(kind: 'tty' | 'plain' | 'json', env: NodeJS.ProcessEnv = {}, columns = 100) {
  const out = Object.assign(capture(kind === 'tty'), kind === 'tty' ? { columns } : {});
  const err = capture(kind === 'tty');
  const reporter = await createReporter({ command: 'verify', json: kind === 'json', out, err, env });
  reporter.target({ kind: 'local', endpoint: 'http://127.0.0.1:4566', account: '000000000000', region: 'us-east-1' });
  for (const outcome of outcomes) {
    reporter.event({ type: 'check-start', id: outcome.id, title: outcome.title });
    reporter.event({ type: 'check-done', outcome });
  }
  reporter.checklist(outcomes);
  reporter.close();
  return { out: out.text(), err: err.text() };
}

const ANSI = /\u001b\[/;

describe('reporters', () => {
  test('plain: one line per check with words, hints and docs under failures, no escape codes', async () => {
    const { out } = await render('plain');
    assert.doesNotMatch(out, ANSI);
    assert.match(out, /^PASS table +Create DynamoDB table: upload_metadata is ACTIVE$/m);
    assert.match(out, /^FAIL env +Add environment variable: no TABLE_NAME$/m);
    assert.match(out, /^ {4}hint: Set TABLE_NAME$/m);
    assert.match(out, /^ {4}docs: https:\/\/docs.aws.amazon.com\/x$/m);
    assert.match(out, /^SKIP code +Update Lambda code: skipped: env must pass first$/m);
    assert.match(out, /WARN warning: policy p grants more than needed/);
    assert.match(out, /^ {2}\[x\] Create DynamoDB table$/m);
    assert.match(out, /^ {2}\[ \] Add environment variable$/m);
    assert.match(out, /^2 of 4 checks passed\.$/m);
  });

  test('tty: colours and symbols', async () => {
    const { out } = await render('tty');
    assert.match(out, ANSI);
    assert.match(out, /✔/);
    assert.match(out, /✖/);
    assert.match(out, /Add environment variable: no TABLE_NAME/);
  });

  test('a TTY with NO_COLOR gets the plain lines', async () => {
    const { out } = await render('tty', { NO_COLOR: '1' });
    assert.doesNotMatch(out, ANSI);
    assert.match(out, /^FAIL env/m);
  });

  test('a TTY that reports 0 columns gets the plain lines (ora would spin forever clearing lines)', async () => {
    const { out } = await render('tty', {}, 0);
    assert.doesNotMatch(out, ANSI);
    assert.match(out, /^PASS table/m);
  });

  test('json: exactly passed, total and checks of id, title, ok, detail, hint', async () => {
    const { out } = await render('json');
    const data = JSON.parse(out) as { passed: number; total: number; checks: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(data), ['passed', 'total', 'checks']);
    assert.equal(data.passed, 2);
    assert.equal(data.total, 4);
    for (const check of data.checks) assert.deepEqual(Object.keys(check), ['id', 'title', 'ok', 'detail', 'hint']);
    assert.deepEqual(data.checks[2], { id: 'env', title: 'Add environment variable', ok: false, detail: 'no TABLE_NAME', hint: 'Set TABLE_NAME' });
    assert.equal(data.checks[1]!.detail, 'role r may | warning: policy p grants more than needed');
    assert.equal(data.checks[3]!.ok, false);
  });

  test('errors: the sentence and the fix; the stack only with --debug', async () => {
    const err = capture(false);
    const reporter = await createReporter({ command: 'setup', json: false, out: capture(false), err, env: {} });
    const error = new LabError('NoCredentials', 'No AWS credentials were found.', 'Run `aws configure`, pass --profile, or use --local.', 'user');
    reporter.error(error, false);
    assert.equal(err.text(), 'Error: No AWS credentials were found.\nfix: Run `aws configure`, pass --profile, or use --local.\n');
    reporter.error(error, true);
    assert.match(err.text(), /at /);
  });

  test('json errors are an object with code, message and fix', async () => {
    const out = capture(false);
    const reporter = await createReporter({ command: 'verify', json: true, out, err: capture(false), env: {} });
    reporter.error(new LabError('BadRegion', 'bad', 'Pass --region us-east-1.', 'user'), false);
    reporter.close();
    assert.deepEqual(JSON.parse(out.text()), { error: { code: 'BadRegion', message: 'bad', fix: 'Pass --region us-east-1.' } });
  });
});
