import { bucketNameProblem } from '../../../aws-rules/names.js';
import { bucketArn } from '../../../aws-rules/arns.js';
import { AwsError } from '../../aws-error.js';
import type { SandboxResponse } from '../../http.js';
import { MAX_BUCKETS } from '../../limits.js';
import { S3_NAMESPACE, s3Xml } from '../../protocols/s3-xml.js';
import { asArray } from '../../xml.js';
import { allow, requireBucket, type S3Call, type S3Context } from './request.js';
import { asRecord, asText, xmlBody } from './xml-input.js';

/** The owner every bucket lists: the sandbox has one account. */
export const OWNER = { ID: '0'.repeat(64), DisplayName: 'sandbox' };

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * CreateBucket. The region a bucket lands in follows AWS's rules: us-east-1 takes no constraint (and
 * refuses an explicit 'us-east-1'), any other endpoint needs a constraint naming its own region.
 * Re-creating an owned bucket is a quiet success in us-east-1 only (a legacy AWS keeps).
 */
export function createBucket(ctx: S3Context, call: S3Call): SandboxResponse {
  const { bucket: name, req } = call;
  allow(ctx, call, 'CreateBucket', bucketArn(name));
  if (bucketNameProblem(name)) {
    throw new AwsError('InvalidBucketName', 'The specified bucket is not valid.', 400, { fields: { BucketName: name } });
  }
  const config = req.body.length ? xmlBody(call.req.body, 'CreateBucketConfiguration') : {};
  const constraint = asText(config.LocationConstraint) || undefined;
  const tags = asArray(asRecord(config.Tags).Tag);
  const region = bucketRegion(req.region, constraint);
  const existing = ctx.store.bucket(name);
  if (existing) {
    if (!(existing.region === 'us-east-1' && region === 'us-east-1' && !tags.length)) {
      throw new AwsError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, {
        fields: { BucketName: name },
      });
    }
  } else {
    if (ctx.store.bucketCount() >= MAX_BUCKETS) throw new AwsError('TooManyBuckets', 'You have attempted to create more buckets than allowed', 400);
    ctx.store.createBucket(name, region, tags.length ? tags.map((t) => ({ Key: asText(asRecord(t).Key) ?? '', Value: asText(asRecord(t).Value) ?? '' })) : undefined);
  }
  return {
    status: 200,
    headers: { location: region === 'us-east-1' ? `/${name}` : `http://${name}.s3.amazonaws.com/`, 'x-amz-bucket-arn': bucketArn(name) },
  };
}

function bucketRegion(endpointRegion: string, constraint: string | undefined): string {
  if (endpointRegion === 'us-east-1') {
    // The us-east-1 endpoint is also the global one: it creates a bucket in any region named.
    if (constraint === undefined) return 'us-east-1';
    if (constraint === 'us-east-1' || !REGION.test(constraint)) {
      throw new AwsError('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, { fields: { LocationConstraint: constraint } });
    }
    return constraint;
  }
  if (constraint !== endpointRegion) {
    throw new AwsError(
      'IllegalLocationConstraintException',
      `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      400,
    );
  }
  return constraint;
}

export function headBucket(ctx: S3Context, call: S3Call): SandboxResponse {
  allow(ctx, call, 'ListBucket', bucketArn(call.bucket));
  const bucket = requireBucket(ctx, call.bucket);
  return {
    status: 200,
    headers: { 'x-amz-bucket-region': bucket.region, 'x-amz-bucket-arn': bucketArn(call.bucket), 'x-amz-access-point-alias': 'false' },
  };
}

export function listBuckets(ctx: S3Context, call: S3Call): SandboxResponse {
  allow(ctx, call, 'ListAllMyBuckets', '*');
  const prefix = call.req.query.get('prefix') ?? '';
  const regionFilter = call.req.query.get('bucket-region');
  const names = ctx.store.bucketNames().filter((n) => n.startsWith(prefix) && (!regionFilter || ctx.store.bucket(n)!.region === regionFilter));
  const buckets = names.map((name) => {
    const bucket = ctx.store.bucket(name)!;
    return { Name: name, CreationDate: bucket.createdAt, BucketRegion: bucket.region, BucketArn: bucketArn(name) };
  });
  return s3Xml({
    ListAllMyBucketsResult: {
      '@xmlns': S3_NAMESPACE,
      Owner: OWNER,
      Buckets: { Bucket: buckets },
      ...(prefix ? { Prefix: prefix } : {}),
    },
  });
}

/** us-east-1 answers an empty LocationConstraint, as AWS does for its oldest region. */
export function getBucketLocation(ctx: S3Context, call: S3Call): SandboxResponse {
  allow(ctx, call, 'GetBucketLocation', bucketArn(call.bucket));
  const bucket = requireBucket(ctx, call.bucket);
  return s3Xml({ LocationConstraint: { '@xmlns': S3_NAMESPACE, '#text': bucket.region === 'us-east-1' ? '' : bucket.region } });
}

export function deleteBucket(ctx: S3Context, call: S3Call): SandboxResponse {
  allow(ctx, call, 'DeleteBucket', bucketArn(call.bucket));
  const bucket = requireBucket(ctx, call.bucket);
  if (Object.keys(bucket.objects).length > 0) {
    throw new AwsError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { fields: { BucketName: call.bucket } });
  }
  ctx.store.deleteBucket(call.bucket);
  return { status: 204 };
}
