import type { Service, World } from '../world.js';
import { EventDispatcher } from './s3/delivery.js';
import { operationFor } from './s3/operations.js';
import { parseTarget, type S3Context } from './s3/request.js';
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
    flush() {
      store.flush();
    },
    async close() {
      ctx.events.close();
    },
  };
}
