import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { PYTHON_ENV } from '../../src/sandbox/services/lambda/host-python.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { createActiveFunction, createRole, eventually, fixture, sleep } from './lambda-support.js';

function payloadOf(output: InvokeCommandOutput): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(output.Payload)) as Record<string, unknown>;
}

function tailOf(output: InvokeCommandOutput): string {
  return Buffer.from(output.LogResult ?? '', 'base64').toString('utf8');
}

const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:000000000000:table/py_items';

describe('lambda python runtime', () => {
  let t: TestSandbox;
  let role: string;
  let deniedRole: string;
  let scratch: string;
  before(async () => {
    t = await startTestSandbox();
    scratch = mkdtempSync(join(tmpdir(), 'lambda-python-'));
    role = await createRole(t.clients, 'py-role', { extra: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: TABLE_ARN }] });
    deniedRole = await createRole(t.clients, 'py-denied-role');
    await t.clients.dynamodb.send(
      new CreateTableCommand({ TableName: 'py_items', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
    );
    await createActiveFunction(t.clients, { name: 'py-echo', role, Runtime: 'python3.13', handler: 'echo.handler', files: { 'echo.py': fixture('python/echo.py') }, Environment: { Variables: { GREETING: 'hello' } } });
  });
  after(async () => {
    await t.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  const invoke = (name: string, payload: unknown = {}, extra: Partial<ConstructorParameters<typeof InvokeCommand>[0]> = {}) =>
    t.clients.lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify(payload), LogType: 'Tail', ...extra }));

  const pythonFunction = (name: string, handler: string, extra: object = {}) =>
    createActiveFunction(t.clients, { name, role, Runtime: 'python3.12', handler, files: { 'echo.py': fixture('python/echo.py') }, ...extra });

  it('runs a file.function handler with a Lambda context, the function environment and none of the sandbox process environment', async () => {
    process.env.UPLOAD_LAB_TEST_PARENT_ONLY = 'secret';
    const output = await invoke('py-echo', { a: 1 });
    delete process.env.UPLOAD_LAB_TEST_PARENT_ONLY;
    assert.equal(output.FunctionError, undefined);
    const result = payloadOf(output) as { event: unknown; context: Record<string, unknown>; env: Record<string, unknown> };
    assert.deepEqual(result.event, { a: 1 });
    assert.equal(result.context.function_name, 'py-echo');
    assert.equal(result.context.function_version, '$LATEST');
    assert.equal(result.context.invoked_function_arn, 'arn:aws:lambda:us-east-1:000000000000:function:py-echo');
    assert.equal(result.context.memory_limit_in_mb, '128');
    assert.equal(result.context.log_group_name, '/aws/lambda/py-echo');
    assert.match(String(result.context.log_stream_name), /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.match(String(result.context.aws_request_id), /^[0-9a-f-]{36}$/);
    assert.ok(Number(result.context.remaining) > 0 && Number(result.context.remaining) <= 3000);
    assert.equal(result.env.AWS_REGION, 'us-east-1');
    assert.equal(result.env.AWS_DEFAULT_REGION, 'us-east-1');
    assert.equal(result.env.AWS_EXECUTION_ENV, 'AWS_Lambda_python3.13');
    assert.equal(result.env.AWS_ENDPOINT_URL, t.endpoint);
    assert.match(String(result.env.AWS_ACCESS_KEY_ID), /^ASIA/);
    assert.ok(result.env.AWS_SESSION_TOKEN);
    assert.equal(result.env._HANDLER, 'echo.handler');
    assert.equal(result.env.GREETING, 'hello');
    assert.equal(result.env.UPLOAD_LAB_TEST_PARENT_ONLY, null);
    assert.equal(result.env.NODE_CHANNEL_FD, null, 'the IPC channel is the runtime\'s, not the handler\'s');
  });

  it('writes print lines as they are and logging records in Lambda\'s Python format, between START, END and REPORT', async () => {
    const output = await invoke('py-echo');
    const requestId = (payloadOf(output) as { context: { aws_request_id: string } }).context.aws_request_id;
    const lines = tailOf(output).split('\n');
    assert.equal(lines[0], `START RequestId: ${requestId} Version: $LATEST`);
    assert.ok(lines.includes('printed line'));
    assert.ok(lines.some((l) => new RegExp(`^\\[INFO\\]\\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${requestId}\\tlogged record$`).test(l)), lines.join('\n'));
    assert.ok(lines.indexOf('printed line') < lines.indexOf(`END RequestId: ${requestId}`));
    assert.match(lines.find((l) => l.startsWith('REPORT'))!, new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: [1-9]\\d* MB\\t`));
    const group = await t.clients.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/py-echo', filterPattern: 'INIT_START' }));
    assert.match(group.events![0]!.message!, /^INIT_START Runtime Version: python:3\.13\.host-3\.\d+\.\d+\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}\n$/);
  });

  it('keeps the environment warm: module state grows across invocations', async () => {
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) counts.push((payloadOf(await invoke('py-echo')) as { invocations: number }).invocations);
    assert.deepEqual(counts.slice(1), [counts[0]! + 1, counts[0]! + 2]);
  });

  it("reports an unhandled error as Lambda's Python runtime does: the payload, and [ERROR] with the traceback in the log", async () => {
    await pythonFunction('py-keyerror', 'echo.needs_table');
    const output = await invoke('py-keyerror');
    assert.equal(output.FunctionError, 'Unhandled');
    const payload = payloadOf(output);
    assert.deepEqual(Object.keys(payload), ['errorMessage', 'errorType', 'requestId', 'stackTrace']);
    assert.equal(payload.errorMessage, "'TABLE_NAME'");
    assert.equal(payload.errorType, 'KeyError');
    assert.match(String(payload.requestId), /^[0-9a-f-]{36}$/);
    const trace = payload.stackTrace as string[];
    // The handler's frames (then os's own __getitem__), none of the runtime's.
    assert.match(trace[0]!, /^ {2}File ".*\/task\/echo\.py", line \d+, in needs_table\n {4}return os\.environ\["TABLE_NAME"\]\n/);
    assert.ok(!trace.some((frame) => frame.includes('bootstrap.py')), JSON.stringify(trace));
    const error = tailOf(output).split('\n').find((l) => l.startsWith('[ERROR]'))!;
    assert.equal(error.split('\r')[0], "[ERROR] KeyError: 'TABLE_NAME'");
    assert.equal(error.split('\r')[1], 'Traceback (most recent call last):');
    assert.match(error.split('\r')[2]!, /File ".*echo\.py", line \d+, in needs_table/);
  });

  it('reports a module that cannot be imported as Runtime.ImportModuleError, and a missing function as Runtime.HandlerNotFound', async () => {
    await pythonFunction('py-nomodule', 'lambda_function.lambda_handler');
    const noModule = await invoke('py-nomodule');
    assert.equal(noModule.FunctionError, 'Unhandled');
    assert.deepEqual(payloadOf(noModule), { errorMessage: "Unable to import module 'lambda_function': No module named 'lambda_function'", errorType: 'Runtime.ImportModuleError', requestId: '', stackTrace: [] });
    assert.match(tailOf(noModule), /\tStatus: error\tError Type: Runtime\.ImportModuleError/);
    const log = await t.clients.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/py-nomodule', filterPattern: '"Runtime.ImportModuleError"' }));
    const messages = log.events!.map((e) => e.message);
    assert.ok(messages.includes("[ERROR] Runtime.ImportModuleError: Unable to import module 'lambda_function': No module named 'lambda_function'\rTraceback (most recent call last):\n"), messages.join(''));
    assert.ok(messages.some((m) => /^INIT_REPORT Init Duration: [\d.]+ ms\tPhase: init\tStatus: error\tError Type: Runtime\.ImportModuleError\n$/.test(m!)), messages.join(''));

    await pythonFunction('py-nohandler', 'echo.lambda_handler');
    const noHandler = payloadOf(await invoke('py-nohandler'));
    assert.equal(noHandler.errorType, 'Runtime.HandlerNotFound');
    assert.equal(noHandler.errorMessage, "Handler 'lambda_handler' missing on module 'echo'");
  });

  it('ends an invocation at the timeout, says so in the log, and starts a fresh environment for the next one', async () => {
    await pythonFunction('py-slow', 'echo.slow', { Timeout: 1 });
    const output = await invoke('py-slow');
    assert.equal(output.FunctionError, 'Unhandled');
    const payload = payloadOf(output);
    assert.equal(payload.errorType, 'Sandbox.Timedout');
    assert.match(String(payload.errorMessage), /Task timed out after 1\.00 seconds$/);
    const tail = tailOf(output);
    assert.match(tail, /going to sleep\n/);
    assert.match(tail, /REPORT RequestId: [0-9a-f-]+\t.*\tStatus: timeout/);
    assert.match(tail, /Task timed out after 1\.00 seconds/);
    // The killed environment is not reused: the next invocation starts another (its REPORT has an Init Duration).
    assert.match(tailOf(await invoke('py-slow')), /Init Duration: [\d.]+ ms/);
  });

  it('retries a failed asynchronous invocation twice, with the same request id', async () => {
    const file = join(scratch, 'attempts.txt');
    await pythonFunction('py-retry', 'echo.attempt', { Environment: { Variables: { ATTEMPTS_FILE: file } } });
    await invoke('py-retry', {}, { InvocationType: 'Event', LogType: undefined });
    const attempts = await eventually(() => {
      const lines = readFileSync(file, { encoding: 'utf8', flag: 'a+' }).trim().split('\n').filter(Boolean);
      return lines.length >= 3 ? lines : undefined;
    }, 'three attempts');
    await sleep(500); // the retry delays are 50 and 100 ms: a fourth attempt would be here by now
    assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 3);
    assert.equal(new Set(attempts).size, 1, 'one request id for all attempts');
  });

  it('signs boto3 calls as the function role: PutItem works where granted, and is AccessDenied in the log where not', async () => {
    const files = { 'writer.py': fixture('python/writer.py') };
    await createActiveFunction(t.clients, { name: 'py-writer', role, Runtime: 'python3.13', handler: 'writer.handler', files, Environment: { Variables: { TABLE_NAME: 'py_items' } }, Timeout: 30 });
    assert.deepEqual(payloadOf(await invoke('py-writer', { id: 'from-python' })), { written: 'from-python' });
    const item = await t.clients.dynamodb.send(new GetItemCommand({ TableName: 'py_items', Key: { pk: { S: 'from-python' } } }));
    assert.deepEqual(item.Item, { pk: { S: 'from-python' }, size: { N: '42' } });

    await createActiveFunction(t.clients, { name: 'py-denied', role: deniedRole, Runtime: 'python3.13', handler: 'writer.handler', files, Environment: { Variables: { TABLE_NAME: 'py_items' } }, Timeout: 30 });
    const denied = await invoke('py-denied', { id: 'denied' });
    assert.equal(denied.FunctionError, 'Unhandled');
    assert.equal(payloadOf(denied).errorType, 'ClientError');
    const log = await t.clients.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/py-denied', filterPattern: '"[ERROR] ClientError"' }));
    assert.match(
      log.events![0]!.message!,
      /^\[ERROR\] ClientError: An error occurred \(AccessDeniedException\) when calling the PutItem operation: User: arn:aws:sts::000000000000:assumed-role\/py-denied-role\/py-denied is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table\/py_items/,
    );
  });

  it('without a Python that can import boto3, says how to install it: in the sandbox terminal at CreateFunction, and in the invocation error', async (test) => {
    // A Python without its site-packages (-S) cannot import boto3, wherever boto3 is installed.
    const python = join(scratch, 'python-without-boto3');
    writeFileSync(python, `#!/bin/sh\nexec python3 -I -S "$@"\n`);
    chmodSync(python, 0o755);
    const errors = test.mock.method(console, 'error', () => {});
    const chosen = process.env[PYTHON_ENV];
    process.env[PYTHON_ENV] = python;
    try {
      await pythonFunction('py-noboto', 'echo.handler');
      const said = await eventually(() => errors.mock.calls.map((c) => String(c.arguments[0])).find((m) => m.includes('py-noboto')), 'the sandbox to say it');
      assert.match(said, /^\[sandbox\] lambda: function py-noboto \(python3\.12\) cannot run: No Python 3 that can import boto3 was found/);
      assert.match(said, /python-without-boto3 -m pip install boto3/);
      assert.match(said, /sudo apt-get install python3-boto3/);
      const output = await invoke('py-noboto');
      assert.equal(output.FunctionError, 'Unhandled');
      const payload = payloadOf(output);
      assert.equal(payload.errorType, 'Runtime.Unavailable');
      assert.match(String(payload.errorMessage), /cannot import boto3 \(No module named 'boto3'\).*pip install boto3/);
      assert.match(tailOf(output), /No Python 3 that can import boto3 was found/);
    } finally {
      if (chosen === undefined) delete process.env[PYTHON_ENV];
      else process.env[PYTHON_ENV] = chosen;
      mock.restoreAll();
    }
  });
});
