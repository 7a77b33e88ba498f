import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DeleteRoleCommand, GetRoleCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { InvokeCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createClients } from '../../src/aws/clients.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { createActiveFunction, createRole, LAMBDA_TRUST, zipOf } from './lambda-support.js';

/** A request as a web page (or a rebinding page) could make it: any method, headers and body, the Host chosen by the test. */
function send(endpoint: string, options: { method: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, setHost: false, method: options.method, path: options.path, headers: { ...options.headers, ...(options.body ? { 'content-length': Buffer.byteLength(options.body) } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const scope = (service: string) => `AKIATESTLEARNER00000/20260101/us-east-1/${service}/aws4_request`;
const signed = (service: string) => ({ authorization: `AWS4-HMAC-SHA256 Credential=${scope(service)}, SignedHeaders=host;x-amz-date, Signature=0000`, 'x-amz-date': '20260101T000000Z' });
const presignQuery = (service: string) => `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(scope(service))}&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00`;
const EVIL_ROLE = 'evil-role';
const EVIL_FN = 'evil-fn';
const createRoleForm = `Action=CreateRole&Version=2010-05-08&RoleName=${EVIL_ROLE}&AssumeRolePolicyDocument=${encodeURIComponent(LAMBDA_TRUST)}`;
const createFunctionJson = (role: string) =>
  JSON.stringify({ FunctionName: EVIL_FN, Runtime: 'nodejs20.x', Role: role, Handler: 'index.handler', Code: { ZipFile: Buffer.from(zipOf({ 'index.js': 'exports.handler = async () => 1;' })).toString('base64') } });

describe('the sandbox answers only its own clients', () => {
  let t: TestSandbox;
  let host: string;
  let victimRole: string;
  const VICTIM = 'learner-fn';

  before(async () => {
    t = await startTestSandbox();
    host = new URL(t.endpoint).host;
    // The learner's own function: a page that could invoke it would leave a log group behind.
    victimRole = await createRole(t.clients, 'learner-role');
    await createActiveFunction(t.clients, { name: VICTIM, role: victimRole, files: { 'index.js': 'exports.handler = async () => { console.log("ran"); return 1; };' } });
  });
  after(() => t.stop());

  /** Each case is what a page could send; `refusedWith` is what the answer must say about why. */
  const attacks = (): { name: string; method: string; path: string; headers: Record<string, string>; body?: string; refusedWith: RegExp }[] => [
    { name: 'form POST to IAM with the SigV4 scope in the query string', method: 'POST', path: `/?${presignQuery('iam')}`, headers: { host, 'content-type': 'application/x-www-form-urlencoded' }, body: createRoleForm, refusedWith: /missing Authentication Token.*query string only for S3 presigned/ },
    { name: 'form POST to IAM from http://evil.example', method: 'POST', path: `/?${presignQuery('iam')}`, headers: { host, origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: createRoleForm, refusedWith: /web browser \(the request carries origin: http:\/\/evil\.example\)/ },
    { name: 'text/plain POST to CreateFunction with the scope in the query string', method: 'POST', path: `/2015-03-31/functions?${presignQuery('lambda')}`, headers: { host, 'content-type': 'text/plain' }, body: createFunctionJson(victimRole), refusedWith: /missing Authentication Token/ },
    { name: 'text/plain POST to Invoke with the scope in the query string', method: 'POST', path: `/2015-03-31/functions/${VICTIM}/invocations?${presignQuery('lambda')}`, headers: { host, 'content-type': 'text/plain' }, body: '{}', refusedWith: /missing Authentication Token/ },
    { name: 'text/plain POST to Invoke, signed, carrying Origin', method: 'POST', path: `/2015-03-31/functions/${VICTIM}/invocations`, headers: { host, ...signed('lambda'), origin: 'http://evil.example', 'content-type': 'text/plain' }, body: '{}', refusedWith: /web browser/ },
    { name: 'a signed Invoke whose body is text/plain', method: 'POST', path: `/2015-03-31/functions/${VICTIM}/invocations`, headers: { host, ...signed('lambda'), 'content-type': 'text/plain' }, body: '{}', refusedWith: /content type text\/plain/ },
    { name: 'a signed IAM CreateRole sent as text/plain', method: 'POST', path: '/', headers: { host, ...signed('iam'), 'content-type': 'text/plain' }, body: createRoleForm, refusedWith: /content type text\/plain/ },
    { name: 'a signed CreateRole with Sec-Fetch-Site: cross-site', method: 'POST', path: '/', headers: { host, ...signed('iam'), 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' }, body: createRoleForm, refusedWith: /sec-fetch-site: cross-site/ },
    { name: 'a signed CreateRole with Sec-Fetch-Mode: no-cors', method: 'POST', path: '/', headers: { host, ...signed('iam'), 'sec-fetch-mode': 'no-cors', 'content-type': 'application/x-www-form-urlencoded' }, body: createRoleForm, refusedWith: /sec-fetch-mode: no-cors/ },
    { name: 'a signed CreateFunction with Sec-Fetch-Site: same-site', method: 'POST', path: '/2015-03-31/functions', headers: { host, ...signed('lambda'), 'sec-fetch-site': 'same-site', 'content-type': 'application/json' }, body: createFunctionJson(victimRole), refusedWith: /web browser/ },
    { name: 'a signed CreateRole addressed to evil.example (DNS rebinding)', method: 'POST', path: '/', headers: { host: `evil.example:${new URL(t.endpoint).port}`, ...signed('iam'), 'content-type': 'application/x-www-form-urlencoded' }, body: createRoleForm, refusedWith: /Host evil\.example:\d+ is refused/ },
    { name: 'a signed Invoke addressed to 127.0.0.1.evil.example', method: 'POST', path: `/2015-03-31/functions/${VICTIM}/invocations`, headers: { host: `127.0.0.1.evil.example:${new URL(t.endpoint).port}`, ...signed('lambda') }, body: '{}', refusedWith: /is refused/ },
    { name: 'a signed Invoke addressed to the right name on another port', method: 'POST', path: `/2015-03-31/functions/${VICTIM}/invocations`, headers: { host: '127.0.0.1:1', ...signed('lambda') }, body: '{}', refusedWith: /port \d+/ },
    { name: 'an S3 DeleteObjects POST with the scope in the query string', method: 'POST', path: `/learner-bucket?delete&${presignQuery('s3')}`, headers: { host }, body: '<Delete><Object><Key>k</Key></Object></Delete>', refusedWith: /Access Denied/ },
    { name: 'a CreateRole signed with an ASIA key the sandbox never issued', method: 'POST', path: '/', headers: { host, authorization: 'AWS4-HMAC-SHA256 Credential=ASIAFORGEDFORGED0000/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=00', 'content-type': 'application/x-www-form-urlencoded' }, body: createRoleForm, refusedWith: /security token included in the request is invalid/ },
  ];

  it('refuses every browser-shaped, foreign-Host or forged request with an AWS-shaped error that says why', async () => {
    for (const attack of attacks()) {
      const answer = await send(t.endpoint, attack);
      assert.ok(answer.status >= 400 && answer.status < 500, `${attack.name}: ${answer.status} ${answer.text}`);
      assert.match(answer.text, /<Code>[A-Za-z]+<\/Code>|"(__type|Type)"/, `${attack.name}: not an AWS-shaped error: ${answer.text}`);
      assert.match(answer.text, attack.refusedWith, `${attack.name}: ${answer.text}`);
    }
    // HTTP/1.1 without a Host header: Node's server refuses it before the sandbox sees it.
    const hostless = await send(t.endpoint, { method: 'POST', path: '/', headers: { ...signed('iam'), 'content-type': 'application/x-www-form-urlencoded' }, body: createRoleForm });
    assert.equal(hostless.status, 400);
  });

  it('created nothing and ran nothing', async () => {
    const roles = await t.clients.iam.send(new ListRolesCommand({}));
    assert.deepEqual(roles.Roles?.map((r) => r.RoleName), ['learner-role']);
    const functions = await t.clients.lambda.send(new ListFunctionsCommand({}));
    assert.deepEqual(functions.Functions?.map((f) => f.FunctionName), [VICTIM]);
    // Lambda creates the function's log group at its first invocation: none means it never ran.
    const groups = await t.clients.logs.send(new DescribeLogGroupsCommand({}));
    assert.deepEqual(groups.logGroups ?? [], []);
  });

  it('still serves the SDK, the CLIs and S3 presigned URLs (the positive control)', async () => {
    assert.equal((await t.clients.sts.send(new GetCallerIdentityCommand({}))).Account, '000000000000');
    // An S3 presigned PUT and GET carry their credentials in the query string only.
    const put = await send(t.endpoint, { method: 'PUT', path: `/learner-bucket?${presignQuery('s3')}`, headers: { host } });
    assert.equal(put.status, 200, put.text);
    const upload = await send(t.endpoint, { method: 'PUT', path: `/learner-bucket/presigned.txt?${presignQuery('s3')}`, headers: { host }, body: 'hello' });
    assert.equal(upload.status, 200, upload.text);
    const object = await t.clients.s3.send(new GetObjectCommand({ Bucket: 'learner-bucket', Key: 'presigned.txt' }));
    assert.equal(await object.Body!.transformToString(), 'hello');
    // Hosts the SDKs use: localhost and the bucket's virtual host on the served port.
    const { port } = new URL(t.endpoint);
    for (const name of [`localhost:${port}`, `learner-bucket.localhost:${port}`]) {
      const answer = await send(t.endpoint, { method: 'GET', path: name.startsWith('learner') ? '/presigned.txt' : '/learner-bucket/presigned.txt', headers: { host: name, ...signed('s3') } });
      assert.equal(answer.text, 'hello', name);
    }
  });

  it('denies a role session once its role is deleted, never treating its key as the learner', async () => {
    // A function's credentials are the role's while the role exists; read them from inside the function.
    const role = await createRole(t.clients, 'short-lived-role', { logs: false });
    await createActiveFunction(t.clients, { name: 'creds-fn', role, files: { 'index.js': 'exports.handler = async () => ({ id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, token: process.env.AWS_SESSION_TOKEN });' } });
    const out = await t.clients.lambda.send(new InvokeCommand({ FunctionName: 'creds-fn' }));
    const creds = JSON.parse(Buffer.from(out.Payload!).toString()) as { id: string; secret: string; token: string };
    assert.match(creds.id, /^ASIA/);
    const asRole = createClients({ region: 'us-east-1', endpoint: t.endpoint, credentials: { accessKeyId: creds.id, secretAccessKey: creds.secret, sessionToken: creds.token }, maxAttempts: 1 });
    assert.match((await asRole.sts.send(new GetCallerIdentityCommand({}))).Arn!, /assumed-role\/short-lived-role\/creds-fn$/);
    // IAM lets a role go while a function still names it; its sessions must die with it.
    await t.clients.iam.send(new DeleteRoleCommand({ RoleName: 'short-lived-role' }));
    await assert.rejects(asRole.sts.send(new GetCallerIdentityCommand({})), { name: 'InvalidClientTokenId' });
    await assert.rejects(asRole.iam.send(new GetRoleCommand({ RoleName: 'learner-role' })), { name: 'InvalidClientTokenId' });
    await assert.rejects(asRole.lambda.send(new ListFunctionsCommand({})), { name: 'UnrecognizedClientException' });
  });
});
