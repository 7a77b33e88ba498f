import { s3UrlEncode } from '../../../aws-rules/s3-key-encoding.js';
import { bucketArn } from '../../../aws-rules/arns.js';
import { ACCOUNT_ID, type Caller } from '../../http.js';


/**
 * The bucket owner's principal id in event records. AWS shows an opaque uppercase id for the owning
 * account; the sandbox has one account, so one fixed id stands for it.
 */
const OWNER_PRINCIPAL_ID = 'A3SANDBOXOWNER0';

/** An event S3 emits for one object, before it is matched against the bucket's rules. */
export interface ObjectEvent {
  /** With the `s3:` prefix, as configurations name it: `s3:ObjectCreated:Put`. */
  eventName: string;
  bucket: string;
  region: string;
  /** The raw key; the record carries it URL-encoded. */
  key: string;
  /** Absent for ObjectRemoved events. */
  size?: number;
  /** Hex MD5 without quotes; absent for ObjectRemoved events. */
  eTag?: string;
  sequencer: string;
  /** ISO time with milliseconds. */
  eventTime: string;
  requestId: string;
  hostId: string;
  caller: Caller;
}

export interface S3EventRecord {
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion: string;
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size?: number; eTag?: string; sequencer: string };
  };
}

/**
 * The record as a Lambda function receives it inside `{"Records": [...]}`, field for field as S3
 * sends it (see aws-reference/s3-event.json). The sandbox listens on loopback only, so every
 * request comes from 127.0.0.1.
 */
export function eventRecord(event: ObjectEvent, configurationId: string): S3EventRecord {
  // ObjectRemoved events carry neither size nor eTag.
  const object: S3EventRecord['s3']['object'] = {
    key: s3UrlEncode(event.key),
    ...(event.size !== undefined ? { size: event.size } : {}),
    ...(event.eTag !== undefined ? { eTag: event.eTag } : {}),
    sequencer: event.sequencer,
  };
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: event.region,
    eventTime: event.eventTime,
    eventName: event.eventName.replace(/^s3:/, ''),
    userIdentity: { principalId: principalId(event.caller) },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': event.requestId, 'x-amz-id-2': event.hostId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: { name: event.bucket, ownerIdentity: { principalId: OWNER_PRINCIPAL_ID }, arn: bucketArn(event.bucket) },
      object,
    },
  };
}

/** A role session shows as `AWS:<role id>:<session>`, as on AWS; the learner acts as the account owner. */
function principalId(caller: Caller): string {
  return caller.kind === 'role' ? `AWS:${caller.roleId}:${caller.sessionName}` : `AWS:${ACCOUNT_ID}`;
}

/**
 * Sequencers as S3 makes them: fixed-width uppercase hex that grows with every event, so comparing
 * two for the same key (as strings) tells which happened last. Seeded from the clock so values keep
 * growing across sandbox restarts.
 */
export class Sequencer {
  private last = 0n;

  next(): string {
    const fromClock = BigInt(Date.now()) << 16n;
    this.last = fromClock > this.last ? fromClock : this.last + 1n;
    return this.last.toString(16).toUpperCase().padStart(18, '0');
  }
}
