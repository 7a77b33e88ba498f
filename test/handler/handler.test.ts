import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { CreateTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { S3Event, S3EventRecord } from '../../src/handler/metadata.js';
import { referenceCase } from '../helpers/reference.js';
import { startTestSandbox, TEST_CREDENTIALS, type TestSandbox } from '../helpers/sandbox.js';

const TABLE = 'upload_metadata';
const BUCKET = 'lab-bucket';

/** A recorded PUT record, re-aimed at our bucket and key. */
function putRecord(key: string, sequencer: string | undefined, size: number): S3EventRecord {
  const [recorded] = referenceCase('s3-event', 's3_event.record.object_created_put').response.messages;
  const record = structuredClone(recorded) as S3EventRecord & { s3: NonNullable<S3EventRecord['s3']> };
  record.eventTime = '2026-01-01T00:00:00.000Z';
  record.s3.bucket.name = BUCKET;
  record.s3.object = { ...record.s3.object, key, size, sequencer };
  if (sequencer === undefined) delete record.s3.object.sequencer;
  return record;
}

describe('the lab handler against the sandbox DynamoDB', () => {
  let lab: TestSandbox;
  let handler: (event: S3Event) => Promise<{ statusCode: number; body: string }>;
  const savedEnv = { ...process.env };

  before(async () => {
    lab = await startTestSandbox();
    await lab.clients.dynamodb.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [
          { AttributeName: 'bucket', AttributeType: 'S' },
          { AttributeName: 'object_key', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'bucket', KeyType: 'HASH' },
          { AttributeName: 'object_key', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    // What Lambda (here: the sandbox) gives the function's process.
    Object.assign(process.env, {
      TABLE_NAME: TABLE,
      AWS_ENDPOINT_URL: lab.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    });
    ({ handler } = await import('../../src/handler/index.js'));
  });

  after(async () => {
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
    Object.assign(process.env, savedEnv);
    await lab.stop();
  });

  /** Runs the handler, returning its answer and what it logged. */
  async function invoke(t: TestContext, records: object[]) {
    const log = t.mock.method(console, 'log', () => {});
    const answer = await handler({ Records: records as S3EventRecord[] });
    const lines = log.mock.calls.map((call) => String(call.arguments[0]));
    log.mock.restore();
    return { answer, lines };
  }

  async function stored(key: string) {
    const { Item } = await lab.clients.dynamodb.send(
      new GetItemCommand({ TableName: TABLE, Key: { bucket: { S: BUCKET }, object_key: { S: key } }, ConsistentRead: true }),
    );
    return Item;
  }

  test('writes one item per S3 record, skips other records, logs and answers the count', async (t) => {
    const { answer, lines } = await invoke(t, [putRecord('incoming/my+notes%C3%A9.txt', '0055AED6DCD90281E5', 11), { eventSource: 'aws:sqs', body: 'not S3' }]);
    assert.deepEqual(answer, { statusCode: 200, body: JSON.stringify({ written: 1 }) });
    assert.deepEqual(lines, [`Saved metadata for ${BUCKET}/incoming/my notesé.txt`]);
    assert.deepEqual(await stored('incoming/my notesé.txt'), {
      bucket: { S: BUCKET },
      object_key: { S: 'incoming/my notesé.txt' },
      size: { N: '11' },
      etag: { S: '437b930db84b8079c2dd804a71936b5f' },
      event_time: { S: '2026-01-01T00:00:00.000Z' },
      event_name: { S: 'ObjectCreated:Put' },
      sequencer: { S: '0055AED6DCD90281E5' },
    });
  });

  test('an event delivered twice is written once', async (t) => {
    const record = putRecord('incoming/twice.txt', '0055AED6DCD90281E5', 3);
    assert.equal((await invoke(t, [record])).answer.body, '{"written":1}');
    const again = await invoke(t, [record]);
    assert.equal(again.answer.body, '{"written":0}');
    assert.deepEqual(again.lines, [`Skipped ${BUCKET}/incoming/twice.txt: the table already holds this event or a newer one (sequencer 0055AED6DCD90281E5)`]);
  });

  test('a late, older event does not overwrite a newer one; a newer one does', async (t) => {
    const key = 'incoming/order.txt';
    await invoke(t, [putRecord(key, '0055AED6DCD90281F0', 20)]);
    const late = await invoke(t, [putRecord(key, '0055AED6DCD90281E6', 5)]);
    assert.equal(late.answer.body, '{"written":0}');
    assert.equal((await stored(key))?.size?.N, '20');

    const newer = await invoke(t, [putRecord(key, '0055AED6DCD90281F1', 30)]);
    assert.equal(newer.answer.body, '{"written":1}');
    assert.equal((await stored(key))?.size?.N, '30');
  });

  test('sequencers of different lengths compare after right-padding the shorter with zeros', async (t) => {
    const key = 'incoming/lengths.txt';
    await invoke(t, [putRecord(key, '0055AED6DCD90281F01', 1)]);
    // Right-padded, 0055AED6DCD90282 is 0055AED6DCD90282000: newer, though shorter.
    assert.equal((await invoke(t, [putRecord(key, '0055AED6DCD90282', 2)])).answer.body, '{"written":1}');
    // 0055AED6DCD902810 (padded: ...8100) is older than ...82000, though longer.
    assert.equal((await invoke(t, [putRecord(key, '0055AED6DCD902810', 3)])).answer.body, '{"written":0}');
    assert.equal((await stored(key))?.sequencer?.S, '0055AED6DCD90282');
  });

  test('a record without a sequencer is stored for a new key but never replaces an item', async (t) => {
    const key = 'incoming/unordered.txt';
    assert.equal((await invoke(t, [putRecord(key, undefined, 1)])).answer.body, '{"written":1}');
    assert.equal((await invoke(t, [putRecord(key, undefined, 2)])).answer.body, '{"written":0}');
    assert.equal((await stored(key))?.sequencer, undefined);
    // An ordered event replaces the unordered item.
    assert.equal((await invoke(t, [putRecord(key, '0055AED6DCD90281E5', 3)])).answer.body, '{"written":1}');
  });

  test('without TABLE_NAME the invocation fails and says what to set', async () => {
    delete process.env.TABLE_NAME;
    try {
      await assert.rejects(handler({ Records: [putRecord('incoming/x.txt', '01', 1)] }), /TABLE_NAME is not set/);
    } finally {
      process.env.TABLE_NAME = TABLE;
    }
    assert.equal(await stored('incoming/x.txt'), undefined);
  });
});
