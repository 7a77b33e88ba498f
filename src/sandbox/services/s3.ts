import type { IncomingMessage } from 'node:http';
import { AwsError } from '../aws-error.js';
import { S3_DELETE_BODY_BYTES, S3_XML_BODY_BYTES } from '../limits.js';
import type { SandboxResponse } from '../http.js';
import { s3Error } from '../protocols/s3-xml.js';
import type { BodyLimit, Service, World } from '../world.js';
import { createBucket, getBucketLocation } from './s3/buckets.js';
import { EventDispatcher } from './s3/delivery.js';
import { operationFor } from './s3/operations.js';
import { bucketFromHost, parseTarget, type S3Call, type S3Context } from './s3/request.js';
import { S3Store } from './s3/store.js';

/**
 * S3: buckets, objects, tags and event notifications to Lambda, REST XML, path-style (and
 * `bucket.localhost` virtual-hosted). State lives under `<dataDir>/s3/`. Behaviour and known
 * differences from AWS: docs/sandbox/s3.md.
 */
export function createS3Service(world: World): Service {
  const store = new S3Store(world.state, world.options.dataDir);
  const ctx: S3Context = { world, store, events: new EventDispatcher(world, store) };
  return {
    async handle(req) {
      const call = parseTarget(req);
      const operation = operationFor(call);
      // CreateBucket has its own region rules; GetBucketLocation is how clients find a bucket's region.
      const anyRegion = operation === createBucket || operation === getBucketLocation;
      return (anyRegion ? undefined : elsewhere(store, call)) ?? operation(ctx, call);
    },
    bodyLimit,
    resume() {
      ctx.events.resume();
    },
    async close() {
      ctx.events.close();
    },
  };
}

/**
 * Only PutObject bodies are objects; every other S3 body is an XML document (bucket configuration,
 * tags, notifications, the DeleteObjects list), small on AWS too: refused before it is read or parsed.
 */
function bodyLimit(req: IncomingMessage, url: URL): BodyLimit | undefined {
  const path = bucketFromHost(req.headers.host ?? '') === undefined ? url.pathname : `/bucket${url.pathname}`;
  const isObjectPut = req.method === 'PUT' && /^\/[^/]+\/./.test(path) && !url.searchParams.has('tagging');
  if (isObjectPut) return undefined;
  const bytes = url.searchParams.has('delete') ? S3_DELETE_BODY_BYTES : S3_XML_BODY_BYTES;
  return { bytes, error: () => new AwsError('MaxMessageLengthExceeded', `Your request was too big (the sandbox takes S3 XML bodies of at most ${bytes} bytes).`, 400) };
}

/**
 * A bucket lives in one region, and S3 answers a request for it sent to another region's endpoint
 * with 301 PermanentRedirect and the bucket's region in `x-amz-bucket-region` (a HEAD: the status and
 * header only).
 */
function elsewhere(store: S3Store, call: S3Call): SandboxResponse | undefined {
  if (call.bucket === '') return undefined;
  const bucket = store.bucket(call.bucket);
  if (!bucket || bucket.region === call.req.region) return undefined;
  const error = new AwsError('PermanentRedirect', 'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.', 301, {
    fields: { Endpoint: `${call.bucket}.s3.${bucket.region}.amazonaws.com`, Bucket: call.bucket },
  });
  const answer = s3Error(error, call.req.requestId, call.req.method);
  return { ...answer, headers: { ...answer.headers, 'x-amz-bucket-region': bucket.region } };
}
