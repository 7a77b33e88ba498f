import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { DescribeLogGroupsCommand, DescribeLogStreamsCommand, FilterLogEventsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, GetRoleCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, InvokeCommand, ListFunctionsCommand, ListTagsCommand, TagResourceCommand } from '@aws-sdk/client-lambda';
import { GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { MAX_ROLES } from '../../src/sandbox/limits.js';
import { MAX_LOG_EVENT_BYTES } from '../../src/sandbox/services/lambda/environment.js';
import { MAX_CHAIN } from '../../src/sandbox/services/lambda/invoke.js';
import { rawRequest, type RawAnswer } from '../helpers/reference.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { createActiveFunction, createRole, LAMBDA_TRUST, zipOf } from './lambda-support.js';

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
  region?: string;
  /** What the answer must say, where the case proves one particular guard. */
  says?: RegExp;
}

const json10 = (target: string) => ({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${target}` });
const json11 = (target: string) => ({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${target}` });
const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
const lambdaJson = { 'content-type': 'application/json' };
const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
const MIB = 1024 * 1024;
const PROTOTYPE_NAMES = ['toString', 'constructor', '__proto__', 'valueOf', 'hasOwnProperty'];

/**
 * A zip whose one entry inflates to `inflated` bytes of zeros (about 1 KB of deflate per MiB), its
 * headers declaring `declared` bytes: a zip bomb, honest or lying, built without holding its output.
 */
function zipBomb(inflated: number, declared: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(MIB), { finishFlush: constants.Z_FULL_FLUSH });
  const data = Buffer.concat([...Array.from({ length: inflated / MIB }, () => block), deflateRawSync(Buffer.alloc(0))]);
  const name = Buffer.from('index.js');
  const crc = crc32(Buffer.alloc(0)); // fflate does not check it; the sandbox must refuse before it would matter
  // [offset, bytes, value] of each non-zero field; method 8 is deflate.
  const record = (length: number, fields: [number, 2 | 4, number][]): Buffer => {
    const buffer = Buffer.alloc(length);
    for (const [offset, bytes, value] of fields) (bytes === 2 ? buffer.writeUInt16LE : buffer.writeUInt32LE).call(buffer, value, offset);
    return buffer;
  };
  const local = record(30, [[0, 4, 0x04034b50], [4, 2, 20], [8, 2, 8], [14, 4, crc], [18, 4, data.length], [22, 4, declared], [26, 2, name.length]]);
  const central = record(46, [[0, 4, 0x02014b50], [4, 2, 20], [6, 2, 20], [10, 2, 8], [16, 4, crc], [20, 4, data.length], [24, 4, declared], [28, 2, name.length]]);
  const end = record(22, [[0, 4, 0x06054b50], [8, 2, 1], [10, 2, 1], [12, 4, 46 + name.length], [16, 4, 30 + name.length + data.length]]);
  return Buffer.concat([local, name, data, central, name, end]);
}

const createFunctionBody = (name: string, zip: Buffer | Uint8Array) =>
  JSON.stringify({ FunctionName: name, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/fuzz-role', Handler: 'index.handler', Code: { ZipFile: Buffer.from(zip).toString('base64') } });

/** Sends a body of `size` bytes in 1 MiB chunks, never holding it whole: the answer may come before the body is sent. */
function streamBody(endpoint: string, options: { path: string; method: string; service: string; size: number; headers?: Record<string, string> }): Promise<RawAnswer> {
  const url = new URL(endpoint);
  const chunk = Buffer.alloc(MIB, '<a>');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method,
        path: options.path,
        headers: {
          authorization: `AWS4-HMAC-SHA256 Credential=AKIATESTLEARNER00000/20260101/us-east-1/${options.service}/aws4_request, SignedHeaders=host, Signature=0`,
          'content-length': options.size,
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: new Headers(res.headers as Record<string, string>), text }));
      },
    );
    // The server may answer and stop reading before all is sent: that is the point, not a failure.
    req.on('error', (error: NodeJS.ErrnoException) => (['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? undefined : reject(error)));
    let sent = 0;
    const pump = (): void => {
      while (sent < options.size) {
        const part = chunk.subarray(0, Math.min(MIB, options.size - sent));
        sent += part.length;
        if (!req.write(part)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

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
  // Size: per-protocol bounds, well under the 64 MiB body limit
  { name: 'a DynamoDB body over its 16 MiB bound', service: 'dynamodb', headers: json10('ListTables'), body: Buffer.alloc(16 * MIB + 1, 0x20) },
  { name: 'an IAM form over its 1 MiB bound', service: 'iam', headers: form, body: 'Action=ListRoles&x=' + 'a'.repeat(MIB) },
  { name: 'a Logs body over its 4 MiB bound', service: 'logs', headers: json11('DescribeLogGroups'), body: Buffer.alloc(4 * MIB + 1, 0x20) },
  { name: 'an S3 tagging body of 2 MiB', service: 's3', method: 'PUT', path: '/fuzz-bucket?tagging', body: '<Tagging>' + '<TagSet></TagSet>'.repeat(2 * MIB / 17) + '</Tagging>' },
  { name: 'a Lambda configuration body of 2 MiB', service: 'lambda', method: 'PUT', path: '/2015-03-31/functions/ghost/configuration', headers: lambdaJson, body: JSON.stringify({ Description: 'd'.repeat(2 * MIB) }) },
  // Deep nesting
  { name: 'Logs: deeply nested JSON', service: 'logs', headers: json11('DescribeLogGroups'), body: `{"a":${deep(100_000)}}` },
  { name: 'Lambda: deeply nested JSON', service: 'lambda', method: 'POST', path: '/2015-03-31/functions', headers: lambdaJson, body: `{"a":${deep(100_000)}}` },
  { name: 'Lambda: an Invoke payload nested deeply', service: 'lambda', method: 'POST', path: '/2015-03-31/functions/ghost/invocations', headers: lambdaJson, body: deep(100_000) },
  { name: 'S3: deeply nested XML', service: 's3', method: 'PUT', path: '/fuzz-bucket?tagging', body: '<Tagging>' + '<a>'.repeat(100_000) + '</a>'.repeat(100_000) + '</Tagging>' },
  // Prototype names where a name comes from a request
  ...PROTOTYPE_NAMES.flatMap((name): HostileCase[] => [
    { name: `the service ${name} in a presigned GET`, service: 's3', method: 'GET', path: `/?X-Amz-Credential=a/b/us-east-1/${name}/aws4_request`, unsigned: true, says: /AccessDenied/ },
    { name: `the service ${name} in a presigned-looking GET with X-Amz-Algorithm`, service: 's3', method: 'GET', path: `/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a/b/us-east-1/${name}/aws4_request`, unsigned: true },
    { name: `the service ${name} in the Authorization header`, service: name, headers: form, body: 'Action=ListRoles', says: /does not serve the/ },
    { name: `the region ${name}`, service: 'dynamodb', region: name, headers: json10('ListTables'), body: '{}' },
    { name: `IAM Action ${name}`, service: 'iam', headers: form, body: `Action=${name}&Version=2010-05-08` },
    { name: `Logs operation ${name}`, service: 'logs', headers: json11(name), body: '{}' },
    { name: `DynamoDB operation ${name}`, service: 'dynamodb', headers: json10(name), body: '{}' },
    { name: `Lambda GetFunction ${name}`, service: 'lambda', method: 'GET', path: `/2015-03-31/functions/${name}` },
    { name: `S3 bucket ${name}`, service: 's3', method: 'GET', path: `/${name}` },
    { name: `IAM GetRole ${name}`, service: 'iam', headers: form, body: `Action=GetRole&Version=2010-05-08&RoleName=${name}` },
  ]),
  // Names and regions that climb out of the data dir
  { name: 'Lambda: DeleteFunction .. in region ..', service: 'lambda', region: '..', method: 'DELETE', path: '/2015-03-31/functions/..', says: /'\.\.' is not an AWS region/ },
  { name: 'Lambda: DeleteFunction .. in us-east-1', service: 'lambda', method: 'DELETE', path: '/2015-03-31/functions/..' },
  { name: 'Lambda: CreateFunction named ..', service: 'lambda', method: 'POST', path: '/2015-03-31/functions', headers: lambdaJson, body: createFunctionBody('..', zipOf({ 'index.js': 'exports.handler = async () => 1;' })) },
  { name: 'Lambda: CreateFunction named . in region ..', service: 'lambda', region: '..', method: 'POST', path: '/2015-03-31/functions', headers: lambdaJson, body: createFunctionBody('.', zipOf({ 'index.js': 'exports.handler = async () => 1;' })) },
  { name: 'DynamoDB: ListTables in region ..', service: 'dynamodb', region: '..', headers: json10('ListTables'), body: '{}' },
  { name: 'DynamoDB: ListTables in region ../../etc', service: 'dynamodb', region: '..%2F..%2Fetc', headers: json10('ListTables'), body: '{}' },
  { name: 'Logs: CreateLogGroup in region ..', service: 'logs', region: '..', headers: json11('CreateLogGroup'), body: '{"logGroupName":"x"}' },
  // Zip bombs: 1 MB that inflates to 1 GiB, declared honestly or as 10 bytes; a zip over 50 MB
  { name: 'Lambda: a zip bomb declaring its 1 GiB', service: 'lambda', method: 'POST', path: '/2015-03-31/functions', headers: lambdaJson, body: createFunctionBody('bomb-honest', zipBomb(1024 * MIB, 1024 * MIB)), says: /Unzipped size must be smaller than 262144000 bytes/ },
  { name: 'Lambda: a zip bomb declaring 10 bytes', service: 'lambda', method: 'POST', path: '/2015-03-31/functions', headers: lambdaJson, body: createFunctionBody('bomb-liar', zipBomb(1024 * MIB, 10)), says: /Unzipped size must be smaller than 262144000 bytes/ },
  { name: 'Lambda: a zip over 50 MB', service: 'lambda', method: 'POST', path: '/2015-03-31/functions', headers: lambdaJson, body: createFunctionBody('too-big', Buffer.alloc(50 * MIB + 1)), says: /RequestEntityTooLargeException|smaller than/ },
  // Forged temporary credentials
  { name: 'an ASIA key the sandbox never issued, on DynamoDB', service: 'dynamodb', accessKeyId: 'ASIAFORGED0000000000', headers: json10('ListTables'), body: '{}' },
  { name: 'an ASIA key the sandbox never issued, on S3', service: 's3', accessKeyId: 'ASIAFORGED0000000000', method: 'GET', path: '/' },
  // 400 distinct region strings: none may open a store, a directory or a socket
  ...Array.from({ length: 400 }, (_, i): HostileCase => ({ name: `region string ${i}`, service: i % 2 ? 'dynamodb' : 'logs', region: `xx-fuzz-${i}`, headers: i % 2 ? json10('ListTables') : json11('DescribeLogGroups'), body: '{}' })),
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

/** File descriptors this process holds (the sandbox runs in it). */
const openFds = (): number => readdirSync('/proc/self/fd').length;

describe('hostile and malformed requests', () => {
  let t: TestSandbox;
  let fdsBefore: number;
  let rssBefore: number;
  before(async () => {
    t = await startTestSandbox();
    fdsBefore = openFds();
    rssBefore = process.memoryUsage().rss;
    // A table and a bucket exist, so the cases reach past "not found" into validation.
    await rawRequest(t.endpoint, { service: 'dynamodb', headers: json10('CreateTable'), body: JSON.stringify({ TableName: 'fuzz_table', AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }) });
    const bucket = await rawRequest(t.endpoint, { service: 's3', method: 'PUT', path: '/fuzz-bucket' });
    assert.equal(bucket.status, 200, bucket.text);
  });
  after(() => t.stop());

  it(`names each of its ${cases.length} cases once, so a failure says which request it was`, () => {
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const answer = c.unsigned
        ? await fetch(t.endpoint + (c.path ?? '/'), { method: c.method ?? 'POST', headers: c.headers, body: c.body as BodyInit | undefined }).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.text() }))
        : await rawRequest(t.endpoint, { service: c.service, region: c.region, method: c.method ?? 'POST', path: c.path, headers: c.headers, body: c.body, accessKeyId: c.accessKeyId });
      assertAwsStyle(answer, c.method ?? 'POST', c.name);
      if (c.says) assert.match(answer.text, c.says, c.name);
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

  it('holds no more file descriptors after the hostile requests (400 regions open no store, file or socket)', () => {
    assert.ok(openFds() - fdsBefore < 20, `fds grew from ${fdsBefore} to ${openFds()}`);
  });

  it('refuses a 60 MiB XML body from its length, without reading or parsing it', async () => {
    const answer = await streamBody(t.endpoint, { service: 's3', method: 'PUT', path: '/fuzz-bucket?tagging', size: 60 * MIB });
    assert.equal(answer.status, 400);
    assert.match(answer.text, /<Code>MaxMessageLengthExceeded<\/Code>/);
  });

  it('stores names that are prototype properties like any other name', async () => {
    await t.clients.s3.send(new PutObjectCommand({ Bucket: 'fuzz-bucket', Key: '__proto__', Body: 'proto body' }));
    const object = await t.clients.s3.send(new GetObjectCommand({ Bucket: 'fuzz-bucket', Key: '__proto__' }));
    assert.equal(await object.Body!.transformToString(), 'proto body');
    const listed = await t.clients.s3.send(new ListObjectsV2Command({ Bucket: 'fuzz-bucket' }));
    assert.ok(listed.Contents?.some((o) => o.Key === '__proto__'));
    for (const name of ['constructor', '__proto__', 'toString']) {
      await t.clients.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: LAMBDA_TRUST }));
      assert.equal((await t.clients.iam.send(new GetRoleCommand({ RoleName: name }))).Role?.RoleName, name);
    }
    const hostile = JSON.parse('{"__proto__": "p", "constructor": "c"}') as Record<string, string>;
    await t.clients.s3.send(new PutObjectCommand({ Bucket: 'fuzz-bucket', Key: 'meta', Body: 'm', Metadata: hostile }));
    // Read raw: the SDK's own response parser drops a `__proto__` metadata key.
    const head = await rawRequest(t.endpoint, { service: 's3', method: 'HEAD', path: '/fuzz-bucket/meta' });
    assert.equal(head.headers.get('x-amz-meta-__proto__'), 'p');
    assert.equal(head.headers.get('x-amz-meta-constructor'), 'c');
    const fn = await createActiveFunction(t.clients, { name: 'proto-fn', role: await createRole(t.clients, 'proto-role'), files: { 'index.js': 'exports.handler = async () => 1;' } });
    await t.clients.lambda.send(new TagResourceCommand({ Resource: fn.FunctionArn!, Tags: hostile }));
    assert.deepEqual((await t.clients.lambda.send(new ListTagsCommand({ Resource: fn.FunctionArn! }))).Tags, hostile);
  });

  it('keeps at most a few DynamoDB stores open however many regions are used', async () => {
    const regions = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1', 'sa-east-1'];
    const before = openFds();
    for (const region of regions) {
      const { dynamodb } = t.clientsIn(region);
      assert.deepEqual((await dynamodb.send(new ListTablesCommand({}))).TableNames, region === 'us-east-1' ? ['fuzz_table'] : []);
      dynamodb.destroy(); // the client's own keep-alive socket is not the sandbox's
    }
    assert.ok(openFds() - before < 30, `fds grew from ${before} to ${openFds()} over ${regions.length} regions`);
  });

  it('bounds what a handler logging 100 MB leaves in memory and in the log', async () => {
    const role = await createRole(t.clients, 'fuzz-log-role');
    await createActiveFunction(t.clients, {
      name: 'loud-fn',
      role,
      Timeout: 60,
      files: { 'index.js': 'exports.handler = async () => { const line = "x".repeat(1024 * 1024); for (let i = 0; i < 100; i++) console.log(line); return "done"; };' },
    });
    const out = await t.clients.lambda.send(new InvokeCommand({ FunctionName: 'loud-fn' }));
    assert.equal(Buffer.from(out.Payload!).toString(), '"done"');
    const [stream] = (await t.clients.logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/loud-fn' }))).logStreams ?? [];
    const { events } = await t.clients.logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/loud-fn', logStreamName: stream!.logStreamName!, startFromHead: true }));
    const long = (events ?? []).filter((e) => e.message!.length > 1000);
    assert.ok(long.length > 0 && long.every((e) => Buffer.byteLength(e.message!) <= MAX_LOG_EVENT_BYTES), 'each event is truncated to 256 KB');
    const dropped = await t.clients.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/loud-fn', filterPattern: '"the rest was dropped"' }));
    assert.equal(dropped.events?.length, 1, 'the log says once that output was dropped');
    const report = await t.clients.logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/loud-fn', filterPattern: 'REPORT' }));
    assert.equal(report.events?.length, 1, 'the invocation still ends with its REPORT line');
  });

  it(`stops a function whose uploads trigger itself after Lambda's ${MAX_CHAIN} invocations, and says so`, async (ctx) => {
    const detected = new Promise<string>((resolve) => {
      ctx.mock.method(console, 'error', (...args: unknown[]) => {
        if (String(args[0]).includes('recursive loop')) resolve(String(args[0]));
      });
    });
    const role = await createRole(t.clients, 'fuzz-loop-role', { extra: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::fuzz-bucket/*' }] });
    const fn = await createActiveFunction(t.clients, {
      name: 'loop-fn',
      role,
      Timeout: 30, // a loaded machine must not time out (and retry) an invocation mid-chain
      files: {
        'index.js': `const { S3Client, PutObjectCommand } = require('@aws-sdk/client-s3');
const s3 = new S3Client({ forcePathStyle: true });
exports.handler = async (event) => {
  const n = Number(event.Records[0].s3.object.key.split('/')[1]);
  await s3.send(new PutObjectCommand({ Bucket: 'fuzz-bucket', Key: 'loop/' + (n + 1), Body: 'again' }));
};`,
      },
    });
    await t.clients.lambda.send(new AddPermissionCommand({ FunctionName: 'loop-fn', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com' }));
    await t.clients.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'fuzz-bucket', NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: fn.FunctionArn!, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'loop/' }] } } }] } }));
    await t.clients.s3.send(new PutObjectCommand({ Bucket: 'fuzz-bucket', Key: 'loop/0', Body: 'start' }));
    assert.match(await detected, /Lambda has detected your function being invoked in a recursive loop/);
    const keys = (await t.clients.s3.send(new ListObjectsV2Command({ Bucket: 'fuzz-bucket', Prefix: 'loop/' }))).Contents?.map((o) => o.Key);
    // loop/0 by the learner, then one object per invocation of the chain.
    assert.equal(keys?.length, MAX_CHAIN + 1, `keys: ${keys?.join(' ')}`);
  });

  it('still answers a valid call to each of the six services, with fds and memory bounded', async () => {
    assert.equal((await t.clients.sts.send(new GetCallerIdentityCommand({}))).Account, '000000000000');
    assert.ok((await t.clients.dynamodb.send(new ListTablesCommand({}))).TableNames?.includes('fuzz_table'));
    assert.ok((await t.clients.s3.send(new ListBucketsCommand({}))).Buckets?.some((b) => b.Name === 'fuzz-bucket'));
    assert.ok((await t.clients.iam.send(new ListRolesCommand({}))).Roles?.some((r) => r.RoleName === 'constructor'));
    assert.ok((await t.clients.lambda.send(new ListFunctionsCommand({}))).Functions?.some((f) => f.FunctionName === 'loop-fn'));
    assert.ok((await t.clients.logs.send(new DescribeLogGroupsCommand({}))).logGroups?.some((g) => g.logGroupName === '/aws/lambda/loud-fn'));
    const fds = openFds();
    const rss = process.memoryUsage().rss;
    console.log(`fuzz: ${cases.length} hostile requests; fds ${fdsBefore} -> ${fds}; RSS ${(rssBefore / MIB).toFixed(0)} -> ${(rss / MIB).toFixed(0)} MiB`);
    // Two warm function environments (pipes and an IPC channel each), at most 4 open DynamoDB stores, keep-alive sockets.
    assert.ok(fds - fdsBefore < 100, `fds grew from ${fdsBefore} to ${fds}`);
    assert.ok(rss - rssBefore < 600 * MIB, `RSS grew from ${(rssBefore / MIB).toFixed(0)} to ${(rss / MIB).toFixed(0)} MiB`);
  });

  // Last: it fills the account's roles.
  it("refuses the role past IAM's RolesPerAccount quota, as IAM does", async () => {
    const existing = (await t.clients.iam.send(new ListRolesCommand({ MaxItems: 1000 }))).Roles?.length ?? 0;
    const create = (name: string) => rawRequest(t.endpoint, { service: 'iam', headers: form, body: `Action=CreateRole&Version=2010-05-08&RoleName=${name}&AssumeRolePolicyDocument=${encodeURIComponent(LAMBDA_TRUST)}` });
    for (let i = existing; i < MAX_ROLES; i++) assert.equal((await create(`quota-${i}`)).status, 200);
    const refused = await create('one-too-many');
    assert.equal(refused.status, 409);
    assert.match(refused.text, /<Code>LimitExceeded<\/Code><Message>Cannot exceed quota for RolesPerAccount: 1000<\/Message>/);
  });
});
