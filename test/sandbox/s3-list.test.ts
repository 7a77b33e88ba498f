import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { rawRequest } from '../helpers/reference.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

describe('s3: listing', () => {
  let t: TestSandbox;
  const bucket = 'listing-bucket';
  const keys = ['a.txt', 'b/1.txt', 'b/2.txt', 'b/c/3.txt', 'd/4.txt', 'e.txt', 'z z+é.txt', 'é.txt', '😀.txt'];
  before(async () => {
    t = await startTestSandbox();
    await t.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const key of [...keys].reverse()) await t.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
  });
  after(() => t.stop());

  it('lists every key in UTF-8 byte order with sizes and ETags', async () => {
    const listed = await t.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    // UTF-8 order puts é (C3 A9) before 😀 (F0 9F ...), which UTF-16 order would not.
    assert.deepEqual(listed.Contents?.map((c) => c.Key), keys);
    assert.equal(listed.KeyCount, keys.length);
    assert.equal(listed.IsTruncated, false);
    assert.equal(listed.Contents?.[0]?.Size, 'a.txt'.length);
    assert.match(listed.Contents?.[0]?.ETag ?? '', /^"[0-9a-f]{32}"$/);
  });

  it('rolls keys up into CommonPrefixes with a delimiter', async () => {
    const top = await t.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' }));
    assert.deepEqual(top.Contents?.map((c) => c.Key), ['a.txt', 'e.txt', 'z z+é.txt', 'é.txt', '😀.txt']);
    assert.deepEqual(top.CommonPrefixes?.map((p) => p.Prefix), ['b/', 'd/']);
    assert.equal(top.KeyCount, 7);
    const inB = await t.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'b/', Delimiter: '/' }));
    assert.deepEqual(inB.Contents?.map((c) => c.Key), ['b/1.txt', 'b/2.txt']);
    assert.deepEqual(inB.CommonPrefixes?.map((p) => p.Prefix), ['b/c/']);
    assert.equal(inB.Prefix, 'b/');
  });

  it('pages with max-keys and continuation tokens, a common prefix counting once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page: ListObjectsV2CommandOutput = await t.clients.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/', MaxKeys: 2, ContinuationToken: token }),
      );
      pages++;
      assert.ok((page.KeyCount ?? 0) <= 2);
      seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      assert.equal(page.ContinuationToken, token);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
      assert.ok(!page.IsTruncated || token, 'a truncated page names where to continue');
    } while (token);
    assert.equal(pages, 4);
    assert.deepEqual(seen.sort(), ['a.txt', 'b/', 'd/', 'e.txt', 'z z+é.txt', 'é.txt', '😀.txt'].sort());
  });

  it('starts after a key, and refuses a forged continuation token', async () => {
    const after = await t.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: 'd/4.txt' }));
    assert.deepEqual(after.Contents?.map((c) => c.Key), ['e.txt', 'z z+é.txt', 'é.txt', '😀.txt']);
    assert.equal(after.StartAfter, 'd/4.txt');
    await assert.rejects(t.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: 'bm90LW91cnM=' })), { name: 'InvalidArgument' });
  });

  it('URL-encodes keys and prefixes with encoding-type=url', async () => {
    const raw = await rawRequest(t.endpoint, { service: 's3', method: 'GET', path: `/${bucket}?list-type=2&encoding-type=url&prefix=z` });
    assert.equal(raw.status, 200);
    assert.match(raw.text, /<Key>z\+z%2B%C3%A9\.txt<\/Key>/);
    assert.match(raw.text, /<EncodingType>url<\/EncodingType>/);
  });

  it('lists with ListObjects (v1): marker, and NextMarker with a delimiter', async () => {
    const first = await t.clients.s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 3, Delimiter: '/' }));
    assert.equal(first.IsTruncated, true);
    assert.deepEqual(first.Contents?.map((c) => c.Key), ['a.txt']);
    assert.deepEqual(first.CommonPrefixes?.map((p) => p.Prefix), ['b/', 'd/']);
    assert.equal(first.NextMarker, 'd/');
    const rest = await t.clients.s3.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: '/', Marker: first.NextMarker }));
    assert.deepEqual(rest.Contents?.map((c) => c.Key), ['e.txt', 'z z+é.txt', 'é.txt', '😀.txt']);
    assert.equal(rest.IsTruncated, false);
    const noDelimiter = await t.clients.s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 1 }));
    assert.equal(noDelimiter.IsTruncated, true);
    assert.equal(noDelimiter.NextMarker, undefined, 'without a delimiter the last key is the next marker');
  });
});
