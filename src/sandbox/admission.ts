import type { IncomingMessage } from 'node:http';
import { AwsError } from './aws-error.js';
import { denial } from './enforce.js';

/**
 * Who may talk to the sandbox: the learner's own command-line tools and SDKs, on this machine.
 *
 * The sandbox accepts any credentials and runs code as the learner, so a web page must never drive
 * it. A page can send "simple" requests (a form or `text/plain` POST, an `<img>` GET) to
 * `http://127.0.0.1:4566` without the learner noticing, and DNS rebinding lets a page read answers
 * under its own host name. Three gates stop both:
 * - browser markers: browsers send `Origin` on every cross-origin POST/PUT and `Sec-Fetch-Site` on
 *   every request; no SDK or CLI sends either;
 * - the Host header must name a loopback address on the port served: a rebinding page's requests
 *   carry the attacker's host name;
 * - credentials come from the Authorization header, which a page cannot set without a CORS preflight
 *   (itself a request with `Origin`), except for S3 presigned URLs (see `readScope`).
 */

/** Node's own `fetch` (undici) sends `Sec-Fetch-Mode: cors` on every request, so that value alone is not a browser. */
const BROWSER_ONLY_HEADERS = ['origin', 'sec-fetch-site', 'sec-fetch-dest', 'sec-fetch-user'];

export function refuseBrowsers(req: IncomingMessage, service: string): void {
  const marker = BROWSER_ONLY_HEADERS.find((name) => req.headers[name] !== undefined);
  const mode = req.headers['sec-fetch-mode'];
  if (marker === undefined && (mode === undefined || mode === 'cors')) return;
  const shown = marker ?? 'sec-fetch-mode';
  throw refusal(
    service,
    `The upload-lab sandbox refuses requests sent by a web browser (the request carries ${shown}: ${String(req.headers[shown])}): it answers only the AWS CLI and SDKs running on this machine.`,
  );
}

/** `localhost`, `*.localhost` (RFC 6761: never resolved through DNS), 127.0.0.0/8 and [::1]. */
function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '[::1]' || /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(name);
}

export function refuseForeignHost(req: IncomingMessage, service: string, port: number): void {
  const host = req.headers.host ?? '';
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host);
  const hostPort = match?.[2] === undefined ? 80 : Number(match[2]);
  if (match && isLoopbackName(match[1]!) && hostPort === port) return;
  throw refusal(
    service,
    `The upload-lab sandbox answers only requests addressed to a loopback address on port ${port} (such as 127.0.0.1:${port}); Host ${host} is refused, so that no other site can reach it through DNS.`,
  );
}

/** The credential scope of a request: `Credential=KEY/DATE/REGION/SERVICE/aws4_request`. */
export interface Scope {
  accessKeyId: string;
  region: string;
  service: string;
}

/**
 * Reads the SigV4 credential scope from the Authorization header, or, for an S3 presigned URL only
 * (GET, PUT or HEAD with `X-Amz-Algorithm` and `X-Amz-Credential`), from the query string: a query
 * string is what a web page can forge, so no other request takes credentials from it. The signature
 * itself is not checked: the sandbox accepts any credentials, like a local emulator should.
 * `presignedPaths` are the sandbox's own presigned downloads (GetFunction's Code.Location).
 */
export function readScope(req: IncomingMessage, url: URL, presignedPaths: readonly string[]): Scope | undefined {
  const authorization = req.headers.authorization;
  let credential: string | undefined;
  if (authorization?.startsWith('AWS4-')) {
    credential = /Credential=([^,\s]+)/.exec(authorization)?.[1];
  } else if (isPresigned(req, url)) {
    credential = url.searchParams.get('X-Amz-Credential') ?? undefined;
  }
  const scope = credential === undefined ? undefined : parseCredential(credential);
  if (!scope || authorization?.startsWith('AWS4-')) return scope;
  const ownDownload = req.method === 'GET' && presignedPaths.some((p) => url.pathname.startsWith(p));
  return scope.service === 's3' || ownDownload ? scope : undefined;
}

function isPresigned(req: IncomingMessage, url: URL): boolean {
  return ['GET', 'PUT', 'HEAD'].includes(req.method ?? '') && url.searchParams.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256' && url.searchParams.has('X-Amz-Credential');
}

function parseCredential(credential: string): Scope | undefined {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !parts[0] || !parts[2] || !parts[3]) return undefined;
  return { accessKeyId: parts[0], region: parts[2], service: parts[3] };
}

/** A refusal in the service's own words for "access denied", with the sandbox's reason as the message. */
function refusal(service: string, message: string): AwsError {
  const [code, status] = denial(service);
  return new AwsError(code, message, status);
}
