import type { AwsClients } from '../aws/clients.js';
import { LabError, toLabError } from '../errors.js';
import { systemClock, type Clock } from '../lab/clock.js';
import type { LabContext } from '../lab/context.js';
import { StateStore } from '../lab/state.js';
import type { Target } from '../report/messages.js';
import { clientSettings, connect, resolveRegion } from './connect.js';
import { buildLabContext, labNames } from './lab-context.js';
import { openTarget } from './lab-target.js';
import type { ValidOptions } from './options.js';

export interface OpenLab {
  ctx: LabContext;
  target: Target;
  close(): Promise<void>;
}

/**
 * Everything a command needs before its first step: the target (AWS, the local sandbox, an endpoint),
 * the region, the clients and the account, the state file, the names, and the LabContext over them.
 */
export async function openLab(options: ValidOptions, clock: Clock = systemClock): Promise<OpenLab> {
  const where = await openTarget(options);
  let clients: AwsClients | undefined;
  try {
    const region = await resolveRegion(options, where.endpoint);
    const connection = await connect(clientSettings(options, region, where.endpoint));
    clients = connection.clients;
    const { services, account, pollIntervalMs } = connection;
    const state = StateStore.open(where.stateKey, account, region);
    const names = labNames(options, state.names, account, region);
    return {
      ctx: buildLabContext({ options, services, names, onAws: where.kind === 'aws', state, clock, pollIntervalMs }),
      target: { kind: where.kind, ...(where.endpoint ? { endpoint: where.endpoint } : {}), ...(where.inProcess ? { inProcess: true } : {}), ...(where.dataDir ? { dataDir: where.dataDir } : {}), account, region },
      async close() {
        connection.clients.destroy();
        await where.close();
      },
    };
  } catch (error) {
    clients?.destroy();
    await where.close();
    throw error instanceof LabError ? error : toLabError(error);
  }
}
