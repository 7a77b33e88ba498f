import { readLock } from './persist.js';

/** The sandbox answers here, on any port, so a client can tell it from another AWS-compatible endpoint. */
export const HEALTH_PATH = '/_upload-lab/health';

/** What HEALTH_PATH answers. */
export function healthAnswer(): string {
  return JSON.stringify({ sandbox: 'upload-lab', pid: process.pid });
}

/**
 * The endpoint of the sandbox serving `dataDir` now (a learner's `upload-lab sandbox` in another
 * terminal), if one does: the data dir's lock names it, and its health answer proves it is still ours.
 */
export async function runningSandboxEndpoint(dataDir: string): Promise<string | undefined> {
  const endpoint = readLock(dataDir)?.endpoint;
  return endpoint && (await isSandbox(endpoint)) ? endpoint : undefined;
}

async function isSandbox(endpoint: string): Promise<boolean> {
  try {
    const answer = await fetch(endpoint + HEALTH_PATH, { signal: AbortSignal.timeout(1000) });
    return answer.ok && ((await answer.json()) as { sandbox?: string }).sandbox === 'upload-lab';
  } catch {
    return false;
  }
}
