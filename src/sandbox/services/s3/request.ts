import { AwsError } from '../../aws-error.js';
import { authorize } from '../../enforce.js';
import { header, type SandboxRequest } from '../../http.js';
import type { World } from '../../world.js';
import type { EventDispatcher } from './delivery.js';
import type { BucketRecord, S3Store } from './store.js';

/** What every S3 operation works with. */
export interface S3Context {
  world: World;
  store: S3Store;
  events: EventDispatcher;
}

/** One request, with its bucket and key read from the path or the Host header. */
export interface S3Call {
  req: SandboxRequest;
  /** '' for ListBuckets. */
  bucket: string;
  /** '' for bucket operations. */
  key: string;
}

/**
 * Splits a request into bucket and key. Path-style is `/bucket/key`; virtual-hosted style names the
 * bucket in the Host header (`bucket.localhost:4566`, `bucket.s3.localhost:4566`) and the whole path is the key.
 * Keys are percent-decoded as UTF-8; a `+` in a path is a literal plus.
 */
export function parseTarget(req: SandboxRequest): S3Call {
  const hostBucket = bucketFromHost(header(req, 'host') ?? '');
  const path = req.rawPath.startsWith('/') ? req.rawPath.slice(1) : req.rawPath;
  if (hostBucket !== undefined) return { req, bucket: hostBucket, key: decodePath(path) };
  const slash = path.indexOf('/');
  if (slash < 0) return { req, bucket: decodePath(path), key: '' };
  return { req, bucket: decodePath(path.slice(0, slash)), key: decodePath(path.slice(slash + 1)) };
}

export function bucketFromHost(host: string): string | undefined {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  const match = /^(.+?)(?:\.s3)?\.localhost$/.exec(name);
  if (!match || match[1] === 's3') return undefined;
  return match[1];
}

function decodePath(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AwsError('InvalidURI', "Couldn't parse the specified URI.", 400, { fields: { URI: segment } });
  }
}

/** Holds a Lambda role's call to its policies with IAM's S3 action names; the learner's calls pass. */
export function allow(ctx: S3Context, call: S3Call, action: string, resource: string): void {
  authorize(ctx.world, call.req, `s3:${action}`, resource);
}

export function requireBucket(ctx: S3Context, name: string): BucketRecord {
  const bucket = ctx.store.bucket(name);
  if (!bucket) throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, { fields: { BucketName: name } });
  return bucket;
}
