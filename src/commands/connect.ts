import { createClients, defaultRegion, type AwsClients, type ClientSettings } from '../aws/clients.js';
import type { Services } from '../aws/services.js';
import { sdkServices } from '../aws/sdk-services.js';
import { UsageError, toLabError } from '../errors.js';
import { validateRegion } from '../lab/names.js';
import type { ValidOptions } from './options.js';

// The sandbox takes any credentials; these stand in when the environment has none.
const SANDBOX_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** The region: --region, else the SDK's own choice (AWS_REGION, the profile), else us-east-1 for an endpoint. */
export async function resolveRegion(options: Pick<ValidOptions, 'region' | 'profile'>, endpoint: string | undefined): Promise<string> {
  const region = options.region ?? (await defaultRegion(options.profile)) ?? (endpoint ? 'us-east-1' : undefined);
  if (!region) {
    throw new UsageError('No AWS region is set.', 'Pass --region us-east-1 (or your region), set AWS_REGION, or set `region` in your AWS profile (`aws configure`). No AWS account? Use --local to run the whole lab offline in the built-in sandbox.', 'NoRegion');
  }
  return validateRegion(region);
}

/** The SDK's settings: an endpoint without credentials of its own gets the sandbox's stand-ins. */
export function clientSettings(options: Pick<ValidOptions, 'profile' | 'timeoutMs'>, region: string, endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env): ClientSettings {
  const useSandboxCredentials = endpoint && !options.profile && !env.AWS_ACCESS_KEY_ID;
  return {
    region,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(useSandboxCredentials ? { credentials: SANDBOX_CREDENTIALS } : {}),
    timeoutMs: options.timeoutMs,
  };
}

export interface Connection {
  clients: AwsClients;
  services: Services;
  account: string;
  /** How often to look again for what AWS does in the background: seconds on AWS, milliseconds locally. */
  pollIntervalMs: number;
}

/** Builds the clients and learns the account (STS GetCallerIdentity, which also proves the credentials). */
export async function connect(settings: ClientSettings): Promise<Connection> {
  const clients = createClients(settings);
  // CloudWatch delivers log lines and Lambda settles in seconds on AWS; a local endpoint answers at
  // once. One pace for every wait: the SDK waiters' first delay and the log/item polls.
  const pollIntervalMs = settings.endpoint ? 50 : 1000;
  const services = sdkServices(clients, settings.endpoint ? { waiterMinDelaySeconds: pollIntervalMs / 1000 } : {});
  try {
    return { clients, services, account: (await services.sts.callerIdentity()).account, pollIntervalMs };
  } catch (error) {
    clients.destroy();
    throw toLabError(error, 'sts:GetCallerIdentity', { profile: settings.profile ?? process.env.AWS_PROFILE });
  }
}
