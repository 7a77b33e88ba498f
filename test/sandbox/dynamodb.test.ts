import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { answerKeys, assertErrorMatchesReference, assertMatchesRecorded, rawRequest, referenceCase } from '../helpers/reference.js';

const keyOnly = (name: string) =>
  new CreateTableCommand({
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
  });

/** A recorded error kept only as botocore's string: "An error occurred (Code) when calling the Op operation: Message". */
function botocoreError(service: string, key: string): { code: string; message: string } {
  const text = referenceCase(service, key).response as string;
  const match = /^An error occurred \((\w+)\) when calling the \w+ operation: (.*)$/s.exec(text);
  assert.ok(match, `unexpected recorded string ${text}`);
  return { code: match[1]!, message: match[2]! };
}

describe('DynamoDB (dynalite) against recorded AWS answers', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox();
  });
  after(() => t.stop());

  it('CreateTable and DescribeTable answer with the keys AWS answers with', async () => {
    const created = await t.clients.dynamodb.send(keyOnly('ref_table'));
    const recorded = referenceCase('dynamodb', 'dynamodb.create_table.response_provisioned').response.TableDescription;
    for (const key of Object.keys(recorded)) assert.ok(key in created.TableDescription!, `CreateTable answer lacks ${key}`);
    assertMatchesRecorded(recorded.TableArn, created.TableDescription!.TableArn, 'TableArn');
    const described = await t.clients.dynamodb.send(new DescribeTableCommand({ TableName: 'ref_table' }));
    assert.equal(described.Table?.TableStatus, 'ACTIVE');
    assert.equal(described.Table?.DeletionProtectionEnabled, false);
  });

  it('CreateTable on an existing table: ResourceInUseException with AWS message', async () => {
    const expected = botocoreError('dynamodb', 'dynamodb.create_table.already_exists');
    await assert.rejects(t.clients.dynamodb.send(keyOnly('ref_table')), (e: Error) => {
      assert.equal(e.name, expected.code);
      assertMatchesRecorded(expected.message, e.message);
      return true;
    });
  });

  it('DeleteTable on a missing table: HTTP 400 and a lowercase message key', async () => {
    const reference = referenceCase('dynamodb', 'dynamodb.delete_table.not_found');
    await assert.rejects(t.clients.dynamodb.send(new DeleteTableCommand({ TableName: 'non-existent' })), (e) => {
      assertErrorMatchesReference(e, reference);
      return true;
    });
    const raw = await rawRequest(t.endpoint, {
      service: 'dynamodb',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.DeleteTable' },
      body: JSON.stringify({ TableName: 'non-existent' }),
    });
    const body = JSON.parse(raw.text) as Record<string, string>;
    assert.equal(body.message, reference.response.message);
    assert.equal('Message' in body, false);
  });

  it('PayPerRequest with throughput is a ValidationException with AWS wording', async () => {
    const expected = botocoreError('dynamodb', 'dynamodb.create_table.pay_per_request_with_throughput');
    await assert.rejects(
      t.clients.dynamodb.send(
        new CreateTableCommand({
          TableName: 'ppr_table',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
        }),
      ),
      { name: expected.code, message: expected.message },
    );
  });

  it('items: put, get, scan, key schema mismatch, conditional delete with ALL_OLD', async () => {
    const db = t.clients.dynamodb;
    await db.send(new PutItemCommand({ TableName: 'ref_table', Item: { id: { S: '456' }, price: { N: '650' }, product: { S: 'sporting goods' } } }));
    const got = await db.send(new GetItemCommand({ TableName: 'ref_table', Key: { id: { S: '456' } } }));
    assert.deepEqual(got.Item, { id: { S: '456' }, price: { N: '650' }, product: { S: 'sporting goods' } });
    const scanned = await db.send(new ScanCommand({ TableName: 'ref_table' }));
    assert.equal(scanned.Count, 1);
    assert.equal(scanned.ScannedCount, 1);

    const mismatch = botocoreError('dynamodb', 'dynamodb.batch_write_item.key_schema_mismatch');
    await assert.rejects(
      db.send(new BatchWriteItemCommand({ RequestItems: { ref_table: [{ PutRequest: { Item: { nope: { S: 'x' } } } }] } })),
      { name: mismatch.code, message: mismatch.message },
    );

    const reference = referenceCase('dynamodb', 'dynamodb.delete_item.conditional_check_failed_all_old');
    await assert.rejects(
      db.send(
        new DeleteItemCommand({
          TableName: 'ref_table',
          Key: { id: { S: '456' } },
          ConditionExpression: 'price > :limit',
          ExpressionAttributeValues: { ':limit': { N: '700' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
      (e: Error & { Item?: unknown }) => {
        assertErrorMatchesReference(e, reference);
        assert.deepEqual(e.Item, reference.response.Item);
        return true;
      },
    );
  });
});

describe('DynamoDB success answers against recorded AWS answers', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox();
  });
  after(() => t.stop());

  /**
   * Keys AWS answers with that dynalite does not: throughput-tuning and encryption details no lab
   * reads (listed in docs/sandbox.md). Everything else must be there.
   */
  const KNOWN_ABSENT = new Set(['WarmThroughput', 'SSEDescription']);
  const assertKeysAsRecorded = (actual: object, recorded: object, what: string) => {
    const missing = answerKeys(recorded).filter((k) => !KNOWN_ABSENT.has(k) && !(k in actual));
    assert.deepEqual(missing, [], `${what} lacks keys AWS answers with`);
  };

  it('describes the lab-shaped composite-key table, an on-demand table and a deleted table with the recorded keys', async () => {
    const db = t.clients.dynamodb;
    await db.send(
      new CreateTableCommand({
        TableName: 'composite',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
      }),
    );
    await waitUntilTableExists({ client: db, maxWaitTime: 10, minDelay: 0.05 }, { TableName: 'composite' });
    const composite = (await db.send(new DescribeTableCommand({ TableName: 'composite' }))).Table!;
    const recorded = referenceCase('dynamodb', 'dynamodb.describe_table.composite_key_hash_range').response.Table;
    assertKeysAsRecorded(composite, recorded, 'DescribeTable (composite key)');
    assert.deepEqual(composite.KeySchema, recorded.KeySchema);
    assert.deepEqual(composite.AttributeDefinitions, recorded.AttributeDefinitions);
    assertKeysAsRecorded(composite, referenceCase('dynamodb', 'dynamodb.describe_table.active_provisioned').response.Table, 'DescribeTable (provisioned)');

    await db.send(
      new CreateTableCommand({ TableName: 'on_demand', AttributeDefinitions: [{ AttributeName: 'Type', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'Type', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
    );
    await waitUntilTableExists({ client: db, maxWaitTime: 10, minDelay: 0.05 }, { TableName: 'on_demand' });
    const onDemand = (await db.send(new DescribeTableCommand({ TableName: 'on_demand' }))).Table!;
    const recordedOnDemand = referenceCase('dynamodb', 'dynamodb.describe_table.pay_per_request').response.Table;
    assertKeysAsRecorded(onDemand, recordedOnDemand, 'DescribeTable (on demand)');
    assert.equal(onDemand.BillingModeSummary?.BillingMode, recordedOnDemand.BillingModeSummary.BillingMode);
    assert.deepEqual(onDemand.ProvisionedThroughput, recordedOnDemand.ProvisionedThroughput);

    const deleted = (await db.send(new DeleteTableCommand({ TableName: 'composite' }))).TableDescription!;
    assertKeysAsRecorded(deleted, referenceCase('dynamodb', 'dynamodb.delete_table.response').response.TableDescription, 'DeleteTable');
    assert.equal(deleted.TableStatus, 'DELETING');
  });

  it('answers PutItem, GetItem, Scan and ReturnValues ALL_OLD as recorded', async () => {
    const db = t.clients.dynamodb;
    const put = await db.send(new PutItemCommand({ TableName: 'on_demand', Item: { Type: { S: 'Home' }, BankAddress: { L: [{ S: 'will be replaced' }] } } }));
    assert.deepEqual(answerKeys(put), answerKeys(referenceCase('dynamodb', 'dynamodb.put_item.response').response));
    const got = await db.send(new GetItemCommand({ TableName: 'on_demand', Key: { Type: { S: 'Home' } } }));
    assert.deepEqual(got.Item, referenceCase('dynamodb', 'dynamodb.get_item.response').response.Item);
    await db.send(new PutItemCommand({ TableName: 'on_demand', Item: { Type: { S: 'Test' }, Hello: { S: 'something' } } }));
    const scanned = await db.send(new ScanCommand({ TableName: 'on_demand' }));
    const recordedScan = referenceCase('dynamodb', 'dynamodb.scan.response').response;
    assert.equal(scanned.Count, recordedScan.Count);
    assert.equal(scanned.ScannedCount, recordedScan.ScannedCount);
    const byType = (items: Record<string, { S?: string }>[]) => [...items].sort((a, b) => String(a.Type?.S).localeCompare(String(b.Type?.S)));
    assert.deepEqual(byType(scanned.Items as never), byType(recordedScan.Items));

    await db.send(keyOnly('ids'));
    await waitUntilTableExists({ client: db, maxWaitTime: 10, minDelay: 0.05 }, { TableName: 'ids' });
    await db.send(new PutItemCommand({ TableName: 'ids', Item: { id: { S: 'id1' }, data: { S: 'foobar' } } }));
    const replaced = await db.send(new PutItemCommand({ TableName: 'ids', Item: { id: { S: 'id1' }, data: { S: 'newer' } }, ReturnValues: 'ALL_OLD' }));
    assert.deepEqual(replaced.Attributes, referenceCase('dynamodb', 'dynamodb.put_item.return_values_all_old').response.Attributes);
  });
});

describe('DynamoDB state across a restart', () => {
  it('keeps tables and items when the sandbox restarts on the same data dir', async () => {
    const first = await startTestSandbox();
    try {
      await first.clients.dynamodb.send(keyOnly('persisted'));
      // As on AWS, a new table is CREATING until it is not: wait, rather than race the status change.
      await waitUntilTableExists({ client: first.clients.dynamodb, maxWaitTime: 10, minDelay: 0.05 }, { TableName: 'persisted' });
      await first.clients.dynamodb.send(new PutItemCommand({ TableName: 'persisted', Item: { id: { S: 'kept' } } }));
    } finally {
      await first.stop(true);
    }
    const second = await startTestSandbox({ dataDir: first.dataDir });
    try {
      const got = await second.clients.dynamodb.send(new GetItemCommand({ TableName: 'persisted', Key: { id: { S: 'kept' } } }));
      assert.deepEqual(got.Item, { id: { S: 'kept' } });
    } finally {
      await second.stop();
    }
  });
});
