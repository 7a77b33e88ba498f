import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  GetPolicyCommand,
  InvokeCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { answerKeys, assertErrorMatchesReference, assertMatchesRecorded, rawRequest, referenceCase, rejection } from '../helpers/reference.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { createActiveFunction, createRole, fixture, zipOf } from './lambda-support.js';

const ECHO = { 'index.mjs': fixture('echo.mjs') };

/** The keys of a recorded response, without the recorder's metadata. */

describe('lambda API', () => {
  let t: TestSandbox;
  let role: string;
  before(async () => {
    t = await startTestSandbox();
    role = await createRole(t.clients, 'lambda-api-role');
  });
  after(() => t.stop());

  it('creates a function Pending with every key Lambda answers, then reports it Active to the waiter', async () => {
    const zip = zipOf(ECHO);
    const created = await t.clients.lambda.send(new CreateFunctionCommand({ FunctionName: 'api-create', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zip } }));
    const reference = referenceCase('lambda', 'lambda.create_function.response_without_environment').response;
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.deepEqual(answerKeys(created), answerKeys(reference));
    assert.equal(created.State, 'Pending');
    assert.equal(created.StateReason, 'The function is being created.');
    assert.equal(created.StateReasonCode, 'Creating');
    assert.equal(created.CodeSha256, createHash('sha256').update(zip).digest('base64'));
    assert.equal(created.CodeSize, zip.length);
    assert.equal(created.Timeout, 3);
    assert.equal(created.MemorySize, 128);
    assert.deepEqual(created.LoggingConfig, { LogFormat: 'Text', LogGroup: '/aws/lambda/api-create' });
    assert.deepEqual(created.Architectures, ['x86_64']);
    assertMatchesRecorded(reference.FunctionArn, created.FunctionArn, 'FunctionArn');

    await waitUntilFunctionActiveV2({ client: t.clients.lambda, maxWaitTime: 30 }, { FunctionName: 'api-create' });
    const got = await t.clients.lambda.send(new GetFunctionCommand({ FunctionName: 'api-create' }));
    const active = referenceCase('lambda', 'lambda.get_function.active').response;
    assert.deepEqual(answerKeys(got), answerKeys(active));
    assert.deepEqual(answerKeys(got.Configuration!), Object.keys(active.Configuration).sort());
    assert.equal(got.Configuration!.State, 'Active');
    assert.equal(got.Configuration!.LastUpdateStatus, 'Successful');
    assert.notEqual(got.Configuration!.RevisionId, created.RevisionId);
    assert.equal(got.Code!.RepositoryType, 'S3');
    const download = await fetch(got.Code!.Location!);
    assert.equal(download.status, 200);
    assert.deepEqual(new Uint8Array(await download.arrayBuffer()), zip);
  });

  it('echoes an empty Environment as an empty map, as the recorded create does', async () => {
    const created = await createActiveFunction(t.clients, { name: 'api-env', role, files: ECHO, Environment: { Variables: {} }, MemorySize: 256, Timeout: 5 });
    const reference = referenceCase('lambda', 'lambda.create_function.response').response.CreateFunctionResponse;
    assert.deepEqual(answerKeys(created), answerKeys(reference));
    assert.deepEqual(created.Environment, { Variables: {} });
    const config = await t.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-env' }));
    assert.deepEqual(answerKeys(config), answerKeys(referenceCase('lambda', 'lambda.get_function_configuration.response').response));
  });

  // TracingConfig.Mode is Active | PassThrough; EphemeralStorage.Size is 512-10240 MB
  // (https://docs.aws.amazon.com/lambda/latest/api/API_TracingConfig.html, https://docs.aws.amazon.com/lambda/latest/api/API_EphemeralStorage.html).
  it('keeps TracingConfig and EphemeralStorage, reads them back, and refuses values outside Lambda\'s limits', async () => {
    const created = await createActiveFunction(t.clients, { name: 'api-tracing', role, files: ECHO, TracingConfig: { Mode: 'Active' }, EphemeralStorage: { Size: 2048 } });
    assert.deepEqual(created.TracingConfig, { Mode: 'Active' });
    assert.deepEqual(created.EphemeralStorage, { Size: 2048 });
    const updated = await t.clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api-tracing', TracingConfig: { Mode: 'PassThrough' }, EphemeralStorage: { Size: 10240 } }));
    assert.deepEqual(updated.TracingConfig, { Mode: 'PassThrough' });
    assert.deepEqual(updated.EphemeralStorage, { Size: 10240 });
    await waitUntilFunctionUpdatedV2({ client: t.clients.lambda, maxWaitTime: 30 }, { FunctionName: 'api-tracing' });
    const config = await t.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-tracing' }));
    assert.deepEqual(config.EphemeralStorage, { Size: 10240 });
    assert.deepEqual(config.TracingConfig, { Mode: 'PassThrough' });

    const refused = (await rejection(
      t.clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api-tracing', TracingConfig: { Mode: 'Sometimes' as 'Active' }, EphemeralStorage: { Size: 511 } })),
    )) as { name: string; message: string };
    assert.equal(refused.name, 'ValidationException');
    assert.equal(
      refused.message,
      "2 validation errors detected: Value 'Sometimes' at 'tracingConfig.mode' failed to satisfy constraint: Member must satisfy enum value set: [Active, PassThrough]; Value '511' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value greater than or equal to 512",
    );
    const tooBig = (await rejection(t.clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api-tracing', EphemeralStorage: { Size: 10241 } })))) as { message: string };
    assert.equal(tooBig.message, "1 validation error detected: Value '10241' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value less than or equal to 10240");
    const noSize = (await rejection(t.clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'api-tracing', EphemeralStorage: {} as { Size: number } })))) as { message: string };
    assert.equal(noSize.message, "1 validation error detected: Value null at 'ephemeralStorage.size' failed to satisfy constraint: Member must not be null");
  });

  it('accepts a name, a partial ARN, a full ARN and a :$LATEST qualifier', async () => {
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:api-env';
    for (const name of ['api-env', '000000000000:function:api-env', arn, 'api-env:$LATEST', `${arn}:$LATEST`]) {
      const config = await t.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
      assert.equal(config.FunctionArn, arn, name);
    }
    const error = await rejection(t.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-env', Qualifier: '7' })));
    assert.equal((error as Error).name, 'ResourceNotFoundException');
  });

  it('updates configuration InProgress then Successful, with a new RevisionId each time', async () => {
    const before = await t.clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-env' }));
    const updated = await t.clients.lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'api-env', Description: 'Changed-Description', Environment: { Variables: { ENV_A: 'a' } }, Timeout: 10, MemorySize: 512 }),
    );
    assert.deepEqual(answerKeys(updated), answerKeys(referenceCase('lambda', 'lambda.update_function_configuration.response').response));
    assert.equal(updated.LastUpdateStatus, 'InProgress');
    assert.equal(updated.LastUpdateStatusReasonCode, 'Creating');
    assert.notEqual(updated.RevisionId, before.RevisionId);
    await waitUntilFunctionUpdatedV2({ client: t.clients.lambda, maxWaitTime: 30 }, { FunctionName: 'api-env' });
    const after = await t.clients.lambda.send(new GetFunctionCommand({ FunctionName: 'api-env' }));
    assert.deepEqual(answerKeys(after.Configuration!), Object.keys(referenceCase('lambda', 'lambda.get_function.after_configuration_update').response.Configuration).sort());
    assert.equal(after.Configuration!.LastUpdateStatus, 'Successful');
    assert.deepEqual(after.Configuration!.Environment, { Variables: { ENV_A: 'a' } });
    assert.equal(after.Configuration!.Timeout, 10);
    assert.equal(after.Configuration!.MemorySize, 512);
    assert.equal(after.Configuration!.Description, 'Changed-Description');
  });

  it('updates code: a new CodeSha256, served at the new Code.Location', async () => {
    const zip = zipOf({ 'index.js': fixture('echo.cjs') });
    const updated = await t.clients.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'api-env', ZipFile: zip }));
    assert.equal(updated.LastUpdateStatus, 'InProgress');
    assert.equal(updated.CodeSha256, createHash('sha256').update(zip).digest('base64'));
    await waitUntilFunctionUpdatedV2({ client: t.clients.lambda, maxWaitTime: 30 }, { FunctionName: 'api-env' });
    const got = await t.clients.lambda.send(new GetFunctionCommand({ FunctionName: 'api-env' }));
    assert.deepEqual(new Uint8Array(await (await fetch(got.Code!.Location!)).arrayBuffer()), zip);
  });

  it('refuses a bad zip, a non-ARN role, an unknown runtime, and a missing handler', async () => {
    const base = { FunctionName: 'api-bad', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf(ECHO) } } as const;
    const badZip = await rejection(t.clients.lambda.send(new CreateFunctionCommand({ ...base, Code: { ZipFile: new TextEncoder().encode('not a zip') } })));
    assert.equal((badZip as Error).name, 'InvalidParameterValueException');
    assert.equal((badZip as Error).message, 'Could not unzip uploaded file. Please check your file, then try to upload again.');
    assertErrorMatchesReference(await rejection(t.clients.lambda.send(new CreateFunctionCommand({ ...base, Role: 'r1' }))), referenceCase('lambda', 'lambda.create_function.invalid_role_arn'));
    assertErrorMatchesReference(
      await rejection(t.clients.lambda.send(new CreateFunctionCommand({ ...base, Runtime: 'non-existent-runtime' as 'nodejs20.x' }))),
      referenceCase('lambda', 'lambda.create_function.invalid_runtime'),
    );
    const noHandler = await rejection(t.clients.lambda.send(new CreateFunctionCommand({ ...base, Handler: undefined })));
    assert.equal((noHandler as Error).name, 'InvalidParameterValueException');
    const reserved = await rejection(t.clients.lambda.send(new CreateFunctionCommand({ ...base, Environment: { Variables: { AWS_REGION: 'x' } } })));
    assert.match((reserved as Error).message, /Reserved keys used in this request: AWS_REGION/);
    const timeout = await rejection(t.clients.lambda.send(new CreateFunctionCommand({ ...base, Timeout: 0 })));
    assert.equal((timeout as Error).name, 'ValidationException');
    assert.match((timeout as Error).message, /^1 validation error detected: Value '0' at 'timeout'/);
  });

  it('answers InvalidParameterValueException with a lowercase message key, as Lambda does', async () => {
    const body = JSON.stringify({ FunctionName: 'api-raw', Role: role, Runtime: 'cobol', Handler: 'index.handler', Code: { ZipFile: Buffer.from(zipOf(ECHO)).toString('base64') } });
    const answer = await rawRequest(t.endpoint, { service: 'lambda', path: '/2015-03-31/functions', body, headers: { 'content-type': 'application/json' } });
    assert.equal(answer.status, 400);
    assert.equal(answer.headers.get('x-amzn-errortype'), 'InvalidParameterValueException');
    const parsed = JSON.parse(answer.text) as Record<string, unknown>;
    assert.equal(parsed.Type, 'User');
    assert.ok('message' in parsed && !('Message' in parsed));
  });

  it('refuses a role Lambda cannot assume: missing, or not trusting lambda.amazonaws.com', async () => {
    const base = { FunctionName: 'api-role', Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf(ECHO) } } as const;
    const missing = await rejection(t.clients.lambda.send(new CreateFunctionCommand({ ...base, Role: 'arn:aws:iam::000000000000:role/nobody' })));
    assert.equal((missing as Error).name, 'InvalidParameterValueException');
    assert.equal((missing as Error).message, 'The role defined for the function cannot be assumed by Lambda.');
    const ec2 = await t.clients.iam.send(
      new CreateRoleCommand({
        RoleName: 'api-ec2-role',
        AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
      }),
    );
    const untrusted = await rejection(t.clients.lambda.send(new CreateFunctionCommand({ ...base, Role: ec2.Role!.Arn! })));
    assert.equal((untrusted as Error).message, 'The role defined for the function cannot be assumed by Lambda.');
  });

  it('refuses a second function of the same name', async () => {
    const error = await rejection(t.clients.lambda.send(new CreateFunctionCommand({ FunctionName: 'api-env', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf(ECHO) } })));
    assert.equal((error as Error).name, 'ResourceConflictException');
    assert.equal((error as Error).message, 'Function already exist: api-env');
    assert.equal((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode, 409);
  });

  it('answers operations on a missing function as recorded', async () => {
    const lambda = t.clients.lambda;
    assertErrorMatchesReference(await rejection(lambda.send(new GetFunctionCommand({ FunctionName: 'nope' }))), referenceCase('lambda', 'lambda.get_function.not_found'));
    assertErrorMatchesReference(await rejection(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'nope' }))), referenceCase('lambda', 'lambda.get_function_configuration.not_found'));
    assertErrorMatchesReference(await rejection(lambda.send(new DeleteFunctionCommand({ FunctionName: 'nope' }))), referenceCase('lambda', 'lambda.delete_function.not_found'));
    assertErrorMatchesReference(await rejection(lambda.send(new InvokeCommand({ FunctionName: 'doesnotexist' }))), referenceCase('lambda', 'lambda.invoke.not_found'));
    const permission = { StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' };
    assertErrorMatchesReference(await rejection(lambda.send(new AddPermissionCommand({ FunctionName: 'doesnotexist', ...permission }))), referenceCase('lambda', 'lambda.add_permission.function_not_found'));
    assertErrorMatchesReference(await rejection(lambda.send(new GetPolicyCommand({ FunctionName: 'doesnotexist' }))), referenceCase('lambda', 'lambda.get_policy.function_not_found'));
    assertErrorMatchesReference(
      await rejection(lambda.send(new RemovePermissionCommand({ FunctionName: 'doesnotexist', StatementId: 's3' }))),
      referenceCase('lambda', 'lambda.remove_permission.function_not_found'),
    );
    const raw = await rawRequest(t.endpoint, { service: 'lambda', method: 'GET', path: '/2015-03-31/functions/nope' });
    assert.ok('Message' in (JSON.parse(raw.text) as object), 'ResourceNotFoundException uses Message');
  });

  it('deletes with 204, then answers as recorded for the second delete', async () => {
    await createActiveFunction(t.clients, { name: 'api-delete', role, files: ECHO });
    const deleted = await t.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: 'api-delete' }));
    assert.equal(deleted.$metadata.httpStatusCode, referenceCase('lambda', 'lambda.delete_function.response').response.StatusCode);
    assertErrorMatchesReference(await rejection(t.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: 'api-delete' }))), referenceCase('lambda', 'lambda.delete_function.already_deleted'));
  });

  it('answers GetPolicy with every statement, and after a removal the rest, exactly as recorded', async () => {
    await createActiveFunction(t.clients, { name: 'api-policy-two', role, files: ECHO });
    const lambda = t.clients.lambda;
    const sourceAccount = await lambda.send(
      new AddPermissionCommand({ FunctionName: 'api-policy-two', StatementId: 'lambda', Action: 'lambda:InvokeFunction', Principal: 'lambda.amazonaws.com', SourceAccount: '000000000000' }),
    );
    const asRecorded = (value: unknown, name: string) =>
      JSON.stringify(value).replaceAll('111111111111', '000000000000').replaceAll('arn:<partition>:', 'arn:aws:').replaceAll('<region>', 'us-east-1').replaceAll('<resource:1>', name);
    assert.equal(sourceAccount.$metadata.httpStatusCode, 201);
    assert.equal(sourceAccount.Statement, asRecorded(referenceCase('lambda', 'lambda.add_permission.service_principal_with_source_account').response.Statement, 'api-policy-two'));
    await lambda.send(new RemovePermissionCommand({ FunctionName: 'api-policy-two', StatementId: 'lambda' }));

    await lambda.send(new AddPermissionCommand({ FunctionName: 'api-policy-two', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }));
    await lambda.send(
      new AddPermissionCommand({ FunctionName: 'api-policy-two', StatementId: 'sqs', Action: 'lambda:InvokeFunction', Principal: 'sqs.amazonaws.com', SourceArn: 'arn:aws:s3:::lambda-bucket' }),
    );
    const two = await lambda.send(new GetPolicyCommand({ FunctionName: 'api-policy-two' }));
    assert.equal(two.Policy, asRecorded(referenceCase('lambda', 'lambda.get_policy.two_statements').response.Policy, 'api-policy-two').replace('<resource:2>', 'lambda-bucket'));
    await lambda.send(new RemovePermissionCommand({ FunctionName: 'api-policy-two', StatementId: 'sqs' }));
    const one = await lambda.send(new GetPolicyCommand({ FunctionName: 'api-policy-two' }));
    assert.equal(one.Policy, asRecorded(referenceCase('lambda', 'lambda.get_policy.after_one_removed').response.Policy, 'api-policy-two'));
    assert.notEqual(one.RevisionId, two.RevisionId, 'each change gives a new RevisionId');
    // The listing test below counts this suite's functions.
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'api-policy-two' }));
  });

  it('adds, reads and removes resource-policy statements as recorded', async () => {
    await createActiveFunction(t.clients, { name: 'api-policy', role, files: ECHO });
    const lambda = t.clients.lambda;
    assertErrorMatchesReference(await rejection(lambda.send(new RemovePermissionCommand({ FunctionName: 'api-policy', StatementId: 's3' }))), referenceCase('lambda', 'lambda.remove_permission.no_policy'));
    const added = await lambda.send(
      new AddPermissionCommand({ FunctionName: 'api-policy', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::my-bucket' }),
    );
    assert.equal(added.$metadata.httpStatusCode, 201);
    const recorded = referenceCase('lambda', 'lambda.add_permission.s3_with_source_arn').response.Statement;
    const statement = JSON.parse(added.Statement!) as typeof recorded;
    assert.deepEqual(Object.keys(statement), Object.keys(recorded));
    assert.deepEqual(statement.Principal, recorded.Principal);
    assert.deepEqual(statement.Condition, { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::my-bucket' } });
    assert.equal(statement.Resource, 'arn:aws:lambda:us-east-1:000000000000:function:api-policy');

    const policy = await lambda.send(new GetPolicyCommand({ FunctionName: 'api-policy' }));
    const recordedPolicy = referenceCase('lambda', 'lambda.get_policy.s3_with_source_arn').response.Policy;
    const document = JSON.parse(policy.Policy!) as typeof recordedPolicy;
    assert.deepEqual({ ...document, Statement: undefined }, { ...recordedPolicy, Statement: undefined });
    assert.deepEqual(document.Statement, [statement]);
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-policy' }));
    assert.equal(policy.RevisionId, config.RevisionId);

    assertErrorMatchesReference(
      await rejection(lambda.send(new AddPermissionCommand({ FunctionName: 'api-policy', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }))),
      referenceCase('lambda', 'lambda.add_permission.statement_id_conflict'),
    );
    assertErrorMatchesReference(
      await rejection(lambda.send(new AddPermissionCommand({ FunctionName: 'api-policy', StatementId: 'example.com', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }))),
      referenceCase('lambda', 'lambda.add_permission.invalid_statement_id'),
    );
    assertErrorMatchesReference(
      await rejection(lambda.send(new AddPermissionCommand({ FunctionName: 'api-policy', StatementId: 'bad', Action: 'lambda:InvokeFunction', Principal: 'invalid principal' }))),
      referenceCase('lambda', 'lambda.add_permission.invalid_principal'),
    );

    const account = await lambda.send(
      new AddPermissionCommand({ FunctionName: 'api-policy', StatementId: 'lambda', Action: 'lambda:InvokeFunction', Principal: 'lambda.amazonaws.com', SourceAccount: '000000000000' }),
    );
    assert.deepEqual(JSON.parse(account.Statement!).Condition, { StringEquals: { 'AWS:SourceAccount': '000000000000' } });
    const url = await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'api-policy',
        StatementId: 'urlPermission',
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        SourceAccount: '000000000000',
        SourceArn: 'arn:aws:s3:::my-bucket',
        FunctionUrlAuthType: 'NONE',
        PrincipalOrgID: 'o-1234567890',
      }),
    );
    const recordedUrl = referenceCase('lambda', 'lambda.add_permission.source_account_and_source_arn').response.Statement;
    const urlStatement = JSON.parse(url.Statement!) as typeof recordedUrl;
    assert.equal(urlStatement.Principal, '*');
    assert.deepEqual(Object.keys(urlStatement.Condition), Object.keys(recordedUrl.Condition));
    assert.deepEqual(Object.keys(urlStatement.Condition.StringEquals), Object.keys(recordedUrl.Condition.StringEquals));

    for (const sid of ['lambda', 'urlPermission']) await lambda.send(new RemovePermissionCommand({ FunctionName: 'api-policy', StatementId: sid }));
    const left = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: 'api-policy' }))).Policy!);
    assert.deepEqual(left.Statement.map((s: { Sid: string }) => s.Sid), ['s3']);
    assertErrorMatchesReference(
      await rejection(lambda.send(new RemovePermissionCommand({ FunctionName: 'api-policy', StatementId: 'non-existent' }))),
      referenceCase('lambda', 'lambda.remove_permission.statement_not_found'),
    );
    await lambda.send(new RemovePermissionCommand({ FunctionName: 'api-policy', StatementId: 's3' }));
    assertErrorMatchesReference(await rejection(lambda.send(new GetPolicyCommand({ FunctionName: 'api-policy' }))), referenceCase('lambda', 'lambda.get_policy.all_statements_removed'));
  });

  it('answers a ResourceConflictException with a lowercase message key', async () => {
    const body = JSON.stringify({ StatementId: 'dup', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' });
    const send = () => rawRequest(t.endpoint, { service: 'lambda', path: '/2015-03-31/functions/api-policy/policy', body, headers: { 'content-type': 'application/json' } });
    assert.equal((await send()).status, 201);
    const second = await send();
    assert.equal(second.status, 409);
    const parsed = JSON.parse(second.text) as Record<string, unknown>;
    assert.equal(parsed.message, 'The statement id (dup) provided already exists. Please provide a new statement id, or remove the existing statement.');
    assert.ok(!('Message' in parsed));
  });

  it('tags functions: at creation, TagResource, UntagResource, ListTags, GetFunction', async () => {
    await createActiveFunction(t.clients, { name: 'api-tags', role, files: ECHO, Tags: { lab: 'upload', owner: 'me' } });
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:api-tags';
    await t.clients.lambda.send(new TagResourceCommand({ Resource: arn, Tags: { stage: 'dev' } }));
    await t.clients.lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['owner'] }));
    const listed = await t.clients.lambda.send(new ListTagsCommand({ Resource: arn }));
    assert.deepEqual(listed.Tags, { lab: 'upload', stage: 'dev' });
    assert.deepEqual((await t.clients.lambda.send(new GetFunctionCommand({ FunctionName: 'api-tags' }))).Tags, { lab: 'upload', stage: 'dev' });
    const missing = await rejection(t.clients.lambda.send(new ListTagsCommand({ Resource: 'arn:aws:lambda:us-east-1:000000000000:function:nope' })));
    assert.equal((missing as Error).name, 'ResourceNotFoundException');
  });

  it('lists functions page by page, without the state fields', async () => {
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = await t.clients.lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
      assert.ok(page.Functions!.length <= 2);
      for (const f of page.Functions!) {
        names.push(f.FunctionName!);
        assert.equal(f.State, undefined);
        assert.equal(f.LastUpdateStatus, undefined);
      }
      marker = page.NextMarker;
    } while (marker);
    assert.deepEqual(names, ['api-create', 'api-env', 'api-policy', 'api-tags', 'api-tracing']);
    const other = await t.clientsIn('eu-west-1').lambda.send(new ListFunctionsCommand({}));
    assert.deepEqual(other.Functions, []);
  });

  it('answers an unknown route with a JSON 404, not a crash', async () => {
    const answer = await rawRequest(t.endpoint, { service: 'lambda', method: 'GET', path: '/2015-03-31/nothing-here' });
    assert.equal(answer.status, 404);
    assert.equal(answer.headers.get('x-amzn-errortype'), 'UnknownOperationException');
    assert.equal(JSON.parse(answer.text).Type, 'User');
    const junk = await rawRequest(t.endpoint, { service: 'lambda', path: '/2015-03-31/functions', body: '{not json', headers: { 'content-type': 'application/json' } });
    assert.equal(junk.status, 400);
    assert.equal(junk.headers.get('x-amzn-errortype'), 'InvalidRequestContentException');
  });
});

describe('lambda API: slow state transitions', () => {
  let t: TestSandbox;
  let role: string;
  before(async () => {
    // Updates take a minute here: the test sees the in-between states without racing a clock.
    t = await startTestSandbox({ functionUpdateMs: 60_000, rolePropagationMs: 60_000 });
    role = await createRole(t.clients, 'lambda-slow-role');
  });
  after(() => t.stop());

  it('refuses a function whose role was created moments ago (IAM propagation)', async () => {
    const error = await rejection(t.clients.lambda.send(new CreateFunctionCommand({ FunctionName: 'slow-young', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf(ECHO) } })));
    assert.equal((error as Error).name, 'InvalidParameterValueException');
    assert.equal((error as Error).message, 'The role defined for the function cannot be assumed by Lambda.');
  });
});

describe('lambda API: updates and invocations while busy', () => {
  let t: TestSandbox;
  let role: string;
  before(async () => {
    t = await startTestSandbox({ functionUpdateMs: 60_000 });
    role = await createRole(t.clients, 'lambda-busy-role');
  });
  after(() => t.stop());

  it('refuses to invoke or update a Pending function', async () => {
    await t.clients.lambda.send(new CreateFunctionCommand({ FunctionName: 'busy', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf(ECHO) } }));
    const invoke = await rejection(t.clients.lambda.send(new InvokeCommand({ FunctionName: 'busy' })));
    assert.equal((invoke as Error).name, 'ResourceConflictException');
    assert.equal((invoke as Error).message, 'The operation cannot be performed at this time. The function is currently in the following state: Pending');
    const dryRun = await rejection(t.clients.lambda.send(new InvokeCommand({ FunctionName: 'busy', InvocationType: 'DryRun' })));
    assert.equal((dryRun as Error).name, 'ResourceConflictException');
    const update = await rejection(t.clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'busy', Description: 'too early' })));
    assert.equal((update as Error).name, 'ResourceConflictException');
  });
});

describe('lambda API: an update in progress', () => {
  // An update is InProgress for a minute by the sandbox's clock; the test moves that clock (Date
  // only, mocked) instead of racing a real delay, so a slow machine cannot let the update finish early.
  const UPDATE_MS = 60_000;
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox({ functionUpdateMs: UPDATE_MS });
  });
  after(() => t.stop());

  it('refuses a second update while the first is InProgress, as recorded', async (test) => {
    const role = await createRole(t.clients, 'lambda-progress-role');
    test.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    await t.clients.lambda.send(new CreateFunctionCommand({ FunctionName: 'progress', Role: role, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: zipOf(ECHO) } }));
    test.mock.timers.tick(UPDATE_MS);
    await t.clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'progress', Description: 'first' }));
    const error = await rejection(t.clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'progress', Description: 'second' })));
    assertErrorMatchesReference(error, referenceCase('lambda', 'lambda.update_function_configuration.conflict_update_in_progress'));
    const code = await rejection(t.clients.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'progress', ZipFile: zipOf(ECHO) })));
    assert.equal((code as Error).name, 'ResourceConflictException');
    test.mock.timers.tick(UPDATE_MS);
    const third = await t.clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'progress', Description: 'third' }));
    assert.equal(third.Description, 'third');
  });
});

describe('lambda API: persistence', () => {
  it('keeps functions, code, policies and tags across a restart', async () => {
    const first = await startTestSandbox();
    const role = await createRole(first.clients, 'lambda-persist-role');
    const zip = zipOf(ECHO);
    try {
      await createActiveFunction(first.clients, { name: 'persisted', role, files: ECHO, Environment: { Variables: { GREETING: 'kept' } }, Tags: { lab: 'upload' } });
      await first.clients.lambda.send(new AddPermissionCommand({ FunctionName: 'persisted', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }));
    } finally {
      await first.stop(true);
    }
    const second = await startTestSandbox({ dataDir: first.dataDir });
    try {
      const got = await second.clients.lambda.send(new GetFunctionCommand({ FunctionName: 'persisted' }));
      assert.equal(got.Configuration!.CodeSha256, createHash('sha256').update(zip).digest('base64'));
      assert.equal(got.Configuration!.State, 'Active');
      assert.deepEqual(got.Configuration!.Environment, { Variables: { GREETING: 'kept' } });
      assert.deepEqual(got.Tags, { lab: 'upload' });
      assert.deepEqual(new Uint8Array(await (await fetch(got.Code!.Location!)).arrayBuffer()), zip);
      const policy = JSON.parse((await second.clients.lambda.send(new GetPolicyCommand({ FunctionName: 'persisted' }))).Policy!);
      assert.equal(policy.Statement[0].Sid, 's3');
      const invoked = await second.clients.lambda.send(new InvokeCommand({ FunctionName: 'persisted', Payload: JSON.stringify({ after: 'restart' }) }));
      assert.equal(invoked.FunctionError, undefined);
      assert.equal(JSON.parse(new TextDecoder().decode(invoked.Payload)).greeting, 'kept');
    } finally {
      await second.stop();
    }
  });
});

