import { createClients, defaultRegion } from '../aws/clients.js';
import { sdkServices } from '../aws/sdk-services.js';
import { buildHandlerZip, type HandlerZip } from '../deploy/zip.js';
import { LabError, UsageError, toLabError } from '../errors.js';
import { systemClock, type Clock } from '../lab/clock.js';
import type { LabContext } from '../lab/context.js';
import { DEFAULT_FUNCTION, DEFAULT_TABLE, defaultBucketName, defaultRoleName, validateRegion } from '../lab/names.js';
import { StateStore } from '../lab/state.js';
import { defaultSandboxDataDir } from '../paths.js';
import type { Target } from '../report/messages.js';
import type { ValidOptions } from './options.js';

export interface OpenLab {
  ctx: LabContext;
  target: Target;
  close(): Promise<void>;
}

// The sandbox takes any credentials; these stand in when the environment has none.
const SANDBOX_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * Builds the command's LabContext: where (AWS, the local sandbox, an endpoint), which region, which
 * account (STS GetCallerIdentity, which also proves the credentials), the state file and the names.
 */
export async function openLab(options: ValidOptions, clock: Clock = systemClock): Promise<OpenLab> {
  let endpoint = options.endpointUrl;
  let closeSandbox = async () => {};
  let targetKey = endpoint ?? 'aws';
  let inProcess = false;
  if (options.local) {
    const { openLocalSandbox } = await import('./local-sandbox.js');
    const dataDir = options.dataDir ?? defaultSandboxDataDir();
    const sandbox = await openLocalSandbox(dataDir);
    endpoint = sandbox.endpoint;
    closeSandbox = () => sandbox.close();
    inProcess = sandbox.inProcess;
    // Keyed by the data dir, not the endpoint: an in-process sandbox gets a new port every run.
    targetKey = `local:${dataDir}`;
  }
  try {
    const region = options.region ?? (await defaultRegion(options.profile)) ?? (endpoint ? 'us-east-1' : undefined);
    if (!region) {
      throw new UsageError('No AWS region is set.', 'Pass --region us-east-1 (or your region), set AWS_REGION, or set `region` in your AWS profile (`aws configure`).', 'NoRegion');
    }
    validateRegion(region);
    const useSandboxCredentials = endpoint && !options.profile && !process.env.AWS_ACCESS_KEY_ID;
    const clients = createClients({
      region,
      ...(options.profile ? { profile: options.profile } : {}),
      ...(endpoint ? { endpoint } : {}),
      ...(useSandboxCredentials ? { credentials: SANDBOX_CREDENTIALS } : {}),
    });
    // CloudWatch delivers log lines and Lambda settles in seconds on AWS; a local endpoint answers at
    // once. One pace for every wait: the SDK waiters' first delay and the log/item polls.
    const pollIntervalMs = endpoint ? 50 : 1000;
    const services = sdkServices(clients, endpoint ? { waiterMinDelaySeconds: pollIntervalMs / 1000 } : {});
    let account: string;
    try {
      account = (await services.sts.callerIdentity()).account;
    } catch (error) {
      throw toLabError(error, 'sts:GetCallerIdentity');
    }
    const state = StateStore.open(targetKey, account, region);
    const recorded = state.names;
    const functionName = options.function ?? recorded?.function ?? DEFAULT_FUNCTION;
    let zip: Promise<HandlerZip> | undefined;
    const ctx: LabContext = {
      ...services,
      names: {
        region,
        account,
        bucket: options.bucket ?? recorded?.bucket ?? defaultBucketName(account, region),
        table: options.table ?? recorded?.table ?? DEFAULT_TABLE,
        function: functionName,
        role: recorded?.role ?? defaultRoleName(functionName, region),
      },
      bucketGiven: options.bucket !== undefined,
      target: endpoint ? 'endpoint' : 'aws',
      state,
      clock,
      timeoutMs: options.timeoutMs,
      pollIntervalMs,
      handlerZip: () => (zip ??= buildHandlerZip()),
      upload: undefined,
      dryRun: Boolean(options.dryRun),
    };
    return {
      ctx,
      target: { kind: options.local ? 'local' : endpoint ? 'endpoint' : 'aws', ...(endpoint ? { endpoint } : {}), ...(inProcess ? { inProcess } : {}), account, region },
      async close() {
        clients.destroy();
        await closeSandbox();
      },
    };
  } catch (error) {
    await closeSandbox();
    throw error instanceof LabError ? error : toLabError(error);
  }
}
