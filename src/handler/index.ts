// The lab's Lambda function (runtime nodejs22.x, handler `index.handler`): for every S3 upload in the
// event, store the object's metadata in the DynamoDB table named by the TABLE_NAME environment variable.
//
// `@aws-sdk/client-dynamodb` comes with the Lambda runtime, so the deployment zip holds only this code.
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { itemFromRecord, putItemRequest, type S3Event } from './metadata.js';

// Created once, when Lambda loads the code: warm invocations reuse the client and its connections.
// Region and credentials come from the function's environment, which Lambda fills in.
const dynamodb = new DynamoDBClient({});

export async function handler(event: S3Event): Promise<{ statusCode: number; body: string }> {
  // Read on every invocation, not at load time: a missing variable then fails the invocation with
  // this message in the function's log, rather than failing the start of the execution environment.
  const tableName = process.env.TABLE_NAME;
  if (!tableName) {
    throw new Error('TABLE_NAME is not set: add the environment variable TABLE_NAME (the DynamoDB table to write to) to this function.');
  }

  let written = 0;
  for (const record of event.Records ?? []) {
    const item = itemFromRecord(record);
    if (!item) continue;
    const where = `${item.bucket}/${item.object_key}`;
    try {
      // Conditional: an event that arrives twice, or late, never overwrites newer metadata.
      // The reasoning is in metadata.ts, next to the condition.
      await dynamodb.send(new PutItemCommand(putItemRequest(tableName, item)));
    } catch (error) {
      // The condition said no: not a failure, so log it and go on with the next record.
      if (error instanceof ConditionalCheckFailedException) {
        console.log(`Skipped ${where}: the table already holds this event or a newer one (sequencer ${item.sequencer ?? 'none'})`);
        continue;
      }
      throw error;
    }
    console.log(`Saved metadata for ${where}`);
    written++;
  }
  return { statusCode: 200, body: JSON.stringify({ written }) };
}
