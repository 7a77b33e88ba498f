import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { itemFromRecord, putItemRequest, type S3EventRecord } from '../../src/handler/metadata.js';
import { referenceCase } from '../helpers/reference.js';

const recorded = (key: string): S3EventRecord[] => referenceCase('s3-event', key).response.messages;

describe('itemFromRecord', () => {
  test('takes bucket, decoded key, size, eTag, time, event name and sequencer from a recorded PUT record', () => {
    const [record] = recorded('s3_event.record.object_created_put');
    assert.deepEqual(itemFromRecord(record!), {
      bucket: '<resource:1>',
      object_key: 'my_key_0',
      size: 9,
      etag: '437b930db84b8079c2dd804a71936b5f',
      event_time: 'date',
      event_name: 'ObjectCreated:Put',
      sequencer: 'sequencer',
    });
  });

  test('decodes the URL-encoded key S3 puts in the record', () => {
    const [record] = recorded('s3_event.record.key_url_encoding');
    assert.equal(itemFromRecord(record!)?.object_key, 'a@b');
  });

  test('keeps the multipart eTag with its part count', () => {
    const [record] = recorded('s3_event.record.object_created_complete_multipart_upload');
    assert.equal(itemFromRecord(record!)?.etag, '8eabe9d6b43316e840b079170916c079-1');
  });

  test('stores size 0 and no eTag for a record without them (a delete)', () => {
    const remove = recorded('s3_event.record.object_created_copy_put_and_removed_delete')[2]!;
    const item = itemFromRecord(remove);
    assert.equal(item?.event_name, 'ObjectRemoved:Delete');
    assert.equal(item?.size, 0);
    assert.equal(item?.etag, undefined);
  });

  test('skips a record that is not about an S3 object', () => {
    assert.equal(itemFromRecord({ eventName: 'ObjectCreated:Put' }), undefined);
  });
});

describe('putItemRequest', () => {
  const item = { bucket: 'lab-bucket', object_key: 'incoming/a b.txt', size: 11, etag: 'e9fb', event_time: '2026-01-01T00:00:00.000Z', event_name: 'ObjectCreated:Put', sequencer: '0055AED6DCD90281E5' };

  test('writes every field with its DynamoDB type, size as a number', () => {
    assert.deepEqual(putItemRequest('upload_metadata', item).Item, {
      bucket: { S: 'lab-bucket' },
      object_key: { S: 'incoming/a b.txt' },
      size: { N: '11' },
      etag: { S: 'e9fb' },
      event_time: { S: '2026-01-01T00:00:00.000Z' },
      event_name: { S: 'ObjectCreated:Put' },
      sequencer: { S: '0055AED6DCD90281E5' },
    });
  });

  test('writes only over an older sequencer, compared by DynamoDB', () => {
    const request = putItemRequest('upload_metadata', item);
    assert.equal(request.TableName, 'upload_metadata');
    assert.equal(request.ConditionExpression, 'attribute_not_exists(object_key) OR attribute_not_exists(sequencer) OR sequencer < :sequencer');
    assert.deepEqual(request.ExpressionAttributeValues, { ':sequencer': { S: '0055AED6DCD90281E5' } });
  });

  test('leaves out absent fields, and writes an unordered record only for a new key', () => {
    const request = putItemRequest('upload_metadata', { bucket: 'b', object_key: 'k', size: 0 });
    assert.deepEqual(Object.keys(request.Item!).sort(), ['bucket', 'object_key', 'size']);
    assert.equal(request.ConditionExpression, 'attribute_not_exists(object_key)');
    assert.equal(request.ExpressionAttributeValues, undefined);
  });
});
