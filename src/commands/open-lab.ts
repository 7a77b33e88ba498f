import type { AwsClients } from '../aws/clients.js';
import { LabError, toLabError } from '../errors.js';
import { systemClock, type Clock } from '../lab/clock.js';
import type { LabContext } from '../lab/context.js';
import { StateStore } from '../lab/state.js';
import { awsCliPrefix, messages, type Target } from '../report/messages.js';
import { clientSettings, connect, resolveRegion } from './connect.js';
import { buildLabContext, labNames } from './lab-context.js';
import { openTarget } from './lab-target.js';
import { recoverRecords } from './recover-records.js';
import type { ValidOptions } from './options.js';

export interface OpenLab {
  ctx: LabContext;
  target: Target;
  close(): Promise<void>;
}

/**
 * Everything a command needs before its first step: the target (AWS, the local sandbox, an endpoint),
 * the region, the clients and the account, the state file, the names, and the LabContext over them.
 * `notify` hears the sentences for the learner on the way: waiting for another command, a corrupt
 * state file set aside (whose records are then rebuilt from what AWS shows).
 */
export async function openLab(options: ValidOptions, notify: (sentence: string) => void = () => {}, clock: Clock = systemClock): Promise<OpenLab> {
  const where = await openTarget(options, (pid) => notify(messages.waitingForLock(pid)));
  let clients: AwsClients | undefined;
  try {
    const region = await resolveRegion(options, where.endpoint);
    const connection = await connect(clientSettings(options, region, where.endpoint));
    clients = connection.clients;
    const { services, account, pollIntervalMs } = connection;
    const state = StateStore.open(where.stateKey, account, region);
    const names = labNames(options, state.names, account, region);
    const target: Target = { kind: where.kind, ...(where.endpoint ? { endpoint: where.endpoint } : {}), ...(where.inProcess ? { inProcess: true } : {}), ...(where.dataDir ? { dataDir: where.dataDir } : {}), account, region };
    const ctx = buildLabContext({ options, services, names, onAws: where.kind === 'aws', state, clock, pollIntervalMs, awsCli: awsCliPrefix(target, options.profile) });
    if (state.corrupt) {
      notify(messages.corruptState(state.corrupt.message));
      notify(messages.recovered(await recoverRecords(ctx)));
    }
    return {
      ctx,
      target,
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
