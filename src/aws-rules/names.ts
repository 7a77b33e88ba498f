/** Naming rules of AWS resources, as the services enforce them; the lab checks options with the same. */

/**
 * S3's bucket naming rules (general purpose buckets): why a name is refused, or undefined when it is
 * valid. 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit,
 * no `..`, not an IP address, none of the prefixes and suffixes AWS reserves.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'it must be 3 to 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'only lowercase letters, digits, dots and hyphens are allowed';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'it must begin and end with a letter or digit';
  if (name.includes('..')) return 'it must not contain two adjacent dots';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'it must not look like an IP address';
  for (const prefix of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (name.startsWith(prefix)) return `it must not start with "${prefix}"`;
  for (const suffix of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) if (name.endsWith(suffix)) return `it must not end with "${suffix}"`;
  return undefined;
}

/** DynamoDB table names. */
export const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** A Lambda function's bare name (FunctionName also takes ARNs and qualifiers; the name part is this). */
export const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** IAM role and policy names: `[\w+=,.@-]+`, at most 64 (roles) or 128 (policies) characters. */
export const IAM_NAME = /^[\w+=,.@-]+$/;
export const MAX_ROLE_NAME_LENGTH = 64;
