import { readFileSync } from 'node:fs';
import type { PolicyDocument } from '../policy/types.js';
import { checkPolicyDocument } from '../policy/validate.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../common/defaults.js';

/** Switches that make the sandbox behave like AWS in its inconvenient ways; documented in docs/sandbox.md. */
export interface SandboxOptions {
  /** Where state lives; every service keeps its files below it. */
  dataDir: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** DynamoDB CreateTable/DeleteTable/UpdateTable: how long a table stays CREATING/DELETING/UPDATING. */
  tableDelayMs: number;
  /** How long a just-created role "cannot be assumed by Lambda" (CreateFunction fails with InvalidParameterValueException). */
  rolePropagationMs: number;
  /** How long a function stays Pending after CreateFunction and InProgress after an update. */
  functionUpdateMs: number;
  /** Delays before the two retries of a failed asynchronous invocation (AWS: about 1 and 2 minutes). */
  asyncRetryDelaysMs: [number, number];
  /** Deliver every S3 event twice, as S3's at-least-once delivery sometimes does. */
  duplicateEvents: boolean;
  /** Deliver the events of a burst in reverse order, as concurrent deliveries sometimes arrive. */
  reorderEvents: boolean;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /**
   * How long a role's sessions (a function's calls) keep being judged by the role's policies as they
   * were before a PutRolePolicy/DeleteRolePolicy/AttachRolePolicy/DetachRolePolicy: IAM takes seconds
   * to carry a change to running sessions, while its simulator sees the change at once.
   */
  policyPropagationMs: number;
  /**
   * Every delay at once, with AWS-like (shortened) durations: `REALISTIC_DELAYS`. A delay given on its
   * own still wins, so a test can scale one down.
   */
  realistic: boolean;
  /**
   * The learner's identity policy. Absent: the learner (any ordinary access key) is the account's
   * admin. Present: the learner's calls are held to it, as IAM would hold a restricted IAM user's, so
   * a missing permission can be reproduced offline.
   */
  learnerPolicy: PolicyDocument | undefined;
}

/**
 * The delays `realistic` turns on: AWS's orders of magnitude (a table takes seconds to create or
 * delete, a new role ~10 s to become assumable, a new policy seconds to reach sessions), shortened to a
 * few seconds so a lab still builds in well under a minute.
 */
export const REALISTIC_DELAYS = {
  tableDelayMs: 2000,
  rolePropagationMs: 3000,
  functionUpdateMs: 1000,
  policyPropagationMs: 2000,
} as const satisfies Partial<SandboxOptions>;

export function defaultSandboxOptions(dataDir: string): SandboxOptions {
  return {
    dataDir,
    host: DEFAULT_HOST,
    port: DEFAULT_PORT,
    tableDelayMs: 0,
    rolePropagationMs: 0,
    functionUpdateMs: 100,
    asyncRetryDelaysMs: [1000, 2000],
    duplicateEvents: false,
    reorderEvents: false,
    maxBodyBytes: 64 * 1024 * 1024,
    policyPropagationMs: 0,
    realistic: false,
    learnerPolicy: undefined,
  };
}

/** The options a sandbox runs with: defaults, then the realistic delays when asked, then what was given. */
export function resolveSandboxOptions(overrides: Partial<SandboxOptions> & { dataDir: string }): SandboxOptions {
  return { ...defaultSandboxOptions(overrides.dataDir), ...(overrides.realistic ? REALISTIC_DELAYS : {}), ...overrides };
}

/**
 * The switches as environment variables, so a learner (`upload-lab sandbox`) or a test (`setup --local`
 * in a child process) can turn on AWS's inconvenient behaviours without new flags on every command.
 */
export const OPTION_ENV: Record<string, keyof SandboxOptions> = {
  UPLOAD_LAB_SANDBOX_TABLE_DELAY_MS: 'tableDelayMs',
  UPLOAD_LAB_SANDBOX_ROLE_PROPAGATION_MS: 'rolePropagationMs',
  UPLOAD_LAB_SANDBOX_FUNCTION_UPDATE_MS: 'functionUpdateMs',
  UPLOAD_LAB_SANDBOX_ASYNC_RETRY_DELAYS_MS: 'asyncRetryDelaysMs',
  UPLOAD_LAB_SANDBOX_DUPLICATE_EVENTS: 'duplicateEvents',
  UPLOAD_LAB_SANDBOX_REORDER_EVENTS: 'reorderEvents',
  UPLOAD_LAB_SANDBOX_MAX_BODY_BYTES: 'maxBodyBytes',
  UPLOAD_LAB_SANDBOX_POLICY_PROPAGATION_MS: 'policyPropagationMs',
  UPLOAD_LAB_SANDBOX_REALISTIC: 'realistic',
  UPLOAD_LAB_SANDBOX_LEARNER_POLICY: 'learnerPolicy',
};

export class InvalidSandboxOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSandboxOptionError';
  }
}

export function sandboxOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<SandboxOptions> {
  const options: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(OPTION_ENV)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (key === 'learnerPolicy') {
      options[key] = readLearnerPolicy(name, raw);
    } else if (key === 'duplicateEvents' || key === 'reorderEvents' || key === 'realistic') {
      if (!['1', 'true', '0', 'false'].includes(raw)) throw new InvalidSandboxOptionError(`${name} must be true or false, not "${raw}".`);
      options[key] = raw === '1' || raw === 'true';
    } else if (key === 'asyncRetryDelaysMs') {
      const delays = raw.split(',').map(Number);
      if (delays.length !== 2 || delays.some((d) => !Number.isInteger(d) || d < 0)) {
        throw new InvalidSandboxOptionError(`${name} must be two delays in milliseconds, e.g. "1000,2000", not "${raw}".`);
      }
      options[key] = delays;
    } else {
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 0) throw new InvalidSandboxOptionError(`${name} must be a whole number of milliseconds, not "${raw}".`);
      options[key] = value;
    }
  }
  return options as Partial<SandboxOptions>;
}

/** A policy document, inline (`{"Version": …}`) or as the path of a JSON file. */
function readLearnerPolicy(name: string, raw: string): PolicyDocument {
  let text = raw;
  if (!raw.trimStart().startsWith('{')) {
    try {
      text = readFileSync(raw, 'utf8');
    } catch (error) {
      throw new InvalidSandboxOptionError(`${name} must be a policy document or the path of one; cannot read "${raw}" (${(error as NodeJS.ErrnoException).code}).`);
    }
  }
  // Checked as IAM checks a policy before attaching it: a document IAM would refuse is refused here.
  const checked = checkPolicyDocument(text, 'identity');
  if (!checked.ok) throw new InvalidSandboxOptionError(`${name} is not a valid IAM policy document (${checked.error}): give one such as \`upload-lab policy\` prints.`);
  return checked.document;
}
