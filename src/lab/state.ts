import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { toolHome } from '../paths.js';
import { writeFileAtomic } from '../common/atomic-file.js';

/**
 * The resources the lab can create, each recorded by name the moment it exists. Resources that
 * cannot carry a tag (a notification rule, a permission statement, an inline policy) are the lab's
 * only because they are recorded here; the others are also tagged `upload-lab`.
 */
export type ResourceKind = 'bucket' | 'table' | 'role' | 'rolePolicy' | 'function' | 'logGroup' | 'permission' | 'notificationRule' | 'demoFunction';

/** An object the lab uploaded (setup's and verify's test file), and the table its item went to. */
export interface Upload {
  bucket: string;
  key: string;
  table: string;
  /** The ETag S3 gave the upload: the item the function wrote for it carries the same, a later one another. */
  etag?: string;
  /** Only an item, under a key no object has (`upload-lab demo` invokes the functions directly). */
  itemOnly?: true;
}

export interface StateData {
  version: 1;
  /** `aws`, `local:<data dir>` or the endpoint URL: where the resources live. */
  target: string;
  account: string;
  region: string;
  /** The names setup used, so teardown and a resumed setup find the same lab without options. */
  names?: { bucket: string; table: string; function: string; role: string };
  created: Partial<Record<ResourceKind, string>>;
  /**
   * Recorded, but their creation (with its tag) not yet confirmed: a command killed between
   * CreateBucket and PutBucketTagging leaves a bucket of the lab's without the tag, which teardown must
   * still recognise (an untagged resource is otherwise a look-alike) and a rerun of setup tags.
   */
  pending?: ResourceKind[];
  /** Objects the lab uploaded (removed on teardown, even from a bucket the learner brought, while they are still the lab's). */
  uploads: Upload[];
}

/** A short, file-name-safe digest of a target (`aws`, `local:<dir>`, an endpoint URL). */
export const targetHash = (target: string) => createHash('sha256').update(target).digest('hex').slice(0, 12);

export class CorruptStateError extends Error {
  constructor(readonly file: string, readonly setAside: string, cause: unknown) {
    super(`The state file ${file} could not be read (${cause instanceof Error ? cause.message : String(cause)}); it was moved to ${setAside}.`, { cause });
    this.name = 'CorruptStateError';
  }
}

/**
 * What this lab created, on disk under toolHome(), one file per target + account + region. Every
 * change is a read-modify-write of the file, written atomically: a setup killed between two calls
 * leaves a file that names everything it created, so a rerun resumes and a teardown removes exactly
 * that, and a change made by another process in between (the command lock serializes commands, but
 * `learn` and `demo` record too) is kept rather than overwritten.
 */
export class StateStore {
  private constructor(
    readonly file: string,
    private data: StateData,
    /** Where a corrupt file was moved when the store was opened: the command says so and goes on. */
    readonly corrupt: CorruptStateError | undefined,
  ) {}

  static open(target: string, account: string, region: string, home = toolHome()): StateStore {
    const file = join(home, 'state', `${account}-${region}-${targetHash(target)}.json`);
    const fresh = (): StateData => ({ version: 1, target, account, region, created: {}, uploads: [] });
    try {
      return new StateStore(file, readState(file) ?? fresh(), undefined);
    } catch (error) {
      const setAside = `${file}.corrupt-${new Date().toISOString().replaceAll(':', '-')}`;
      renameSync(file, setAside);
      return new StateStore(file, fresh(), new CorruptStateError(file, setAside, error));
    }
  }

  get names(): StateData['names'] {
    return this.data.names;
  }

  created(kind: ResourceKind): string | undefined {
    return this.data.created[kind];
  }

  get uploads(): readonly Upload[] {
    return this.data.uploads;
  }

  /** True when nothing is recorded: teardown has nothing to do. */
  get empty(): boolean {
    return Object.keys(this.data.created).length === 0 && this.data.uploads.length === 0;
  }

  setNames(names: NonNullable<StateData['names']>): void {
    this.update((data) => {
      data.names = names;
    });
  }

  record(kind: ResourceKind, name: string): void {
    this.update((data) => {
      data.created[kind] = name;
    });
  }

  /** Recorded before its creation starts; `confirm` once it exists with its tag. */
  recordPending(kind: ResourceKind, name: string): void {
    this.update((data) => {
      data.created[kind] = name;
      data.pending = [...(data.pending ?? []).filter((k) => k !== kind), kind];
    });
  }

  confirm(kind: ResourceKind): void {
    this.update((data) => {
      data.pending = (data.pending ?? []).filter((k) => k !== kind);
      if (data.pending.length === 0) delete data.pending;
    });
  }

  /** Created by the lab, possibly before it could be tagged. */
  isPending(kind: ResourceKind): boolean {
    return (this.data.pending ?? []).includes(kind);
  }

  forget(kind: ResourceKind): void {
    this.update((data) => {
      delete data.created[kind];
      data.pending = (data.pending ?? []).filter((k) => k !== kind);
      if (data.pending.length === 0) delete data.pending;
    });
  }

  /** Records an upload before it is made (so a kill right after leaves it recorded); `etag` once S3 answered. */
  recordUpload(upload: Upload): void {
    this.update((data) => {
      data.uploads = [...data.uploads.filter((u) => !sameObject(u, upload)), upload];
    });
  }

  forgetUpload(upload: Pick<Upload, 'bucket' | 'key'>): void {
    this.update((data) => {
      data.uploads = data.uploads.filter((u) => !sameObject(u, upload));
    });
  }

  /**
   * Read, change, write: the file as it is now (another process may have recorded something since
   * this one read it), changed, then saved. An empty record is removed, so a second teardown finds
   * nothing and says so. A file that became unreadable meanwhile is overwritten with this one's view.
   */
  private update(change: (data: StateData) => void): void {
    let current: StateData;
    try {
      current = readState(this.file) ?? { ...this.data, created: {}, uploads: [] };
    } catch {
      current = this.data;
    }
    change(current);
    this.data = current;
    if (this.empty) rmSync(this.file, { force: true });
    else writeFileAtomic(this.file, JSON.stringify(this.data, null, 2) + '\n');
  }
}

const sameObject = (a: Pick<Upload, 'bucket' | 'key'>, b: Pick<Upload, 'bucket' | 'key'>) => a.bucket === b.bucket && a.key === b.key;

/** The file's content, undefined when there is none; throws when it is not a state file this tool wrote. */
function readState(file: string): StateData | undefined {
  if (!existsSync(file)) return undefined;
  const data = JSON.parse(readFileSync(file, 'utf8')) as StateData;
  const valid =
    data !== null &&
    typeof data === 'object' &&
    data.version === 1 &&
    typeof data.created === 'object' &&
    data.created !== null &&
    Array.isArray(data.uploads) &&
    data.uploads.every((u) => typeof u === 'object' && u !== null && typeof u.bucket === 'string' && typeof u.key === 'string' && typeof u.table === 'string');
  if (!valid) throw new Error('it is not an upload-lab state file of this version');
  return data;
}
