import { functionArn as awsFunctionArn } from '../../../aws-rules/arns.js';
import { AwsError } from '../../aws-error.js';
import { ACCOUNT_ID } from '../../http.js';

/** Path of the sandbox's stand-in for the presigned S3 URL GetFunction returns as `Code.Location`. */
export const CODE_DOWNLOAD_PREFIX = '/_upload-lab/lambda-code/';

/** The only version the sandbox has: it does not publish versions or aliases. */
export const LATEST = '$LATEST';

/** A function of the sandbox's one account. */
export function functionArn(region: string, name: string): string {
  return awsFunctionArn(region, ACCOUNT_ID, name);
}

/** A function as the caller named it, reduced to what identifies it. */
export interface FunctionRef {
  name: string;
  /** Set when the caller gave one (`name:qualifier` or `?Qualifier=`). */
  qualifier?: string;
}

// Lambda's own pattern for FunctionName: a name, a partial ARN (`123456789012:function:name`) or a full ARN,
// each optionally qualified.
const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const FUNCTION_NAME = new RegExp(`^${FUNCTION_NAME_PATTERN}$`);
// CreateFunction's own pattern has no dots in the name: a function is never named `.` or `..`, which
// matters here too, as a function's name becomes a folder of its runtime files.
const NEW_FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const NEW_FUNCTION_NAME = new RegExp(`^${NEW_FUNCTION_NAME_PATTERN}$`);

/** Lambda's wording for one failed constraint; several are joined by `validationError`. */
export function constraint(value: unknown, field: string, rule: string): string {
  return `Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`;
}

export function validationError(problems: string[]): AwsError {
  const count = `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected`;
  return new AwsError('ValidationException', `${count}: ${problems.join('; ')}`, 400, { lowercaseMessage: true });
}

export function functionNameProblem(value: string, field = 'functionName', creating = false): string | undefined {
  if (value.length > 140) return constraint(value, field, 'Member must have length less than or equal to 140');
  const [pattern, text] = creating ? [NEW_FUNCTION_NAME, NEW_FUNCTION_NAME_PATTERN] : [FUNCTION_NAME, FUNCTION_NAME_PATTERN];
  if (!pattern.test(value)) return constraint(value, field, `Member must satisfy regular expression pattern: ${text}`);
  return undefined;
}

/**
 * Reads a FunctionName path parameter the way Lambda does: `my-fn`, `my-fn:$LATEST`,
 * `000000000000:function:my-fn`, or the full ARN; a `?Qualifier=` may qualify it too.
 */
export function parseFunctionRef(raw: string, queryQualifier: string | null): FunctionRef {
  const problem = functionNameProblem(raw);
  if (problem) throw validationError([problem]);
  const match = FUNCTION_NAME.exec(raw)!;
  const name = match[7]!;
  const qualifier = match[9] ?? queryQualifier ?? undefined;
  return qualifier === undefined ? { name } : { name, qualifier };
}
