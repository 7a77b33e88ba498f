// The lesson's first handler, for `upload-lab demo` only: the same item as the lab's handler, written
// with a plain PutItem, no condition. The demo deploys it as a second function beside the lab's, so
// a learner sees on their own table what the condition in metadata.ts prevents. The lab never deploys it.
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { itemAttributes, itemFromRecord, type S3Event } from './metadata.js';

const dynamodb = new DynamoDBClient({});

export async function handler(event: S3Event): Promise<{ statusCode: number; body: string }> {
  const TableName = process.env.TABLE_NAME;
  if (!TableName) throw new Error('TABLE_NAME is not set: add the environment variable TABLE_NAME to this function.');
  const items = (event.Records ?? []).flatMap((record) => itemFromRecord(record) ?? []);
  for (const item of items) {
    // Replaces whatever the table holds for this key, whenever the event was sent.
    await dynamodb.send(new PutItemCommand({ TableName, Item: itemAttributes(item) }));
    console.log(`Saved metadata for ${item.bucket}/${item.object_key}`);
  }
  return { statusCode: 200, body: JSON.stringify({ written: items.length }) };
}
