import { isIPv4 } from 'node:net';
import { UsageError, toLabError } from '../errors.js';
import { parsePort } from '../lab/names.js';
import { defaultSandboxDataDir } from '../paths.js';
import { localFlags, messages, sandboxInstructions } from '../report/messages.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../common/defaults.js';
import type { CommandIO } from './run-command.js';

export interface SandboxCommandOptions {
  port?: string;
  host?: string;
  dataDir?: string;
  debug?: boolean;
}

/** 127.0.0.0/8, ::1 and localhost: addresses no other machine can reach. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIPv4(host) && host.startsWith('127.'));
}

/**
 * `upload-lab sandbox`: serves the sandbox in the foreground until `stopped` resolves (SIGINT or
 * SIGTERM in the CLI), then saves and releases the data dir.
 */
export async function sandbox(options: SandboxCommandOptions, io: CommandIO, stopped: Promise<unknown>): Promise<number> {
  try {
    const port = parsePort(options.port ?? String(DEFAULT_PORT));
    const host = options.host ?? DEFAULT_HOST;
    // Any credentials work against the sandbox: it must not be reachable from other machines.
    if (!isLoopback(host)) throw new UsageError(`--host ${host} is not a loopback address.`, 'The sandbox accepts any credentials, so it only listens on loopback: 127.0.0.1 (or another 127.x address), ::1 or localhost.', 'BadHost');
    const dataDir = options.dataDir ?? defaultSandboxDataDir();
    const { sandboxOptionsFromEnv, startSandbox } = await import('../sandbox/index.js');
    const running = await startSandbox({ ...sandboxOptionsFromEnv(), dataDir, host, port });
    io.out.write(`${messages.sandboxServing(running.endpoint, dataDir)}\n\n${sandboxInstructions(running.endpoint, localFlags(dataDir, defaultSandboxDataDir())).join('\n')}\n`);
    await stopped;
    io.out.write(`${messages.sandboxStopping}\n`);
    await running.close();
    io.out.write(`${messages.sandboxStopped}\n`);
    return 0;
  } catch (error) {
    const labError = toLabError(error);
    io.err.write(`Error: ${labError.message}\n${labError.fix ? `fix: ${labError.fix}\n` : ''}`);
    if (options.debug) io.err.write(`${(labError.cause instanceof Error ? labError.cause : labError).stack ?? ''}\n`);
    return labError.exitCode;
  }
}
