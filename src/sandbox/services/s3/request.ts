import { AwsError } from '../../aws-error.js';
import { authorize } from '../../enforce.js';
import { header, type SandboxRequest } from '../../http.js';
import type { World } from '../../world.js';
import { parseXml } from '../../xml.js';
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

export function malformedXml(): AwsError {
  return new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
}

/** The body's root element's content, or MalformedXML. An element with no children reads as an empty object. */
export function xmlBody(call: S3Call, root: string): Record<string, unknown> {
  let parsed: Record<string, unknown>;
  try {
    parsed = parseXml(call.req.body.toString('utf8'));
  } catch {
    throw malformedXml();
  }
  if (!(root in parsed)) throw malformedXml();
  return asRecord(parsed[root]);
}

/** A parsed XML element as an object: '' (an empty element) is `{}`, text where a structure belongs is MalformedXML. */
export function asRecord(value: unknown): Record<string, unknown> {
  if (value === '' || value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformedXml();
  return value as Record<string, unknown>;
}

/** A parsed XML text value, or MalformedXML when a structure stands where text belongs. */
export function asText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw malformedXml();
  return value;
}

/** `x-amz-id-2` for success answers; the event record repeats it in responseElements. */
export function hostId(requestId: string): string {
  return Buffer.from(requestId).toString('base64');
}

/** An ISO time as HTTP headers spell it (Last-Modified). */
export function httpDate(iso: string): string {
  return new Date(iso).toUTCString();
}
