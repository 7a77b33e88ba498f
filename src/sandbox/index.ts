import type { SandboxOptions } from './options.js';
import type { Sandbox } from './server.js';

/**
 * The sandbox's public entry: the one module of src/sandbox the CLI side may import (test/architecture
 * holds that). Start a sandbox, read its options, find one already running. It stays light (cli.ts
 * imports it for the help text): the rest loads only when a sandbox is started or looked for.
 */

export { OPTION_ENV, sandboxOptionsFromEnv } from './options.js';
export type { Sandbox, SandboxOptions };

/** Starts every service on one port. Throws DataDirLockedError when another process holds the data dir. */
export async function startSandbox(options: Partial<SandboxOptions> & { dataDir: string }): Promise<Sandbox> {
  const server = await import('./server.js');
  return server.startSandbox(options);
}

/** The endpoint of the sandbox already serving `dataDir`, if one is (a learner's `upload-lab sandbox`). */
export async function runningSandboxEndpoint(dataDir: string): Promise<string | undefined> {
  const health = await import('./health.js');
  return health.runningSandboxEndpoint(dataDir);
}
