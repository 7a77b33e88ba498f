import type { AwsError } from '../aws-error.js';
import type { SandboxResponse } from '../http.js';

/** REST JSON (Lambda): the error code travels in `x-amzn-ErrorType`, the body carries Type and Message. */
export function restJsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

export function restJsonError(error: AwsError): SandboxResponse {
  const messageKey = error.lowercaseMessage ? 'message' : 'Message';
  const body = { Type: error.status >= 500 ? 'Service' : 'User', [messageKey]: error.message, ...error.fields };
  return {
    status: error.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code },
    body: JSON.stringify(body),
  };
}
