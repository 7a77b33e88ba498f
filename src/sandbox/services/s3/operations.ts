import { AwsError } from '../../aws-error.js';
import { header, type SandboxResponse } from '../../http.js';
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets } from './buckets.js';
import { listObjects, listObjectsV2 } from './listing.js';
import { getBucketNotificationConfiguration, putBucketNotificationConfiguration } from './notifications.js';
import { copyObject, deleteObject, deleteObjects, getObject, headObject, putObject } from './objects.js';
import type { S3Call, S3Context } from './request.js';
import { deleteBucketTagging, getBucketTagging, putBucketTagging } from './tagging.js';

type Operation = (ctx: S3Context, call: S3Call) => SandboxResponse | Promise<SandboxResponse>;

/**
 * S3's sub-resources: a query parameter that names what a request acts on (`?tagging`, `?uploads`).
 * Other parameters (`prefix`, the SDK's `x-id`) only qualify the operation.
 */
const SUBRESOURCES = new Set([
  'abac', 'accelerate', 'acl', 'analytics', 'attributes', 'cors', 'delete', 'encryption', 'intelligent-tiering', 'inventory',
  'legal-hold', 'lifecycle', 'location', 'logging', 'metadataConfiguration', 'metadataTable', 'metrics', 'notification',
  'object-lock', 'ownershipControls', 'partNumber', 'policy', 'policyStatus', 'publicAccessBlock', 'renameObject', 'replication',
  'requestPayment', 'restore', 'retention', 'select', 'session', 'tagging', 'torrent', 'uploadId', 'uploads', 'versionId',
  'versioning', 'versions', 'website',
]);

/** `<scope> <METHOD> <sub-resource>` -> operation. Anything else is NotImplemented, never a crash. */
const OPERATIONS: Record<string, Operation> = {
  'service GET ': listBuckets,
  'bucket PUT ': createBucket,
  'bucket HEAD ': headBucket,
  'bucket GET ': (ctx, call) => (call.req.query.get('list-type') === '2' ? listObjectsV2 : listObjects)(ctx, call),
  'bucket DELETE ': deleteBucket,
  'bucket GET location': getBucketLocation,
  'bucket PUT tagging': putBucketTagging,
  'bucket GET tagging': getBucketTagging,
  'bucket DELETE tagging': deleteBucketTagging,
  'bucket PUT notification': putBucketNotificationConfiguration,
  'bucket GET notification': getBucketNotificationConfiguration,
  'bucket POST delete': deleteObjects,
  'object PUT ': (ctx, call) => (header(call.req, 'x-amz-copy-source') !== undefined ? copyObject : putObject)(ctx, call),
  'object GET ': getObject,
  'object HEAD ': headObject,
  'object DELETE ': deleteObject,
};

export function operationFor(call: S3Call): Operation {
  const scope = call.bucket === '' ? 'service' : call.key === '' ? 'bucket' : 'object';
  const subresources = [...call.req.query.keys()].filter((k) => SUBRESOURCES.has(k));
  const operation = subresources.length <= 1 ? OPERATIONS[`${scope} ${call.req.method} ${subresources[0] ?? ''}`] : undefined;
  if (!operation) throw new AwsError('NotImplemented', 'A header you provided implies functionality that is not implemented', 501);
  return operation;
}
