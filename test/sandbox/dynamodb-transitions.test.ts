import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, test } from 'node:test';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
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
});
