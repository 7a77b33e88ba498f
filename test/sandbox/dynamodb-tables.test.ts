import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { rejection } from '../helpers/reference.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const arnOf = (table: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`;

function assertValidation(error: unknown, message: string): void {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  assert.equal(e.name, 'ValidationException');
  assert.equal(e.$metadata?.httpStatusCode, 400);
  assert.equal(e.message, message);
}

const onDemand = (TableName: string, extra: Partial<ConstructorParameters<typeof CreateTableCommand>[0]> = {}) =>
  new CreateTableCommand({
    TableName,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
    ...extra,
  });

/** Reads the table until `done` holds: index creation settles after UpdateTable answers, as on AWS. */
async function describeUntil(db: DynamoDBClient, table: string, done: (t: TableDescription) => boolean): Promise<TableDescription> {
  for (let i = 0; i < 500; i++) {
    const { Table } = await db.send(new DescribeTableCommand({ TableName: table }));
    if (Table && done(Table)) return Table;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`table ${table} did not settle`);
}

describe('DynamoDB tables: index updates, tags, deletion protection, ARNs and item rules as DynamoDB has them', () => {
  let t: TestSandbox;
  let db: DynamoDBClient;
  before(async () => {
    t = await startTestSandbox();
    db = t.clients.dynamodb;
  });
  after(() => t.stop());

  // UpdateTable's GlobalSecondaryIndexUpdates: Create (IndexStatus CREATING, then ACTIVE, backfilled) and
  // Delete; an on-demand table's new index takes no ProvisionedThroughput
  // (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateGlobalSecondaryIndexAction.html,
  // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.OnlineOps.html).
  it('creates a global secondary index on an on-demand table, backfills it, makes it queryable, and deletes it', async () => {
    await db.send(onDemand('gsi_table'));
    await db.send(new PutItemCommand({ TableName: 'gsi_table', Item: { pk: { S: 'before' }, owner: { S: 'ann' } } }));
    const updated = await db.send(
      new UpdateTableCommand({
        TableName: 'gsi_table',
        AttributeDefinitions: [{ AttributeName: 'owner', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'by_owner', KeySchema: [{ AttributeName: 'owner', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
      }),
    );
    const index = updated.TableDescription?.GlobalSecondaryIndexes?.find((i) => i.IndexName === 'by_owner');
    assert.equal(index?.IndexStatus, 'CREATING');
    assert.equal(index?.IndexArn, `${arnOf('gsi_table')}/index/by_owner`);
    assert.deepEqual(updated.TableDescription?.AttributeDefinitions?.map((d) => d.AttributeName).sort(), ['owner', 'pk']);
    await describeUntil(db, 'gsi_table', (table) => table.TableStatus === 'ACTIVE' && table.GlobalSecondaryIndexes?.[0]?.IndexStatus === 'ACTIVE');
    await db.send(new PutItemCommand({ TableName: 'gsi_table', Item: { pk: { S: 'after' }, owner: { S: 'ann' } } }));
    const found = await db.send(new QueryCommand({ TableName: 'gsi_table', IndexName: 'by_owner', KeyConditionExpression: '#o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': { S: 'ann' } } }));
    assert.deepEqual(found.Items?.map((item) => item.pk?.S).sort(), ['after', 'before']);

    const deleting = await db.send(new UpdateTableCommand({ TableName: 'gsi_table', GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'by_owner' } }] }));
    assert.equal(deleting.TableDescription?.GlobalSecondaryIndexes?.[0]?.IndexStatus, 'DELETING');
    const settled = await describeUntil(db, 'gsi_table', (table) => table.TableStatus === 'ACTIVE');
    assert.equal(settled.GlobalSecondaryIndexes, undefined);
    await assert.rejects(db.send(new QueryCommand({ TableName: 'gsi_table', IndexName: 'by_owner', KeyConditionExpression: '#o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': { S: 'ann' } } })), {
      name: 'ValidationException',
    });
  });

  it('a new index on a provisioned table needs ProvisionedThroughput, and its key attributes defined', async () => {
    await db.send(new CreateTableCommand({ TableName: 'gsi_provisioned', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }));
    const create = { IndexName: 'by_x', KeySchema: [{ AttributeName: 'x', KeyType: 'HASH' as const }], Projection: { ProjectionType: 'KEYS_ONLY' as const } };
    assertValidation(
      await rejection(db.send(new UpdateTableCommand({ TableName: 'gsi_provisioned', AttributeDefinitions: [{ AttributeName: 'x', AttributeType: 'S' }], GlobalSecondaryIndexUpdates: [{ Create: create }] }))),
      'One or more parameter values were invalid: ProvisionedThroughput must be specified for index: by_x',
    );
    assertValidation(
      await rejection(db.send(new UpdateTableCommand({ TableName: 'gsi_provisioned', GlobalSecondaryIndexUpdates: [{ Create: { ...create, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } }] }))),
      'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [x], AttributeDefinitions: [pk]',
    );
  });

  // CreateTable's Tags are the table's tags (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateTable.html#DDB-CreateTable-request-Tags).
  it('CreateTable keeps its Tags: ListTagsOfResource returns them, the description does not carry them', async () => {
    const created = await db.send(onDemand('tagged_table', { Tags: [{ Key: 'lab', Value: 'upload' }] }));
    assert.equal((created.TableDescription as Record<string, unknown>).Tags, undefined);
    const { Tags } = await db.send(new ListTagsOfResourceCommand({ ResourceArn: arnOf('tagged_table') }));
    assert.deepEqual(Tags, [{ Key: 'lab', Value: 'upload' }]);
  });

  // DeletionProtectionEnabled (2023): kept, described, enforced by DeleteTable, and changeable alone by UpdateTable
  // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithTables.Basics.html#WorkingWithTables.Basics.DeletionProtection).
  it('keeps deletion protection, describes it, refuses DeleteTable with DynamoDB\'s message, and UpdateTable turns it off alone', async () => {
    const created = await db.send(onDemand('protected_table', { DeletionProtectionEnabled: true }));
    assert.equal(created.TableDescription?.DeletionProtectionEnabled, true);
    assert.equal((await db.send(new DescribeTableCommand({ TableName: 'protected_table' }))).Table?.DeletionProtectionEnabled, true);
    assertValidation(
      await rejection(db.send(new DeleteTableCommand({ TableName: 'protected_table' }))),
      'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
    );
    // A refused UpdateTable changes nothing, the flag it also carried included.
    const badIndex = { Create: { IndexName: 'x', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }], Projection: { ProjectionType: 'ALL' as const } } };
    await rejection(db.send(new UpdateTableCommand({ TableName: 'protected_table', DeletionProtectionEnabled: false, GlobalSecondaryIndexUpdates: [badIndex] })));
    assert.equal((await db.send(new DescribeTableCommand({ TableName: 'protected_table' }))).Table?.DeletionProtectionEnabled, true);
    // The same when what dynalite does of it is refused (throughput below DynamoDB's minimum of 1).
    await rejection(db.send(new UpdateTableCommand({ TableName: 'protected_table', DeletionProtectionEnabled: false, ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0 } })));
    assert.equal((await db.send(new DescribeTableCommand({ TableName: 'protected_table' }))).Table?.DeletionProtectionEnabled, true);
    const updated = await db.send(new UpdateTableCommand({ TableName: 'protected_table', DeletionProtectionEnabled: false }));
    assert.equal(updated.TableDescription?.DeletionProtectionEnabled, false);
    await db.send(new DeleteTableCommand({ TableName: 'protected_table' }));
  });

  // "You can also provide the Amazon Resource Name (ARN) of the table in this parameter" (every TableName
  // of the API reference, e.g. https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html).
  it('takes a table ARN wherever it takes TableName, RequestItems keys included', async () => {
    await db.send(onDemand('arn_table'));
    const arn = arnOf('arn_table');
    await db.send(new PutItemCommand({ TableName: arn, Item: { pk: { S: 'a' } } }));
    await db.send(new BatchWriteItemCommand({ RequestItems: { [arn]: [{ PutRequest: { Item: { pk: { S: 'b' } } } }] } }));
    assert.deepEqual((await db.send(new GetItemCommand({ TableName: arn, Key: { pk: { S: 'b' } } }))).Item, { pk: { S: 'b' } });
    assert.equal((await db.send(new DescribeTableCommand({ TableName: arn }))).Table?.TableName, 'arn_table');
  });

  // Empty strings are fine except as key values of the table or an index
  // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html#HowItWorks.DataTypes).
  it('refuses an empty string or binary as an index key value, with DynamoDB\'s message', async () => {
    await db.send(onDemand('empty_keys', {
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'g', AttributeType: 'S' }, { AttributeName: 'b', AttributeType: 'B' }],
      GlobalSecondaryIndexes: [
        { IndexName: 'by_g', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
        { IndexName: 'by_b', KeySchema: [{ AttributeName: 'b', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } },
      ],
    }));
    const message = (kind: string, index: string, key: string) =>
      `One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${kind} value. IndexName: ${index}, IndexKey: ${key}`;
    assertValidation(await rejection(db.send(new PutItemCommand({ TableName: 'empty_keys', Item: { pk: { S: '1' }, g: { S: '' } } }))), message('string', 'by_g', 'g'));
    assertValidation(await rejection(db.send(new PutItemCommand({ TableName: 'empty_keys', Item: { pk: { S: '1' }, b: { B: new Uint8Array() } } }))), message('binary', 'by_b', 'b'));
    assertValidation(
      await rejection(db.send(new BatchWriteItemCommand({ RequestItems: { empty_keys: [{ PutRequest: { Item: { pk: { S: '2' }, g: { S: '' } } } }] } }))),
      message('string', 'by_g', 'g'),
    );
    const updateMessage = `One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: by_g, IndexKey: g`;
    assertValidation(
      await rejection(db.send(new UpdateItemCommand({ TableName: 'empty_keys', Key: { pk: { S: '4' } }, UpdateExpression: 'SET note = :n, #g = :e', ExpressionAttributeNames: { '#g': 'g' }, ExpressionAttributeValues: { ':n': { S: 'x' }, ':e': { S: '' } } }))),
      updateMessage,
    );
    // An empty string outside any key is an ordinary value.
    await db.send(new PutItemCommand({ TableName: 'empty_keys', Item: { pk: { S: '3' }, note: { S: '' } } }));
    await db.send(new UpdateItemCommand({ TableName: 'empty_keys', Key: { pk: { S: '3' } }, UpdateExpression: 'SET note = :e', ExpressionAttributeValues: { ':e': { S: '' } } }));
  });

  // DeleteItem's ReturnValues: "The valid values for DeleteItem are: NONE, ALL_OLD"
  // (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteItem.html#DDB-DeleteItem-request-ReturnValues).
  it('DeleteItem refuses ReturnValues ALL_NEW', async () => {
    await db.send(onDemand('delete_returns'));
    assertValidation(await rejection(db.send(new DeleteItemCommand({ TableName: 'delete_returns', Key: { pk: { S: 'x' } }, ReturnValues: 'ALL_NEW' }))), 'Return values set to invalid value');
  });

  it('reports a KeyType outside [HASH, RANGE] in an index KeySchema before anything else about the index', async () => {
    const error = await rejection(
      db.send(
        onDemand('bad_key_type', {
          // The index name is too short and its attribute undefined too: AWS names the enum first.
          GlobalSecondaryIndexes: [{ IndexName: 'ix', KeySchema: [{ AttributeName: 'undefined_attr', KeyType: 'PRIMARY' as 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
        }),
      ),
    );
    assertValidation(error, "1 validation error detected: Value 'PRIMARY' at 'globalSecondaryIndexes.1.member.keySchema.1.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]");
  });
});
