import { LabError } from '../errors.js';

/**
 * One sentence and a fix for each way the network can fail under an SDK call, instead of Node's
 * `getaddrinfo ENOTFOUND …`. Read from Node's error codes (and the SDK's error names for its own
 * timeouts), never from message text.
 */

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const NO_ROUTE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN']);
const UNTRUSTED_CERT = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID']);
const isUntrustedCert = (code: string) => UNTRUSTED_CERT.has(code) || code.startsWith('CERT_');
const isHandshakeFailure = (code: string) => code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');

const OFFLINE = 'or use --local to run the whole lab offline in the built-in sandbox';

/** The LabError for a network failure of a call to `host`, or undefined when `error` is not one. */
export function networkFailure(error: unknown, host: string | undefined, timeoutMs: number): LabError | undefined {
  if (!(error instanceof Error) || error instanceof LabError) return undefined;
  const code = String((error as NodeJS.ErrnoException).code ?? '');
  const syscall = (error as NodeJS.ErrnoException).syscall;
  const where = host ?? 'the endpoint';
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  const make = (id: string, message: string, fix: string) => new LabError(id, message, fix, 'aws', { cause: error });
  if (DNS.has(code)) {
    return make('DnsFailure', `Cannot find ${where}: the name does not resolve (no network, or no DNS).`, `Check your internet connection, and --region or --endpoint-url; ${OFFLINE}.`);
  }
  if (code === 'ECONNREFUSED') {
    return make('ConnectionRefused', `Nothing accepts connections at ${where}.`, `Check --endpoint-url (for a sandbox, start it with \`npx upload-lab sandbox\`), ${OFFLINE}.`);
  }
  if (NO_ROUTE.has(code)) {
    return make('NoRoute', `There is no network route to ${where} (${code}).`, `Check your internet connection, VPN or proxy, ${OFFLINE}.`);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return make('ConnectionReset', `The connection to ${where} was cut before AWS answered (${code}).`, `A proxy or firewall may be blocking it: check them and rerun, ${OFFLINE}.`);
  }
  if (isUntrustedCert(code)) {
    return make(
      'TlsFailure',
      `The secure (TLS) connection to ${where} failed (${code}): something between you and AWS, often a company proxy or antivirus, presents a certificate Node.js does not trust.`,
      `Point NODE_EXTRA_CA_CERTS at your organisation's CA bundle and rerun, ${OFFLINE}.`,
    );
  }
  if (isHandshakeFailure(code)) {
    return make(
      'TlsFailure',
      `The secure (TLS) connection to ${where} failed (${code}): the other end does not speak HTTPS, or a proxy interferes with it.`,
      `Check --endpoint-url (http:// for a local sandbox) and your proxy settings, ${OFFLINE}.`,
    );
  }
  if (error.name === 'TimeoutError' && syscall === 'connect') {
    return make('ConnectTimeout', `Could not connect to ${where}: the connection attempt timed out.`, `Check your internet connection, VPN or proxy, ${OFFLINE}.`);
  }
  if (error.name === 'TimeoutError' && !code) {
    // The SDK's connectionTimeout: no TCP connection within a few seconds.
    return make('ConnectTimeout', `Could not connect to ${where} within a few seconds.`, `Check your internet connection, VPN or proxy, and --endpoint-url, ${OFFLINE}.`);
  }
  if (error.name === 'AbortError' || (error.name === 'TimeoutError' && code === 'ETIMEDOUT')) {
    // Our per-call bound (abort signal) or the SDK's requestTimeout: connected, then silence.
    return make(
      'EndpointSilent',
      `${where} accepted the connection but sent no answer within ${seconds}.`,
      `Check that --endpoint-url is an AWS-compatible endpoint and that no proxy holds the request; on a slow network raise --timeout, ${OFFLINE}.`,
    );
  }
  return undefined;
}
