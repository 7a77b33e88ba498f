import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import { DEFAULT_TIMEOUT_SECONDS } from '../common/defaults.js';
import { networkFailure } from './network-errors.js';
import { sdkPackage } from './sdk-packages.js';

const { S3Client: S3ClientClass } = sdkPackage('@aws-sdk/client-s3');
const { DynamoDBClient: DynamoDBClientClass } = sdkPackage('@aws-sdk/client-dynamodb');
const { LambdaClient: LambdaClientClass } = sdkPackage('@aws-sdk/client-lambda');
const { IAMClient: IAMClientClass } = sdkPackage('@aws-sdk/client-iam');
const { CloudWatchLogsClient: CloudWatchLogsClientClass } = sdkPackage('@aws-sdk/client-cloudwatch-logs');
const { STSClient: STSClientClass } = sdkPackage('@aws-sdk/client-sts');
import { Agent } from 'node:http';

// The tool pins its SDK version, so the SDK's notice about its own future Node.js support is noise
// for a learner; it matters to us, and is tracked in the README's requirements.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface ClientSettings {
  region: string;
  /** A named profile from ~/.aws; absent: the default credential chain (env, profiles, SSO, instance roles). */
  profile?: string;
  /** An AWS-compatible endpoint (the sandbox); absent: real AWS. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** SDK attempts per call, including the first. */
  maxAttempts?: number;
  /**
   * Upper bound of one call, retries included (the command's --timeout): no endpoint, however silent,
   * holds a command longer. Also the per-request timeout, so a whole function invocation fits in it.
   */
  timeoutMs?: number;
}

/** The default bound of one call when the caller sets none: --timeout's default. */
const DEFAULT_CALL_TIMEOUT_MS = DEFAULT_TIMEOUT_SECONDS * 1000;
/** A TCP connection to AWS opens in milliseconds; a few seconds without one means it will not. */
const CONNECT_TIMEOUT_MS = 5_000;

export interface AwsClients {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly lambda: LambdaClient;
  readonly iam: IAMClient;
  readonly logs: CloudWatchLogsClient;
  readonly sts: STSClient;
  /** Closes the connections of the clients built so far, so the process can exit at once. */
  destroy(): void;
}

/**
 * The one place that builds SDK clients. Each is created on first use: a command that never
 * touches IAM does not pay for its client.
 */
export function createClients(settings: ClientSettings): AwsClients {
  const timeoutMs = settings.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const common = {
    region: settings.region,
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    maxAttempts: settings.maxAttempts ?? 5,
    // Without these the SDK waits forever on an endpoint that accepts a connection and never answers.
    // throwOnRequestTimeout: without it the SDK only logs a warning when requestTimeout passes.
    requestHandler: {
      connectionTimeout: Math.min(CONNECT_TIMEOUT_MS, timeoutMs),
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
      ...(settings.endpoint?.startsWith('http:') ? { httpAgent: localAgent() } : {}),
    },
  };
  const cache = new Map<string, unknown>();
  const lazy = <T extends BoundedClient>(name: string, make: () => T): T => {
    if (!cache.has(name)) cache.set(name, bounded(make(), timeoutMs));
    return cache.get(name) as T;
  };
  return {
    // Path-style: a local endpoint has no DNS for `<bucket>.127.0.0.1`.
    get s3() {
      return lazy('s3', () => new S3ClientClass({ ...common, forcePathStyle: Boolean(settings.endpoint) }));
    },
    get dynamodb() {
      return lazy('dynamodb', () => new DynamoDBClientClass(common));
    },
    get lambda() {
      return lazy('lambda', () => new LambdaClientClass(common));
    },
    get iam() {
      return lazy('iam', () => new IAMClientClass(common));
    },
    get logs() {
      return lazy('logs', () => new CloudWatchLogsClientClass(common));
    },
    get sts() {
      return lazy('sts', () => new STSClientClass(common));
    },
    destroy() {
      for (const client of cache.values()) (client as { destroy(): void }).destroy();
      cache.clear();
    },
  };
}

interface BoundedClient {
  send(command: never, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  middlewareStack: { addRelativeTo(middleware: unknown, options: object): void };
  destroy(): void;
}

/**
 * Bounds every call of `client` and gives network failures one sentence each. The SDK retries a
 * timed-out request up to maxAttempts times, each up to requestTimeout: an abort signal per call
 * caps the whole (the SDK offers the signal only as a `send` option, hence the wrapper). The
 * middleware sits outside the retry middleware, so it sees the last failure, once, with its host.
 */
function bounded<T extends BoundedClient>(client: T, timeoutMs: number): T {
  const send = client.send.bind(client);
  client.send = ((command: never, options?: { abortSignal?: AbortSignal }) => send(command, { abortSignal: AbortSignal.timeout(timeoutMs), ...options })) as T['send'];
  client.middlewareStack.addRelativeTo(
    (next: (args: { request?: { hostname?: string; port?: number } }) => Promise<unknown>) =>
      async (args: { request?: { hostname?: string; port?: number } }) => {
        try {
          return await next(args);
        } catch (error) {
          const host = args.request?.hostname ? `${args.request.hostname}${args.request.port ? `:${args.request.port}` : ''}` : undefined;
          throw networkFailure(error, host, timeoutMs) ?? error;
        }
      },
    { name: 'uploadLabNetworkFailure', relation: 'before', toMiddleware: 'retryMiddleware' },
  );
  return client;
}

/**
 * Keep-alive connections to a local endpoint, closed by this side after 4 s idle. Node 20's agent
 * keeps an idle socket forever when it has no `timeout` (it reads the server's `Keep-Alive: timeout=5`
 * hint only to shorten a timeout it already has), while Node's server closes it after 5 s: a request
 * sent on it just then fails with ECONNRESET. Closing first, below the server's 5 s, removes that race.
 */
const LOCAL_IDLE_SOCKET_MS = 4000;
const localAgent = () => new Agent({ keepAlive: true, timeout: LOCAL_IDLE_SOCKET_MS });

/**
 * The region the SDK would choose without --region: AWS_REGION, else the profile's `region` in
 * ~/.aws/config (the AWS CLI's AWS_DEFAULT_REGION too, which the JS SDK alone ignores). Undefined
 * when none is set; the caller turns that into an error that says how to set one.
 */
export async function defaultRegion(profile?: string): Promise<string | undefined> {
  if (!process.env.AWS_REGION && process.env.AWS_DEFAULT_REGION) return process.env.AWS_DEFAULT_REGION;
  const client = new STSClientClass(profile ? { profile } : {});
  try {
    return await client.config.region();
  } catch {
    // The SDK's "Region is missing": no variable, no profile setting.
    return undefined;
  } finally {
    client.destroy();
  }
}
