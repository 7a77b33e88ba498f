import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AwsError, isAwsError } from './aws-error.js';
import { header, type SandboxRequest, type SandboxResponse } from './http.js';
import { jsonError } from './protocols/json.js';
import { queryError } from './protocols/query.js';
import { restJsonError } from './protocols/rest-json.js';
import { s3Error } from './protocols/s3-xml.js';
import type { RoleSessions } from './sessions.js';
import type { Service } from './world.js';

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

type Renderer = (error: AwsError, req: Pick<SandboxRequest, 'requestId' | 'method'>) => SandboxResponse;

/** How each service's wire protocol spells an error. */
const renderers: Record<string, Renderer> = {
  dynamodb: (e) => jsonError(e, 'application/x-amz-json-1.0', 'com.amazonaws.dynamodb.v20120810#'),
  logs: (e) => jsonError(e, 'application/x-amz-json-1.1'),
  lambda: (e) => restJsonError(e),
  iam: (e, req) => queryError(e, IAM_NAMESPACE, req.requestId),
  sts: (e, req) => queryError(e, STS_NAMESPACE, req.requestId),
  s3: (e, req) => s3Error(e, req.requestId, req.method),
};

export const SERVED = Object.keys(renderers);

export interface Scope {
  accessKeyId: string;
  region: string;
  service: string;
}

/**
 * Reads the SigV4 credential scope (`Credential=KEY/DATE/REGION/SERVICE/aws4_request`) from the
 * Authorization header or a presigned URL's `X-Amz-Credential`. The signature itself is not checked:
 * the sandbox accepts any credentials, like a local emulator should.
 */
export function parseScope(authorization: string | undefined, query: URLSearchParams): Scope | undefined {
  let credential: string | undefined;
  if (authorization?.startsWith('AWS4-')) {
    credential = /Credential=([^,\s]+)/.exec(authorization)?.[1];
  } else if (query.has('X-Amz-Credential')) {
    credential = query.get('X-Amz-Credential') ?? undefined;
  }
  if (!credential) return undefined;
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !parts[0] || !parts[2] || !parts[3]) return undefined;
  return { accessKeyId: parts[0], region: parts[2], service: parts[3] };
}

/** Without a usable scope, guess the protocol from the request's shape so the error is at least in the right dialect. */
function guessService(req: IncomingMessage, path: string): string {
  if (req.headers['x-amz-target']?.toString().startsWith('DynamoDB_')) return 'dynamodb';
  if (req.headers['x-amz-target']?.toString().startsWith('Logs_')) return 'logs';
  if (path.startsWith('/2015-03-31/')) return 'lambda';
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return 'iam';
  return 's3';
}

export class Router {
  constructor(
    private readonly services: Record<string, Service>,
    private readonly sessions: RoleSessions,
    private readonly maxBodyBytes: number,
  ) {}

  async route(req: IncomingMessage): Promise<SandboxResponse> {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const scope = parseScope(header(req, 'authorization'), url.searchParams);
    const service = scope?.service ?? guessService(req, url.pathname);
    const render = renderers[service] ?? renderers.iam!;
    const base = { requestId, method: req.method ?? 'GET' };
    try {
      if (!scope) {
        req.resume();
        throw new AwsError(
          service === 's3' ? 'AccessDenied' : service === 'iam' ? 'MissingAuthenticationToken' : 'MissingAuthenticationTokenException',
          service === 's3' ? 'Access Denied' : 'Request is missing Authentication Token',
          403,
        );
      }
      const handler = this.services[service];
      if (!handler) {
        req.resume();
        throw new AwsError('InvalidAction', `The sandbox does not serve the '${service}' service; it serves ${SERVED.join(', ')}.`, 400);
      }
      const body = await readBody(req, this.maxBodyBytes, service);
      const request: SandboxRequest = {
        ...base,
        rawPath: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        service,
        region: scope.region,
        accessKeyId: scope.accessKeyId,
        caller: this.sessions.callerFor(scope.accessKeyId),
      };
      return withRequestId(await handler.handle(request), requestId, service);
    } catch (error) {
      if (isAwsError(error)) return withRequestId(render(error, base), requestId, service);
      // A bug in the sandbox must not take the server down: answer as AWS does for its own faults.
      console.error(`[sandbox] internal error in ${service}:`, error);
      return withRequestId(render(new AwsError('InternalFailure', 'The sandbox failed to process the request.', 500), base), requestId, service);
    }
  }
}

function withRequestId(response: SandboxResponse, requestId: string, service: string): SandboxResponse {
  const name = service === 's3' ? 'x-amz-request-id' : 'x-amzn-requestid';
  return { ...response, headers: { [name]: requestId, ...response.headers } };
}

function readBody(req: IncomingMessage, limit: number, service: string): Promise<Buffer> {
  const tooLarge = () =>
    service === 's3'
      ? new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400)
      : new AwsError('RequestEntityTooLargeException', `Request must be smaller than ${limit} bytes.`, 413);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
