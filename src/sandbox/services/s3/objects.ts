import { objectArn } from '../../../aws-rules/arns.js';
import { AwsError } from '../../aws-error.js';
import { dictionary } from '../../dictionary.js';
import { header, type SandboxResponse } from '../../http.js';
import { S3_NAMESPACE, s3Xml } from '../../protocols/s3-xml.js';
import { asArray } from '../../xml.js';
import { readPayload } from './payload.js';
import { allow, requireBucket, type S3Call, type S3Context } from './request.js';
import type { BucketRecord, ObjectRecord } from './store.js';
import { asRecord, asText, malformedXml, xmlBody } from './xml-input.js';

/** S3 keeps modification times to the second. */
function now(): string {
  return new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
}

/** Request headers S3 stores with an object and answers on GET and HEAD. */
const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-language', 'expires'];

export async function putObject(ctx: S3Context, call: S3Call): Promise<SandboxResponse> {
  allow(ctx, call, 'PutObject', objectArn(call.bucket, call.key));
  requireBucket(ctx, call.bucket);
  const payload = readPayload(call.req);
  const body = await ctx.store.saveBody(call.bucket, payload.bytes);
  const record: ObjectRecord = {
    size: payload.bytes.length,
    etag: payload.md5,
    lastModified: now(),
    ...describedBy(call),
    crc32: payload.crc32,
    ...body,
  };
  if (payload.contentEncoding) record.headers['content-encoding'] = payload.contentEncoding;
  saveObject(ctx, call, 's3:ObjectCreated:Put', record, payload.bytes);
  return {
    status: 200,
    headers: {
      etag: `"${record.etag}"`,
      'x-amz-server-side-encryption': 'AES256',
      'x-amz-checksum-crc32': record.crc32,
      'x-amz-checksum-type': 'FULL_OBJECT',
      'x-amz-id-2': hostId(call.req.requestId),
    },
  };
}

/** Content-Type, user metadata and the stored standard headers, as the request gives them. */
function describedBy(call: S3Call): Pick<ObjectRecord, 'contentType' | 'metadata' | 'headers'> {
  const metadata = dictionary<string>(); // `x-amz-meta-__proto__` is a name like any other
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(call.req.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = text;
    else if (STORED_HEADERS.includes(name)) headers[name] = text;
  }
  return { contentType: header(call.req, 'content-type') || 'binary/octet-stream', metadata, headers };
}

/**
 * Saves the object's index entry and its event deliveries in one go (the same state write), once its
 * bytes are on disk. The bucket is looked up again: it may have been deleted while the bytes were written.
 */
function saveObject(ctx: S3Context, call: S3Call, eventName: string, record: ObjectRecord, bytes: Buffer): void {
  const bucket = requireBucket(ctx, call.bucket);
  ctx.store.putObject(bucket, call.bucket, call.key, record, bytes);
  ctx.events.emit({
    eventName,
    bucket: call.bucket,
    region: bucket.region,
    key: call.key,
    size: record.size,
    eTag: record.etag,
    requestId: call.req.requestId,
    hostId: hostId(call.req.requestId),
    caller: call.req.caller,
  });
}

function requireObject(ctx: S3Context, bucket: BucketRecord, key: string): ObjectRecord {
  const record = ctx.store.object(bucket, key);
  if (!record) throw noSuchKey(key);
  return record;
}

/** The key's object with its bytes, or NoSuchKey. */
async function readObject(ctx: S3Context, bucketName: string, key: string): Promise<{ record: ObjectRecord; bytes: Buffer }> {
  requireBucket(ctx, bucketName);
  const found = await ctx.store.readObject(bucketName, key);
  if (!found) throw noSuchKey(key);
  return found;
}

function noSuchKey(key: string): AwsError {
  return new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { fields: { Key: key } });
}

function objectHeaders(record: ObjectRecord): Record<string, string> {
  const headers: Record<string, string> = {
    etag: `"${record.etag}"`,
    'last-modified': httpDate(record.lastModified),
    'content-type': record.contentType,
    'accept-ranges': 'bytes',
    'x-amz-server-side-encryption': 'AES256',
    ...record.headers,
  };
  for (const [name, value] of Object.entries(record.metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

/** The whole object's checksum, when the client asks for it (the SDK then validates the body against it). */
function checksumHeaders(call: S3Call, record: ObjectRecord): Record<string, string> {
  if (header(call.req, 'x-amz-checksum-mode')?.toUpperCase() !== 'ENABLED') return {};
  return { 'x-amz-checksum-crc32': record.crc32, 'x-amz-checksum-type': 'FULL_OBJECT' };
}

export async function getObject(ctx: S3Context, call: S3Call): Promise<SandboxResponse> {
  allow(ctx, call, 'GetObject', objectArn(call.bucket, call.key));
  const { record, bytes: body } = await readObject(ctx, call.bucket, call.key);
  const { status, headers, range } = objectAnswer(call, record, body.length);
  return { status, headers, body: range ? body.subarray(range.start, range.end + 1) : body };
}

/**
 * The status and headers of a GET or HEAD: the whole object (200), or the part a `Range` asks for (206
 * with Content-Range; HEAD honours Range too, as S3 does). The whole object's checksum is only given
 * for the whole object.
 */
function objectAnswer(call: S3Call, record: ObjectRecord, size: number): { status: number; headers: Record<string, string>; range?: { start: number; end: number } } {
  const range = parseRange(header(call.req, 'range'), size);
  if (!range) return { status: 200, headers: { ...objectHeaders(record), ...checksumHeaders(call, record), 'content-length': String(size) } };
  return {
    status: 206,
    headers: { ...objectHeaders(record), 'content-range': `bytes ${range.start}-${range.end}/${size}`, 'content-length': String(range.end - range.start + 1) },
    range,
  };
}

/**
 * A single `bytes=` range (`a-b`, `a-`, `-n`), clamped to the object. Syntax S3 does not understand
 * (several ranges, other units) is ignored and the whole object served, as S3 does; a range that
 * starts past the end is InvalidRange.
 */
function parseRange(value: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = value ? /^bytes=(\d*)-(\d*)$/.exec(value.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (end < start && start < size) return undefined;
  }
  if (start >= size || size === 0) {
    throw new AwsError('InvalidRange', 'The requested range is not satisfiable', 416, {
      fields: { RangeRequested: value!, ActualObjectSize: String(size) },
    });
  }
  return { start, end };
}

/** HEAD answers the status and headers a GET would, with no body. */
export function headObject(ctx: S3Context, call: S3Call): SandboxResponse {
  allow(ctx, call, 'GetObject', objectArn(call.bucket, call.key));
  const record = requireObject(ctx, requireBucket(ctx, call.bucket), call.key);
  const { status, headers } = objectAnswer(call, record, record.size);
  return { status, headers };
}

/** Deleting a key that does not exist succeeds, as S3 does; only a real removal emits an event. */
export function deleteObject(ctx: S3Context, call: S3Call): SandboxResponse {
  allow(ctx, call, 'DeleteObject', objectArn(call.bucket, call.key));
  const bucket = requireBucket(ctx, call.bucket);
  removeObject(ctx, call, bucket, call.key);
  return { status: 204 };
}

function removeObject(ctx: S3Context, call: S3Call, bucket: BucketRecord, key: string): void {
  if (!ctx.store.deleteObject(call.bucket, key)) return;
  ctx.events.emit({
    eventName: 's3:ObjectRemoved:Delete',
    bucket: call.bucket,
    region: bucket.region,
    key,
    requestId: call.req.requestId,
    hostId: hostId(call.req.requestId),
    caller: call.req.caller,
  });
}

/** DeleteObjects: each key is authorised and removed on its own; a refused key is reported, not fatal. */
export function deleteObjects(ctx: S3Context, call: S3Call): SandboxResponse {
  const bucket = requireBucket(ctx, call.bucket);
  if (header(call.req, 'content-md5') === undefined && !Object.keys(call.req.headers).some((h) => h.startsWith('x-amz-checksum-'))) {
    throw new AwsError('InvalidRequest', 'Missing required header for this request: Content-MD5', 400);
  }
  readPayload(call.req); // checks the body's digest
  const request = xmlBody(call.req.body, 'Delete');
  const keys = asArray(request.Object as unknown).map((o) => asText(asRecord(o).Key));
  if (keys.length === 0 || keys.length > 1000 || keys.some((k) => k === undefined)) throw malformedXml();
  const quiet = asText(request.Quiet)?.toLowerCase() === 'true';
  const deleted: { Key: string }[] = [];
  const errors: { Key: string; Code: string; Message: string }[] = [];
  for (const key of keys as string[]) {
    try {
      allow(ctx, call, 'DeleteObject', objectArn(call.bucket, key));
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      errors.push({ Key: key, Code: error.code, Message: error.message });
      continue;
    }
    removeObject(ctx, call, bucket, key);
    deleted.push({ Key: key });
  }
  return s3Xml({ DeleteResult: { '@xmlns': S3_NAMESPACE, ...(quiet ? {} : { Deleted: deleted }), Error: errors } });
}

/**
 * CopyObject (`x-amz-copy-source: bucket/key`, URL-encoded). Metadata is copied unless
 * `x-amz-metadata-directive: REPLACE`; copying an object onto itself needs REPLACE, as on S3.
 */
export async function copyObject(ctx: S3Context, call: S3Call): Promise<SandboxResponse> {
  const source = parseCopySource(header(call.req, 'x-amz-copy-source')!);
  allow(ctx, call, 'GetObject', objectArn(source.bucket, source.key));
  allow(ctx, call, 'PutObject', objectArn(call.bucket, call.key));
  requireBucket(ctx, call.bucket);
  const { record: original, bytes } = await readObject(ctx, source.bucket, source.key);
  const replace = header(call.req, 'x-amz-metadata-directive')?.toUpperCase() === 'REPLACE';
  if (!replace && source.bucket === call.bucket && source.key === call.key) {
    throw new AwsError(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      400,
    );
  }
  const body = await ctx.store.saveBody(call.bucket, bytes);
  const { inState: _inState, ...copied } = original;
  const record: ObjectRecord = { ...copied, ...(replace ? describedBy(call) : {}), lastModified: now(), ...body };
  saveObject(ctx, call, 's3:ObjectCreated:Copy', record, bytes);
  return s3Xml(
    { CopyObjectResult: { '@xmlns': S3_NAMESPACE, LastModified: record.lastModified, ETag: `"${record.etag}"` } },
    200,
    { 'x-amz-server-side-encryption': 'AES256', 'x-amz-id-2': hostId(call.req.requestId) },
  );
}

function parseCopySource(value: string): { bucket: string; key: string } {
  const path = value.replace(/^\//, '').split('?')[0]!;
  const slash = path.indexOf('/');
  const invalid = () => new AwsError('InvalidArgument', 'Invalid copy source object key', 400, { fields: { ArgumentName: 'x-amz-copy-source', ArgumentValue: value } });
  if (slash <= 0 || slash === path.length - 1) throw invalid();
  try {
    return { bucket: decodeURIComponent(path.slice(0, slash)), key: decodeURIComponent(path.slice(slash + 1)) };
  } catch {
    throw invalid();
  }
}

/** `x-amz-id-2` for success answers; the event record repeats it in responseElements. */
function hostId(requestId: string): string {
  return Buffer.from(requestId).toString('base64');
}

/** An ISO time as HTTP headers spell it (Last-Modified). */
function httpDate(iso: string): string {
  return new Date(iso).toUTCString();
}
