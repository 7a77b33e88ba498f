/**
 * Errors the tool raises on purpose. Each has a stable code, a source and a fix; the one top-level
 * catch in cli.ts prints `message` and `fix` (the stack only with --debug) and maps the exit code.
 *
 * - `user`: bad options or missing setup on the learner's side (exit 2, nothing was called);
 * - `aws`: AWS answered with an error the learner can act on (exit 1);
 * - `internal`: a bug in this tool (exit 1, stack worth reporting).
 */
export type ErrorSource = 'user' | 'aws' | 'internal';

export class LabError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fix: string | undefined,
    readonly source: ErrorSource,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'LabError';
  }

  get exitCode(): 1 | 2 {
    return this.source === 'user' ? 2 : 1;
  }
}

/** A bad option value or combination, found before any AWS call. */
export class UsageError extends LabError {
  constructor(message: string, fix: string, code = 'BadUsage') {
    super(code, message, fix, 'user');
    this.name = 'UsageError';
  }
}

/** What an SDK error carries that we read: its name (the AWS error code) and message. */
export interface AwsErrorLike {
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number };
}

export function isAwsErrorLike(error: unknown): error is AwsErrorLike {
  return error instanceof Error && typeof (error as { $metadata?: unknown }).$metadata === 'object';
}

/** The AWS error code of an SDK error (its `name`), or undefined for anything else. */
export function awsCode(error: unknown): string | undefined {
  return isAwsErrorLike(error) ? error.name : undefined;
}

export function hasAwsCode(error: unknown, ...codes: string[]): boolean {
  const code = awsCode(error);
  return code !== undefined && codes.includes(code);
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError']);
const NO_CREDENTIALS = new Set(['CredentialsProviderError', 'ProviderError', 'TokenProviderError']);
const BAD_CREDENTIALS = new Set(['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException', 'InvalidAccessKeyId']);

/**
 * Turns whatever a command threw into a LabError with a fix. `action` names the AWS call that was
 * running (e.g. `iam:CreateRole`), so an AccessDenied can name what the learner's identity lacks.
 */
export function toLabError(error: unknown, action?: string, context: { profile?: string } = {}): LabError {
  if (error instanceof LabError) return error;
  // The SDK's SSO providers raise the same error class as every other provider; only their text says
  // SSO. Matching it is the one way to send the learner to `aws sso login` rather than `aws configure`.
  if (error instanceof Error && NO_CREDENTIALS.has(error.name) && /\bSSO\b/.test(error.message)) {
    const profile = context.profile ?? 'default';
    return new LabError(
      'SsoSessionExpired',
      `The AWS SSO session of profile ${profile} has expired, or was never started.`,
      `Run \`aws sso login --profile ${profile}\` and rerun, or use --local to run the lab in the built-in sandbox.`,
      'user',
      { cause: error },
    );
  }
  if (error instanceof Error && NO_CREDENTIALS.has(error.name)) {
    return new LabError(
      'NoCredentials',
      'No AWS credentials were found.',
      'Run `aws configure` (or `aws sso login`), pass --profile <name>, or use --local to run the lab in the built-in sandbox.',
      'user',
      { cause: error },
    );
  }
  if (error instanceof Error && error.name === 'DataDirLockedError') {
    // Its message already says which process holds the dir and what to do.
    return new LabError('DataDirLocked', error.message, undefined, 'user', { cause: error });
  }
  if (error instanceof Error && error.name === 'InvalidSandboxOptionError') {
    return new LabError('BadSandboxOption', error.message, 'Fix or unset that environment variable (upload-lab sandbox --help lists them).', 'user', { cause: error });
  }
  if (error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return new LabError('PortInUse', `The port is already in use (${error.message}).`, 'Stop what listens there, or pass another --port (0 picks a free one).', 'user', { cause: error });
  }
  const code = awsCode(error);
  if (code && ACCESS_DENIED.has(code)) {
    const named = action ?? actionFromMessage((error as Error).message);
    return new LabError(
      'AccessDenied',
      named ? `AWS denied ${named} to your identity.` : `AWS denied a call: ${(error as Error).message}`,
      named
        ? `Grant ${named} to the user or role you run upload-lab as (see "Running against a real account" in the README), or use --profile with one that has it.`
        : 'Check the IAM permissions listed in the README, or use --profile with an identity that has them.',
      'aws',
      { cause: error },
    );
  }
  if (code && BAD_CREDENTIALS.has(code)) {
    return new LabError(
      'BadCredentials',
      `AWS rejected your credentials (${code}).`,
      'Refresh them (`aws sso login`, or new access keys with `aws configure`), or pass another --profile.',
      'user',
      { cause: error },
    );
  }
  if (code) {
    return new LabError(code, `${action ? `${action} failed: ` : ''}${(error as Error).message} (${code})`, undefined, 'aws', { cause: error });
  }
  if (error instanceof Error && 'code' in error && (error as NodeJS.ErrnoException).code === 'ECONNREFUSED') {
    return new LabError('EndpointUnreachable', `Nothing answers at ${(error as NodeJS.ErrnoException & { address?: string }).address ?? 'the endpoint'}.`, 'Start it with `npx upload-lab sandbox`, check --endpoint-url, or use --local.', 'user', { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LabError('Internal', `Unexpected error: ${message}`, 'Rerun with --debug and report the stack trace.', 'internal', { cause: error });
}

/** IAM-style messages say "... is not authorized to perform: s3:CreateBucket on resource ...". */
function actionFromMessage(message: string): string | undefined {
  return /perform: ([a-z0-9-]+:[A-Za-z0-9]+)/.exec(message)?.[1];
}
