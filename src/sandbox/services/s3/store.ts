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
  /** The name of this version's bytes: a new one for every write. */
  body: string;
  /**
   * The bytes are the state database's record `s3/body/<bucket>/<body>`, saved in the same commit as
   * this entry (objects up to BODY_IN_STATE_BYTES); without it, they are the file `body` in the
   * bucket's folder.
   */
  inState?: true;
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
 * Objects up to this size keep their bytes in the state database, in the same synced batch as their
 * index entry (and event deliveries): an upload then costs one append to the database's log, shared
 * with the requests committed with it, where a file of its own cost a new inode's fsync and its
 * directory's (measured on ext4: ~0.8 ms a file, against ~0.2 ms for an append). Larger objects are
 * files, whose bytes cost more to write than their fsyncs; the crash test uploads both sizes.
 */
export const BODY_IN_STATE_BYTES = 64 * 1024;

/**
 * Buckets and the object index are records in the sandbox's state database, one per bucket and one
 * per object (so a write costs the same in a bucket of ten objects or of ten thousand). A small
 * object's bytes are a record of that database too, written in the same atomic batch as its index
 * entry and removed in the same batch as the entry that supersedes it. A larger object's bytes are
 * a file, and the order of writes is what keeps a crash from mixing states:
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

  bucketCount(): number {
    return Object.keys(this.buckets).length;
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

  /**
   * Names a new version's bytes, for `putObject`: a large body is written to a new file now, a small
   * one goes to the state database with the index entry.
   */
  async saveBody(bucketName: string, bytes: Buffer): Promise<Pick<ObjectRecord, 'body' | 'inState'>> {
    const name = randomUUID();
    if (bytes.length <= BODY_IN_STATE_BYTES) return { body: name, inState: true };
    const dir = join(this.bodiesDir, bucketName);
    const created = await mkdir(dir, { recursive: true });
    const file = await open(join(dir, name), 'wx');
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    for (const parent of [dir, ...parentsOfCreated(dir, created)]) this.state.syncDirBeforeCommit(parent);
    return { body: name };
  }

  /** Makes `record` (whose body `saveBody` named) the key's object; `bytes` are saved with it when they go in the state database. */
  putObject(bucket: BucketRecord, bucketName: string, key: string, record: ObjectRecord, bytes: Buffer): void {
    const previous = this.object(bucket, key);
    bucket.objects[key] = record;
    if (record.inState) this.state.putBytes(this.bodyKey(bucketName, record), bytes);
    this.state.put(`${RECORDS.s3Objects}${bucketName}/${key}`, record);
    if (previous) this.removeBody(bucketName, previous);
  }

  /**
   * The key's object and its bytes, or undefined when there is none. Bytes in the state database are
   * read asynchronously, and an overwrite or a deletion may remove them meanwhile: the read then
   * starts over with what the key holds now, as S3 serves a GET the version current when it reads.
   */
  async readObject(bucketName: string, key: string): Promise<{ record: ObjectRecord; bytes: Buffer } | undefined> {
    for (;;) {
      const record = this.bucket(bucketName)?.objects[key];
      if (!record) return undefined;
      const bytes = record.inState ? await this.state.bytes(this.bodyKey(bucketName, record)) : readFileSync(this.bodyFile(bucketName, record));
      if (bytes) return { record, bytes };
      if (this.bucket(bucketName)?.objects[key] === record) throw new Error(`the bytes of s3://${bucketName}/${key} are missing from the state database`);
    }
  }

  deleteObject(bucketName: string, key: string): boolean {
    const bucket = this.bucket(bucketName);
    const record = bucket && this.object(bucket, key);
    if (!record) return false;
    delete bucket.objects[key];
    this.state.del(`${RECORDS.s3Objects}${bucketName}/${key}`);
    this.removeBody(bucketName, record);
    return true;
  }

  /** A superseded version's bytes: a record goes in the same batch as the change, a file once that batch is on disk. */
  private removeBody(bucketName: string, record: ObjectRecord): void {
    if (record.inState) this.state.del(this.bodyKey(bucketName, record));
    else this.state.afterCommit(() => rmSync(this.bodyFile(bucketName, record), { force: true }));
  }

  private bodyKey(bucketName: string, record: ObjectRecord): string {
    return `${RECORDS.s3Bodies}${bucketName}/${record.body}`;
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
