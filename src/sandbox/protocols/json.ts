import type { AwsError } from '../aws-error.js';
import type { SandboxResponse } from '../http.js';

/** AWS JSON 1.0 (DynamoDB) and 1.1 (CloudWatch Logs): `X-Amz-Target` names the operation. */
export function jsonResponse(body: unknown, contentType = 'application/x-amz-json-1.1', status = 200): SandboxResponse {
  return { status, headers: { 'content-type': contentType }, body: JSON.stringify(body ?? {}) };
}

/** `__type` is the bare code for Logs and namespaced for DynamoDB; both use a lowercase `message`. */
export function jsonError(error: AwsError, contentType: string, typePrefix = ''): SandboxResponse {
  const body = { __type: typePrefix + error.code, message: error.message, ...error.fields };
  return { status: error.status, headers: { 'content-type': contentType, 'x-amzn-errortype': error.code }, body: JSON.stringify(body) };
}

/** The operation named by `X-Amz-Target: Prefix.Operation`, or undefined when it is absent or has another prefix. */
export function targetOperation(target: string | undefined, prefix: string): string | undefined {
  if (!target) return undefined;
  const dot = target.indexOf('.');
  if (dot < 0 || target.slice(0, dot) !== prefix) return undefined;
  return target.slice(dot + 1);
}
