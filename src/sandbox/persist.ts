import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../shared/atomic-file.js';

/**
 * A service's state as one JSON document in the data dir. Mutations call `changed()`; writes are
 * coalesced (a burst of 500 uploads must not rewrite the file 500 times) and `flush()` writes at once,
 * which the sandbox does on close.
 */
export class JsonState<T> {
  readonly data: T;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly file: string, initial: () => T, private readonly delayMs = 100) {
    this.data = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : initial();
  }

  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    writeFileAtomic(this.file, JSON.stringify(this.data));
  }
}

export interface LockInfo {
  pid: number;
  endpoint?: string;
}

export class DataDirLockedError extends Error {
  constructor(readonly dataDir: string, readonly holder: LockInfo) {
    super(
      `The sandbox data dir ${dataDir} is in use by process ${holder.pid}` +
        (holder.endpoint ? ` (serving ${holder.endpoint})` : '') +
        '. Stop that sandbox, or give this one another --data-dir.',
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockFile(dataDir: string): string {
  return join(dataDir, 'sandbox.lock');
}

/** Who holds the data dir now, if a live process does (a stale lock from a killed sandbox is ignored). */
export function readLock(dataDir: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(lockFile(dataDir), 'utf8')) as LockInfo;
    return isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the data dir for this process. LevelDB (under dynalite) and our JSON files must have one writer:
 * two sandboxes on one dir would corrupt each other, so the second one gets a clear error instead.
 */
export function lockDataDir(dataDir: string): { setEndpoint(endpoint: string): void; release(): void } {
  mkdirSync(dataDir, { recursive: true });
  const file = lockFile(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid }));
      closeSync(fd);
      return {
        setEndpoint(endpoint) {
          writeFileAtomic(file, JSON.stringify({ pid: process.pid, endpoint }));
        },
        release() {
          rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(dataDir);
      if (holder) throw new DataDirLockedError(dataDir, holder);
      rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}
