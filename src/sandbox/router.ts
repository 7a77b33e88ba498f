import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { readScope, refuseBrowsers, refuseForeignHost } from './admission.js';
import { AwsError, isAwsError } from './aws-error.js';
import { header, type SandboxRequest, type SandboxResponse } from './http.js';
import { DYNAMODB_BODY_BYTES, jsonTooDeep, LOGS_BODY_BYTES, MAX_JSON_DEPTH, QUERY_BODY_BYTES } from './limits.js';
import { jsonError } from './protocols/json.js';
import { restJsonError } from './protocols/rest-json.js';
import { isKnownRegion } from '../aws-rules/regions.js';
import { CODE_DOWNLOAD_PREFIX } from './services/lambda/names.js';
import type { BodyLimit, Service, World } from './world.js';

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

type Renderer = (error: AwsError, req: Pick<SandboxRequest, 'requestId' | 'method'>) => SandboxResponse | Promise<SandboxResponse>;

/**
 * What the router knows of each wire protocol: how it spells an error, the content type it reads, its
 * body bound. The XML dialects import the XML builder only when an error needs it, so a sandbox nobody
 * has called does not load it (see engines.ts).
 */
interface Protocol {
  render: Renderer;
  /** The media type a request with a body must carry, or a check of it; undefined: any. */
  contentType?: (type: string, req: IncomingMessage, path: string) => boolean;
  /** The largest body, when the service does not say per operation (Service.bodyLimit). */
  bodyBytes?: number;
  /** The error for a body nested too deep, for JSON protocols. */
  tooDeep?: () => AwsError;
}

const exactly = (expected: string) => (type: string) => type === expected;
/** The types a web page may send without a CORS preflight: no SDK sends a Lambda payload as one of them. */
const BROWSER_SIMPLE_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'];
const serializationError = () => new AwsError('SerializationException', `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`);

// Keyed by the scope's service name in a Map: a name such as `toString` or `__proto__` is just unknown.
const protocols = new Map<string, Protocol>([
  ['s3', { render: async (e, req) => (await import('./protocols/s3-xml.js')).s3Error(e, req.requestId, req.method) }],
  ['dynamodb', { render: (e) => jsonError(e, 'application/x-amz-json-1.0', 'com.amazonaws.dynamodb.v20120810#'), contentType: exactly('application/x-amz-json-1.0'), bodyBytes: DYNAMODB_BODY_BYTES, tooDeep: serializationError }],
  [
    'lambda',
    {
      render: (e) => restJsonError(e),
      // Invoke's payload is a blob (the CLIs send no content type, the JS SDK application/octet-stream); every other body is JSON.
      contentType: (type, _req, path) => (/\/invocations\/?$/.test(path) ? !BROWSER_SIMPLE_TYPES.includes(type) : type === 'application/json'),
      tooDeep: () => new AwsError('InvalidRequestContentException', `Could not parse request body into json: the body nests deeper than ${MAX_JSON_DEPTH} levels`, 400, { lowercaseMessage: true }),
    },
  ],
  ['iam', { render: async (e, req) => (await import('./protocols/query.js')).queryError(e, IAM_NAMESPACE, req.requestId), contentType: exactly('application/x-www-form-urlencoded'), bodyBytes: QUERY_BODY_BYTES }],
  ['logs', { render: (e) => jsonError(e, 'application/x-amz-json-1.1'), contentType: exactly('application/x-amz-json-1.1'), bodyBytes: LOGS_BODY_BYTES, tooDeep: serializationError }],
  ['sts', { render: async (e, req) => (await import('./protocols/query.js')).queryError(e, STS_NAMESPACE, req.requestId), contentType: exactly('application/x-www-form-urlencoded'), bodyBytes: QUERY_BODY_BYTES }],
]);

export const SERVED = [...protocols.keys()];

/**
 * Signature Version 2, as S3 clients still send it: `Authorization: AWS <key>:<signature>`, or a
 * presigned URL's `AWSAccessKeyId`/`Signature`/`Expires` (boto3's default presigned URL in us-east-1).
 */
function isSigV2(req: IncomingMessage, url: URL): boolean {
  return /^AWS [^:\s]+:/.test(req.headers.authorization ?? '') || (url.searchParams.has('AWSAccessKeyId') && url.searchParams.has('Signature'));
}

/** Without a usable scope, guess the protocol from the request's shape so the error is at least in the right dialect. */
function guessService(req: IncomingMessage, url: URL): string {
  if (isSigV2(req, url)) return 's3';
  const path = url.pathname;
  if (req.headers['x-amz-target']?.toString().startsWith('DynamoDB_')) return 'dynamodb';
  if (req.headers['x-amz-target']?.toString().startsWith('Logs_')) return 'logs';
  if (path.startsWith('/2015-03-31/')) return 'lambda';
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return 'iam';
  return 's3';
}

/** How each protocol says a signature names a region that does not exist. */
function badRegion(service: string, region: string): AwsError {
  const why = `'${region}' is not an AWS region: the sandbox serves the regions the AWS SDK lists, such as us-east-1.`;
  if (service === 's3') return new AwsError('AuthorizationHeaderMalformed', `The authorization header is malformed; the region ${why}`, 400);
  if (service === 'iam' || service === 'sts') return new AwsError('SignatureDoesNotMatch', `Credential should be scoped to a valid region. ${why}`, 403);
  return new AwsError('InvalidSignatureException', `Credential should be scoped to a valid region. ${why}`, service === 'lambda' ? 403 : 400);
}

/**
 * The error dialect for a service the sandbox does not serve, read off the request: a JSON protocol
 * (`X-Amz-Target`, as SQS and most newer services speak) gets JSON, anything else its guessed dialect.
 */
function dialectOf(req: IncomingMessage, url: URL): Protocol {
  if (req.headers['x-amz-target'] !== undefined) {
    const version = String(req.headers['content-type'] ?? '').includes('json-1.0') ? '1.0' : '1.1';
    return { render: (e) => jsonError(e, `application/x-amz-json-${version}`) };
  }
  return protocols.get(guessService(req, url)) ?? protocols.get('iam')!;
}

/** The services by name: a Map, or the engines, which build a service on its first request. */
export interface ServiceLookup {
  get(name: string): Service | Promise<Service> | undefined;
}

export class Router {
  /** The port the server listens on, once it does: the Host header must name it. */
  private port = 0;

  constructor(
    private readonly services: ServiceLookup,
    private readonly world: Pick<World, 'sessions' | 'iam'>,
    private readonly maxBodyBytes: number,
    /** Resolves once every change staged so far is on disk: no write is acknowledged before. */
    private readonly settled: () => Promise<void>,
    /** `service:Operation` names to fail (see Sandbox.faults); read at each request, so a test can change it. */
    private readonly faults: ReadonlySet<string> = new Set(),
  ) {}

  listening(port: number): void {
    this.port = port;
  }

  /** Whether the request passes the browser and Host gates (for the health check, which needs no credentials). */
  admits(req: IncomingMessage): boolean {
    try {
      refuseBrowsers(req, 's3');
      refuseForeignHost(req, 's3', this.port);
      return true;
    } catch {
      return false;
    }
  }

  async route(req: IncomingMessage): Promise<SandboxResponse> {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const scope = readScope(req, url, [CODE_DOWNLOAD_PREFIX]);
    const service = scope?.service ?? guessService(req, url);
    const protocol = protocols.get(service) ?? dialectOf(req, url);
    const base = { requestId, method: req.method ?? 'GET' };
    let bodyRead = false;
    try {
      refuseBrowsers(req, service);
      refuseForeignHost(req, service, this.port);
      if (!scope && isSigV2(req, url)) {
        // S3's answer in every region opened since 2014; the sandbox reads only SigV4 scopes.
        throw new AwsError('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.', 400);
      }
      if (!scope) {
        throw new AwsError(
          service === 's3' ? 'AccessDenied' : service === 'iam' ? 'MissingAuthenticationToken' : 'MissingAuthenticationTokenException',
          service === 's3'
            ? 'Access Denied'
            : 'Request is missing Authentication Token (the sandbox takes credentials from the Authorization header; from the query string only for S3 presigned GET, PUT and HEAD).',
          403,
        );
      }
      if (!protocols.has(service)) throw new AwsError('InvalidAction', `The sandbox does not serve the '${service}' service; it serves ${SERVED.join(', ')}.`, 400);
      // Before the service is built: a request that cannot be served must not load its engine.
      if (!isKnownRegion(scope.region)) throw badRegion(service, scope.region);
      const handler = await this.services.get(service)!;
      const caller = this.world.sessions.callerFor(scope.accessKeyId, service, (arn) => this.world.iam.roleByArn(arn));
      const type = header({ headers: req.headers }, 'content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
      const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
      if (hasBody && protocol.contentType && !protocol.contentType(type, req, url.pathname)) {
        throw new AwsError(
          service === 'dynamodb' || service === 'logs' ? 'UnknownOperationException' : service === 'lambda' ? 'UnsupportedMediaTypeException' : 'InvalidParameterValue',
          `The sandbox's ${service} does not take requests of content type ${type || '(none)'}: send what the AWS SDKs send for this protocol.`,
          service === 'lambda' ? 415 : 400,
        );
      }
      const limit = handler.bodyLimit?.(req, url) ?? defaultLimit(service, protocol.bodyBytes ?? this.maxBodyBytes);
      const body = await readBody(req, Math.min(limit.bytes, this.maxBodyBytes), limit.error);
      bodyRead = true;
      if (protocol.tooDeep && jsonTooDeep(body)) throw protocol.tooDeep();
      // Named only when a fault switch is set: it costs parsing a form body, which real runs never need.
      const operation = this.faults.size > 0 ? `${service}:${operationName(req, body)}` : '';
      if (this.faults.has(operation)) throw new AwsError('InjectedFault', `The sandbox was told to fail ${operation} (its fault switch).`, 400);
      const request: SandboxRequest = {
        ...base,
        rawPath: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        service,
        region: scope.region,
        accessKeyId: scope.accessKeyId,
        caller,
      };
      const answer = await handler.handle(request);
      await this.settled();
      return withRequestId(answer, requestId, service);
    } catch (error) {
      if (!bodyRead) req.resume();
      if (isAwsError(error)) return withRequestId(await protocol.render(error, base), requestId, service);
      // A bug in the sandbox must not take the server down: answer as AWS does for its own faults.
      console.error(`[sandbox] internal error in ${service}:`, error);
      return withRequestId(await protocol.render(new AwsError('InternalFailure', 'The sandbox failed to process the request.', 500), base), requestId, service);
    }
  }
}

function defaultLimit(service: string, bytes: number): BodyLimit {
  return {
    bytes,
    error: () =>
      service === 's3'
        ? new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400)
        : new AwsError('RequestEntityTooLargeException', `Request must be smaller than ${bytes} bytes.`, 413),
  };
}

/** The operation of a Query (form `Action`) or JSON (`X-Amz-Target`) request; REST requests are not named. */
function operationName(req: IncomingMessage, body: Buffer): string {
  const target = header(req, 'x-amz-target');
  if (target) return target.slice(target.indexOf('.') + 1);
  if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return new URLSearchParams(body.toString('utf8')).get('Action') ?? '';
  return '';
}

function withRequestId(response: SandboxResponse, requestId: string, service: string): SandboxResponse {
  const name = service === 's3' ? 'x-amz-request-id' : 'x-amzn-requestid';
  return { ...response, headers: { [name]: requestId, ...response.headers } };
}

/** Reads the body, refusing it from its declared length, or as soon as it grows past the limit, without holding more. */
function readBody(req: IncomingMessage, limit: number, tooLarge: () => AwsError): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        chunks.length = 0;
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
