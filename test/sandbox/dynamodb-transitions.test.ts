import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, test } from 'node:test';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, PutItemCommand, QueryCommand, ResourceNotFoundException, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { startTestSandbox } from '../helpers/sandbox.js';

const table = {
  TableName: 'transitions',
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' as const }],
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
  BillingMode: 'PAY_PER_REQUEST' as const,
};

describe('a table transition interrupted by the sandbox stopping', () => {
  test('CREATING and DELETING are finished when the store opens again, never stranded', async () => {
    // tableDelayMs outlasts each sandbox: only the reopening can finish the transition.
    const first = await startTestSandbox({ tableDelayMs: 3_000 });
    const status = async (sandbox: typeof first) => (await sandbox.clients.dynamodb.send(new DescribeTableCommand({ TableName: table.TableName }))).Table?.TableStatus;
    await first.clients.dynamodb.send(new CreateTableCommand(table));
    assert.equal(await status(first), 'CREATING');
    await first.stop(true);

    const second = await startTestSandbox({ dataDir: first.dataDir, tableDelayMs: 3_000 });
    assert.equal(await status(second), 'ACTIVE');
    await second.clients.dynamodb.send(new DeleteTableCommand({ TableName: table.TableName }));
    assert.equal(await status(second), 'DELETING');
    await second.stop(true);

    const third = await startTestSandbox({ dataDir: first.dataDir });
    try {
      await assert.rejects(status(third), ResourceNotFoundException);
    } finally {
      await third.stop();
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });

  test('an index being created is backfilled and made ACTIVE when the store opens again', async () => {
    const first = await startTestSandbox({ tableDelayMs: 3_000 });
    const db = first.clients.dynamodb;
    await db.send(new CreateTableCommand({ ...table, TableName: 'indexed' }));
    await first.stop(true);
    const second = await startTestSandbox({ dataDir: first.dataDir, tableDelayMs: 3_000 });
    try {
      for (const id of ['a', 'b', 'c']) await second.clients.dynamodb.send(new PutItemCommand({ TableName: 'indexed', Item: { id: { S: id }, colour: { S: 'red' } } }));
      await second.clients.dynamodb.send(new UpdateTableCommand({
        TableName: 'indexed',
        AttributeDefinitions: [{ AttributeName: 'colour', AttributeType: 'S' }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'by_colour', KeySchema: [{ AttributeName: 'colour', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } }],
      }));
      const during = (await second.clients.dynamodb.send(new DescribeTableCommand({ TableName: 'indexed' }))).Table;
      assert.equal(during?.TableStatus, 'UPDATING');
      assert.equal(during?.GlobalSecondaryIndexes?.[0]?.IndexStatus, 'CREATING');
    } finally {
      await second.stop(true);
    }

    const third = await startTestSandbox({ dataDir: first.dataDir });
    try {
      const after = (await third.clients.dynamodb.send(new DescribeTableCommand({ TableName: 'indexed' }))).Table;
      assert.equal(after?.TableStatus, 'ACTIVE');
      assert.equal(after?.GlobalSecondaryIndexes?.[0]?.IndexStatus, 'ACTIVE');
      const red = await third.clients.dynamodb.send(new QueryCommand({ TableName: 'indexed', IndexName: 'by_colour', KeyConditionExpression: 'colour = :c', ExpressionAttributeValues: { ':c': { S: 'red' } } }));
      assert.deepEqual(red.Items?.map((i) => i.id?.S).sort(), ['a', 'b', 'c']);
    } finally {
      await third.stop();
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});

describe('with no table delay (the default)', () => {
  // dynalite finishes CREATING on a timer even at 0 ms; a write sent the moment CreateTable answered
  // raced it and was refused as "Requested resource not found" (a CI run failed on it).
  test('a table is ACTIVE, with its indexes, as soon as CreateTable has answered, and gone once DeleteTable has', async () => {
    const sandbox = await startTestSandbox();
    const db = sandbox.clients.dynamodb;
    try {
      for (let i = 0; i < 20; i++) {
        const TableName = `at_once_${i}`;
        await db.send(new CreateTableCommand({
          ...table,
          TableName,
          AttributeDefinitions: [...table.AttributeDefinitions, { AttributeName: 'colour', AttributeType: 'S' }],
          GlobalSecondaryIndexes: [{ IndexName: 'by_colour', KeySchema: [{ AttributeName: 'colour', KeyType: 'HASH' }], Projection: { ProjectionType: 'KEYS_ONLY' } }],
        }));
        await db.send(new PutItemCommand({ TableName, Item: { id: { S: 'x' } } }));
        const described = (await db.send(new DescribeTableCommand({ TableName }))).Table;
        assert.equal(described?.TableStatus, 'ACTIVE');
        assert.equal(described?.GlobalSecondaryIndexes?.[0]?.IndexStatus, 'ACTIVE');
        await db.send(new DeleteTableCommand({ TableName }));
        await assert.rejects(db.send(new DescribeTableCommand({ TableName })), ResourceNotFoundException);
      }
    } finally {
      await sandbox.stop();
    }
  });
});

