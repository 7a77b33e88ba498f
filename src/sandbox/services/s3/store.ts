import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../shared/atomic-file.js';
import { dictionary } from '../../dictionary.js';
import { JsonState } from '../../persist.js';
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
}

export interface BucketRecord {
  region: string;
  /** ISO time. */
  createdAt: string;
  tags?: Tag[];
  notification?: NotificationConfig;
  objects: Record<string, ObjectRecord>;
}

interface S3State {
  buckets: Record<string, BucketRecord>;
}

/**
 * Buckets and the object index live in one JSON document (coalesced writes, see JsonState); object
 * bodies are files written before the upload is answered, so an acknowledged upload's bytes are on disk.
 * A body's file name is a hash of its key: keys may hold any character, file names may not.
 */
export class S3Store {
  private readonly state: JsonState<S3State>;
  private readonly bodiesDir: string;

  constructor(dataDir: string) {
    const root = join(dataDir, 's3');
    this.state = new JsonState<S3State>(join(root, 'state.json'), () => ({ buckets: dictionary() }));
    const buckets = (this.state.data.buckets = dictionary(this.state.data.buckets));
    for (const bucket of Object.values(buckets)) bucket.objects = dictionary(bucket.objects);
    this.bodiesDir = join(root, 'objects');
  }

  bucketNames(): string[] {
    return Object.keys(this.state.data.buckets).sort();
  }

  bucket(name: string): BucketRecord | undefined {
    return this.state.data.buckets[name];
  }

  createBucket(name: string, region: string): BucketRecord {
    const record: BucketRecord = { region, createdAt: new Date().toISOString(), objects: dictionary() };
    this.state.data.buckets[name] = record;
    this.state.changed();
    return record;
  }

  deleteBucket(name: string): void {
    delete this.state.data.buckets[name];
    rmSync(join(this.bodiesDir, name), { recursive: true, force: true });
    this.state.changed();
  }

  /** Saves a change made to a bucket record in place (tags, notification configuration). */
  touched(): void {
    this.state.changed();
  }

  object(bucket: BucketRecord, key: string): ObjectRecord | undefined {
    return bucket.objects[key];
  }

  putObject(bucketName: string, key: string, body: Buffer, record: ObjectRecord): void {
    writeFileAtomic(this.bodyFile(bucketName, key), body);
    this.bucket(bucketName)!.objects[key] = record;
    this.state.changed();
  }

  readBody(bucketName: string, key: string): Buffer {
    return readFileSync(this.bodyFile(bucketName, key));
  }

  deleteObject(bucketName: string, key: string): boolean {
    const bucket = this.bucket(bucketName);
    if (!bucket?.objects[key]) return false;
    delete bucket.objects[key];
    rmSync(this.bodyFile(bucketName, key), { force: true });
    this.state.changed();
    return true;
  }

  flush(): void {
    this.state.flush();
  }

  private bodyFile(bucketName: string, key: string): string {
    // Bucket names are valid directory names by their own rules (checked at CreateBucket).
    return join(this.bodiesDir, bucketName, createHash('sha256').update(key).digest('hex'));
  }
}
