import { randomBytes } from 'node:crypto';
import { bucketArn } from '../aws-rules/arns.js';

/** A key of its own for each probe, so it never collides with the learner's items. */
export function probeKey(): string {
  return `incoming/upload-lab-probe-${randomBytes(6).toString('hex')}.txt`;
}

/**
 * The S3 event a Lambda receives for one `ObjectCreated:Put`, as test/fixtures/aws-reference/s3-event.json
 * records it; `code`'s probe invokes the function with it. The key is plain ASCII, so S3's URL
 * encoding leaves it unchanged. `object` chooses the size, ETag and sequencer (the demos replay
 * uploads with sequencers of their choosing); by default they are the probe's own.
 */
export function s3PutEvent(input: { bucket: string; key: string; region: string; now: number; object?: S3ObjectFields }): { Records: object[] } {
  const object = {
    size: Buffer.byteLength(`upload-lab probe ${input.key}`),
    eTag: randomBytes(16).toString('hex'),
    sequencer: input.now.toString(16).toUpperCase().padStart(16, '0'),
    ...input.object,
  };
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
          object: { key: input.key, ...object },
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

/** The attributes the lab's handler stores besides the key; an item without one of them is incomplete. */
export const METADATA_FIELDS = ['size', 'etag', 'event_time', 'event_name', 'sequencer'] as const;

export function missingFields(item: Record<string, unknown>): string[] {
  return METADATA_FIELDS.filter((field) => item[field] === undefined);
}
