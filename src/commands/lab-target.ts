import { defaultSandboxDataDir } from '../paths.js';
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
  /** Stops the in-process sandbox, if this command started one. */
  close(): Promise<void>;
}

/** Chooses the target from --local / --endpoint-url, starting (or finding) the local sandbox for --local. */
export async function openTarget(options: Pick<ValidOptions, 'local' | 'dataDir' | 'endpointUrl'>): Promise<LabTarget> {
  if (options.local) {
    const { openLocalSandbox } = await import('./local-sandbox.js');
    const dataDir = options.dataDir ?? defaultSandboxDataDir();
    const sandbox = await openLocalSandbox(dataDir);
    // Keyed by the data dir, not the endpoint: an in-process sandbox gets a new port every run.
    return { kind: 'local', endpoint: sandbox.endpoint, inProcess: sandbox.inProcess, dataDir, stateKey: `local:${dataDir}`, close: () => sandbox.close() };
  }
  const endpoint = options.endpointUrl;
  const none = async () => {};
  return endpoint ? { kind: 'endpoint', endpoint, inProcess: false, stateKey: endpoint, close: none } : { kind: 'aws', inProcess: false, stateKey: 'aws', close: none };
}
