import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/atomic-file.js';
import { currentProcess, isProcessRunning, type ProcessIdentity } from '../common/process-identity.js';

/**
 * A service's state as one JSON document in the data dir. Mutations call `changed()`, which hands
 * `commit` a flush; the first flush of a burst writes the whole document (atomic, fsync'ed) and the
 * others find nothing to write, so a burst of changes answered together costs one write. The sandbox's commit is its state database's afterCommit
 * (see LogStore): the write then lands before the request that made the change is answered.
 */
export class JsonState<T> {
  readonly data: T;
  private dirty = false;

  constructor(private readonly file: string, initial: () => T, private readonly commit: (write: () => void) => void) {
    this.data = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : initial();
  }

  changed(): void {
    // Handed over at every change, not only the first: a commit whose write failed drops its
    // actions, and the next change must still get the document saved. Extra flushes in one commit
    // find it clean and write nothing.
    this.dirty = true;
    this.commit(() => this.flush());
  }

  /** Writes the document now if it changed since the last write. */
  flush(): void {
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
  // No fsync: the announcement describes this process, which a power cut ends as surely as it would
  // lose the file (readers check the process is still running); the rename alone keeps it whole.
  writeFileAtomic(lockFile(dataDir), JSON.stringify(info), { durable: false });
}

/** Removes the announcement; called before the lock is released, so it never removes a successor's. */
export function withdrawHolder(dataDir: string): void {
  rmSync(lockFile(dataDir), { force: true });
}
