import type { SandboxOptions } from './options.js';
import type { Sandbox } from './server.js';

/**
 * The sandbox's public entry: the one module of src/sandbox the CLI side may import (test/architecture
 * holds that). Start a sandbox, read its options, find one already running. It stays light: the
 * server and its services load only when a sandbox starts, so `upload-lab --help` does not pay for them.
 */

export { runningSandboxEndpoint } from './health.js';
export { OPTION_ENV, sandboxOptionsFromEnv } from './options.js';
export type { Sandbox, SandboxOptions };

/** Starts every service on one port. Throws DataDirLockedError when another process holds the data dir. */
export async function startSandbox(options: Partial<SandboxOptions> & { dataDir: string }): Promise<Sandbox> {
  const server = await import('./server.js');
  return server.startSandbox(options);
}
