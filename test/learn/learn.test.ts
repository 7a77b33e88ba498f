import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CreateTableCommand, DeleteTableCommand, waitUntilTableExists, waitUntilTableNotExists } from '@aws-sdk/client-dynamodb';
import { AddPermissionCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { sdkServices } from '../../src/aws/sdk-services.js';
import { loadLesson } from '../../src/lesson.js';
import type { ProgressSummary } from '../../src/learn/summary.js';
import { cliEnv, runCli, runCliJson } from '../helpers/cli.js';
import { pasteInBash } from '../helpers/paste.js';
import type { TestSandbox } from '../helpers/sandbox.js';
import { TmuxSession } from '../helpers/tmux.js';
import { doEverythingForMe, learnerMachine, PROMPT } from './walk.js';

const lesson = loadLesson();
const BUCKET = 'upload-lab-000000000000-us-east-1';

async function progressOf(env: Record<string, string>): Promise<ProgressSummary> {
  return (await runCliJson<ProgressSummary>(['progress'], { env })).json;
}

/** Creates the table as a learner would, and waits until it is ACTIVE, as they would before checking (CreateTable answers CREATING). */
async function createTable(sandbox: TestSandbox, sortKey: string): Promise<void> {
  await sandbox.clients.dynamodb.send(
    new CreateTableCommand({
      TableName: 'upload_metadata',
      AttributeDefinitions: [{ AttributeName: 'bucket', AttributeType: 'S' }, { AttributeName: sortKey, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'bucket', KeyType: 'HASH' }, { AttributeName: sortKey, KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client: sandbox.clients.dynamodb, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 }, { TableName: 'upload_metadata' });
}

describe('upload-lab learn, through a real terminal (tmux)', () => {
  const sessions: TmuxSession[] = [];
  const sandboxes: TestSandbox[] = [];
  const open = (args: string[], env: Record<string, string>) => {
    const term = TmuxSession.start(args, env);
    sessions.push(term);
    return term;
  };
  after(async () => {
    for (const term of sessions) term.close();
    for (const sandbox of sandboxes) await sandbox.stop();
  });

  test('"Do it for me" throughout: every part passes, the checklist is 7/7, then the activities and the quiz are scored', async () => {
    const { env, sandbox, args } = await learnerMachine();
    sandboxes.push(sandbox);
    const term = open(args(), env);
    await doEverythingForMe(term);
    let screen = await term.waitFor('Checklist 7/7');
    for (const part of lesson.parts.filter((p) => p.kind !== 'read')) assert.match(screen, new RegExp(`PASS: ${part.title}`));
    // What upload-lab did, and the equivalent command with the learner's names and the sandbox endpoint filled in.
    assert.match(screen, new RegExp(`aws --endpoint-url ${sandbox.endpoint} dynamodb create-table --table-name upload_metadata `));
    // Part 5, live: the function's own log line, then the item.
    assert.match(screen, new RegExp(`log │ .*Saved metadata for ${BUCKET}/incoming/notes.txt`));
    assert.match(screen, /The item appeared in the table:\n\s+bucket = /);

    // Inspect the saved item: answered from the item the test reads itself; one wrong on purpose.
    const item = (await sdkServices(sandbox.clients).dynamodb.getItem('upload_metadata', { bucket: BUCKET, object_key: 'incoming/notes.txt' }))!;
    // The event name as S3 writes it in rules, with `s3:`; the item holds it without: the same event, right.
    assert.equal(item.event_name, 'ObjectCreated:Put');
    for (const [question, answer] of [[0, BUCKET], [1, 'incoming/notes.txt'], [2, String(Number(item.size) + 1)], [3, `s3:${String(item.event_name)}`], [4, 'yes']] as const) {
      const asked = await term.prompt(lesson.activities.inspect.questions[question]!.question);
      // The get-item command names the key (two answers): it is not shown before the questions.
      if (question === 0) assert.doesNotMatch(asked.slice(asked.lastIndexOf('Activity: Inspect the saved item')), /get-item/);
      term.type(answer);
    }
    // Wait for the get-item line itself: the score line can be on screen a moment before it.
    screen = await term.waitFor(/Inspect the saved item: 4\/5\nTo read the item yourself with the AWS CLI:\n\s+aws --endpoint-url \S+ dynamodb get-item --table-name upload_metadata /);
    assert.match(screen, new RegExp(`Not quite: the answer is ${String(item.size)}\\.`));

    // Match the operations: the descriptions are listed alphabetically; all right.
    const descriptions = lesson.activities.match.operations.map((o) => o.does).sort((a, b) => a.localeCompare(b));
    for (const operation of lesson.activities.match.operations) await term.choose(`${operation.name}:`, descriptions.indexOf(operation.does));
    await term.waitFor('Match the DynamoDB operations: 5/5');

    // The knowledge check: all right but the last.
    for (const [i, question] of lesson.quiz.entries()) {
      const last = i === lesson.quiz.length - 1;
      await term.choose(`${i + 1}/${lesson.quiz.length} ${question.question}`, last ? (question.answer + 1) % question.choices.length : question.answer);
    }
    screen = await term.waitFor('Score: 4/5');
    assert.equal(await term.exitCode(), 0);
    assert.match(screen, /upload-lab demo overwrite --local/);

    const progress = await progressOf(env);
    assert.equal(progress.partsDone, lesson.parts.length);
    assert.ok(progress.parts.filter((p) => p.how !== 'read').every((p) => p.how === 'tool'));
    assert.equal(progress.checksPassed, 7);
    assert.deepEqual(progress.activities, { inspect: { score: 4, total: 5 }, match: { score: 5, total: 5 }, quiz: { score: 4, total: 5 } });
  });

  test("\"I'll do it myself\" for the table: a wrong sort key FAILs with its hint, the fixed table PASSes; Ctrl+C exits 130 and keeps the progress", async () => {
    const { env, sandbox, args } = await learnerMachine();
    sandboxes.push(sandbox);
    const term = open(args(), env);
    await term.choose(PROMPT.ready);
    await term.choose(PROMPT.how, 1);
    let screen = await term.waitFor('Or with the AWS CLI:');
    assert.match(screen, /DynamoDB console > Tables > Create table: name upload_metadata, partition key bucket \(String\), sort key object_key \(String\)/);

    await createTable(sandbox, 'key');
    await term.choose(PROMPT.whenDone);
    screen = await term.waitFor('FAIL: not yet. Fix what the hint says');
    assert.match(screen, /FAIL table\s+Create DynamoDB table: table upload_metadata exists, but its sort key is "key", not "object_key"/);
    assert.match(screen, /hint: Create the table with partition key `bucket` \(String\) and sort key `object_key` \(String\)/);

    // The solution, on request: the command with the learner's names.
    await term.choose(PROMPT.whenDone, 1, 2);
    await term.waitFor('The solution:');

    await sandbox.clients.dynamodb.send(new DeleteTableCommand({ TableName: 'upload_metadata' }));
    await waitUntilTableNotExists({ client: sandbox.clients.dynamodb, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 }, { TableName: 'upload_metadata' });
    await createTable(sandbox, 'object_key');
    await term.choose(PROMPT.whenDone, 0, 3);
    screen = await term.waitFor('PASS: Part 1: Create the DynamoDB table');
    assert.match(screen, /PASS table\s+Create DynamoDB table: upload_metadata is ACTIVE/);

    await term.prompt(PROMPT.how, 2);
    term.keys('C-c');
    assert.equal(await term.exitCode(), 130);
    assert.match(term.screen(), /Your progress is saved/);
    const progress = await progressOf(env);
    assert.deepEqual(progress.parts.slice(0, 3).map((p) => p.how), ['read', 'self', null]);
    assert.equal(progress.checks.find((c) => c.id === 'table')!.status, 'pass');
  });

  test('a table of the learner\'s with the wrong sort key: the solution deletes it first; "Let upload-lab do it" deletes it only once confirmed, and stays in the walk', async () => {
    const { env, sandbox, args } = await learnerMachine();
    sandboxes.push(sandbox);
    const term = open(args(), env);
    await term.choose(PROMPT.ready);
    await term.choose(PROMPT.how, 1);
    await term.waitFor('Or with the AWS CLI:');
    await createTable(sandbox, 'key');
    await term.choose(PROMPT.whenDone);
    await term.waitFor('FAIL: not yet.');

    // The solution, pasted as shown, must work: the wrong table goes first.
    await term.choose(PROMPT.whenDone, 1, 2);
    let screen = await term.waitFor(/The solution:[\s\S]*create-table/);
    const solution = screen.slice(screen.lastIndexOf('The solution:'));
    assert.match(solution, new RegExp(`aws --endpoint-url ${sandbox.endpoint} dynamodb delete-table --table-name upload_metadata --region us-east-1 && aws --endpoint-url ${sandbox.endpoint} dynamodb wait table-not-exists [^\\n]*\\n[^\\n]*create-table`));

    // Let upload-lab do it: it explains, offers; "No, keep it" goes back to the options with the table untouched.
    await term.choose(PROMPT.whenDone, 2, 3);
    screen = await term.waitFor("A table's key schema cannot be changed once it is created");
    assert.match(screen, /Table upload_metadata already exists, but its sort key is "key", not "object_key"\./);
    await term.choose('What now?');
    await term.choose('Delete table upload_metadata?', 0);
    await term.prompt(PROMPT.whenDone, 4);
    const kept = await sdkServices(sandbox.clients).dynamodb.describeTable('upload_metadata');
    assert.deepEqual(kept?.keySchema.map((k) => k.name), ['bucket', 'key'], 'the table was deleted without a yes');

    // Again, and this time yes: deleted, created right, and the part passes.
    await term.choose(PROMPT.whenDone, 2, 4);
    await term.choose('What now?', 0, 2);
    await term.choose('Delete table upload_metadata?', 1, 2);
    screen = await term.waitFor('PASS: Part 1: Create the DynamoDB table');
    assert.match(screen, /Deleted table upload_metadata\./);
    await term.prompt(PROMPT.how, 2);
    const fixed = await sdkServices(sandbox.clients).dynamodb.describeTable('upload_metadata');
    assert.deepEqual(fixed?.keySchema.map((k) => k.name), ['bucket', 'object_key']);
    term.keys('C-c');
    assert.equal(await term.exitCode(), 130);
  });

  test("Part 2 by hand: the printed env and the printed aws iam commands, pasted into bash with the real AWS CLI, build what Check my work passes", async () => {
    const { env, sandbox, args } = await learnerMachine();
    sandboxes.push(sandbox);
    const term = open(args(), env);
    await term.choose(PROMPT.ready);
    await term.choose(PROMPT.how, 0);
    await term.choose(PROMPT.how, 1, 2);
    const screen = await term.waitFor('Or with the AWS CLI:');
    // A running sandbox (this test's) is used: its port stays, so no warning about a new port.
    assert.doesNotMatch(screen, /new port each time/);
    const exports = /(export AWS_ACCESS_KEY_ID=[^,]+),/.exec(screen)![1]!;
    assert.match(exports, /AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1/);
    const printed = screen.split('\n').map((l) => l.trim()).filter((l) => /^aws .* iam (create-role|put-role-policy) /.test(l));
    assert.equal(printed.length, 2, screen);
    const created = await pasteInBash([exports, ...printed], env);
    assert.match(created, /"RoleName": "upload-lab-metadata-us-east-1-role"/);
    await term.choose(PROMPT.whenDone);
    await term.waitFor('PASS: Part 2: Give the function its permissions');
    // progress shows the checks as last checked, with the time, not as the lab's state now.
    const { stdout } = await runCli(['progress'], { env });
    assert.match(stdout, /Checks passed when last checked \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\): 2\/7 \(upload-lab verify checks the lab as it is now\)/);
    await term.prompt(PROMPT.how, 3);
    term.keys('C-c');
    assert.equal(await term.exitCode(), 130);
  });

  test("learn's own sandbox (none running) says once that printed commands work while learn runs, and how to get a port that stays", async () => {
    const env = cliEnv();
    const term = open(['learn', '--local', '--data-dir', join(env.UPLOAD_LAB_HOME!, 'fresh')], env);
    const screen = await term.prompt(PROMPT.ready);
    assert.equal(screen.split('The commands printed here work while this walk runs').length - 1, 1, screen);
    assert.match(screen, /run `npx upload-lab sandbox` in another terminal first: it serves on port 4566, and learn --local uses it/);
    term.keys('C-c');
    assert.equal(await term.exitCode(), 130);
  });

  test("\"I'll do it myself\" for Part 5: the learner's own trigger and upload are checked, and the item is shown", async () => {
    const { env, sandbox, args } = await learnerMachine();
    sandboxes.push(sandbox);
    const term = open(args(), env);
    await term.choose(PROMPT.ready);
    for (let part = 1; part <= 4; part++) await term.choose(PROMPT.how, 0, part);
    await term.choose(PROMPT.how, 1, 5);
    const screen = await term.waitFor('Or with the AWS CLI:');
    assert.match(screen, new RegExp(`aws --endpoint-url ${sandbox.endpoint} s3 mb s3://${BUCKET} --region us-east-1`));

    // What the instructions say, done through the SDK: bucket, permission, rule, upload.
    const { s3, lambda } = sandbox.clients;
    const fnArn = 'arn:aws:lambda:us-east-1:000000000000:function:upload-lab-metadata';
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await lambda.send(new AddPermissionCommand({ FunctionName: 'upload-lab-metadata', StatementId: 'by-hand', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: `arn:aws:s3:::${BUCKET}`, SourceAccount: '000000000000' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: BUCKET,
        NotificationConfiguration: { LambdaFunctionConfigurations: [{ Id: 'by-hand', LambdaFunctionArn: fnArn, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } } }] },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'incoming/notes.txt', Body: 'hello\n' }));
    // The learner checks once the function has run; the check itself does not wait for a hand-made upload.
    const services = sdkServices(sandbox.clients);
    const deadline = Date.now() + 30_000;
    while (!(await services.dynamodb.getItem('upload_metadata', { bucket: BUCKET, object_key: 'incoming/notes.txt' }))) {
      assert.ok(Date.now() < deadline, 'the upload never reached the table');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    await term.choose(PROMPT.whenDone);
    const checked = await term.waitFor('PASS: Part 5: Test it: upload a file');
    assert.match(checked, /PASS trigger\s+Upload a test file/);
    assert.match(checked, /PASS logs\s+Check logs/);
    assert.match(checked, /The item appeared in the table:\n\s+bucket = "upload-lab-000000000000-us-east-1"\s+\(key\)\n\s+object_key = "incoming\/notes.txt"\s+\(key\)\n(.*\n)*\s+size = 6\n/);
    term.keys('C-c');
    assert.equal(await term.exitCode(), 130);
    assert.equal((await progressOf(env)).parts.find((p) => p.id === 'test')!.how, 'self');
  });

  test('killed mid-walk, learn resumes at the part it was in; --reset starts over', async () => {
    const { env, sandbox, args } = await learnerMachine();
    sandboxes.push(sandbox);
    const first = open(args(), env);
    await first.choose(PROMPT.ready);
    await first.choose(PROMPT.how);
    await first.choose(PROMPT.how, 0, 2);
    await first.waitFor('PASS: Part 2');
    await first.waitFor('── Part 3');
    process.kill(first.cliPid(), 'SIGKILL');
    assert.equal(await first.exitCode(), 137);
    const state = JSON.parse(readFileSync(join(env.UPLOAD_LAB_HOME!, 'learn', 'progress.json'), 'utf8')) as { parts: Record<string, unknown> };
    assert.deepEqual(Object.keys(state.parts), ['intro', 'table', 'permissions']);

    const second = open(args(), env);
    let screen = await second.waitFor('── Part 3');
    assert.match(screen, /Welcome back: 3 of 8 parts done/);
    assert.doesNotMatch(screen, /── Part 1/);
    await second.choose(PROMPT.how);
    await second.waitFor('PASS: Part 3');
    second.keys('C-c');
    assert.equal(await second.exitCode(), 130);
    assert.equal((await progressOf(env)).partsDone, 4);

    const third = open(args('--reset'), env);
    screen = await third.prompt(PROMPT.ready);
    assert.match(screen, /Progress cleared/);
    assert.match(screen, /── What you will build/);
    third.keys('C-c');
    assert.equal(await third.exitCode(), 130);
    assert.equal((await progressOf(env)).partsDone, 0);
  });

  test('without a terminal, learn and quiz exit 2 and point at setup and verify', async () => {
    const { env, sandbox, args } = await learnerMachine();
    sandboxes.push(sandbox);
    for (const command of [args(), ['quiz']]) {
      const result = await runCli(command, { env });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`upload-lab ${command[0]} asks you questions, so it needs a terminal`));
      assert.match(result.stderr, /upload-lab setup.*upload-lab verify/);
    }
  });
});

describe('upload-lab quiz, through a real terminal (tmux)', () => {
  test('one question at a time, the explanation after each answer, the score N/5 at the end', async () => {
    const { env, sandbox } = await learnerMachine();
    const term = TmuxSession.start(['quiz'], env);
    try {
      const wrong = new Set([1, 3]);
      for (const [i, question] of lesson.quiz.entries()) {
        const screen = await term.prompt(`${i + 1}/5 `);
        // The next question is not shown before this one is answered.
        if (i + 1 < lesson.quiz.length) assert.doesNotMatch(screen, new RegExp(`${i + 2}/5 `));
        await term.choose(`${i + 1}/5 ${question.question}`, wrong.has(i) ? (question.answer + 1) % question.choices.length : question.answer);
        await term.waitFor(question.explanation.slice(0, 40));
      }
      const screen = await term.waitFor('Score: 3/5');
      assert.match(screen, /Which AWS service is used in this lesson to store metadata records\?\n│\s+Amazon DynamoDB\nRight\./);
      assert.equal(await term.exitCode(), 0);
      assert.deepEqual((await progressOf(env)).activities.quiz, { score: 3, total: 5 });
    } finally {
      term.close();
      await sandbox.stop();
    }
  });

  test('Ctrl+C after two answers keeps them: the quiz resumes at 3/5 and the score counts them', async () => {
    const env = cliEnv();
    const first = TmuxSession.start(['quiz'], env);
    let second: TmuxSession | undefined;
    try {
      const [q1, q2] = lesson.quiz;
      await first.choose(`1/5 ${q1!.question}`, q1!.answer);
      await first.choose(`2/5 ${q2!.question}`, (q2!.answer + 1) % q2!.choices.length);
      await first.prompt('3/5 ');
      first.keys('C-c');
      assert.equal(await first.exitCode(), 130);
      assert.match(first.screen(), /Your progress is saved: run upload-lab quiz again/);

      const term = (second = TmuxSession.start(['quiz'], env));
      let screen = await term.prompt('3/5 ');
      assert.match(screen, /2 of 5 answered \(kept\)\. Going on with question 3\./);
      assert.doesNotMatch(screen, /1\/5 /);
      for (const [i, question] of lesson.quiz.entries()) if (i >= 2) await term.choose(`${i + 1}/5 ${question.question}`, question.answer);
      screen = await term.waitFor('Score: 4/5');
      assert.equal(await term.exitCode(), 0);
      assert.deepEqual((await progressOf(env)).activities.quiz, { score: 4, total: 5 });
    } finally {
      first.close();
      second?.close();
    }
  });
});

describe('upload-lab learn --runtime python3.13, through a real terminal (tmux)', () => {
  test("the function is the lesson's Python handler, and the commands shown say so", async () => {
    const { env, sandbox, args } = await learnerMachine();
    const term = TmuxSession.start(args('--runtime', 'python3.13'), env);
    try {
      await term.choose(PROMPT.ready);
      for (let part = 1; part <= 4; part++) await term.choose(PROMPT.how, 0, part);
      const screen = await term.waitFor('PASS: Part 4: Deploy the handler code');
      assert.match(screen, /lambda create-function --function-name upload-lab-metadata --runtime python3\.13 --handler lambda_function\.lambda_handler /);
      const fn = await sdkServices(sandbox.clients).lambda.getFunction('upload-lab-metadata');
      assert.equal(fn?.runtime, 'python3.13');
      term.keys('C-c');
      assert.equal(await term.exitCode(), 130);
    } finally {
      term.close();
      await sandbox.stop();
    }
  });

  test('learn --json is refused: the walk is interactive (exit 2)', async () => {
    const { env, sandbox, args } = await learnerMachine();
    const term = TmuxSession.start(args('--json'), env);
    try {
      assert.equal(await term.exitCode(), 2);
      assert.match(term.screen(), /upload-lab learn is an interactive walk: it prints no JSON\.\nfix: For JSON, use upload-lab progress --json/);
    } finally {
      term.close();
      await sandbox.stop();
    }
  });
});
