import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketTaggingCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { assertErrorMatchesReference, assertMatchesRecorded, rawRequest, referenceCase } from '../helpers/reference.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const md5 = (data: string | Buffer) => createHash('md5').update(data).digest('hex');

/** The SDK error a rejected promise carries, for field-by-field checks. */
async function sdkError(promise: Promise<unknown>): Promise<Record<string, unknown> & { name: string; $metadata: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown> & { name: string; $metadata: { httpStatusCode?: number } };
  }
  throw new assert.AssertionError({ message: 'expected the call to fail' });
}

describe('s3: buckets', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox();
  });
  after(() => t.stop());

  it('creates a us-east-1 bucket with Location and BucketArn, and re-creating it there is a quiet 200', async () => {
    const created = await t.clients.s3.send(new CreateBucketCommand({ Bucket: 'bkt-east' }));
    const recorded = referenceCase('s3', 's3.create_bucket.success_us_east_1').response;
    assert.equal(created.$metadata.httpStatusCode, recorded.ResponseMetadata.HTTPStatusCode);
    assertMatchesRecorded(recorded.Location, created.Location, 'Location');
    assertMatchesRecorded(recorded.BucketArn, created.BucketArn, 'BucketArn');
    const again = await t.clients.s3.send(new CreateBucketCommand({ Bucket: 'bkt-east' }));
    assert.equal(again.$metadata.httpStatusCode, referenceCase('s3', 's3.create_bucket.recreate_owned_us_east_1_ok').response.ResponseMetadata.HTTPStatusCode);
    assert.equal(again.Location, '/bkt-east');
  });

  it('refuses to re-create an owned us-east-1 bucket with tags', async () => {
    await t.clients.s3.send(new CreateBucketCommand({ Bucket: 'bkt-tagged' }));
    const error = await sdkError(
      t.clients.s3.send(new CreateBucketCommand({ Bucket: 'bkt-tagged', CreateBucketConfiguration: { Tags: [{ Key: 'k', Value: 'v' }] } })),
    );
    assertErrorMatchesReference(error, referenceCase('s3', 's3.create_bucket.already_owned_by_you_us_east_1_with_tags'));
    assert.equal(error.BucketName, 'bkt-tagged');
  });

  it('applies the location constraint rules of each regional endpoint', async () => {
    const west = t.clientsIn('us-west-1').s3;
    await west.send(new CreateBucketCommand({ Bucket: 'bkt-west', CreateBucketConfiguration: { LocationConstraint: 'us-west-1' } }));
    const owned = await sdkError(west.send(new CreateBucketCommand({ Bucket: 'bkt-west', CreateBucketConfiguration: { LocationConstraint: 'us-west-1' } })));
    assertErrorMatchesReference(owned, referenceCase('s3', 's3.create_bucket.already_owned_by_you'));
    assert.equal(owned.BucketName, 'bkt-west');

    // The JS SDK fills in the constraint from the client's region, so only a raw request can leave it out.
    const missing = await rawRequest(t.endpoint, { service: 's3', region: 'us-east-2', method: 'PUT', path: '/bkt-no-constraint' });
    const recordedMissing = referenceCase('s3', 's3.create_bucket.missing_location_constraint_outside_us_east_1').response;
    assert.equal(missing.status, recordedMissing.ResponseMetadata.HTTPStatusCode);
    assert.match(missing.text, new RegExp(`<Code>${recordedMissing.Error.Code}</Code><Message>${recordedMissing.Error.Message}</Message>`));

    const mismatch = await sdkError(
      t.clientsIn('us-east-2').s3.send(new CreateBucketCommand({ Bucket: 'bkt-mismatch', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })),
    );
    assert.equal(mismatch.name, 'IllegalLocationConstraintException');
    assert.equal(mismatch.message, 'The eu-west-1 location constraint is incompatible for the region specific endpoint this request was sent to.');

    // The SDK's types leave 'us-east-1' out of the constraints, for this very reason.
    const explicit = await sdkError(
      t.clients.s3.send(new CreateBucketCommand({ Bucket: 'bkt-explicit', CreateBucketConfiguration: { LocationConstraint: 'us-east-1' as never } })),
    );
    assertErrorMatchesReference(explicit, referenceCase('s3', 's3.create_bucket.us_east_1_location_constraint_invalid'));
    assert.equal(explicit.LocationConstraint, 'us-east-1');

    const location = await t.clients.s3.send(new GetBucketLocationCommand({ Bucket: 'bkt-west' }));
    assert.equal(location.LocationConstraint, 'us-west-1');
    const east = await t.clients.s3.send(new GetBucketLocationCommand({ Bucket: 'bkt-east' }));
    assert.equal(east.LocationConstraint, undefined, 'us-east-1 answers an empty LocationConstraint');
    const head = await west.send(new HeadBucketCommand({ Bucket: 'bkt-west' }));
    assert.equal(head.BucketRegion, 'us-west-1');
  });

  it("answers a bucket asked of another region's endpoint with 301 and the bucket's region, as S3 does", async () => {
    await t.clientsIn('eu-west-1').s3.send(new CreateBucketCommand({ Bucket: 'bkt-ireland', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    const head = await rawRequest(t.endpoint, { service: 's3', region: 'us-east-1', method: 'HEAD', path: '/bkt-ireland' });
    assert.equal(head.status, 301);
    assert.equal(head.headers.get('x-amz-bucket-region'), 'eu-west-1');
    assert.equal(head.text, '', 'a HEAD answer has no body');
    const list = await rawRequest(t.endpoint, { service: 's3', region: 'us-east-1', method: 'GET', path: '/bkt-ireland' });
    assert.equal(list.status, 301);
    assert.equal(list.headers.get('x-amz-bucket-region'), 'eu-west-1');
    assert.match(list.text, /<Code>PermanentRedirect<\/Code>.*<Endpoint>bkt-ireland\.s3\.eu-west-1\.amazonaws\.com<\/Endpoint><Bucket>bkt-ireland<\/Bucket>/);
    // GetBucketLocation answers from any region: it is how a client finds where to go.
    const location = await t.clients.s3.send(new GetBucketLocationCommand({ Bucket: 'bkt-ireland' }));
    assert.equal(location.LocationConstraint, 'eu-west-1');
  });

  it('validates bucket names', async () => {
    const upper = await sdkError(t.clients.s3.send(new CreateBucketCommand({ Bucket: 'Upper-Case-Bucket' })));
    assertErrorMatchesReference(upper, referenceCase('s3', 's3.create_bucket.invalid_name_uppercase'));
    assert.equal(upper.BucketName, 'Upper-Case-Bucket');
    for (const bad of ['ab', 'a..b', '192.168.0.1', '-leading', 'trailing-', 'xn--punycode', 'x'.repeat(64)]) {
      const error = await sdkError(t.clients.s3.send(new CreateBucketCommand({ Bucket: bad })));
      assert.equal(error.name, 'InvalidBucketName', bad);
    }
  });

  it('lists buckets with their regions', async () => {
    const listed = await t.clients.s3.send(new ListBucketsCommand({}));
    const west = listed.Buckets?.find((b) => b.Name === 'bkt-west');
    assert.equal(west?.BucketRegion, 'us-west-1');
    assert.ok(west?.CreationDate instanceof Date);
    const names = (listed.Buckets ?? []).map((b) => b.Name ?? '');
    assert.deepEqual(names, [...names].sort());
  });

  it('answers HeadBucket 404 with no body, and NoSuchBucket for the other operations', async () => {
    const head = await sdkError(t.clients.s3.send(new HeadBucketCommand({ Bucket: 'no-such-bucket-here' })));
    assert.equal(head.$metadata.httpStatusCode, 404);
    assert.equal(head.name, 'NotFound');
    const cases: [string, () => Promise<unknown>][] = [
      ['s3.delete_bucket.no_such_bucket', () => t.clients.s3.send(new DeleteBucketCommand({ Bucket: 'does-not-exist-localstack-test' }))],
      ['s3.list_objects.no_such_bucket', () => t.clients.s3.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket-here' }))],
      ['s3.get_object.no_such_bucket', () => t.clients.s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket-here', Key: 'k' }))],
    ];
    for (const [key, call] of cases) {
      const error = await sdkError(call());
      assertErrorMatchesReference(error, referenceCase('s3', key));
      assertMatchesRecorded(referenceCase('s3', key).response.Error.BucketName, error.BucketName as string, `${key} BucketName`);
    }
  });

  it('refuses to delete a bucket that holds objects, then deletes it with 204 once empty', async () => {
    await t.clients.s3.send(new CreateBucketCommand({ Bucket: 'bkt-delete' }));
    await t.clients.s3.send(new PutObjectCommand({ Bucket: 'bkt-delete', Key: 'k', Body: 'x' }));
    const error = await sdkError(t.clients.s3.send(new DeleteBucketCommand({ Bucket: 'bkt-delete' })));
    assertErrorMatchesReference(error, referenceCase('s3', 's3.delete_bucket.bucket_not_empty'));
    assert.equal(error.BucketName, 'bkt-delete');
    await t.clients.s3.send(new DeleteObjectCommand({ Bucket: 'bkt-delete', Key: 'k' }));
    const deleted = await t.clients.s3.send(new DeleteBucketCommand({ Bucket: 'bkt-delete' }));
    assert.equal(deleted.$metadata.httpStatusCode, referenceCase('s3', 's3.delete_bucket.response').response.ResponseMetadata.HTTPStatusCode);
    await assert.rejects(t.clients.s3.send(new HeadBucketCommand({ Bucket: 'bkt-delete' })), { name: 'NotFound' });
  });

  it('stores, answers and deletes bucket tags', async () => {
    await t.clients.s3.send(new CreateBucketCommand({ Bucket: 'bkt-tags' }));
    const none = await sdkError(t.clients.s3.send(new GetBucketTaggingCommand({ Bucket: 'bkt-tags' })));
    assert.equal(none.name, 'NoSuchTagSet');
    assert.equal(none.$metadata.httpStatusCode, 404);
    assert.equal(none.message, 'The TagSet does not exist');
    await t.clients.s3.send(new PutBucketTaggingCommand({ Bucket: 'bkt-tags', Tagging: { TagSet: [{ Key: 'lab', Value: '007' }, { Key: 'team', Value: 'a b' }] } }));
    const tags = await t.clients.s3.send(new GetBucketTaggingCommand({ Bucket: 'bkt-tags' }));
    assert.deepEqual(tags.TagSet, [
      { Key: 'lab', Value: '007' },
      { Key: 'team', Value: 'a b' },
    ]);
    const duplicate = await sdkError(
      t.clients.s3.send(new PutBucketTaggingCommand({ Bucket: 'bkt-tags', Tagging: { TagSet: [{ Key: 'k', Value: '1' }, { Key: 'k', Value: '2' }] } })),
    );
    assert.equal(duplicate.name, 'InvalidTag');
    const system = await sdkError(t.clients.s3.send(new PutBucketTaggingCommand({ Bucket: 'bkt-tags', Tagging: { TagSet: [{ Key: 'aws:x', Value: '1' }] } })));
    assert.equal(system.name, 'InvalidTag');
    await t.clients.s3.send(new DeleteBucketTaggingCommand({ Bucket: 'bkt-tags' }));
    await assert.rejects(t.clients.s3.send(new GetBucketTaggingCommand({ Bucket: 'bkt-tags' })), { name: 'NoSuchTagSet' });
  });
});

describe('s3: objects', () => {
  let t: TestSandbox;
  const bucket = 'objects-bucket';
  before(async () => {
    t = await startTestSandbox();
    await t.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(() => t.stop());

  it('puts and gets an object as the reference does (ETag, checksum, encryption, content type)', async () => {
    const put = await t.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'ref', Body: 'abc123' }));
    const recordedPut = referenceCase('s3', 's3.put_object.response').response;
    assert.equal(put.ETag, recordedPut.ETag, 'the recorded body was abc123');
    assert.equal(put.ChecksumCRC32, recordedPut.ChecksumCRC32);
    assert.equal(put.ChecksumType, recordedPut.ChecksumType);
    assert.equal(put.ServerSideEncryption, recordedPut.ServerSideEncryption);
    const got = await t.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'ref' }));
    const recordedGet = referenceCase('s3', 's3.get_object.response').response;
    assert.equal(await got.Body!.transformToString(), 'abc123');
    for (const field of ['AcceptRanges', 'ChecksumCRC32', 'ChecksumType', 'ContentLength', 'ETag', 'ServerSideEncryption'] as const) {
      assert.deepEqual(got[field], recordedGet[field], field);
    }
    assert.deepEqual(got.Metadata, recordedGet.Metadata);
    assert.ok(got.LastModified instanceof Date);
  });

  it('defaults the content type to binary/octet-stream and keeps metadata and standard headers', async () => {
    // A Buffer body: fetch would add its own text/plain content type to a string.
    const raw = await rawRequest(t.endpoint, { service: 's3', method: 'PUT', path: `/${bucket}/plain`, body: Buffer.from('abcdefgh') });
    assert.equal(raw.status, 200);
    const head = await t.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'plain' }));
    const recorded = referenceCase('s3', 's3.head_object.response').response;
    assert.equal(head.ContentType, recorded.ContentType);
    assert.equal(head.ContentLength, recorded.ContentLength);
    assert.equal(head.ETag, `"${md5('abcdefgh')}"`);
    assert.equal(head.AcceptRanges, recorded.AcceptRanges);
    assert.equal(head.ServerSideEncryption, recorded.ServerSideEncryption);

    await t.clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'meta', Body: '{}', ContentType: 'application/json', Metadata: { owner: 'lab' }, CacheControl: 'no-cache' }),
    );
    const meta = await t.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'meta' }));
    assert.equal(meta.ContentType, 'application/json');
    assert.deepEqual(meta.Metadata, { owner: 'lab' });
    assert.equal(meta.CacheControl, 'no-cache');
  });

  it('stores exactly the payload of a streamed (aws-chunked) upload with a CRC32 trailer', async () => {
    const payload = Buffer.concat([Buffer.alloc(70_000, 'a'), Buffer.from('tail é 日本')]);
    const seen: Record<string, string>[] = [];
    const s3 = t.clients.s3;
    const spy = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      seen.push({ ...(args as { request: { headers: Record<string, string> } }).request.headers });
      return next(args);
    };
    s3.middlewareStack.add(spy as never, { step: 'finalizeRequest', name: 's3TestSpy' });
    try {
      const put = await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 'streamed', Body: Readable.from([payload.subarray(0, 1000), payload.subarray(1000)]), ContentLength: payload.length }),
      );
      assert.equal(put.ETag, `"${md5(payload)}"`);
    } finally {
      s3.middlewareStack.remove('s3TestSpy');
    }
    // The point of the test: the SDK really framed this upload.
    assert.equal(seen[0]?.['content-encoding'], 'aws-chunked');
    assert.equal(seen[0]?.['x-amz-trailer'], 'x-amz-checksum-crc32');
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'streamed' }));
    assert.deepEqual(Buffer.from(await got.Body!.transformToByteArray()), payload);
    assert.equal(got.ETag, `"${md5(payload)}"`);
    assert.equal(got.ContentEncoding, undefined, 'the transport framing is not the object content encoding');
  });

  it('decodes a SigV4-signed aws-chunked body (chunk signatures) and refuses a wrong trailer checksum', async () => {
    const body = '5;chunk-signature=aaaa\r\nhello\r\n6;chunk-signature=bbbb\r\n world\r\n0;chunk-signature=cccc\r\n\r\n';
    const signed = await rawRequest(t.endpoint, {
      service: 's3',
      method: 'PUT',
      path: `/${bucket}/signed-chunks`,
      headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'x-amz-decoded-content-length': '11', 'content-encoding': 'aws-chunked' },
      body,
    });
    assert.equal(signed.status, 200);
    assert.equal(signed.headers.get('etag'), `"${md5('hello world')}"`);
    const got = await t.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'signed-chunks' }));
    assert.equal(await got.Body!.transformToString(), 'hello world');

    const badTrailer = await rawRequest(t.endpoint, {
      service: 's3',
      method: 'PUT',
      path: `/${bucket}/bad-trailer`,
      headers: { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-decoded-content-length': '5', 'x-amz-trailer': 'x-amz-checksum-crc32' },
      body: '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n',
    });
    assert.equal(badTrailer.status, 400);
    assert.match(badTrailer.text, /<Code>BadDigest<\/Code>/);

    const truncated = await rawRequest(t.endpoint, {
      service: 's3',
      method: 'PUT',
      path: `/${bucket}/truncated`,
      headers: { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'x-amz-decoded-content-length': '50' },
      body: 'ff\r\nhello',
    });
    assert.equal(truncated.status, 400);
    assert.match(truncated.text, /<Code>IncompleteBody<\/Code>/);
  });

  it('verifies Content-MD5', async () => {
    const good = createHash('md5').update('payload').digest('base64');
    await t.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'md5', Body: 'payload', ContentMD5: good }));
    const wrong = createHash('md5').update('other').digest('base64');
    const error = await sdkError(t.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'md5', Body: 'payload', ContentMD5: wrong })));
    assert.equal(error.name, 'BadDigest');
    assert.equal(error.message, 'The Content-MD5 you specified did not match what we received.');
    const invalid = await sdkError(t.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'md5', Body: 'payload', ContentMD5: 'nope' })));
    assert.equal(invalid.name, 'InvalidDigest');
  });

  it('serves byte ranges and refuses unsatisfiable ones', async () => {
    await t.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'range', Body: '0123456789' }));
    const cases: [string, string, string][] = [
      ['bytes=2-5', '2345', 'bytes 2-5/10'],
      ['bytes=7-', '789', 'bytes 7-9/10'],
      ['bytes=-3', '789', 'bytes 7-9/10'],
      ['bytes=8-100', '89', 'bytes 8-9/10'],
    ];
    for (const [range, body, contentRange] of cases) {
      const got = await t.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'range', Range: range }));
      assert.equal(got.$metadata.httpStatusCode, 206, range);
      assert.equal(await got.Body!.transformToString(), body, range);
      assert.equal(got.ContentRange, contentRange, range);
    }
    const error = await sdkError(t.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'range', Range: 'bytes=10-' })));
    assert.equal(error.name, 'InvalidRange');
    assert.equal(error.$metadata.httpStatusCode, 416);
  });

  // AWS's HeadObject reference, Range: "If the Range is satisfiable, only the ContentLength is affected in
  // the response. If the Range is not satisfiable, S3 returns a 416 - Requested Range Not Satisfiable error."
  // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html)
  it('HeadObject honours Range: 206 with Content-Range and the part\'s length, 416 when unsatisfiable', async () => {
    await t.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'head-range', Body: '0123456789' }));
    const part = await t.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'head-range', Range: 'bytes=2-5' }));
    assert.equal(part.$metadata.httpStatusCode, 206);
    assert.equal(part.ContentLength, 4);
    assert.equal(part.ContentRange, 'bytes 2-5/10');
    const whole = await t.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'head-range' }));
    assert.equal(whole.$metadata.httpStatusCode, 200);
    assert.equal(whole.ContentLength, 10);
    const error = await sdkError(t.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'head-range', Range: 'bytes=10-' })));
    assert.equal(error.$metadata.httpStatusCode, 416);
  });

  it('answers NoSuchKey (with Key) for GET, a bodiless 404 for HEAD', async () => {
    const missing = await sdkError(t.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'my-key', Range: 'bytes=0-1' })));
    assertErrorMatchesReference(missing, referenceCase('s3', 's3.get_object.no_such_key'));
    assert.equal(missing.Key, 'my-key');
    const head = await sdkError(t.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'my-key' })));
    const recorded = referenceCase('s3', 's3.head_object.not_found').response;
    assert.equal(head.$metadata.httpStatusCode, recorded.ResponseMetadata.HTTPStatusCode);
    // boto reports the bare status ('404'); the JS SDK names it NotFound. Either way there is no body.
    assert.equal(head.name, 'NotFound');
    const raw = await rawRequest(t.endpoint, { service: 's3', method: 'HEAD', path: `/${bucket}/my-key` });
    assert.equal(raw.text, '');
  });

  it('round-trips keys that need percent-encoding in the path', async () => {
    const keys = ['with space.txt', 'plus+sign', 'percent%20literal', 'at@sign', 'é/日本/file', 'emoji 😀.png', 'nested/a/b/c/', 'quote"amp&lt<'];
    for (const key of keys) {
      await t.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
      const got = await t.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(await got.Body!.transformToString(), key, key);
    }
    const listed = await t.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const key of keys) assert.ok(listed.Contents?.some((c) => c.Key === key), `${key} is listed under its own name`);
    // A '+' in a path is a literal plus, not a space.
    const raw = await rawRequest(t.endpoint, { service: 's3', method: 'GET', path: `/${bucket}/plus+sign` });
    assert.equal(raw.text, 'plus+sign');
  });

  it('deletes idempotently with 204, and in batches (Quiet or not)', async () => {
    await t.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'gone', Body: 'x' }));
    for (let i = 0; i < 2; i++) {
      const deleted = await t.clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'gone' }));
      assert.equal(deleted.$metadata.httpStatusCode, referenceCase('s3', 's3.delete_object.response').response.ResponseMetadata.HTTPStatusCode);
    }
    for (const key of ['batch/1', 'batch/2', 'batch/3']) await t.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
    const loud = await t.clients.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'batch/1' }, { Key: 'batch/never' }] } }));
    assert.deepEqual(loud.Deleted?.map((d) => d.Key), ['batch/1', 'batch/never']);
    assert.equal(loud.Errors, undefined);
    const quiet = await t.clients.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'batch/2' }, { Key: 'batch/3' }], Quiet: true } }));
    assert.equal(quiet.Deleted, undefined);
    const left = await t.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'batch/' }));
    assert.equal(left.KeyCount, 0);
  });

  it('copies objects, with COPY or REPLACE metadata, and refuses a no-op self copy', async () => {
    await t.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src key', Body: 'copy me', ContentType: 'text/plain', Metadata: { a: '1' } }));
    const copied = await t.clients.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst', CopySource: `${bucket}/${encodeURIComponent('src key')}` }));
    assert.equal(copied.CopyObjectResult?.ETag, `"${md5('copy me')}"`);
    const dst = await t.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dst' }));
    assert.equal(await dst.Body!.transformToString(), 'copy me');
    assert.equal(dst.ContentType, 'text/plain');
    assert.deepEqual(dst.Metadata, { a: '1' });
    await t.clients.s3.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'dst', CopySource: `${bucket}/dst`, MetadataDirective: 'REPLACE', Metadata: { b: '2' }, ContentType: 'text/csv' }),
    );
    const replaced = await t.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst' }));
    assert.deepEqual(replaced.Metadata, { b: '2' });
    assert.equal(replaced.ContentType, 'text/csv');
    const self = await sdkError(t.clients.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst', CopySource: `${bucket}/dst` })));
    assert.equal(self.name, 'InvalidRequest');
    const missing = await sdkError(t.clients.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'x', CopySource: `${bucket}/nothing` })));
    assert.equal(missing.name, 'NoSuchKey');
  });

  it('serves virtual-hosted style requests (bucket.localhost)', async () => {
    await t.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'vhost/key', Body: 'hosted' }));
    // fetch sets Host itself: use node:http to send a virtual-hosted Host header to the loopback port.
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: t.sandbox.port,
          path: '/vhost/key',
          headers: {
            host: `${bucket}.s3.localhost:${t.sandbox.port}`,
            authorization: 'AWS4-HMAC-SHA256 Credential=AKIATESTLEARNER00000/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0',
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.text, 'hosted');
  });

  it('answers hostile or unsupported input with AWS errors, never a crash', async () => {
    const unsupported = await rawRequest(t.endpoint, { service: 's3', method: 'GET', path: `/${bucket}?versioning` });
    assert.equal(unsupported.status, 501);
    assert.match(unsupported.text, /<Code>NotImplemented<\/Code><Message>A header you provided implies functionality that is not implemented<\/Message>/);
    const multipart = await rawRequest(t.endpoint, { service: 's3', method: 'POST', path: `/${bucket}/big?uploads` });
    assert.equal(multipart.status, 501);
    const badXml = await rawRequest(t.endpoint, { service: 's3', method: 'PUT', path: `/${bucket}?tagging`, body: '<Tagging><TagSet>' });
    assert.equal(badXml.status, 400);
    assert.match(badXml.text, /<Code>MalformedXML<\/Code><Message>The XML you provided was not well-formed or did not validate against our published schema<\/Message>/);
    const badUri = await rawRequest(t.endpoint, { service: 's3', method: 'GET', path: `/${bucket}/%E0%A4%A` });
    assert.equal(badUri.status, 400);
    assert.match(badUri.text, /<Code>InvalidURI<\/Code>/);
    const badMax = await rawRequest(t.endpoint, { service: 's3', method: 'GET', path: `/${bucket}?list-type=2&max-keys=-1` });
    assert.equal(badMax.status, 400);
    assert.match(badMax.text, /<Code>InvalidArgument<\/Code>/);
  });
});
