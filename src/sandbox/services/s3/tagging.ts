import { bucketArn } from '../../../aws-rules/arns.js';
import { AwsError } from '../../aws-error.js';
import type { SandboxResponse } from '../../http.js';
import { S3_NAMESPACE, s3Xml } from '../../protocols/s3-xml.js';
import { asArray } from '../../xml.js';
import { allow, requireBucket, type S3Call, type S3Context } from './request.js';
import type { Tag } from './store.js';
import { asRecord, asText, xmlBody } from './xml-input.js';

/** PutBucketTagging replaces the whole tag set, checked as AWS checks it. */
export function putBucketTagging(ctx: S3Context, call: S3Call): SandboxResponse {
  allow(ctx, call, 'PutBucketTagging', bucketArn(call.bucket));
  const bucket = requireBucket(ctx, call.bucket);
  const tagSet = asRecord(xmlBody(call.req.body, 'Tagging').TagSet);
  const tags: Tag[] = asArray(tagSet.Tag).map((t) => {
    const tag = asRecord(t);
    return { Key: asText(tag.Key) ?? '', Value: asText(tag.Value) ?? '' };
  });
  const seen = new Set<string>();
  for (const tag of tags) {
    if (seen.has(tag.Key)) throw new AwsError('InvalidTag', 'Cannot provide multiple Tags with the same key', 400, { fields: { TagKey: tag.Key } });
    seen.add(tag.Key);
    if (tag.Key.toLowerCase().startsWith('aws:')) {
      throw new AwsError('InvalidTag', 'System tags cannot be added/updated by requester', 400, { fields: { TagKey: tag.Key } });
    }
    if (tag.Key.length < 1 || tag.Key.length > 128) {
      throw new AwsError('InvalidTag', 'The TagKey you have provided is invalid', 400, { fields: { TagKey: tag.Key } });
    }
    if (tag.Value.length > 256) {
      throw new AwsError('InvalidTag', 'The TagValue you have provided is invalid', 400, { fields: { TagKey: tag.Key, TagValue: tag.Value } });
    }
  }
  if (tags.length > 50) throw new AwsError('BadRequest', 'Bucket tag count cannot be greater than 50', 400);
  bucket.tags = tags;
  ctx.store.saveBucket(call.bucket);
  return { status: 204 };
}

export function getBucketTagging(ctx: S3Context, call: S3Call): SandboxResponse {
  allow(ctx, call, 'GetBucketTagging', bucketArn(call.bucket));
  const bucket = requireBucket(ctx, call.bucket);
  if (!bucket.tags?.length) {
    throw new AwsError('NoSuchTagSet', 'The TagSet does not exist', 404, { fields: { BucketName: call.bucket } });
  }
  return s3Xml({ Tagging: { '@xmlns': S3_NAMESPACE, TagSet: { Tag: bucket.tags } } });
}

/** IAM has no DeleteBucketTagging action: removing tags needs s3:PutBucketTagging. */
export function deleteBucketTagging(ctx: S3Context, call: S3Call): SandboxResponse {
  allow(ctx, call, 'PutBucketTagging', bucketArn(call.bucket));
  const bucket = requireBucket(ctx, call.bucket);
  delete bucket.tags;
  ctx.store.saveBucket(call.bucket);
  return { status: 204 };
}
