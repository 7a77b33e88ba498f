import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-file.js';
import { currentProcess, isProcessRunning, type ProcessIdentity } from '../common/process-identity.js';

/**
 * A service's state as one JSON document in the data dir. Mutations call `changed()`; `flush()` writes
 * it (atomically, fsync'ed) if anything changed since the last write. Writes are coalesced: a burst of
 * 500 uploads must not rewrite the file 500 times. With `commit`, the owner ties each change to the
 * sandbox's answers (see LogStore): the write then happens before the request that made the change is
 * answered; without it, 100 ms after the first change.
 */
export class JsonState<T> {
  readonly data: T;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(
    private readonly file: string,
    initial: () => T,
    private readonly commit?: (write: () => void) => void,
    private readonly delayMs = 100,
  ) {
    this.data = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : initial();
  }

  changed(): void {
    if (this.dirty) return;
    this.dirty = true;
    if (this.commit) {
      this.commit(() => this.flush());
      return;
    }
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    writeFileAtomic(this.file, JSON.stringify(this.data));
  }
}

/** Who serves a data dir, as `sandbox.lock` tells other processes (the lock itself is the state database's, see state-db.ts). */
export interface LockInfo extends ProcessIdentity {
  endpoint?: string;
}

export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string, readonly holder: LockInfo | undefined) {
    super(
      `The sandbox data dir ${dataDir} is in use by ${holder ? `process ${holder.pid}` : 'another process'}` +
        (holder?.endpoint ? ` (serving ${holder.endpoint})` : '') +
        '. Stop that sandbox, or give this one another --data-dir.',
    );
    this.name = 'DataDirLockedError';
  }
}

export function lockFile(dataDir: string): string {
  return join(dataDir, 'sandbox.lock');
}

/** Who holds the data dir now, if a live process does (a file left by a killed sandbox, or naming a reused pid, is ignored). */
export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockFile(dataDir), 'utf8')) as LockInfo;
    return isProcessRunning(info) ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Tells other processes that this one serves the data dir (called only while holding its lock). */
export function announceHolder(dataDir: string, endpoint?: string): void {
  const info: LockInfo = { ...currentProcess(), ...(endpoint ? { endpoint } : {}) };
  writeFileAtomic(lockFile(dataDir), JSON.stringify(info));
}

/** Removes the announcement; called before the lock is released, so it never removes a successor's. */
export function withdrawHolder(dataDir: string): void {
  rmSync(lockFile(dataDir), { force: true });
}
