import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeLogGroupsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateFunctionCommand,
  InvokeCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
  type InvokeCommandOutput,
} from '@aws-sdk/client-lambda';
import { assertMatchesRecorded, referenceCase } from '../helpers/reference.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { createActiveFunction, createRole, eventually, fixture, zipOf } from './lambda-support.js';

function payloadOf(output: InvokeCommandOutput): unknown {
  return JSON.parse(new TextDecoder().decode(output.Payload));
}

function tailOf(output: InvokeCommandOutput): string[] {
  return Buffer.from(output.LogResult ?? '', 'base64').toString('utf8').split(/(?<=\n)/);
}

describe('lambda invoke', () => {
  let t: TestSandbox;
  let role: string;
  let scratch: string;
  before(async () => {
    t = await startTestSandbox();
    scratch = mkdtempSync(join(tmpdir(), 'lambda-invoke-'));
    role = await createRole(t.clients, 'lambda-invoke-role', {
      extra: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/lambda_items' }],
    });
  });
  after(async () => {
    await t.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const invoke = (name: string, payload: unknown = {}, extra: Partial<ConstructorParameters<typeof InvokeCommand>[0]> = {}) =>
    t.clients.lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify(payload), ...extra }));

  it('runs an ESM handler with Lambda context and environment, and none of the sandbox process environment', async () => {
    await createActiveFunction(t.clients, { name: 'echo', role, files: { 'index.mjs': fixture('echo.mjs') }, Environment: { Variables: { GREETING: 'hello' } } });
    process.env.UPLOAD_LAB_TEST_PARENT_ONLY = 'secret';
    const output = await invoke('echo', { a: 1 });
    const reference = referenceCase('lambda', 'lambda.invoke.request_response').response;
    assert.equal(output.StatusCode, reference.StatusCode);
    assert.equal(output.ExecutedVersion, reference.ExecutedVersion);
    assert.equal(output.FunctionError, undefined);
    const result = payloadOf(output) as { event: unknown; greeting: string; context: Record<string, unknown>; env: Record<string, unknown> };
    assert.deepEqual(result.event, { a: 1 });
    assert.equal(result.greeting, 'hello');
    assert.equal(result.context.functionName, 'echo');
    assert.equal(result.context.functionVersion, '$LATEST');
    assert.equal(result.context.invokedFunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:echo');
    assert.equal(result.context.memoryLimitInMB, '128');
    assert.equal(result.context.logGroupName, '/aws/lambda/echo');
    assert.match(String(result.context.logStreamName), /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.match(String(result.context.awsRequestId), /^[0-9a-f-]{36}$/);
    assert.ok(Number(result.context.remaining) > 0 && Number(result.context.remaining) <= 3000);
    assert.equal(result.context.callbackWaitsForEmptyEventLoop, true);
    assert.equal(result.env.AWS_REGION, 'us-east-1');
    assert.equal(result.env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs20.x');
    assert.equal(result.env.AWS_ENDPOINT_URL, t.endpoint);
    assert.match(String(result.env.AWS_ACCESS_KEY_ID), /^ASIA/);
    assert.equal(result.env.HAS_SESSION_TOKEN, true);
    assert.equal(result.env._HANDLER, 'index.handler');
    assert.equal(result.env.LEAKED_PARENT_VARIABLE, null);
    delete process.env.UPLOAD_LAB_TEST_PARENT_ONLY;
  });

  it('keeps the environment warm: module state grows across invocations', async () => {
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push((payloadOf(await invoke('echo')) as { invocations: number }).invocations);
    assert.deepEqual(counts.slice(1), [counts[0]! + 1, counts[0]! + 2]);
  });

  it('returns the log tail: START, the handler output in Node format, END, REPORT', async () => {
    await createActiveFunction(t.clients, { name: 'tail', role, files: { 'index.mjs': fixture('echo.mjs') } });
    const output = await invoke('tail', { x: 1 }, { LogType: 'Tail' });
    const recorded = referenceCase('lambda', 'lambda.invoke.log_type_tail_decoded').response.logs as string[];
    const lines = tailOf(output);
    assertMatchesRecorded(recorded[0]!, lines[0], 'START line');
    assert.match(lines[1]!, /^\d{4}-\d{2}-\d{2}T[\d:.]+Z\t[0-9a-f-]{36}\tINFO\tevent \{"x":1\}\n$/);
    assert.match(lines[2]!, /\tWARN\ta warning\n$/);
    assertMatchesRecorded(recorded[2]!, lines[3], 'END line');
    assertMatchesRecorded(recorded[3]!, lines[4], 'REPORT line (cold start, with Init Duration)');
    const warm = tailOf(await invoke('tail', {}, { LogType: 'Tail' }));
    assert.doesNotMatch(warm.at(-1)!, /Init Duration/);
  });

  it('runs a CommonJS handler from a plain .js file', async () => {
    await createActiveFunction(t.clients, { name: 'cjs', role, files: { 'index.js': fixture('echo.cjs') } });
    assert.deepEqual(payloadOf(await invoke('cjs', { name: 'n' })), { style: 'commonjs', invocations: 1, name: 'n', version: 'v2' });
  });

  it('runs a callback-style handler, and reports its callback error', async () => {
    await createActiveFunction(t.clients, { name: 'callback', role, files: { 'app/main.js': fixture('callback.cjs') }, handler: 'app/main.handler' });
    const ok = await invoke('callback');
    assert.equal((payloadOf(ok) as { style: string }).style, 'callback');
    const failed = await invoke('callback', { fail: true });
    assert.equal(failed.FunctionError, 'Unhandled');
    assert.equal((payloadOf(failed) as { errorMessage: string }).errorMessage, 'callback failure');
  });

  it('returns null when the handler returns nothing', async () => {
    await createActiveFunction(t.clients, { name: 'nothing', role, files: { 'index.mjs': 'export const handler = async () => {};\n' } });
    const output = await invoke('nothing');
    assert.equal(new TextDecoder().decode(output.Payload), referenceCase('lambda', 'lambda.invoke.handler_returns_none').response.Payload);
  });

  it('reports a thrown error as Unhandled, with Node runtime payload and log line', async () => {
    await createActiveFunction(t.clients, { name: 'throws', role, files: { 'index.mjs': fixture('throws.mjs') } });
    const output = await invoke('throws', {}, { LogType: 'Tail' });
    const reference = referenceCase('lambda', 'lambda.invoke.unhandled_handler_error').response;
    assert.equal(output.StatusCode, reference.StatusCode);
    assert.equal(output.FunctionError, reference.FunctionError);
    const payload = payloadOf(output) as { errorType: string; errorMessage: string; trace: string[] };
    assert.deepEqual(Object.keys(payload), ['errorType', 'errorMessage', 'trace']);
    assert.equal(payload.errorType, 'TypeError');
    assert.equal(payload.errorMessage, 'Handler fails');
    assert.equal(payload.trace[0], 'TypeError: Handler fails');
    const errorLine = tailOf(output).find((l) => l.includes('\tERROR\t'));
    assert.ok(errorLine, 'an ERROR line in the log');
    const [, json] = /\tERROR\tInvoke Error \t(.*)\n$/.exec(errorLine)!;
    const logged = JSON.parse(json!) as { errorType: string; errorMessage: string; stack: string[] };
    assert.equal(logged.errorType, 'TypeError');
    assert.equal(logged.errorMessage, 'Handler fails');
    assert.ok(Array.isArray(logged.stack));
  });

  it('reports init errors: a module that throws, a missing module, a missing export', async () => {
    await createActiveFunction(t.clients, { name: 'init-error', role, files: { 'index.mjs': fixture('init-error.mjs') } });
    const thrown = await invoke('init-error');
    assert.equal(thrown.FunctionError, referenceCase('lambda', 'lambda.invoke.unhandled_init_error').response.FunctionError);
    assert.deepEqual(
      { ...(payloadOf(thrown) as object), trace: undefined },
      { errorType: 'Error', errorMessage: 'Runtime startup fails', trace: undefined },
    );
    await createActiveFunction(t.clients, { name: 'no-module', role, files: { 'index.mjs': fixture('echo.mjs') }, handler: 'missing.handler' });
    const missing = payloadOf(await invoke('no-module')) as { errorType: string; errorMessage: string };
    assert.equal(missing.errorType, 'Runtime.ImportModuleError');
    assert.match(missing.errorMessage, /^Error: Cannot find module 'missing'/);
    await createActiveFunction(t.clients, { name: 'no-export', role, files: { 'index.mjs': fixture('echo.mjs') }, handler: 'index.other' });
    const noExport = payloadOf(await invoke('no-export')) as { errorType: string; errorMessage: string };
    assert.deepEqual([noExport.errorType, noExport.errorMessage], ['Runtime.HandlerNotFound', 'index.other is undefined or not exported']);
  });

  it('times out: kills the environment and answers Sandbox.Timedout', async () => {
    await createActiveFunction(t.clients, { name: 'slow', role, files: { 'index.mjs': fixture('slow.mjs') }, Timeout: 1 });
    const output = await invoke('slow', {}, { LogType: 'Tail' });
    const reference = referenceCase('lambda', 'lambda.invoke.timeout').response;
    assert.equal(output.FunctionError, reference.FunctionError);
    const payload = payloadOf(output) as { errorType: string; errorMessage: string };
    assert.deepEqual(Object.keys(payload), Object.keys(reference.Payload));
    assert.equal(payload.errorType, reference.Payload.errorType);
    assertMatchesRecorded(reference.Payload.errorMessage, payload.errorMessage, 'timeout message');
    assert.match(tailOf(output).at(-1)!, /^\S+Z [0-9a-f-]{36} Task timed out after 1\.00 seconds\n$/);
  });

  it('applies a code update and a configuration update to the next invocation', async () => {
    await createActiveFunction(t.clients, { name: 'changing', role, files: { 'index.mjs': fixture('echo.mjs') } });
    assert.equal((payloadOf(await invoke('changing')) as { version: string }).version, 'v1');
    await t.clients.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'changing', ZipFile: zipOf({ 'index.js': fixture('echo.cjs') }) }));
    await waitUntilFunctionUpdatedV2({ client: t.clients.lambda, maxWaitTime: 30 }, { FunctionName: 'changing' });
    assert.deepEqual(payloadOf(await invoke('changing', { name: 'after' })), { style: 'commonjs', invocations: 1, name: 'after', version: 'v2' });

    await t.clients.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'changing', ZipFile: zipOf({ 'index.mjs': fixture('echo.mjs') }) }));
    await waitUntilFunctionUpdatedV2({ client: t.clients.lambda, maxWaitTime: 30 }, { FunctionName: 'changing' });
    await t.clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'changing', Environment: { Variables: { GREETING: 'changed' } } }));
    await waitUntilFunctionUpdatedV2({ client: t.clients.lambda, maxWaitTime: 30 }, { FunctionName: 'changing' });
    const result = payloadOf(await invoke('changing')) as { greeting: string; invocations: number };
    assert.equal(result.greeting, 'changed');
    assert.equal(result.invocations, 1, 'a fresh environment after the configuration change');
  });

  it('answers Event with 202 and DryRun with 204, running only the Event', async () => {
    const file = join(scratch, 'event-attempts.txt');
    await createActiveFunction(t.clients, { name: 'event', role, files: { 'index.mjs': fixture('attempts.mjs') }, Environment: { Variables: { ATTEMPTS_FILE: file, SUCCEED: 'yes' } } });
    const dryRun = await invoke('event', { n: 0 }, { InvocationType: 'DryRun' });
    assert.equal(dryRun.StatusCode, referenceCase('lambda', 'lambda.invoke.dry_run').response.StatusCode);
    const queued = await invoke('event', { n: 1 }, { InvocationType: 'Event' });
    assert.equal(queued.StatusCode, referenceCase('lambda', 'lambda.invoke.event_async').response.StatusCode);
    assert.equal(new TextDecoder().decode(queued.Payload ?? new Uint8Array()), '');
    const lines = await eventually(() => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    }, 'the Event invocation');
    assert.match(lines, /\{"n":1\}\n$/);
    assert.doesNotMatch(lines, /"n":0/);
  });

  it('retries a failed asynchronous invocation twice, with the same request id', async () => {
    const file = join(scratch, 'retry-attempts.txt');
    await createActiveFunction(t.clients, { name: 'retry', role, files: { 'index.mjs': fixture('attempts.mjs') }, Environment: { Variables: { ATTEMPTS_FILE: file } } });
    await invoke('retry', { n: 1 }, { InvocationType: 'Event' });
    // Idle: no attempt runs and none waits for its retry delay, so the count below is final.
    await t.sandbox.whenAsyncIdle();
    const attempts = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(attempts.length, 3);
    assert.equal(new Set(attempts.map((l) => l.split(' ')[0])).size, 1, 'one request id for all attempts');
  });

  it('cannot run a Java function, and says so in the payload and the log', async () => {
    await createActiveFunction(t.clients, { name: 'java', role, files: { 'Handler.class': 'not run' }, Runtime: 'java21', handler: 'example.Handler::handleRequest' });
    const output = await invoke('java', {}, { LogType: 'Tail' });
    assert.equal(output.FunctionError, 'Unhandled');
    const payload = payloadOf(output) as { errorType: string; errorMessage: string };
    assert.equal(payload.errorType, 'Runtime.Unavailable');
    assert.match(payload.errorMessage, /java21 cannot run here/);
    assert.ok(tailOf(output).some((l) => l.includes('java21 cannot run here')));
  });

  it('gives the handler the AWS SDK v3 without bundling it, signing as the function role', async () => {
    await t.clients.dynamodb.send(
      new CreateTableCommand({
        TableName: 'lambda_items',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await createActiveFunction(t.clients, { name: 'writer', role, files: { 'index.mjs': fixture('dynamodb.mjs') }, Environment: { Variables: { TABLE_NAME: 'lambda_items' } }, Timeout: 30 });
    assert.deepEqual(payloadOf(await invoke('writer', { id: 'from-lambda' })), { written: 'from-lambda' });
    const item = await t.clients.dynamodb.send(new GetItemCommand({ TableName: 'lambda_items', Key: { pk: { S: 'from-lambda' } } }));
    assert.deepEqual(item.Item, { pk: { S: 'from-lambda' } });

    // Another table is not in the role's policy: the function sees AWS's AccessDeniedException.
    await t.clients.dynamodb.send(
      new CreateTableCommand({ TableName: 'other_items', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
    );
    await t.clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'writer', Environment: { Variables: { TABLE_NAME: 'other_items' } } }));
    await waitUntilFunctionUpdatedV2({ client: t.clients.lambda, maxWaitTime: 30 }, { FunctionName: 'writer' });
    const denied = payloadOf(await invoke('writer', { id: 'x' })) as { failed: string; message: string };
    assert.equal(denied.failed, 'AccessDeniedException');
    assert.match(denied.message, /assumed-role\/lambda-invoke-role\/writer is not authorized to perform: dynamodb:PutItem/);
  });

  it('gives the handler @aws-sdk/lib-dynamodb (import and require), re-linked to this installation at every environment start', async () => {
    for (const [name, file] of [['docs-esm', 'document-client.mjs'], ['docs-cjs', 'document-client.cjs']] as const) {
      const extension = file.slice(file.lastIndexOf('.'));
      await createActiveFunction(t.clients, { name, role, files: { [`index${extension}`]: fixture(file) }, Environment: { Variables: { TABLE_NAME: 'lambda_items' } }, Timeout: 30 });
      assert.deepEqual(payloadOf(await invoke(name, { id: name })), { written: name });
      const item = await t.clients.dynamodb.send(new GetItemCommand({ TableName: 'lambda_items', Key: { pk: { S: name } } }));
      assert.deepEqual(item.Item, { pk: { S: name }, size: { N: '7' } });
    }
    // As if another installation had run the function first and was then deleted: its link leads nowhere.
    const base = join(t.dataDir, 'lambda', 'runtime', 'us-east-1', 'docs-esm');
    const link = join(base, readdirSync(base)[0]!, 'node_modules', '@aws-sdk');
    const current = readlinkSync(link);
    rmSync(link);
    symlinkSync(join(scratch, 'deleted-installation', 'node_modules', '@aws-sdk'), link);
    await t.clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'docs-esm', Description: 'a new environment' }));
    await waitUntilFunctionUpdatedV2({ client: t.clients.lambda, maxWaitTime: 30 }, { FunctionName: 'docs-esm' });
    assert.deepEqual(payloadOf(await invoke('docs-esm', { id: 'after-move' })), { written: 'after-move' });
    assert.equal(readlinkSync(link), current);
  });

  it("signs as the role session named after the function, as STS tells a function on AWS", async () => {
    for (const [name, key] of [
      ['w', 'sts.get_caller_identity.arn_inside_lambda_one_char_name'],
      ['wh', 'sts.get_caller_identity.arn_inside_lambda'],
    ] as const) {
      await createActiveFunction(t.clients, { name, role, files: { 'index.mjs': fixture('whoami.mjs') }, Timeout: 30 });
      const arn = payloadOf(await invoke(name, {})) as string;
      // The recorded role was auto-generated; ours is the test's role, so compare with that name put in.
      const recorded = (referenceCase('sts', key).response as string).replace(/lambda-autogenerated-<[^>]+>/, 'lambda-invoke-role').replace('<function-name>', name);
      assertMatchesRecorded(recorded, arn, `GetCallerIdentity inside ${name}`);
    }
  });

  it('writes START, output, END and REPORT lines to /aws/lambda/<name>', async () => {
    await createActiveFunction(t.clients, { name: 'logged', role, files: { 'index.mjs': fixture('echo.mjs') } });
    await invoke('logged', { logged: true });
    const events = await eventually(async () => {
      try {
        const found = await t.clients.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/logged' }));
        return found.events?.some((e) => e.message?.startsWith('REPORT')) ? found.events : undefined;
      } catch {
        return undefined;
      }
    }, 'the function log');
    const messages = events.map((e) => e.message!);
    assert.match(messages[0]!, /^INIT_START Runtime Version: nodejs:20\./);
    assert.ok(messages.some((m) => /^START RequestId: [0-9a-f-]{36} Version: \$LATEST\n$/.test(m)));
    assert.ok(messages.some((m) => /\tINFO\tevent \{"logged":true\}\n$/.test(m)));
    assert.ok(messages.some((m) => /^END RequestId: /.test(m)));
    assert.match(events[0]!.logStreamName!, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('runs a function whose role may not write logs, but writes no log for it', async () => {
    const quiet = await createRole(t.clients, 'lambda-no-logs-role', { logs: false });
    await createActiveFunction(t.clients, { name: 'quiet', role: quiet, files: { 'index.mjs': fixture('echo.mjs') } });
    const output = await invoke('quiet', { q: 1 });
    assert.deepEqual((payloadOf(output) as { event: unknown }).event, { q: 1 });
    // A synchronous invocation writes its log before it answers (Invoker.finish), as the group of
    // `echo` shows: absent now, the group stays absent.
    const groups = await t.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }));
    const names = groups.logGroups!.map((g) => g.logGroupName);
    assert.ok(names.includes('/aws/lambda/echo'), 'functions allowed to log have their group');
    assert.ok(!names.includes('/aws/lambda/quiet'), 'no log group for the function whose role may not log');
  });
});

describe('lambda invoke: rejected payloads', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox();
  });
  after(() => t.stop());

  it('refuses a payload that is not JSON', async () => {
    const role = await createRole(t.clients, 'lambda-payload-role');
    await t.clients.lambda.send(new CreateFunctionCommand({ FunctionName: 'p', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf({ 'index.mjs': fixture('echo.mjs') }) } }));
    const error = await t.clients.lambda.send(new InvokeCommand({ FunctionName: 'p', Payload: new TextEncoder().encode('{nope') })).catch((e: Error) => e);
    assert.equal((error as Error).name, 'InvalidRequestContentException');
  });
});
