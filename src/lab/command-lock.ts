import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { currentProcess, isProcessRunning, type ProcessIdentity } from '../common/process-identity.js';

/**
 * One upload-lab command at a time per lab target (the state file and, for --local, the data dir and
 * its in-process sandbox): two `--local` setups at once would otherwise share one sandbox that the
 * first closes under the second, and write one state file from two views of it.
 *
 * The lock is a file created with O_EXCL holding the owner's pid and its start time, so a lock left
 * by a killed command is recognised as stale even when its pid has been reused since. Breaking a
 * stale lock is itself guarded by a second exclusive file, so two waiters cannot both break it and
 * then both take it.
 */
export interface CommandLock {
  release(): void;
}

type Holder = ProcessIdentity;

export interface LockWaiting {
  /** Called once, when another live command holds the lock and this one starts waiting. */
  onWait(pid: number): void;
  /** How often to look again. */
  pollMs?: number;
}

export async function acquireCommandLock(file: string, waiting: LockWaiting): Promise<CommandLock> {
  mkdirSync(dirname(file), { recursive: true });
  const me = currentProcess();
  let told = false;
  for (;;) {
    if (tryCreate(file, me)) {
      return {
        release: () => {
          // Only our own lock: a release after a stale-lock takeover must not remove the new holder's.
          if (sameHolder(readHolder(file), me)) rmSync(file, { force: true });
        },
      };
    }
    const holder = readHolder(file);
    if (holder && isProcessRunning(holder)) {
      if (!told) waiting.onWait(holder.pid);
      told = true;
      await sleep(waiting.pollMs ?? 100);
    } else {
      breakStale(file, holder);
    }
  }
}

function tryCreate(file: string, me: Holder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes the lock if it still holds the stale holder we read. A lock file being written (empty or
 * half-written, so unreadable) is given a moment: it is stale only once it is older than a second.
 */
function breakStale(file: string, seen: Holder | undefined): void {
  const guard = `${file}.break`;
  if (!seen && ageMs(file) < 1000) return;
  if (ageMs(guard) > 5000) rmSync(guard, { force: true }); // left by a waiter killed while breaking
  if (!tryCreate(guard, { pid: process.pid })) return;
  try {
    const now = readHolder(file);
    if (sameHolder(now, seen)) {
      // Renamed away, then removed: the unlink of a path cannot hit a lock created after our check.
      const doomed = `${file}.stale-${process.pid}`;
      try {
        renameSync(file, doomed);
        rmSync(doomed, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  } finally {
    rmSync(guard, { force: true });
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Holder;
    return typeof holder.pid === 'number' ? holder : undefined;
  } catch {
    return undefined;
  }
}

const sameHolder = (a: Holder | undefined, b: Holder | undefined) => a?.pid === b?.pid && a?.startTime === b?.startTime;

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}
