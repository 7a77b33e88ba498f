import type { IncomingHttpHeaders } from 'node:http';

export const ACCOUNT_ID = '000000000000';

/** Who signed a request: the learner (any ordinary key, treated as an admin) or a Lambda role session. */
export type Caller =
  | { kind: 'user'; arn: string }
  | {
      kind: 'role';
      arn: string;
      roleName: string;
      roleId: string;
      sessionName: string;
      /** The place in its chain of the invocation making the call: 1 when the learner invoked it, n+1 when the n-th's event did. */
      chain: number;
    };

/** A request after the router has read its body and its SigV4 scope. */
export interface SandboxRequest {
  method: string;
  /** Path as sent (still percent-encoded), without the query string. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  service: string;
  region: string;
  accessKeyId: string;
  caller: Caller;
  requestId: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export type ServiceHandler = (req: SandboxRequest) => Promise<SandboxResponse>;

export function header(req: Pick<SandboxRequest, 'headers'>, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
