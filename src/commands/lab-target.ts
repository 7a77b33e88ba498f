import { join } from 'node:path';
import { acquireCommandLock } from '../lab/command-lock.js';
import { targetHash } from '../lab/state.js';
import { defaultSandboxDataDir, toolHome } from '../paths.js';
import type { ValidOptions } from './options.js';

/** Where the lab's resources live: AWS, the local sandbox, or another AWS-compatible endpoint. */
export interface LabTarget {
  kind: 'aws' | 'local' | 'endpoint';
  /** Absent for AWS: the SDK finds the service endpoints itself. */
  endpoint?: string;
  /** --local served by this process: its endpoint is gone when the command ends. */
  inProcess: boolean;
  /** --local: the sandbox's data dir. */
  dataDir?: string;
  /** What the state file is keyed by: `aws`, `local:<data dir>` or the endpoint URL. */
  stateKey: string;
  /** Stops the in-process sandbox, if this command started one, and lets the next command on this target go. */
  close(): Promise<void>;
}

/**
 * Chooses the target from --local / --endpoint-url, starting (or finding) the local sandbox for --local.
 * One command at a time per target: the lock is taken before the in-process sandbox starts, so a second
 * --local command never uses the first's sandbox, which the first closes when it ends. `onWait` hears
 * whose command it waits for.
 */
export async function openTarget(options: Pick<ValidOptions, 'local' | 'dataDir' | 'endpointUrl'>, onWait: (pid: number) => void = () => {}): Promise<LabTarget> {
  const dataDir = options.local ? (options.dataDir ?? defaultSandboxDataDir()) : undefined;
  const endpoint = options.endpointUrl;
  // Keyed by the data dir, not the endpoint: an in-process sandbox gets a new port every run.
  const stateKey = dataDir ? `local:${dataDir}` : (endpoint ?? 'aws');
  const lock = await acquireCommandLock(join(toolHome(), 'locks', `${targetHash(stateKey)}.lock`), { onWait });
  if (!dataDir) {
    const release = async () => lock.release();
    return endpoint ? { kind: 'endpoint', endpoint, inProcess: false, stateKey, close: release } : { kind: 'aws', inProcess: false, stateKey, close: release };
  }
  try {
    const { openLocalSandbox } = await import('./local-sandbox.js');
    const sandbox = await openLocalSandbox(dataDir);
    const close = async () => {
      try {
        await sandbox.close();
      } finally {
        lock.release();
      }
    };
    return { kind: 'local', endpoint: sandbox.endpoint, inProcess: sandbox.inProcess, dataDir, stateKey, close };
  } catch (error) {
    lock.release();
    throw error;
  }
}
