import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { rawRequest, type RawAnswer } from '../helpers/reference.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

interface HostileCase {
  name: string;
  service: string;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send without any SigV4 scope. */
  unsigned?: boolean;
  accessKeyId?: string;
}

const json10 = (target: string) => ({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${target}` });
const json11 = (target: string) => ({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${target}` });
const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
const lambdaJson = { 'content-type': 'application/json' };
const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
const MAX_BODY = 256 * 1024;

const cases: HostileCase[] = [
  // No or broken credentials
  { name: 'S3 without credentials', service: 's3', method: 'GET', path: '/', unsigned: true },
  { name: 'DynamoDB without credentials', service: 'dynamodb', headers: json10('ListTables'), body: '{}', unsigned: true },
  { name: 'Lambda without credentials', service: 'lambda', method: 'GET', path: '/2015-03-31/functions/', unsigned: true },
  { name: 'IAM form without credentials', service: 'iam', headers: form, body: 'Action=ListRoles&Version=2010-05-08', unsigned: true },
  { name: 'a service the sandbox does not serve', service: 'sqs', headers: form, body: 'Action=ListQueues' },
  { name: 'an empty service in the scope', service: '', headers: form, body: 'Action=ListRoles' },
  // DynamoDB (JSON 1.0)
  { name: 'DynamoDB: body is not JSON', service: 'dynamodb', headers: json10('ListTables'), body: '{"TableName": ' },
  { name: 'DynamoDB: body is a JSON array', service: 'dynamodb', headers: json10('DescribeTable'), body: '[1,2,3]' },
  { name: 'DynamoDB: unknown operation', service: 'dynamodb', headers: json10('DropEverything'), body: '{}' },
  { name: 'DynamoDB: no target header', service: 'dynamodb', headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '{}' },
  { name: 'DynamoDB: wrong content type', service: 'dynamodb', headers: { ...json10('ListTables'), 'content-type': 'text/plain' }, body: '{}' },
  { name: 'DynamoDB: missing TableName', service: 'dynamodb', headers: json10('DescribeTable'), body: '{}' },
  { name: 'DynamoDB: TableName with forbidden characters', service: 'dynamodb', headers: json10('DescribeTable'), body: '{"TableName":"bad name!"}' },
  { name: 'DynamoDB: TableName is a number', service: 'dynamodb', headers: json10('DescribeTable'), body: '{"TableName":42}' },
  { name: 'DynamoDB: PutItem without Item', service: 'dynamodb', headers: json10('PutItem'), body: '{"TableName":"fuzz_table"}' },
  { name: 'DynamoDB: PutItem with a malformed attribute value', service: 'dynamodb', headers: json10('PutItem'), body: '{"TableName":"fuzz_table","Item":{"k":{"Q":"x"}}}' },
  { name: 'DynamoDB: deeply nested JSON', service: 'dynamodb', headers: json10('ListTables'), body: deep(5000) },
  // CloudWatch Logs (JSON 1.1)
  { name: 'Logs: body is not JSON', service: 'logs', headers: json11('DescribeLogGroups'), body: 'not json' },
  { name: 'Logs: unknown operation', service: 'logs', headers: json11('EraseHistory'), body: '{}' },
  { name: 'Logs: CreateLogGroup without a name', service: 'logs', headers: json11('CreateLogGroup'), body: '{}' },
  { name: 'Logs: log group name of the wrong type', service: 'logs', headers: json11('CreateLogGroup'), body: '{"logGroupName":123}' },
  { name: 'Logs: log group name too long', service: 'logs', headers: json11('CreateLogGroup'), body: JSON.stringify({ logGroupName: 'x'.repeat(600) }) },
  { name: 'Logs: GetLogEvents on a missing group', service: 'logs', headers: json11('GetLogEvents'), body: '{"logGroupName":"/nope","logStreamName":"s"}' },
  { name: 'Logs: GetLogEvents with a forged token', service: 'logs', headers: json11('GetLogEvents'), body: '{"logGroupName":"/nope","logStreamName":"s","nextToken":"f/../../etc"}' },
  { name: 'Logs: FilterLogEvents with a negative limit', service: 'logs', headers: json11('FilterLogEvents'), body: '{"logGroupName":"/nope","limit":-5}' },
  { name: 'Logs: PutLogEvents with events of the wrong shape', service: 'logs', headers: json11('PutLogEvents'), body: '{"logGroupName":"/g","logStreamName":"s","logEvents":"many"}' },
  { name: 'Logs: invalid retention', service: 'logs', headers: json11('PutRetentionPolicy'), body: '{"logGroupName":"/g","retentionInDays":2}' },
  // IAM and STS (Query)
  { name: 'IAM: no Action', service: 'iam', headers: form, body: 'Version=2010-05-08' },
  { name: 'IAM: unknown Action', service: 'iam', headers: form, body: 'Action=DeleteAccount&Version=2010-05-08' },
  { name: 'IAM: CreateRole without RoleName', service: 'iam', headers: form, body: 'Action=CreateRole&Version=2010-05-08&AssumeRolePolicyDocument=%7B%7D' },
  { name: 'IAM: CreateRole with a trust policy that is not JSON', service: 'iam', headers: form, body: 'Action=CreateRole&Version=2010-05-08&RoleName=r&AssumeRolePolicyDocument=%7Bnope' },
  { name: 'IAM: PutRolePolicy on a missing role', service: 'iam', headers: form, body: 'Action=PutRolePolicy&Version=2010-05-08&RoleName=ghost&PolicyName=p&PolicyDocument=%7B%7D' },
  { name: 'IAM: a form that is not a form', service: 'iam', headers: form, body: '%%%&&&===' },
  { name: 'IAM: JSON sent to a Query API', service: 'iam', headers: { 'content-type': 'application/json' }, body: '{"Action":"ListRoles"}' },
  { name: 'IAM: AttachRolePolicy with an invalid ARN', service: 'iam', headers: form, body: 'Action=AttachRolePolicy&Version=2010-05-08&RoleName=ghost&PolicyArn=not-an-arn' },
  { name: 'IAM: GetRole with a role name of 1000 characters', service: 'iam', headers: form, body: `Action=GetRole&Version=2010-05-08&RoleName=${'r'.repeat(1000)}` },
  { name: 'STS: unknown Action', service: 'sts', headers: form, body: 'Action=GetSessionToken2&Version=2011-06-15' },
  // Lambda (REST JSON)
  { name: 'Lambda: unknown route', service: 'lambda', method: 'GET', path: '/2015-03-31/nothing-here' },
  { name: 'Lambda: unknown API version', service: 'lambda', method: 'GET', path: '/1999-01-01/functions/' },
  { name: 'Lambda: CreateFunction with a body that is not JSON', service: 'lambda', method: 'POST', path: '/2015-03-31/functions', headers: lambdaJson, body: '{"FunctionName":' },
  { name: 'Lambda: CreateFunction without FunctionName', service: 'lambda', method: 'POST', path: '/2015-03-31/functions', headers: lambdaJson, body: '{"Runtime":"nodejs22.x"}' },
  { name: 'Lambda: CreateFunction with a zip that is not base64', service: 'lambda', method: 'POST', path: '/2015-03-31/functions', headers: lambdaJson, body: JSON.stringify({ FunctionName: 'f', Runtime: 'nodejs22.x', Role: 'arn:aws:iam::000000000000:role/r', Handler: 'index.handler', Code: { ZipFile: '***' } }) },
  { name: 'Lambda: CreateFunction with bytes that are not a zip', service: 'lambda', method: 'POST', path: '/2015-03-31/functions', headers: lambdaJson, body: JSON.stringify({ FunctionName: 'f', Runtime: 'nodejs22.x', Role: 'arn:aws:iam::000000000000:role/r', Handler: 'index.handler', Code: { ZipFile: Buffer.from('hello').toString('base64') } }) },
  { name: 'Lambda: GetFunction on a name with a broken escape', service: 'lambda', method: 'GET', path: '/2015-03-31/functions/%ZZ' },
  { name: 'Lambda: GetFunction on a missing function', service: 'lambda', method: 'GET', path: '/2015-03-31/functions/ghost' },
  { name: 'Lambda: Invoke a missing function', service: 'lambda', method: 'POST', path: '/2015-03-31/functions/ghost/invocations', headers: lambdaJson, body: '{}' },
  { name: 'Lambda: AddPermission on a missing function', service: 'lambda', method: 'POST', path: '/2015-03-31/functions/ghost/policy', headers: lambdaJson, body: '{"StatementId":"s","Action":"lambda:InvokeFunction","Principal":"s3.amazonaws.com"}' },
  { name: 'Lambda: a function name of 500 characters', service: 'lambda', method: 'GET', path: `/2015-03-31/functions/${'f'.repeat(500)}` },
  // S3 (REST XML)
  { name: 'S3: CreateBucket with an invalid name', service: 's3', method: 'PUT', path: '/Invalid_Bucket!' },
  { name: 'S3: CreateBucket with malformed XML', service: 's3', method: 'PUT', path: '/fuzz-bucket-two', body: '<CreateBucketConfiguration><LocationConstraint>' },
  { name: 'S3: GetObject in a missing bucket', service: 's3', method: 'GET', path: '/no-such-bucket-here/key' },
  { name: 'S3: a key that climbs out of the bucket', service: 's3', method: 'GET', path: '/fuzz-bucket/..%2F..%2F..%2Fetc%2Fpasswd' },
  { name: 'S3: GetObject of a missing key', service: 's3', method: 'GET', path: '/fuzz-bucket/missing.txt' },
  { name: 'S3: PutObject with a wrong Content-MD5', service: 's3', method: 'PUT', path: '/fuzz-bucket/a.txt', headers: { 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' }, body: 'hello' },
  { name: 'S3: notification configuration that is not XML', service: 's3', method: 'PUT', path: '/fuzz-bucket?notification', body: 'this is not xml' },
  { name: 'S3: notification to an ARN that is not one', service: 's3', method: 'PUT', path: '/fuzz-bucket?notification', body: '<NotificationConfiguration><CloudFunctionConfiguration></CloudFunctionConfiguration><LambdaFunctionConfiguration><LambdaFunctionArn>nope</LambdaFunctionArn><Event>s3:ObjectCreated:*</Event></LambdaFunctionConfiguration></NotificationConfiguration>' },
  { name: 'S3: tagging that is not XML', service: 's3', method: 'PUT', path: '/fuzz-bucket?tagging', body: '<Tagging><TagSet><Tag>' },
  { name: 'S3: DeleteObjects that is not XML', service: 's3', method: 'POST', path: '/fuzz-bucket?delete', body: '<Delete><Object>' },
  { name: 'S3: ListObjectsV2 with a forged continuation token', service: 's3', method: 'GET', path: '/fuzz-bucket?list-type=2&continuation-token=%00%01garbage' },
  { name: 'S3: DeleteBucket of a missing bucket', service: 's3', method: 'DELETE', path: '/no-such-bucket-here' },
  // Size
  { name: 'a DynamoDB body over the size limit', service: 'dynamodb', headers: json10('ListTables'), body: Buffer.alloc(MAX_BODY + 1, 0x20) },
  { name: 'an S3 body over the size limit', service: 's3', method: 'PUT', path: '/fuzz-bucket/big.bin', body: Buffer.alloc(MAX_BODY + 1, 0x61) },
];

/** Is this an error as the service's protocol spells one (JSON `__type`/`x-amzn-ErrorType`, or an XML `<Code>`)? */
function assertAwsStyle(answer: RawAnswer, method: string, name: string): void {
  assert.ok(answer.status >= 400 && answer.status < 500, `${name}: expected a 4xx, got ${answer.status} ${answer.text.slice(0, 200)}`);
  if (method === 'HEAD') return;
  const type = answer.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    const code = body.__type ?? answer.headers.get('x-amzn-errortype');
    assert.ok(code, `${name}: JSON error without __type or x-amzn-ErrorType: ${answer.text}`);
    assert.ok(typeof (body.message ?? body.Message) === 'string' || String(code).includes('SerializationException') || String(code).includes('UnknownOperation'), `${name}: JSON error without a message: ${answer.text}`);
  } else {
    // DynamoDB answers a request it cannot even route (wrong content type) with a bare `<UnknownOperationException/>`.
    assert.match(answer.text, /<Code>[A-Za-z.]+<\/Code>|^<UnknownOperationException\/>\n?$/, `${name}: XML error without a Code: ${answer.text.slice(0, 300)}`);
  }
}

describe('hostile and malformed requests', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox({ maxBodyBytes: MAX_BODY });
    // A table and a bucket exist, so the cases reach past "not found" into validation.
    await rawRequest(t.endpoint, { service: 'dynamodb', headers: json10('CreateTable'), body: JSON.stringify({ TableName: 'fuzz_table', AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }) });
    const bucket = await rawRequest(t.endpoint, { service: 's3', method: 'PUT', path: '/fuzz-bucket' });
    assert.equal(bucket.status, 200, bucket.text);
  });
  after(() => t.stop());

  it(`has at least 50 cases (${cases.length})`, () => {
    assert.ok(cases.length >= 50);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length, 'case names are unique');
  });

  for (const c of cases) {
    it(c.name, async () => {
      const answer = c.unsigned
        ? await fetch(t.endpoint + (c.path ?? '/'), { method: c.method ?? 'POST', headers: c.headers, body: c.body as BodyInit | undefined }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }))
        : await rawRequest(t.endpoint, { service: c.service, method: c.method ?? 'POST', path: c.path, headers: c.headers, body: c.body, accessKeyId: c.accessKeyId });
      assertAwsStyle(answer, c.method ?? 'POST', c.name);
    });
  }

  it('answers garbage that is not HTTP with 400 and keeps serving', async () => {
    const { port } = new URL(t.endpoint);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('\x16\x03\x01 NOT HTTP AT ALL\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    assert.match(reply, /^HTTP\/1\.1 400/);
  });

  it('still answers valid requests afterwards', async () => {
    assert.equal((await t.clients.sts.send(new GetCallerIdentityCommand({}))).Account, '000000000000');
    assert.ok((await t.clients.dynamodb.send(new ListTablesCommand({}))).TableNames?.includes('fuzz_table'));
    assert.ok((await t.clients.s3.send(new ListBucketsCommand({}))).Buckets?.some((b) => b.Name === 'fuzz-bucket'));
  });
});
