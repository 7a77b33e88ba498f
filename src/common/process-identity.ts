import { readFileSync } from 'node:fs';

/**
 * One process, named for good: a pid alone can be reused by a later process, so a lock file records the
 * pid and, where the system tells it (Linux's /proc), when that process started. Both the CLI's command
 * lock and the sandbox's data-dir announcement use it to tell a live holder from a stale file.
 */
export interface ProcessIdentity {
  pid: number;
  /** `/proc/<pid>/stat` field 22: the start time in clock ticks since boot. */
  startTime?: string;
}

/** When the process started, in clock ticks since boot; undefined where /proc is absent or the process is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces or ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** This process's identity, to write into a lock file. */
export function currentProcess(): ProcessIdentity {
  const startTime = processStartTime(process.pid);
  return { pid: process.pid, ...(startTime ? { startTime } : {}) };
}

/** Is the process a lock file names still running, and the same one (not a later process with its pid)? */
export function isProcessRunning(holder: ProcessIdentity): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.startTime === undefined) return true;
  const now = processStartTime(holder.pid);
  return now === undefined || now === holder.startTime;
}
