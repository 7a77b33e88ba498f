import type { IncomingMessage } from 'node:http';
import { AwsError } from '../aws-error.js';
import { S3_DELETE_BODY_BYTES, S3_XML_BODY_BYTES } from '../limits.js';
import type { BodyLimit, Service, World } from '../world.js';
import { EventDispatcher } from './s3/delivery.js';
import { operationFor } from './s3/operations.js';
import { bucketFromHost, parseTarget, type S3Context } from './s3/request.js';
import { S3Store } from './s3/store.js';

/**
 * S3: buckets, objects, tags and event notifications to Lambda, REST XML, path-style (and
 * `bucket.localhost` virtual-hosted). State lives under `<dataDir>/s3/`. Behaviour and known
 * differences from AWS: docs/sandbox/s3.md.
 */
export function createS3Service(world: World): Service {
  const store = new S3Store(world.options.dataDir);
  const ctx: S3Context = { world, store, events: new EventDispatcher(world, store) };
  return {
    async handle(req) {
      const call = parseTarget(req);
      return operationFor(call)(ctx, call);
    },
    bodyLimit,
    flush() {
      store.flush();
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
