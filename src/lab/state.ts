import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { toolHome } from '../paths.js';
import { writeFileAtomic } from '../shared/atomic-file.js';

/** The resources the lab can create, each recorded by name the moment it exists. */
export type ResourceKind = 'bucket' | 'table' | 'role' | 'rolePolicy' | 'function' | 'permission' | 'notificationRule' | 'demoFunction';

export interface StateData {
  version: 1;
  /** `aws`, `local:<data dir>` or the endpoint URL: where the resources live. */
  target: string;
  account: string;
  region: string;
  /** The names setup used, so teardown and a resumed setup find the same lab without options. */
  names?: { bucket: string; table: string; function: string; role: string };
  created: Partial<Record<ResourceKind, string>>;
  /** Object keys the lab uploaded to the bucket (removed on teardown even from a bucket the learner brought). */
  uploads: string[];
}

/**
 * What this lab created, on disk under toolHome(), one file per target + account + region. Every
 * change is written at once (atomically): a setup killed between two calls leaves a file that names
 * everything it created, so a rerun resumes and a teardown removes exactly that.
 */
export class StateStore {
  private constructor(
    readonly file: string,
    private data: StateData,
  ) {}

  static open(target: string, account: string, region: string, home = toolHome()): StateStore {
    const file = join(home, 'state', `${account}-${region}-${createHash('sha256').update(target).digest('hex').slice(0, 12)}.json`);
    const data = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as StateData)
      : { version: 1 as const, target, account, region, created: {}, uploads: [] };
    return new StateStore(file, data);
  }

  get names(): StateData['names'] {
    return this.data.names;
  }

  created(kind: ResourceKind): string | undefined {
    return this.data.created[kind];
  }

  get uploads(): readonly string[] {
    return this.data.uploads;
  }

  /** True when nothing is recorded: teardown has nothing to do. */
  get empty(): boolean {
    return Object.keys(this.data.created).length === 0 && this.data.uploads.length === 0;
  }

  setNames(names: NonNullable<StateData['names']>): void {
    this.data.names = names;
    this.save();
  }

  record(kind: ResourceKind, name: string): void {
    this.data.created[kind] = name;
    this.save();
  }

  forget(kind: ResourceKind): void {
    delete this.data.created[kind];
    this.save();
  }

  recordUpload(key: string): void {
    if (!this.data.uploads.includes(key)) this.data.uploads.push(key);
    this.save();
  }

  forgetUpload(key: string): void {
    this.data.uploads = this.data.uploads.filter((k) => k !== key);
    this.save();
  }

  forgetUploads(): void {
    this.data.uploads = [];
    this.save();
  }

  /** An empty record is removed, so a second teardown finds nothing and says so. */
  private save(): void {
    if (this.empty) rmSync(this.file, { force: true });
    else writeFileAtomic(this.file, JSON.stringify(this.data, null, 2) + '\n');
  }
}
