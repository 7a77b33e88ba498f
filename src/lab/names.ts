import { bucketNameProblem, FUNCTION_NAME, MAX_ROLE_NAME_LENGTH, TABLE_NAME } from '../aws-rules/names.js';
import { regionProblem } from '../aws-rules/regions.js';
import { UsageError } from '../errors.js';
import { DEFAULT_ENDPOINT, DEFAULT_PORT } from '../common/defaults.js';

/** The names the lab uses unless the learner chooses others. */
export const DEFAULT_TABLE = 'upload_metadata';
export const DEFAULT_FUNCTION = 'upload-lab-metadata';
export const ROLE_POLICY_NAME = 'upload-lab-least-privilege';
export const LAB_TAG = 'upload-lab';
export const TEST_KEY = 'incoming/notes.txt';
export const INCOMING_PREFIX = 'incoming/';
/** Account and region in it, so it is the same on every rerun (and so reused) yet unique across accounts. */
export function defaultBucketName(account: string, region: string): string {
  return `upload-lab-${account}-${region}`;
}

/**
 * IAM is global while the lab is regional, and the role's policy names the function's table and log
 * group: one role per function and region, so a lab in a second region (or with another --function)
 * never rewrites, nor tears down, the first lab's role. IAM role names are at most MAX_ROLE_NAME_LENGTH characters.
 */
export function defaultRoleName(functionName: string, region: string): string {
  return `${`${functionName}-${region}`.slice(0, MAX_ROLE_NAME_LENGTH - '-role'.length)}-role`;
}

export interface LabNames {
  region: string;
  account: string;
  bucket: string;
  table: string;
  function: string;
  role: string;
}

/** A region of the standard `aws` partition, per the AWS SDK's own region data (src/aws-rules/regions.ts). */
export function validateRegion(region: string): string {
  const problem = regionProblem(region);
  if (problem) {
    throw new UsageError(`"${region}" cannot be used as the region: ${problem}.`, 'Pass a region such as --region us-east-1 or --region eu-west-1 (the AWS console\'s region menu lists them all).', 'BadRegion');
  }
  return region;
}

/** S3's bucket naming rules (general purpose buckets). */
export function validateBucketName(name: string): string {
  const problem = bucketNameProblem(name);
  if (problem) {
    throw new UsageError(`"${name}" is not a valid S3 bucket name: ${problem}.`, 'Bucket names are 3-63 lowercase letters, digits, dots and hyphens, e.g. --bucket my-upload-lab-2024.', 'BadBucketName');
  }
  return name;
}

export function validateTableName(name: string): string {
  if (!TABLE_NAME.test(name)) {
    throw new UsageError(`"${name}" is not a valid DynamoDB table name.`, 'Table names are 3-255 letters, digits, underscores, hyphens and dots, e.g. --table upload_metadata.', 'BadTableName');
  }
  return name;
}

export function validateFunctionName(name: string): string {
  if (!FUNCTION_NAME.test(name)) {
    throw new UsageError(`"${name}" is not a valid Lambda function name.`, 'Function names are 1-64 letters, digits, hyphens and underscores, e.g. --function upload-lab-metadata.', 'BadFunctionName');
  }
  return name;
}

/** A positive number of seconds, as given on the command line. */
export function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--timeout must be a positive number of seconds, not "${value}".`, 'Pass e.g. --timeout 60.', 'BadTimeout');
  }
  return seconds;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number (0-65535), not "${value}".`, `Pass e.g. --port ${DEFAULT_PORT}, or --port 0 for any free port.`, 'BadPort');
  }
  return port;
}

export function validateEndpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--endpoint-url "${value}" is not a URL.`, `Pass e.g. --endpoint-url ${DEFAULT_ENDPOINT}.`, 'BadEndpoint');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--endpoint-url must be http or https, not ${url.protocol}`, `Pass e.g. --endpoint-url ${DEFAULT_ENDPOINT}.`, 'BadEndpoint');
  }
  return value.replace(/\/+$/, '');
}
