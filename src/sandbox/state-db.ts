import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { fsyncDirAsync } from '../common/atomic-file.js';
import { DataDirLockedError, readLock } from './persist.js';

/** The key spaces of the state database: one prefix per kind of record, each owned by one service. */
export const RECORDS = {
  s3Buckets: 's3/bucket/',
  /** `<bucket>/<key>`: bucket names hold no '/'. */
  s3Objects: 's3/object/',
  /** `<bucket>/<body>`: the bytes of small objects (see S3Store), read when asked for, never loaded at open. */
  s3Bodies: 's3/body/',
  /** S3 event deliveries not yet done: unfinished work, resumed at start. */
  s3Deliveries: 's3/delivery/',
  iamRoles: 'iam/role/',
  iamPolicies: 'iam/policy/',
  /** `<region>/<name>`. */
  lambdaFunctions: 'lambda/function/',
  /** Asynchronous invocations accepted and not over (Invoke `Event`, S3 events): unfinished work, resumed at start. */
  lambdaInvocations: 'lambda/async/',
  /** `<region>/<table>`, for each table with DeletionProtectionEnabled. */
  dynamodbProtectedTables: 'dynamodb/protected/',
} as const;

/** A staged change: a JSON record, a record of bytes (`putBytes`), or a deletion. */
type Change = string | Buffer | undefined;

/** The first key after every key that starts with `prefix` (its last character's successor). */
function pastPrefix(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * The sandbox's own records (S3's buckets, object index, small objects' bytes and pending event
 * deliveries, IAM, Lambda's functions and queued asynchronous invocations) in one LevelDB under
 * `<dataDir>/state`, through classic-level, the binding dynalite
 * already ships. Why not JSON files rewritten on each change: a change here is a synced batch
 * appended to LevelDB's log (an fsync of a few hundred bytes, not a rewrite of a whole index that
 * grows with every object), a batch is atomic (an object's index entry and its event delivery land
 * together or not at all), and the database's LOCK is an fcntl lock the kernel drops when its process
 * dies: it serves as the data dir's lock, with no pid to go stale or be reused.
 *
 * Services keep their state in memory, as before, and stage each change here (`put`, `del`). Staged
 * changes are written in group commits (what every request staged while the previous write was on
 * its way goes in the next one), and the router answers a request only once `settled()` says that
 * everything staged until then is on disk.
 */
export class StateDb {
  private staged = new Map<string, Change>();
  /** The changes of the write on its way to disk: not readable from the database until it is done. */
  private writing = new Map<string, Change>();
  private afterWrite: (() => void)[] = [];
  private dirsToSync = new Set<string>();
  /** The last write, its failure already reported: what the next one waits for. */
  private tail: Promise<void> = Promise.resolve();
  /** The write that will carry what is staged now, once one is scheduled. */
  private queued: Promise<void> | undefined;
  /**
   * The write on its way to disk, until it settles: what a caller that staged nothing since it
   * started waits for, failure included (a change staged before it may be in it).
   */
  private inFlight: Promise<void> | undefined;

  private constructor(
    private readonly db: ClassicLevel<string, string>,
    private readonly loaded: Map<string, string>,
  ) {}

  /** Opens (and so locks) the data dir's state. Throws DataDirLockedError when another sandbox holds it. */
  static async open(dataDir: string): Promise<StateDb> {
    const db = new ClassicLevel<string, string>(join(dataDir, 'state'), { valueEncoding: 'utf8' });
    try {
      await db.open();
    } catch (error) {
      if ((error as { cause?: { code?: string } }).cause?.code === 'LEVEL_LOCKED') throw new DataDirLockedError(dataDir, readLock(dataDir));
      throw error;
    }
    const loaded = new Map<string, string>();
    // Object bytes stay on disk until asked for (`bytes`): everything else is loaded.
    for (const range of [{ lt: RECORDS.s3Bodies }, { gte: pastPrefix(RECORDS.s3Bodies) }]) {
      for await (const [key, value] of db.iterator(range)) loaded.set(key, value);
    }
    return new StateDb(db, loaded);
  }

  /** Whether records under a prefix were found when the state was opened (and not taken yet). */
  holds(prefix: string): boolean {
    for (const key of this.loaded.keys()) if (key.startsWith(prefix)) return true;
    return false;
  }

  /** The records found under a prefix when the state was opened, in key order. Each prefix is taken once, by the service that owns it. */
  take<T>(prefix: string): [string, T][] {
    const found: [string, T][] = [];
    for (const [key, value] of this.loaded) {
      if (!key.startsWith(prefix)) continue;
      found.push([key.slice(prefix.length), JSON.parse(value) as T]);
      this.loaded.delete(key);
    }
    return found;
  }

  put(key: string, value: unknown): void {
    this.staged.set(key, JSON.stringify(value));
    void this.settled();
  }

  /** Stages a record of raw bytes, read back with `bytes` (never loaded at open: see RECORDS.s3Bodies). */
  putBytes(key: string, bytes: Buffer): void {
    this.staged.set(key, bytes);
    void this.settled();
  }

  del(key: string): void {
    this.staged.set(key, undefined);
    void this.settled();
  }

  /** A record saved with `putBytes`, as last staged: a change not yet on disk is read from memory. */
  bytes(key: string): Promise<Buffer | undefined> {
    for (const changes of [this.staged, this.writing]) {
      if (changes.has(key)) return Promise.resolve(changes.get(key) as Buffer | undefined);
    }
    return this.db.get<string, Buffer>(key, { valueEncoding: 'buffer' });
  }

  /**
   * Has the next write fsync this directory before its records: a file just created there (and
   * fsync'ed) is then named by a saved record only once its directory entry is on disk too. One
   * fsync per directory serves every file a group commit carries.
   */
  syncDirBeforeCommit(dir: string): void {
    this.dirsToSync.add(dir);
    void this.settled();
  }

  /**
   * Runs `action` once what is staged now is on disk, before the requests waiting on it are answered:
   * how a superseded file (an overwritten object's body, a zip no function uses any more) goes only
   * after no saved record can name it, and how the Logs index is saved before its change is answered. If the write
   * fails the action is skipped; the file is then an orphan, removed at the next start.
   */
  afterCommit(action: () => void): void {
    this.afterWrite.push(action);
    void this.settled();
  }

  /** Resolves once everything staged so far is on disk; rejects if that write failed. */
  settled(): Promise<void> {
    if (this.queued) return this.queued;
    if (this.staged.size === 0 && this.afterWrite.length === 0 && this.dirsToSync.size === 0) return this.inFlight ?? this.tail;
    const write = this.tail.then(() => this.write());
    this.queued = write;
    this.inFlight = write;
    const settle = () => {
      if (this.inFlight === write) this.inFlight = undefined;
    };
    write.then(settle, settle);
    this.tail = write.catch((error: unknown) => console.error('[sandbox] could not save the sandbox state:', error));
    return write;
  }

  async close(): Promise<void> {
    await this.tail;
    await this.db.close();
  }

  private async write(): Promise<void> {
    this.queued = undefined;
    const operations = [...this.staged].map(([key, value]) =>
      value === undefined
        ? { type: 'del' as const, key }
        : typeof value === 'string'
          ? { type: 'put' as const, key, value }
          : { type: 'put' as const, key, value: value as unknown as string, valueEncoding: 'buffer' },
    );
    const actions = this.afterWrite;
    const dirs = this.dirsToSync;
    this.writing = this.staged;
    this.staged = new Map();
    this.afterWrite = [];
    this.dirsToSync = new Set();
    try {
      await Promise.all([...dirs].map(fsyncDirAsync));
      if (operations.length) await this.db.batch(operations, { sync: true });
    } finally {
      this.writing = new Map();
    }
    for (const action of actions) {
      try {
        action();
      } catch (error) {
        // A superseded file left behind goes at the next start; an index left unsaved is saved at the next change.
        console.error('[sandbox] a step after saving the state failed:', error);
      }
    }
  }
}
