import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { parentsOfCreated } from '../../../common/atomic-file.js';
import { dictionary } from '../../dictionary.js';
import { RECORDS, type StateDb } from '../../state-db.js';
import type { NotificationConfig } from './notification-config.js';

export interface Tag {
  Key: string;
  Value: string;
}

export interface ObjectRecord {
  size: number;
  /** Hex MD5 without quotes; the wire adds them. */
  etag: string;
  /** ISO time. */
  lastModified: string;
  contentType: string;
  /** `x-amz-meta-*` headers, names lowercased without the prefix. */
  metadata: Record<string, string>;
  /** Standard headers stored with the object and answered on GET/HEAD (cache-control, content-disposition, ...). */
  headers: Record<string, string>;
  /** Base64 CRC32 of the bytes, answered as `x-amz-checksum-crc32`. */
  crc32: string;
  /** The file holding this version's bytes, in the bucket's folder: a new name for every write. */
  body: string;
}

export interface BucketRecord {
  region: string;
  /** ISO time. */
  createdAt: string;
  tags?: Tag[];
  notification?: NotificationConfig;
  objects: Record<string, ObjectRecord>;
}


/**
 * Buckets and the object index are records in the sandbox's state database, one per bucket and one
 * per object (so a write costs the same in a bucket of ten objects or of ten thousand); object bodies
 * are files. The order of writes is what keeps a crash from mixing states:
 * - an upload writes its bytes to a new file (`saveBody`: fsync'ed, off the event loop), then saves
 *   the index entry naming that file (`putObject`, with the directory's fsync before it), then, once
 *   the entry is on disk, removes the file of the version it replaced: a crash leaves the old object
 *   or the new one, each with its own bytes, never new metadata over old bytes;
 * - a deletion saves the index change first and removes the file after: a deleted object cannot
 *   come back, as an entry whose file is gone or as a file with no entry.
 * A file no entry names (a crash between those steps) is removed at the next start.
 */
export class S3Store {
  private readonly buckets = dictionary<BucketRecord>();
  private readonly bodiesDir: string;

  constructor(private readonly state: StateDb, dataDir: string) {
    this.bodiesDir = join(dataDir, 's3', 'bodies');
    for (const [name, bucket] of state.take<Omit<BucketRecord, 'objects'>>(RECORDS.s3Buckets)) {
      this.buckets[name] = { ...bucket, objects: dictionary<ObjectRecord>() };
    }
    for (const [id, record] of state.take<ObjectRecord>(RECORDS.s3Objects)) {
      // Bucket names hold no '/': the first one ends the bucket's name.
      const slash = id.indexOf('/');
      const bucket = this.bucket(id.slice(0, slash));
      if (bucket) bucket.objects[id.slice(slash + 1)] = record;
    }
    this.removeOrphanBodies();
  }

  bucketNames(): string[] {
    return Object.keys(this.buckets).sort();
  }

  bucket(name: string): BucketRecord | undefined {
    return this.buckets[name];
  }

  createBucket(name: string, region: string, tags?: Tag[]): void {
    this.buckets[name] = { region, createdAt: new Date().toISOString(), ...(tags ? { tags } : {}), objects: dictionary<ObjectRecord>() };
    this.saveBucket(name);
  }

  deleteBucket(name: string): void {
    delete this.buckets[name];
    this.state.del(RECORDS.s3Buckets + name);
    this.state.afterCommit(() => rmSync(join(this.bodiesDir, name), { recursive: true, force: true }));
  }

  /** Saves a change made to a bucket record in place (tags, notification configuration). */
  saveBucket(name: string): void {
    const { objects: _objects, ...bucket } = this.bucket(name)!;
    this.state.put(RECORDS.s3Buckets + name, bucket);
  }

  object(bucket: BucketRecord, key: string): ObjectRecord | undefined {
    return bucket.objects[key];
  }

  /** Writes an object's bytes to a new file, for `putObject` to name; returns its name. */
  async saveBody(bucketName: string, bytes: Buffer): Promise<string> {
    const dir = join(this.bodiesDir, bucketName);
    const name = randomUUID();
    const created = await mkdir(dir, { recursive: true });
    const file = await open(join(dir, name), 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    for (const parent of [dir, ...parentsOfCreated(dir, created)]) this.state.syncDirBeforeCommit(parent);
    return name;
  }

  /** Makes `record` (whose body `saveBody` wrote) the key's object. */
  putObject(bucket: BucketRecord, bucketName: string, key: string, record: ObjectRecord): void {
    const previous = this.object(bucket, key);
    bucket.objects[key] = record;
    this.state.put(`${RECORDS.s3Objects}${bucketName}/${key}`, record);
    if (previous) this.state.afterCommit(() => rmSync(this.bodyFile(bucketName, previous), { force: true }));
  }

  readBody(bucketName: string, record: ObjectRecord): Buffer {
    return readFileSync(this.bodyFile(bucketName, record));
  }

  deleteObject(bucketName: string, key: string): boolean {
    const bucket = this.bucket(bucketName);
    const record = bucket && this.object(bucket, key);
    if (!record) return false;
    delete bucket.objects[key];
    this.state.del(`${RECORDS.s3Objects}${bucketName}/${key}`);
    this.state.afterCommit(() => rmSync(this.bodyFile(bucketName, record), { force: true }));
    return true;
  }

  private bodyFile(bucketName: string, record: ObjectRecord): string {
    // Bucket names are valid directory names by their own rules (checked at CreateBucket).
    return join(this.bodiesDir, bucketName, record.body);
  }

  /** Files no index entry names: left by a crash between writing a file and saving (or removing) its entry. */
  private removeOrphanBodies(): void {
    if (!existsSync(this.bodiesDir)) return;
    for (const name of readdirSync(this.bodiesDir)) {
      const bucket = this.bucket(name);
      if (!bucket) {
        rmSync(join(this.bodiesDir, name), { recursive: true, force: true });
        continue;
      }
      const named = new Set(Object.values(bucket.objects).map((o) => o.body));
      for (const file of readdirSync(join(this.bodiesDir, name))) {
        if (!named.has(file)) rmSync(join(this.bodiesDir, name, file), { force: true });
      }
    }
  }
}
