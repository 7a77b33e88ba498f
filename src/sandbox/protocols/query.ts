import { AwsError } from '../aws-error.js';
import type { SandboxRequest, SandboxResponse } from '../http.js';
import { buildXml } from '../xml.js';

/**
 * AWS Query protocol (IAM, STS): a form-encoded POST (or GET query string) with `Action`,
 * answered with `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>`.
 */
export function queryParams(req: SandboxRequest): URLSearchParams {
  const contentType = String(req.headers['content-type'] ?? '');
  if (req.method === 'POST' && req.body.length > 0) {
    if (!contentType.startsWith('application/x-www-form-urlencoded')) {
      throw new AwsError('InvalidParameterValue', `Unsupported content type for a Query request: ${contentType || '(none)'}`, 400);
    }
    return new URLSearchParams(req.body.toString('utf8'));
  }
  return req.query;
}

/** Reads a required parameter, failing as AWS does when it is missing. */
export function requireParam(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === '') {
    throw new AwsError('ValidationError', `1 validation error detected: Value null at '${name.charAt(0).toLowerCase() + name.slice(1)}' failed to satisfy constraint: Member must not be null`, 400);
  }
  return value;
}

/** Query lists arrive as `Name.member.1`, `Name.member.2`, … */
export function memberList(params: URLSearchParams, name: string): string[] {
  const values: string[] = [];
  for (let i = 1; params.has(`${name}.member.${i}`); i++) values.push(params.get(`${name}.member.${i}`)!);
  return values;
}

/** Query lists of structures: `Tags.member.1.Key`, `Tags.member.1.Value`, … */
export function memberStructs(params: URLSearchParams, name: string, fields: string[]): Record<string, string>[] {
  const values: Record<string, string>[] = [];
  for (let i = 1; fields.some((f) => params.has(`${name}.member.${i}.${f}`)); i++) {
    const entry: Record<string, string> = {};
    for (const f of fields) {
      const v = params.get(`${name}.member.${i}.${f}`);
      if (v !== null) entry[f] = v;
    }
    values.push(entry);
  }
  return values;
}

export function queryResponse(action: string, namespace: string, result: Record<string, unknown> | undefined, requestId: string): SandboxResponse {
  const body: Record<string, unknown> = { '@xmlns': namespace };
  if (result !== undefined) body[`${action}Result`] = result;
  body.ResponseMetadata = { RequestId: requestId };
  return { status: 200, headers: { 'content-type': 'text/xml' }, body: buildXml({ [`${action}Response`]: body }) };
}

export function queryError(error: AwsError, namespace: string, requestId: string): SandboxResponse {
  const body = buildXml({
    ErrorResponse: {
      '@xmlns': namespace,
      Error: { Type: error.status >= 500 ? 'Receiver' : 'Sender', Code: error.code, Message: error.message },
      RequestId: requestId,
    },
  });
  return { status: error.status, headers: { 'content-type': 'text/xml' }, body };
}
