import type { AwsError } from '../aws-error.js';
import type { SandboxResponse } from '../http.js';
import { buildXml } from '../xml.js';

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** S3 REST XML. HEAD answers carry no body, so a HEAD error is only its status (the SDK reports e.g. `NotFound`). */
export function s3Xml(root: Record<string, unknown>, status = 200, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/xml', ...headers }, body: buildXml(root) };
}

export function s3Error(error: AwsError, requestId: string, method: string): SandboxResponse {
  const headers = { 'content-type': 'application/xml', 'x-amz-request-id': requestId, 'x-amz-id-2': requestId };
  if (method === 'HEAD') return { status: error.status, headers };
  const body = buildXml({
    Error: { Code: error.code, Message: error.message, ...error.fields, RequestId: requestId, HostId: requestId },
  });
  return { status: error.status, headers, body };
}
