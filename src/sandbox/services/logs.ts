import { join } from 'node:path';
import { AwsError } from '../aws-error.js';
import { header } from '../http.js';
import { jsonResponse, targetOperation } from '../protocols/json.js';
import type { LogsApi, Service, World } from '../world.js';
import { eventOperations } from './logs/events.js';
import { groupOperations } from './logs/groups.js';
import type { LogsOperation } from './logs/operation.js';
import { Params } from './logs/params.js';
import { LogStore } from './logs/store.js';
import { streamOperations } from './logs/streams.js';
import { tagOperations } from './logs/tags.js';

const TARGET_PREFIX = 'Logs_20140328';

const operations = new Map<string, LogsOperation>(
  Object.entries({ ...groupOperations, ...streamOperations, ...eventOperations, ...tagOperations }),
);

/**
 * CloudWatch Logs (AWS JSON 1.1): log groups, streams and events, regional, kept in
 * `<dataDir>/logs/` (an index and one append-only file per stream, see LogStore). The Lambda runtime
 * writes function output through `api.write`.
 */
export function createLogsService(world: World): { service: Service; api: LogsApi } {
  // The index is saved with the sandbox's other records, before the request that changed it is
  // answered: an acknowledged CreateLogGroup survives a kill -9.
  const store = new LogStore(join(world.options.dataDir, 'logs'), { commit: (write) => world.state.afterCommit(write) });
  return {
    service: {
      async handle(req) {
        const target = header(req, 'x-amz-target');
        const operation = targetOperation(target, TARGET_PREFIX);
        const run = operation === undefined ? undefined : operations.get(operation);
        if (operation === undefined || !run) {
          throw new AwsError(
            'UnknownOperationException',
            `X-Amz-Target ${target ?? '(none)'} names no operation of the sandbox's CloudWatch Logs; it serves ${[...operations.keys()].join(', ')}.`,
          );
        }
        return jsonResponse(run({ req, operation, params: Params.parse(req.body), store, world, now: Date.now() }));
      },
      flush: () => store.flush(),
    },
    api: {
      write: (region, group, stream, events) => store.write(region, group, stream, events, Date.now()),
    },
  };
}
