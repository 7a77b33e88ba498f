import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { healthAnswer, HEALTH_PATH } from './health.js';
import { LEARNER_ARN } from './enforce.js';
import { announceHolder, withdrawHolder } from './persist.js';
import { resolveSandboxOptions, type SandboxOptions } from './options.js';
import { Router } from './router.js';
import { RoleSessions } from './sessions.js';
import { Engines } from './engines.js';
import { StateDb } from './state-db.js';
import type { World } from './world.js';

export interface Sandbox {
  readonly endpoint: string;
  readonly port: number;
  readonly options: SandboxOptions;
  /**
   * Fault injection, for tests of what the CLI does when AWS refuses: every request for a listed
   * `service:Operation` (Query and JSON protocols: IAM, STS, DynamoDB, Logs), e.g. `iam:DeleteRole`,
   * is answered `InjectedFault` (400). Empty unless a caller adds to it; changes apply at once.
   */
  readonly faults: Set<string>;
  /** Resolves once no asynchronous Lambda invocation is running or waiting for a retry. */
  whenAsyncIdle(): Promise<void>;
  /** Saves state, stops function environments, releases the data dir. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts every service on one port. Throws DataDirLockedError when another process holds the data dir. */
export async function startSandbox(overrides: Partial<SandboxOptions> & { dataDir: string }): Promise<Sandbox> {
  const options: SandboxOptions = resolveSandboxOptions(overrides);
  // Opening the state database takes the data dir's lock (see state-db.ts).
  const state = await StateDb.open(options.dataDir);
  const release = async () => {
    withdrawHolder(options.dataDir);
    await state.close();
  };
  announceHolder(options.dataDir);
  // Services reach each other through the world at call time; each is built on its first request
  // (engines.ts), so a sandbox nobody calls holds none of their code.
  const engines = new Engines();
  const world: World = {
    options,
    endpoint: '',
    sessions: new RoleSessions(options.learnerPolicy ? LEARNER_ARN : undefined),
    state,
    get iam() {
      return engines.api('iam');
    },
    get lambda() {
      return engines.api('lambda');
    },
    get logs() {
      return engines.api('logs');
    },
  };
  engines.attach(world);
  const faults = new Set<string>();
  const router = new Router(engines, world, options.maxBodyBytes, () => state.settled(), faults);
  const server = createServer((req, res) => {
    if (req.url === HEALTH_PATH && router.admits(req)) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(healthAnswer());
      return;
    }
    router.route(req).then(
      (answer) => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      },
      (error: unknown) => {
        console.error('[sandbox] could not answer:', error);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      },
    );
  });
  // An idle keep-alive connection is closed by the server after this long. Clients that do not close
  // theirs first (Node 20's agent without a timeout, botocore) can reuse one just as it closes and
  // get ECONNRESET: a long server timeout, like AWS's own endpoints, makes that rare for them; our
  // own clients close theirs after 4 s (aws/clients.ts).
  server.keepAliveTimeout = 65_000;
  // Clients that hang up mid-request (fuzzers, killed CLIs) must not take the server down.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  try {
    await listen(server, options.port, options.host);
  } catch (error) {
    await release();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  router.listening(port);
  const endpoint = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
  world.endpoint = endpoint;
  announceHolder(options.dataDir, endpoint);
  engines.resumeUnfinished(state);

  let closing: Promise<void> | undefined;
  return {
    endpoint,
    port,
    options,
    faults,
    whenAsyncIdle: () => engines.whenLambdaIdle(),
    close() {
      closing ??= (async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await engines.close();
        engines.flush();
        await release();
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
