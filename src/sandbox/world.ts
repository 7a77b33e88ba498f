import type { IncomingMessage } from 'node:http';
import type { PolicyDocument } from '../policy/types.js';
import type { AwsError } from './aws-error.js';
import type { ServiceHandler } from './http.js';
import type { SandboxOptions } from './options.js';
import type { RoleSessions } from './sessions.js';
import type { StateDb } from './state-db.js';

/**
 * What the services know of each other. The sandbox is one world: S3 validates and invokes Lambda
 * functions, Lambda checks roles in IAM and writes to Logs, every service asks IAM whether a role's
 * call is allowed. Each service exposes only this narrow API to the others.
 */
export interface World {
  readonly options: SandboxOptions;
  /** `http://host:port`, known once the server listens. */
  endpoint: string;
  readonly sessions: RoleSessions;
  /** The data dir's records: what a service saves here is on disk before its request is answered. */
  readonly state: StateDb;
  readonly iam: IamApi;
  readonly lambda: LambdaApi;
  readonly logs: LogsApi;
}

export interface RoleView {
  name: string;
  /** `AROA…`, as GetRole answers it. */
  roleId: string;
  arn: string;
  /** Epoch ms; a role younger than `rolePropagationMs` cannot yet be assumed by Lambda. */
  createdAt: number;
  trustPolicy: PolicyDocument;
}

export interface IamApi {
  roleByArn(arn: string): RoleView | undefined;
  /** Every identity policy that applies to the role: its inline policies and its attached managed policies' default versions. */
  rolePolicies(roleName: string): PolicyDocument[];
}

export interface FunctionView {
  name: string;
  arn: string;
  region: string;
  /** The function's resource-based policy, if AddPermission was called. */
  policy: PolicyDocument | undefined;
}

export interface LambdaApi {
  /** Accepts an unqualified or `:$LATEST` ARN. */
  functionByArn(arn: string): FunctionView | undefined;
  /**
   * Queues an asynchronous (`Event`) invocation, with Lambda's two retries on error: saved in the
   * same commit as what the caller stages in the same turn, and run once saved. Nothing happens for
   * a function that does not exist. Throws when Lambda's queue is full. `chain` is its place in a
   * chain of invocations caused by events (recursive loop detection).
   */
  invokeAsync(functionArn: string, payload: string, chain?: number): void;
}

export interface LogEventInput {
  timestamp: number;
  message: string;
}

export interface LogsApi {
  /** Writes events as the Lambda service does: creating the group and stream if they do not exist. */
  write(region: string, group: string, stream: string, events: LogEventInput[]): void;
}

/** The largest body an operation takes, and the error its service answers for a larger one. */
export interface BodyLimit {
  bytes: number;
  error: () => AwsError;
}

/** A service of the sandbox: its wire handler, and how it saves and stops. */
export interface Service {
  handle: ServiceHandler;
  /** The body limit of the operation a request names, known before its body is read; default: the protocol's. */
  bodyLimit?(req: IncomingMessage, url: URL): BodyLimit | undefined;
  /** Writes pending state to disk now. */
  flush?(): void;
  /** Picks up work a previous run left unfinished; called once the sandbox serves. */
  resume?(): void;
  /** Releases what it holds (child processes, databases). */
  close?(): Promise<void>;
}
