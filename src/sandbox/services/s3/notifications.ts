import { bucketArn } from '../../../aws-rules/arns.js';
import { header, type SandboxResponse } from '../../http.js';
import { S3_NAMESPACE, s3Xml } from '../../protocols/s3-xml.js';
import { validateLambdaDestinations } from './destinations.js';
import { notificationXml, parseNotificationConfig } from './notification-config.js';
import { allow, requireBucket, type S3Call, type S3Context } from './request.js';
import { xmlBody } from './xml-input.js';

/**
 * PutBucketNotificationConfiguration replaces the bucket's whole configuration; an empty one clears
 * it. Lambda destinations are checked against the functions' resource policies unless the caller
 * sends `x-amz-skip-destination-validation: true`.
 */
export function putBucketNotificationConfiguration(ctx: S3Context, call: S3Call): SandboxResponse {
  allow(ctx, call, 'PutBucketNotification', bucketArn(call.bucket));
  const bucket = requireBucket(ctx, call.bucket);
  const config = parseNotificationConfig(xmlBody(call.req.body, 'NotificationConfiguration'));
  if (header(call.req, 'x-amz-skip-destination-validation')?.toLowerCase() !== 'true') {
    validateLambdaDestinations(ctx.world, call.bucket, config.rules);
  }
  if (config.rules.length || config.eventBridge) bucket.notification = config;
  else delete bucket.notification;
  ctx.store.saveBucket(call.bucket);
  return { status: 200 };
}

export function getBucketNotificationConfiguration(ctx: S3Context, call: S3Call): SandboxResponse {
  allow(ctx, call, 'GetBucketNotification', bucketArn(call.bucket));
  const bucket = requireBucket(ctx, call.bucket);
  return s3Xml({ NotificationConfiguration: { '@xmlns': S3_NAMESPACE, ...notificationXml(bucket.notification) } });
}
