import { AwsError } from '../../aws-error.js';
import { authorize } from '../../enforce.js';
import type { SandboxRequest, SandboxResponse } from '../../http.js';
import type { World } from '../../world.js';
import { downloadCode } from './code-download.js';
import type { AsyncQueue } from './async-queue.js';
import type { FunctionStore } from './functions.js';
import { functionOperations } from './function-operations.js';
import type { Invoker } from './invoke.js';
import { invokeOperations } from './invoke-operation.js';
import { CODE_DOWNLOAD_PREFIX } from './names.js';
import type { LambdaOperation } from './operation.js';
import { policyOperations } from './policy-operations.js';
import { tagOperations } from './tag-operations.js';

/** Every operation, keyed by its name (the `lambda:<Name>` IAM action); the first whose method and path match serves. */
const operations: [string, LambdaOperation][] = Object.entries({ ...functionOperations, ...invokeOperations, ...policyOperations, ...tagOperations });

/** Lambda's REST JSON API (`/2015-03-31/functions/...`, `/2017-03-31/tags/...`). */
export function lambdaApi(world: World, store: FunctionStore, invoker: Invoker, queue: AsyncQueue): (req: SandboxRequest) => Promise<SandboxResponse> {
  return async (req) => {
    if (req.method === 'GET' && req.rawPath.startsWith(CODE_DOWNLOAD_PREFIX)) return downloadCode(store, req.rawPath.slice(CODE_DOWNLOAD_PREFIX.length));
    for (const [action, operation] of operations) {
      if (operation.method !== req.method) continue;
      const match = operation.path.exec(req.rawPath);
      if (!match) continue;
      const call = { req, params: match.slice(1).map(decodePathParameter), world, store, invoker, queue };
      authorize(world, req, `lambda:${action}`, operation.resource?.(call) ?? '*');
      return operation.run(call);
    }
    throw new AwsError('UnknownOperationException', `Unknown operation: ${req.method} ${req.rawPath}`, 404);
  };
}

/** A broken percent-escape in a path is the client's fault, as AWS answers it: not a crash. */
function decodePathParameter(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${raw}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`, 400);
  }
}
