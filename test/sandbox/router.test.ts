import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { rawRequest } from '../helpers/reference.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const SIGV4_MESSAGE = 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.';

describe('sandbox router', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox();
  });
  after(() => t.stop());

  // This file's process starts its own sandbox, so nothing else has loaded dynalite here.
  it('loads a service\'s engine on its first request, not at start (dynalite only once DynamoDB is called)', async () => {
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes('/node_modules/dynalite/'));
    await t.clients.sts.send(new GetCallerIdentityCommand({}));
    assert.equal(loaded(), false, 'dynalite was loaded before any DynamoDB call');
    await t.clients.dynamodb.send(new ListTablesCommand({}));
    assert.equal(loaded(), true, 'dynalite was not loaded by a DynamoDB call');
  });

  it('answers a service it does not serve with one error naming it and the six it serves, in the request\'s dialect', async () => {
    // SQS speaks AWS JSON 1.0 (X-Amz-Target: AmazonSQS.ListQueues): a JSON error.
    const json = await rawRequest(t.endpoint, {
      service: 'sqs',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.ListQueues' },
      body: '{}',
    });
    assert.equal(json.status, 400);
    assert.equal(json.headers.get('content-type'), 'application/x-amz-json-1.0');
    const body = JSON.parse(json.text) as { __type: string; message: string };
    assert.equal(body.__type, 'InvalidAction');
    assert.equal(body.message, "The sandbox does not serve the 'sqs' service; it serves s3, dynamodb, lambda, iam, logs, sts.");
    // SNS speaks Query: the Query error shape.
    const query = await rawRequest(t.endpoint, { service: 'sns', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=ListTopics&Version=2010-03-31' });
    assert.equal(query.status, 400);
    assert.match(query.text, /<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>The sandbox does not serve the &apos;sns&apos; service; it serves s3, dynamodb, lambda, iam, logs, sts.<\/Message>/);
  });

  // SigV2 is refused by S3 in every region opened since January 2014, with this InvalidRequest (400);
  // SigV4 is "supported in all AWS Regions" (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html).
  // The sandbox reads only SigV4 scopes, so it answers SigV2 the way those regions do, in S3's dialect.
  it('answers a SigV2 Authorization header with S3\'s "Please use AWS4-HMAC-SHA256"', async () => {
    const answer = await fetch(`${t.endpoint}/some-bucket/some-key`, { headers: { authorization: 'AWS AKIAIOSFODNN7EXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=' } });
    assert.equal(answer.status, 400);
    const text = await answer.text();
    assert.match(text, /<Error><Code>InvalidRequest<\/Code><Message>The authorization mechanism you have provided is not supported\. Please use AWS4-HMAC-SHA256\.<\/Message>/);
    assert.ok(text.includes(SIGV4_MESSAGE));
  });

  it('answers a SigV2 presigned URL (boto3\'s default in us-east-1) the same way', async () => {
    const answer = await fetch(`${t.endpoint}/some-bucket/some-key?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=abc%3D&Expires=1893456000`);
    assert.equal(answer.status, 400);
    const text = await answer.text();
    assert.match(text, /<Code>InvalidRequest<\/Code>/);
    assert.ok(text.includes(SIGV4_MESSAGE));
  });
});
