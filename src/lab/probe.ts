import { randomBytes } from 'node:crypto';
import { bucketArn } from '../aws-rules/arns.js';
import { s3UrlEncode } from '../aws-rules/s3-key-encoding.js';
import type { Item } from '../aws/services.js';

/** What the code check's probe sends the function, and what the lab's handler must store for it. */
export interface Probe {
  /** The object key as uploaded: what `object_key` must hold, exactly. */
  key: string;
  /** The part of every probe key that no encoding changes: finds what a handler stored instead. */
  keyPrefix: string;
  event: { Records: object[] };
  /** The other attributes, as the event gives them. */
  expected: Record<MetadataAttribute, string | number>;
}

/**
 * A probe of its own (so it never collides with the learner's items), with a key that needs every
 * decoding step the lesson teaches: a space (`+` in the event), a `+` (`%2B`), a `%` (`%25`) and
 * multi-byte UTF-8 (`ü` is `%C3%BC`). A handler that stores the event's key as it comes, or decodes
 * only part of it, stores another key.
 */
export function probe(input: { bucket: string; region: string; now: number }): Probe {
  const keyPrefix = `incoming/upload-lab-probe-${randomBytes(6).toString('hex')}`;
  const key = `${keyPrefix}/a b+c ünï ß%41.txt`;
  const expected = {
    size: Buffer.byteLength(`upload-lab probe ${key}`),
    etag: randomBytes(16).toString('hex'),
    event_time: new Date(input.now).toISOString(),
    event_name: 'ObjectCreated:Put',
    sequencer: input.now.toString(16).toUpperCase().padStart(16, '0'),
  };
  const event = s3PutEvent({ ...input, key, object: { size: expected.size, eTag: expected.etag, sequencer: expected.sequencer } });
  return { key, keyPrefix, event, expected };
}

/**
 * The S3 event a Lambda receives for one `ObjectCreated:Put`, as test/fixtures/aws-reference/s3-event.json
 * records it, with the key URL-encoded as S3 encodes it. `object` gives the size, ETag and sequencer:
 * the probe's own, or the uploads the demos replay with sequencers of their choosing.
 */
export function s3PutEvent(input: { bucket: string; key: string; region: string; now: number; object: S3ObjectFields }): { Records: object[] } {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: input.region,
        eventTime: new Date(input.now).toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'upload-lab' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'upload-lab-probe', 'x-amz-id-2': 'upload-lab-probe' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'upload-lab-probe',
          bucket: { name: input.bucket, ownerIdentity: { principalId: 'upload-lab' }, arn: bucketArn(input.bucket) },
          object: { key: s3UrlEncode(input.key), ...input.object },
        },
      },
    ],
  };
}

export interface S3ObjectFields {
  size: number;
  eTag: string;
  sequencer: string;
}

/** The attributes the lab's handler stores besides the key, with the DynamoDB type each must have. */
export const METADATA_ATTRIBUTES = { size: 'N', etag: 'S', event_time: 'S', event_name: 'S', sequencer: 'S' } as const;
export type MetadataAttribute = keyof typeof METADATA_ATTRIBUTES;

export type AttributeProblem =
  | { attribute: MetadataAttribute; kind: 'missing' }
  | { attribute: MetadataAttribute; kind: 'type'; found: string; value: unknown }
  | { attribute: MetadataAttribute; kind: 'value'; expected: string | number; value: unknown };

/** DynamoDB's type letter for a value as the services read items (numbers are numbers). */
export function dynamoType(value: unknown): string {
  if (typeof value === 'number') return 'N';
  if (typeof value === 'string') return 'S';
  if (typeof value === 'boolean') return 'BOOL';
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return 'L';
  return typeof value === 'object' ? 'M' : typeof value;
}

/**
 * Every attribute the item lacks, has with the wrong type (`size` a String, say), or, given the
 * event's values, holds with another value; in the lab's attribute order.
 */
export function attributeProblems(item: Item, expected?: Probe['expected']): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  for (const [attribute, type] of Object.entries(METADATA_ATTRIBUTES) as [MetadataAttribute, string][]) {
    const value = item[attribute];
    if (value === undefined) problems.push({ attribute, kind: 'missing' });
    else if (dynamoType(value) !== type) problems.push({ attribute, kind: 'type', found: dynamoType(value), value });
    else if (expected && value !== expected[attribute]) problems.push({ attribute, kind: 'value', expected: expected[attribute], value });
  }
  return problems;
}
