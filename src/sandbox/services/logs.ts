import { AwsError } from '../aws-error.js';
import type { LogsApi, Service, World } from '../world.js';

// PLACEHOLDER: being built; answers every request with NotImplemented.
export function createLogsService(_world: World): { service: Service; api: LogsApi } {
  const missing = (): never => {
    throw new Error('logs: not implemented yet');
  };
  return {
    service: {
      async handle() {
        throw new AwsError('NotImplemented', 'logs is not implemented yet', 501);
      },
    },
    api: new Proxy({}, { get: () => missing }) as LogsApi,
  };
}
