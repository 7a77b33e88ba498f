import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GetLogEventsCommand, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AddPermissionCommand, CreateFunctionCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, HeadObjectCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { LAMBDA_ASYNC_QUEUE_BYTES, LAMBDA_MAX_EVENT_AGE_MS, MIB } from '../../src/sandbox/limits.js';
import { RECORDS, StateDb } from '../../src/sandbox/state-db.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { createActiveFunction, createRole, eventually, fixture, zipOf } from './lambda-support.js';

/**
 * Lambda's queue of asynchronous invocations is saved (the kill -9 case is crash.test.ts): these
 * stop the sandbox at chosen moments and read the state database it leaves, which only a stopped
 * sandbox lets another process open.
 */

interface Saved {
  requestId: string;
  failedAttempts: number;
  payload: string;
}

/** The records of one kind a stopped sandbox left in its data dir. */
async function savedRecords<T>(dataDir: string, prefix: string): Promise<T[]> {
  const state = await StateDb.open(dataDir);
  try {
    return state.take<T>(prefix).map(([, record]) => record);
  } finally {
    await state.close();
  }
}

/** The queued invocations a stopped sandbox left in its data dir. */
const savedInvocations = (dataDir: string) => savedRecords<Saved>(dataDir, RECORDS.lambdaInvocations);

function attemptsIn(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

async function invokeEvent(sandbox: TestSandbox, name: string, payload: string) {
  return sandbox.clients.lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: payload }));
}

describe('lambda: the queue of asynchronous invocations', () => {
  it('keeps an invocation waiting for its retry across a restart, with its retry count and request id, and removes it once over', async (t) => {
    const scratch = mkdtempSync(join(tmpdir(), 'upload-lab-async-'));
    const file = join(scratch, 'attempts.txt');
    // Retries a minute apart: the first sandbox stops while the first retry waits.
    const first = await startTestSandbox({ asyncRetryDelaysMs: [60_000, 60_000] });
    try {
      const role = await createRole(first.clients, 'async-role');
      await createActiveFunction(first.clients, { name: 'failing', role, files: { 'index.mjs': fixture('attempts.mjs') }, Environment: { Variables: { ATTEMPTS_FILE: file } } });
      await invokeEvent(first, 'failing', JSON.stringify({ n: 1 }));
      // The first attempt's REPORT is logged once it has returned; its failure is counted in the same turn.
      const logs = first.clients.logs;
      await eventually(async () => {
        const { logStreams } = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/failing' })).catch(() => ({ logStreams: [] }));
        for (const stream of logStreams ?? []) {
          const { events } = await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/failing', logStreamName: stream.logStreamName! }));
          if (events?.some((e) => e.message?.startsWith('REPORT'))) return true;
        }
        return undefined;
      }, 'the first attempt to end');
    } finally {
      await first.stop(true);
    }
    assert.equal(attemptsIn(file).length, 1, 'one attempt before the stop');
    const [saved, ...others] = await savedInvocations(first.dataDir);
    assert.deepEqual(others, [], 'one invocation saved');
    assert.equal(saved!.failedAttempts, 1, 'saved with its failed attempt counted');

    // The next start comes once the retry's delay has passed (the clients sign with the same clock).
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() + 60_000 });
    const second = await startTestSandbox({ dataDir: first.dataDir });
    try {
      // Resumed at start, with no request: its two retries are all that is left.
      await second.sandbox.whenAsyncIdle();
      const attempts = attemptsIn(file);
      assert.equal(attempts.length, 3, 'the first attempt, then the two retries after the restart');
      assert.deepEqual(new Set(attempts.map((l) => l.split(' ')[0])), new Set([saved!.requestId]), 'one request id for all attempts');
    } finally {
      await second.stop(true);
    }
    assert.deepEqual(await savedInvocations(first.dataDir), [], 'removed once its last retry failed');
    rmSync(first.dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it(`refuses an Event invocation with 429 TooManyRequestsException once ${LAMBDA_ASYNC_QUEUE_BYTES / MIB} MiB of payloads are queued, and does not save it`, async () => {
    // The function stays Pending for the whole test, so whatever is accepted stays queued.
    const sandbox = await startTestSandbox({ functionUpdateMs: 3_600_000 });
    // Near the largest payload an Event invocation takes (1 MB: see the next test), leaving the full
    // queue room for a small one.
    const payload = JSON.stringify('x'.repeat(MIB - 1024));
    const fits = Math.floor(LAMBDA_ASYNC_QUEUE_BYTES / payload.length);
    let refused: unknown;
    try {
      const role = await createRole(sandbox.clients, 'queue-role');
      await sandbox.clients.lambda.send(
        new CreateFunctionCommand({ FunctionName: 'held', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf({ 'index.mjs': fixture('echo.mjs') }) } }),
      );
      for (let n = 0; n < fits; n++) assert.equal((await invokeEvent(sandbox, 'held', payload)).StatusCode, 202, `invocation ${n + 1} fits`);
      refused = await invokeEvent(sandbox, 'held', payload).then(
        () => assert.fail('the queue is full'),
        (error: unknown) => error,
      );
      const small = await invokeEvent(sandbox, 'held', '{}').then((answer) => answer.StatusCode, (error: { name: string }) => error.name);
      assert.equal(small, 202, 'a small payload still fits');
    } finally {
      await sandbox.stop(true);
    }
    const error = refused as { name: string; message: string; Reason?: string; $metadata: { httpStatusCode: number } };
    assert.equal(error.name, 'TooManyRequestsException');
    assert.equal(error.$metadata.httpStatusCode, 429);
    assert.equal(error.Reason, 'CallerRateLimitExceeded');
    const saved = await savedInvocations(sandbox.dataDir);
    assert.equal(saved.length, fits + 1, 'the accepted ones and the small one are saved, the refused one is not');
    rmSync(sandbox.dataDir, { recursive: true, force: true });
  });

  // "For asynchronous invocations, the maximum payload size is 1 MB"
  // (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html); Lambda's answer, as quoted in
  // learners' reports: "<n> byte payload is too large for the Event invocation type (limit 1048576 bytes)".
  it('refuses an Event payload over 1 MB with RequestEntityTooLargeException 413, and saves nothing', async () => {
    const sandbox = await startTestSandbox({ functionUpdateMs: 3_600_000 });
    const payload = JSON.stringify('x'.repeat(MIB - 1));
    let refused: unknown;
    try {
      const role = await createRole(sandbox.clients, 'large-role');
      await sandbox.clients.lambda.send(
        new CreateFunctionCommand({ FunctionName: 'large', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf({ 'index.mjs': fixture('echo.mjs') }) } }),
      );
      refused = await invokeEvent(sandbox, 'large', payload).then(
        () => assert.fail('a payload over 1 MB is refused'),
        (error: unknown) => error,
      );
    } finally {
      await sandbox.stop(true);
    }
    const error = refused as { name: string; message: string; $metadata: { httpStatusCode: number } };
    assert.equal(error.name, 'RequestEntityTooLargeException');
    assert.equal(error.$metadata.httpStatusCode, 413);
    assert.equal(error.message, `${MIB + 1} byte payload is too large for the Event invocation type (limit ${MIB} bytes)`);
    assert.deepEqual(await savedInvocations(sandbox.dataDir), []);
    rmSync(sandbox.dataDir, { recursive: true, force: true });
  });

  it('drops, without running it, a saved invocation older than the maximum event age (6 hours)', async (t) => {
    const scratch = mkdtempSync(join(tmpdir(), 'upload-lab-async-'));
    const file = join(scratch, 'attempts.txt');
    const first = await startTestSandbox({ functionUpdateMs: 3_600_000 });
    try {
      const role = await createRole(first.clients, 'old-role');
      await first.clients.lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'late',
          Role: role,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Code: { ZipFile: zipOf({ 'index.mjs': fixture('attempts.mjs') }) },
          Environment: { Variables: { ATTEMPTS_FILE: file, SUCCEED: 'yes' } },
        }),
      );
      // Pending: Lambda holds the event until the function is Active, an hour from now.
      await invokeEvent(first, 'late', JSON.stringify({ n: 1 }));
    } finally {
      await first.stop(true);
    }
    assert.equal((await savedInvocations(first.dataDir)).length, 1);
    // The next start comes a minute past the event's maximum age (the clients sign with the same clock).
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() + LAMBDA_MAX_EVENT_AGE_MS + 60_000 });
    const second = await startTestSandbox({ dataDir: first.dataDir });
    try {
      await second.sandbox.whenAsyncIdle();
    } finally {
      await second.stop(true);
    }
    assert.deepEqual(attemptsIn(file), [], 'never run');
    assert.deepEqual(await savedInvocations(first.dataDir), [], 'and no longer saved');
    rmSync(first.dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it("hands an S3 event over to Lambda's queue: one saved record stands for it at any time, so a restart runs it once", async () => {
    // The function stays Pending, so the event waits in Lambda's queue when the sandbox stops.
    const sandbox = await startTestSandbox({ functionUpdateMs: 3_600_000 });
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:triggered';
    try {
      const role = await createRole(sandbox.clients, 'trigger-role');
      await sandbox.clients.lambda.send(
        new CreateFunctionCommand({ FunctionName: 'triggered', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf({ 'index.mjs': fixture('echo.mjs') }) } }),
      );
      await sandbox.clients.lambda.send(
        new AddPermissionCommand({ FunctionName: 'triggered', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::handed-over' }),
      );
      const s3 = sandbox.clients.s3;
      await s3.send(new CreateBucketCommand({ Bucket: 'handed-over' }));
      await s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: 'handed-over',
          NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: arn, Events: ['s3:ObjectCreated:*'] }] },
        }),
      );
      await s3.send(new PutObjectCommand({ Bucket: 'handed-over', Key: 'one.txt', Body: 'one' }));
      // The hand-over is staged just after the upload's answer; a later request's answer waits for its commit.
      await s3.send(new HeadObjectCommand({ Bucket: 'handed-over', Key: 'one.txt' }));
    } finally {
      await sandbox.stop(true);
    }
    assert.deepEqual(await savedRecords(sandbox.dataDir, RECORDS.s3Deliveries), [], "S3's delivery record went with the hand-over");
    const [invocation, ...others] = await savedInvocations(sandbox.dataDir);
    assert.deepEqual(others, [], 'one invocation saved for the one event');
    assert.equal((JSON.parse(invocation!.payload) as { Records: { s3: { object: { key: string } } }[] }).Records[0]!.s3.object.key, 'one.txt');
    rmSync(sandbox.dataDir, { recursive: true, force: true });
  });
});
