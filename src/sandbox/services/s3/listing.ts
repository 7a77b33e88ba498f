import { bucketArn } from '../../../aws-rules/arns.js';
import { AwsError } from '../../aws-error.js';
import type { SandboxResponse } from '../../http.js';
import { S3_NAMESPACE, s3Xml } from '../../protocols/s3-xml.js';
import { OWNER } from './buckets.js';
import { s3UrlEncode } from '../../../aws-rules/s3-key-encoding.js';
import { allow, requireBucket, type S3Call, type S3Context } from './request.js';
import type { BucketRecord } from './store.js';

interface Page {
  contents: string[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key or common prefix on the page: where the next page starts. */
  last: string | undefined;
}

/**
 * One page of a bucket's keys, in S3's order (UTF-8 byte order), after `marker`. With a delimiter,
 * keys sharing a prefix up to the delimiter roll up into one common prefix, which counts as one entry
 * against max-keys; a page that ended on a common prefix resumes after every key under it.
 */
function listPage(bucket: BucketRecord, prefix: string, delimiter: string, marker: string, maxKeys: number): Page {
  const keys = Object.keys(bucket.objects)
    .filter((k) => k.startsWith(prefix))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const page: Page = { contents: [], commonPrefixes: [], truncated: false, last: undefined };
  for (const key of keys) {
    if (marker && Buffer.compare(Buffer.from(key), Buffer.from(marker)) <= 0) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const rolledUp = cut >= 0 ? key.slice(0, cut + delimiter.length) : undefined;
    if (rolledUp !== undefined && (rolledUp === page.last || rolledUp === marker)) continue;
    if (page.contents.length + page.commonPrefixes.length >= maxKeys) {
      page.truncated = true;
      break;
    }
    if (rolledUp !== undefined) page.commonPrefixes.push(rolledUp);
    else page.contents.push(key);
    page.last = rolledUp ?? key;
  }
  return page;
}

interface ListParams {
  prefix: string;
  delimiter: string;
  maxKeys: number;
  encode: (value: string) => string;
  encodingType: string | undefined;
}

function listParams(call: S3Call): ListParams {
  const q = call.req.query;
  const rawMax = q.get('max-keys');
  const maxKeys = rawMax === null ? 1000 : Number(rawMax);
  if (!/^\d+$/.test(rawMax ?? '0') || maxKeys > 2147483647) {
    throw new AwsError('InvalidArgument', 'Provide a non-negative integer for max-keys', 400, { fields: { ArgumentName: 'max-keys', ArgumentValue: rawMax! } });
  }
  const encodingType = q.get('encoding-type') ?? undefined;
  if (encodingType !== undefined && encodingType !== 'url') {
    throw new AwsError('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, { fields: { ArgumentName: 'encoding-type', ArgumentValue: encodingType } });
  }
  return {
    prefix: q.get('prefix') ?? '',
    delimiter: q.get('delimiter') ?? '',
    // S3 never answers more than 1000 keys at once, whatever max-keys asks.
    maxKeys: Math.min(maxKeys, 1000),
    encode: encodingType ? s3UrlEncode : (v) => v,
    encodingType,
  };
}

function entries(bucket: BucketRecord, page: Page, p: ListParams, withOwner: boolean): Record<string, unknown> {
  return {
    Contents: page.contents.map((key) => {
      const o = bucket.objects[key]!;
      return {
        Key: p.encode(key),
        LastModified: o.lastModified,
        ETag: `"${o.etag}"`,
        Size: o.size,
        StorageClass: 'STANDARD',
        ...(withOwner ? { Owner: OWNER } : {}),
      };
    }),
    CommonPrefixes: page.commonPrefixes.map((cp) => ({ Prefix: p.encode(cp) })),
  };
}

const TOKEN_TAG = 'upload-lab:';

/** Continuation tokens are opaque to clients; ours carry where the previous page stopped. */
function encodeToken(last: string): string {
  return Buffer.from(TOKEN_TAG + last).toString('base64');
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (!text.startsWith(TOKEN_TAG)) {
    throw new AwsError('InvalidArgument', 'The continuation token provided is incorrect', 400, { fields: { ArgumentName: 'continuation-token' } });
  }
  return text.slice(TOKEN_TAG.length);
}

export function listObjectsV2(ctx: S3Context, call: S3Call): SandboxResponse {
  allow(ctx, call, 'ListBucket', bucketArn(call.bucket));
  const bucket = requireBucket(ctx, call.bucket);
  const p = listParams(call);
  const q = call.req.query;
  const token = q.get('continuation-token') ?? undefined;
  const startAfter = q.get('start-after') ?? undefined;
  // A continuation token wins over start-after: it is further along the same listing.
  const marker = token !== undefined ? decodeToken(token) : (startAfter ?? '');
  const page = listPage(bucket, p.prefix, p.delimiter, marker, p.maxKeys);
  return s3Xml({
    ListBucketResult: {
      '@xmlns': S3_NAMESPACE,
      Name: call.bucket,
      Prefix: p.encode(p.prefix),
      ...(p.delimiter ? { Delimiter: p.encode(p.delimiter) } : {}),
      MaxKeys: p.maxKeys,
      ...(p.encodingType ? { EncodingType: p.encodingType } : {}),
      KeyCount: page.contents.length + page.commonPrefixes.length,
      IsTruncated: page.truncated,
      ...(token !== undefined ? { ContinuationToken: token } : {}),
      ...(page.truncated && page.last !== undefined ? { NextContinuationToken: encodeToken(page.last) } : {}),
      ...(startAfter !== undefined ? { StartAfter: p.encode(startAfter) } : {}),
      ...entries(bucket, page, p, q.get('fetch-owner') === 'true'),
    },
  });
}

/** ListObjects (v1): `marker` pagination; NextMarker only with a delimiter, as S3 does (otherwise the last key is the marker). */
export function listObjects(ctx: S3Context, call: S3Call): SandboxResponse {
  allow(ctx, call, 'ListBucket', bucketArn(call.bucket));
  const bucket = requireBucket(ctx, call.bucket);
  const p = listParams(call);
  const marker = call.req.query.get('marker') ?? '';
  const page = listPage(bucket, p.prefix, p.delimiter, marker, p.maxKeys);
  return s3Xml({
    ListBucketResult: {
      '@xmlns': S3_NAMESPACE,
      Name: call.bucket,
      Prefix: p.encode(p.prefix),
      Marker: p.encode(marker),
      ...(p.delimiter ? { Delimiter: p.encode(p.delimiter) } : {}),
      MaxKeys: p.maxKeys,
      ...(p.encodingType ? { EncodingType: p.encodingType } : {}),
      IsTruncated: page.truncated,
      ...(page.truncated && p.delimiter && page.last !== undefined ? { NextMarker: p.encode(page.last) } : {}),
      ...entries(bucket, page, p, true),
    },
  });
}
