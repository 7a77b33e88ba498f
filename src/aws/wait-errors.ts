import { LabError } from '../errors.js';

/**
 * A wait for AWS (a table becoming ACTIVE, a function finishing an update, a table finishing its
 * deletion) that ran out of --timeout. It says what it waited for, how long, what it saw last and what
 * to do: it is AWS being slow, not a bug of the tool.
 */
export function waitTimedOut(what: string, timeoutMs: number, lastSeen: string | undefined, cause?: unknown): LabError {
  const seconds = Math.round(timeoutMs / 1000);
  return new LabError(
    'WaitTimedOut',
    `Gave up waiting for ${what}: not done within the ${seconds} s timeout${lastSeen ? `; it is still ${lastSeen}` : ''}.`,
    `AWS is sometimes slower than that: rerun with a longer --timeout (e.g. --timeout ${Math.max(seconds * 2, 60)}); setup picks up where it stopped. If it stays ${lastSeen ?? 'that way'} for minutes, look at it in the AWS console.`,
    'aws',
    { cause },
  );
}
