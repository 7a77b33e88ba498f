import { AwsError } from '../aws-error.js';
import type { LambdaApi, Service, World } from '../world.js';

// PLACEHOLDER: being built; answers every request with NotImplemented.
export function createLambdaService(_world: World): { service: Service; api: LambdaApi } {
  const missing = (): never => {
    throw new Error('lambda: not implemented yet');
  };
  return {
    service: {
      async handle() {
        throw new AwsError('NotImplemented', 'lambda is not implemented yet', 501);
      },
    },
    api: new Proxy({}, { get: () => missing }) as LambdaApi,
  };
}
