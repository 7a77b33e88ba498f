import { AwsError } from '../aws-error.js';
import type { IamApi, Service, World } from '../world.js';

// PLACEHOLDER: being built; answers every request with NotImplemented.
export function createIamService(_world: World): { service: Service; api: IamApi } {
  const missing = (): never => {
    throw new Error('iam: not implemented yet');
  };
  return {
    service: {
      async handle() {
        throw new AwsError('NotImplemented', 'iam is not implemented yet', 501);
      },
    },
    api: new Proxy({}, { get: () => missing }) as IamApi,
  };
}
