import { trustsLambda } from '../../../policy/trust.js';
import { AwsError } from '../../aws-error.js';
import type { World } from '../../world.js';
import { constraint, validationError } from './names.js';
import { LAMBDA_RUNTIMES } from './runtimes.js';

/** A request body field by field, gathering Lambda's "N validation errors detected" before anything else is checked. */
export class FieldCheck {
  /** `prefix` names a nested structure's members as Lambda does: `tracingConfig.mode`. */
  constructor(
    private readonly body: Record<string, unknown>,
    private readonly problems: string[] = [],
    private readonly prefix = '',
  ) {}

  /**
   * The members of a nested structure (`TracingConfig`), checked into the same list of problems;
   * `required` members ([field, key]) must be there when the structure is.
   */
  within(field: string, key: string, required: [string, string][] = []): FieldCheck {
    const value = this.body[field];
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) throw serializationError(field);
    const nested = new FieldCheck((value ?? {}) as Record<string, unknown>, this.problems, `${this.prefix}${key}.`);
    if (value !== undefined && value !== null) for (const [member, memberKey] of required) nested.require(member, memberKey);
    return nested;
  }

  oneOf(field: string, key: string, values: string[]): string | undefined {
    const value = this.string(field, key);
    if (value !== undefined && !values.includes(value)) this.problems.push(constraint(value, this.prefix + key, `Member must satisfy enum value set: [${values.join(', ')}]`));
    return value;
  }

  string(field: string, key: string, rule?: { pattern?: RegExp; patternText?: string; max?: number }): string | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw serializationError(field);
    if (rule?.max !== undefined && value.length > rule.max) this.problems.push(constraint(value, this.prefix + key, `Member must have length less than or equal to ${rule.max}`));
    else if (rule?.pattern && !rule.pattern.test(value)) this.problems.push(constraint(value, this.prefix + key, `Member must satisfy regular expression pattern: ${rule.patternText}`));
    return value;
  }

  integer(field: string, key: string, min: number, max: number): number | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw serializationError(field);
    if (value < min) this.problems.push(constraint(value, this.prefix + key, `Member must have value greater than or equal to ${min}`));
    else if (value > max) this.problems.push(constraint(value, this.prefix + key, `Member must have value less than or equal to ${max}`));
    return value;
  }

  stringMap(field: string): Record<string, string> | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) throw serializationError(field);
    return { ...(value as Record<string, string>) };
  }

  require(field: string, key: string): void {
    if (this.body[field] === undefined || this.body[field] === null) this.problems.push(`Value null at '${this.prefix}${key}' failed to satisfy constraint: Member must not be null`);
  }

  /** Throws the gathered ValidationException, if any. */
  done(): void {
    if (this.problems.length) throw validationError(this.problems);
  }
}

export function serializationError(field: string): AwsError {
  return new AwsError('InvalidRequestContentException', `Could not parse request body into json: unexpected value type for field '${field}'`, 400, { lowercaseMessage: true });
}

export function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterValueException', message, 400, { lowercaseMessage: true });
}

export const ROLE_PATTERN_TEXT = 'arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+';
export const ROLE_PATTERN = new RegExp(`^${ROLE_PATTERN_TEXT}$`);
export const HANDLER_PATTERN = /^[^\s]+$/;

export function checkRuntime(runtime: string | undefined): void {
  if (runtime !== undefined && !LAMBDA_RUNTIMES.includes(runtime)) {
    throw invalidParameter(
      `Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${LAMBDA_RUNTIMES.join(', ')}] or be a valid ARN`,
    );
  }
}

/** Variables Lambda sets itself and refuses to let a function override. */
const RESERVED_VARIABLES = [
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
];

/** Reads `Environment: {Variables}`; `{}` stays an empty map, as Lambda echoes it. */
export function readEnvironment(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw serializationError('Environment');
  const variables = new FieldCheck(value as Record<string, unknown>).stringMap('Variables') ?? {};
  const reserved = Object.keys(variables).filter((k) => RESERVED_VARIABLES.includes(k));
  if (reserved.length) {
    throw invalidParameter(
      'Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. ' +
        `Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  return variables;
}

/**
 * Lambda assumes the execution role when a function is created or its role changes. It fails while
 * the role is missing, does not trust `lambda.amazonaws.com`, or is too new for IAM to have propagated it.
 */
export function checkRoleAssumable(world: World, roleArn: string): void {
  const role = world.iam.roleByArn(roleArn);
  const young = role !== undefined && Date.now() - role.createdAt < world.options.rolePropagationMs;
  if (!role || young || !trustsLambda(role.trustPolicy)) {
    throw invalidParameter('The role defined for the function cannot be assumed by Lambda.');
  }
}

