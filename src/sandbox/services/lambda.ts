import type { LambdaApi, Service, World } from '../world.js';
import { lambdaApi } from './lambda/api.js';
import { FunctionStore } from './lambda/functions.js';
import { Invoker } from './lambda/invoke.js';
import { functionArn } from './lambda/names.js';
import { policyOf } from './lambda/permissions.js';

const FUNCTION_ARN = /^arn:aws:lambda:([a-z0-9-]+):\d{12}:function:([a-zA-Z0-9-_]+)(?::\$LATEST)?$/;

/**
 * Lambda: the REST API over a persistent function store, and invocations that really run the
 * function's Node.js code in warm child processes (see lambda/ and docs/sandbox/lambda.md).
 */
export function createLambdaService(world: World): { service: Service; api: LambdaApi } {
  const store = new FunctionStore(world.options.dataDir, () => world.options.functionUpdateMs);
  const invoker = new Invoker(world, store);
  const handle = lambdaApi(world, store, invoker);

  const byArn = (arn: string) => {
    const match = FUNCTION_ARN.exec(arn);
    return match ? store.get(match[1]!, match[2]!) : undefined;
  };

  return {
    service: {
      handle,
      flush: () => store.flush(),
      async close() {
        invoker.close();
      },
    },
    api: {
      functionByArn(arn) {
        const record = byArn(arn);
        if (!record) return undefined;
        return { name: record.name, region: record.region, arn: functionArn(record.region, record.name), policy: policyOf(record) };
      },
      invokeAsync(arn, payload) {
        const record = byArn(arn);
        if (record) invoker.invokeAsync(record.region, record.name, payload);
      },
    },
  };
}
