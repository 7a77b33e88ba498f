import { defaultSandboxDataDir } from '../paths.js';
import { sandboxOptionsFromEnv } from './options.js';
import { readLock } from './persist.js';
import { HEALTH_PATH, startSandbox } from './server.js';

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
  const holder = readLock(dataDir);
  if (holder?.endpoint && (await isSandbox(holder.endpoint))) {
    return { endpoint: holder.endpoint, inProcess: false, close: async () => {} };
  }
  const sandbox = await startSandbox({ ...sandboxOptionsFromEnv(), dataDir, port: 0 });
  return { endpoint: sandbox.endpoint, inProcess: true, close: () => sandbox.close() };
}

async function isSandbox(endpoint: string): Promise<boolean> {
  try {
    const answer = await fetch(endpoint + HEALTH_PATH, { signal: AbortSignal.timeout(1000) });
    return answer.ok && ((await answer.json()) as { sandbox?: string }).sandbox === 'upload-lab';
  } catch {
    return false;
  }
}
