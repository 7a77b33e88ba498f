// The pure part of the handler: from an S3 event record to the DynamoDB request that stores it.
// Nothing here talks to AWS (the SDK import is for types only, and disappears when compiled), so
// tests can run it without a table.
import type { AttributeValue, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { decodeS3Key } from './decode-key.js';

/** The parts of an S3 event record this lab reads. A full record: test/fixtures/aws-reference/s3-event.json. */
export interface S3EventRecord {
  eventName?: string;
  eventTime?: string;
  s3?: {
    bucket: { name: string };
    // Deletes carry no size and no eTag; some event types carry no sequencer.
    object: { key: string; size?: number; eTag?: string; sequencer?: string };
  };
}

export interface S3Event {
  Records?: S3EventRecord[];
}

/** One item of the lab's table: what the learner finds under "Check table". */
export interface UploadMetadata {
  bucket: string;
  object_key: string;
  size: number;
  etag?: string;
  event_time?: string;
  event_name?: string;
  sequencer?: string;
}

/** The item for one record; undefined for a record that is not about an S3 object (no `s3`). */
export function itemFromRecord(record: S3EventRecord): UploadMetadata | undefined {
  if (!record.s3) return undefined;
  const { bucket, object } = record.s3;
  return {
    bucket: bucket.name,
    object_key: decodeS3Key(object.key),
    size: object.size ?? 0,
    etag: object.eTag,
    event_time: record.eventTime,
    event_name: record.eventName,
    sequencer: object.sequencer,
  };
}

// S3 delivers each event at least once and in no guaranteed order: the same upload can arrive twice,
// and an older upload of a key can arrive after a newer one. A plain PutItem would let that late event
// overwrite the newer metadata. So the write is conditional, and the condition is checked by DynamoDB
// itself, atomically, with no read first (a read would also need dynamodb:GetItem, which the lab's
// role does not grant).
//
// The order comes from `sequencer`. The S3 User Guide ("Event message structure"): for two events on
// the same key, the greater sequencer is the later one; "the sequencers can be of different lengths.
// So, to compare these values, first right pad the shorter value with zeros, and then do a
// lexicographical comparison." Right-padding changes a lexicographical comparison only for pairs
// like `AB` and `AB00`, which it makes equal: so DynamoDB's own string comparison (`<`, by bytes) is
// that rule, and the stored sequencer stays exactly as S3 sent it. (The one difference: `AB00` may
// replace `AB`, which is the same event, so the same data is written again. S3 writes the hex digits
// in upper case; mixed case would not compare as numbers.)
//
// The rule: write when there is no item for the key yet, when the stored item has no sequencer
// to compare with, or when the stored sequencer is older. The same event delivered twice is equal,
// not newer, so it is not written again. A record without a sequencer cannot be ordered: it is
// written only when the key has no item yet.
const NEWER_THAN_STORED = 'attribute_not_exists(object_key) OR attribute_not_exists(sequencer) OR sequencer < :sequencer';
const FIRST_FOR_KEY = 'attribute_not_exists(object_key)';

/**
 * The PutItem request that stores `item` unless the table already holds the same or a newer event
 * for its key; DynamoDB then answers ConditionalCheckFailedException.
 */
export function putItemRequest(tableName: string, item: UploadMetadata): PutItemCommandInput {
  const attributes = itemAttributes(item);
  if (item.sequencer === undefined) {
    return { TableName: tableName, Item: attributes, ConditionExpression: FIRST_FOR_KEY };
  }
  return {
    TableName: tableName,
    Item: attributes,
    ConditionExpression: NEWER_THAN_STORED,
    ExpressionAttributeValues: { ':sequencer': { S: item.sequencer } },
  };
}

/** The item in DynamoDB's attribute-value form; absent strings are left out (not written as NULL). */
export function itemAttributes(item: UploadMetadata): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {
    bucket: { S: item.bucket },
    object_key: { S: item.object_key },
    size: { N: String(item.size) },
  };
  for (const name of ['etag', 'event_time', 'event_name', 'sequencer'] as const) {
    const value = item[name];
    if (value !== undefined) attributes[name] = { S: value };
  }
  return attributes;
}
