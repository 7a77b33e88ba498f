import type { IncomingMessage } from 'node:http';
import { functionArnParts } from '../../aws-rules/arns.js';
import { AwsError } from '../aws-error.js';
import { LAMBDA_CONTROL_BODY_BYTES, LAMBDA_INVOKE_BODY_BYTES } from '../limits.js';
import type { BodyLimit, LambdaApi, Service, World } from '../world.js';
import { lambdaApi } from './lambda/api.js';
import { FunctionStore } from './lambda/functions.js';
import { AsyncQueue } from './lambda/async-queue.js';
import { Invoker } from './lambda/invoke.js';
import { functionArn, LATEST } from './lambda/names.js';
import { policyOf } from './lambda/permissions.js';

/**
 * Lambda: the REST API over a persistent function store, and invocations that really run the
 * function's Node.js code in warm child processes (see lambda/ and docs/sandbox/lambda.md).
 */
export function createLambdaService(world: World): { service: Service; api: LambdaApi; whenAsyncIdle(): Promise<void> } {
  const store = new FunctionStore(world.state, world.options.dataDir, () => world.options.functionUpdateMs);
  const invoker = new Invoker(world, store);
  const queue = new AsyncQueue(world, store, invoker);
  const handle = lambdaApi(world, store, invoker, queue);

  const byArn = (arn: string) => {
    const parts = functionArnParts(arn);
    return parts && (parts.qualifier ?? LATEST) === LATEST ? store.get(parts.region, parts.name) : undefined;
  };

  return {
    whenAsyncIdle: () => queue.whenIdle(),
    service: {
      handle,
      bodyLimit,
      resume() {
        queue.resume();
      },
      async close() {
        // The queue first: an attempt cut by the environments' end must stay saved, not count as failed.
        queue.close();
        invoker.close();
      },
    },
    api: {
      functionByArn(arn) {
        const record = byArn(arn);
        if (!record) return undefined;
        return { name: record.name, region: record.region, arn: functionArn(record.region, record.name), policy: policyOf(record) };
      },
      invokeAsync(arn, payload, chain) {
        const record = byArn(arn);
        if (record) queue.accept(record.region, record.name, payload, chain);
      },
    },
  };
}

/**
 * Code uploads (CreateFunction, UpdateFunctionCode) may use the whole body limit: a 50 MB zip is
 * about 67 MB of base64. Invocations take Lambda's 6 MB synchronous payload; every other call is small.
 */
function bodyLimit(req: IncomingMessage, url: URL): BodyLimit | undefined {
  const path = url.pathname;
  const method = req.method;
  if ((method === 'POST' && /^\/2015-03-31\/functions\/?$/.test(path)) || (method === 'PUT' && /\/code\/?$/.test(path))) return undefined;
  const invoke = /\/invocations\/?$/.test(path);
  const bytes = invoke ? LAMBDA_INVOKE_BODY_BYTES : LAMBDA_CONTROL_BODY_BYTES;
  return {
    bytes,
    error: () =>
      invoke
        ? new AwsError('RequestTooLargeException', `Request must be smaller than ${bytes} bytes for the InvokeFunction operation`, 413, { lowercaseMessage: true })
        : new AwsError('RequestEntityTooLargeException', `Request must be smaller than ${bytes} bytes.`, 413),
  };
}
