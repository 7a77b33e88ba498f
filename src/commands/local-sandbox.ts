import { defaultSandboxDataDir } from '../paths.js';
import { runningSandboxEndpoint, sandboxOptionsFromEnv, startSandbox } from '../sandbox/index.js';

export interface LocalSandbox {
  endpoint: string;
  /** True when this process started it (and so must close it); false when a running `upload-lab sandbox` serves it. */
  inProcess: boolean;
  close(): Promise<void>;
}

/**
 * What `--local` runs against: the sandbox already serving this data dir (a learner's
 * `upload-lab sandbox` in another terminal), else one started in this process on a free loopback port.
 * Either way the world is the same: the state lives in the data dir.
 */
export async function openLocalSandbox(dataDir = defaultSandboxDataDir()): Promise<LocalSandbox> {
  const running = await runningSandboxEndpoint(dataDir);
  if (running) return { endpoint: running, inProcess: false, close: async () => {} };
  const sandbox = await startSandbox({ ...sandboxOptionsFromEnv(), dataDir, port: 0 });
  return { endpoint: sandbox.endpoint, inProcess: true, close: () => sandbox.close() };
}
