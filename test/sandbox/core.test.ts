import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, DescribeTableCommand, PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startSandbox } from '../../src/sandbox/server.js';
import { DataDirLockedError } from '../../src/sandbox/persist.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

describe('sandbox core', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox();
  });
  after(() => t.stop());

  it('answers STS GetCallerIdentity as the account root', async () => {
    const me = await t.clients.sts.send(new GetCallerIdentityCommand({}));
    assert.equal(me.Account, '000000000000');
    assert.equal(me.Arn, 'arn:aws:iam::000000000000:root');
  });

  it('serves DynamoDB through dynalite with regional ARNs', async () => {
    const created = await t.clientsIn('eu-west-1').dynamodb.send(
      new CreateTableCommand({
        TableName: 'core_t',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    assert.equal(created.TableDescription?.TableArn, 'arn:aws:dynamodb:eu-west-1:000000000000:table/core_t');
    const db = t.clientsIn('eu-west-1').dynamodb;
    await db.send(new PutItemCommand({ TableName: 'core_t', Item: { pk: { S: 'a' }, n: { N: '1' } } }));
    const got = await db.send(new GetItemCommand({ TableName: 'core_t', Key: { pk: { S: 'a' } } }));
    assert.deepEqual(got.Item, { pk: { S: 'a' }, n: { N: '1' } });
    // Tables are regional: us-east-1 does not see it.
    await assert.rejects(t.clients.dynamodb.send(new DescribeTableCommand({ TableName: 'core_t' })), { name: 'ResourceNotFoundException' });
  });

  it('refuses a second sandbox on the same data dir with a clear error', async () => {
    await assert.rejects(startSandbox({ dataDir: t.dataDir, port: 0 }), (error: unknown) => {
      assert.ok(error instanceof DataDirLockedError);
      assert.match(error.message, /in use by process \d+ \(serving http:\/\/127\.0\.0\.1:\d+\)/);
      return true;
    });
  });
});
