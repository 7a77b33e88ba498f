import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BatchWriteItemCommand, CreateTableCommand, DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteFunctionCommand, GetFunctionCommand, UpdateFunctionCodeCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { CopyObjectCommand, CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ClassicLevel } from 'classic-level';
import { RECORDS } from '../../src/sandbox/state-db.js';
import { BODY_IN_STATE_BYTES } from '../../src/sandbox/services/s3/store.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { createActiveFunction, createRole, zipOf } from './lambda-support.js';

describe('durability', () => {
  it("syncs every LevelDB write, DynamoDB's (dynalite's) and the sandbox's own state, before answering", async (t) => {
    // Every write of an abstract-level database ends in one of these three; record the options each gets.
    const writes: { method: string; sync: unknown }[] = [];
    const level = ClassicLevel.prototype as unknown as Record<string, (...args: unknown[]) => Promise<void>>;
    for (const method of ['_put', '_del', '_batch']) {
      const original = level[method]!;
      t.mock.method(level, method, function (this: unknown, ...args: unknown[]) {
        writes.push({ method, sync: (args.at(-1) as { sync?: unknown }).sync });
        return original.apply(this, args);
      });
    }
    const sandbox = await startTestSandbox();
    try {
      const db = sandbox.clients.dynamodb;
      await db.send(new CreateTableCommand({ TableName: 'synced', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
      await db.send(new PutItemCommand({ TableName: 'synced', Item: { pk: { S: 'a' } } }));
      await db.send(new UpdateItemCommand({ TableName: 'synced', Key: { pk: { S: 'a' } }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '1' } } }));
      await db.send(new BatchWriteItemCommand({ RequestItems: { synced: [{ PutRequest: { Item: { pk: { S: 'b' } } } }] } }));
      await db.send(new DeleteItemCommand({ TableName: 'synced', Key: { pk: { S: 'a' } } }));
      await sandbox.clients.s3.send(new CreateBucketCommand({ Bucket: 'synced-bucket' }));
      await sandbox.clients.s3.send(new PutObjectCommand({ Bucket: 'synced-bucket', Key: 'k', Body: 'x' }));
    } finally {
      await sandbox.stop();
    }
    assert.ok(writes.length >= 7, `every call wrote (${writes.length} writes)`);
    assert.deepEqual(writes.filter((w) => w.sync !== true), [], 'no unsynced write');
  });

  it('keeps exactly one body (file or record) per stored object and one file per code, and removes at start the files no record names', async () => {
    const first = await startTestSandbox();
    const s3 = first.clients.s3;
    await s3.send(new CreateBucketCommand({ Bucket: 'tidy' }));
    // Small bodies are records of the state database, large ones files: both kinds, each overwritten, deleted and copied.
    const sized = { small: (text: string) => text, large: (text: string) => text.repeat(BODY_IN_STATE_BYTES / text.length + 1) };
    for (const [size, body] of Object.entries(sized)) {
      for (const text of ['one', 'two', 'three']) await s3.send(new PutObjectCommand({ Bucket: 'tidy', Key: `${size}/overwritten`, Body: body(text) }));
      await s3.send(new PutObjectCommand({ Bucket: 'tidy', Key: `${size}/deleted`, Body: body('gone') }));
      await s3.send(new DeleteObjectCommand({ Bucket: 'tidy', Key: `${size}/deleted` }));
      await s3.send(new CopyObjectCommand({ Bucket: 'tidy', Key: `${size}/copy`, CopySource: `tidy/${size}/overwritten` }));
    }
    const role = await createRole(first.clients, 'tidy-role');
    await createActiveFunction(first.clients, { name: 'tidy-kept', role, files: { 'index.js': 'exports.handler = async () => 1;' } });
    await createActiveFunction(first.clients, { name: 'tidy-updated', role, files: { 'index.js': 'exports.handler = async () => 2;' } });
    await createActiveFunction(first.clients, { name: 'tidy-deleted', role, files: { 'index.js': 'exports.handler = async () => 3;' } });
    await first.clients.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'tidy-updated', ZipFile: zipOf({ 'index.js': 'exports.handler = async () => 4;' }) }));
    await waitUntilFunctionUpdatedV2({ client: first.clients.lambda, maxWaitTime: 30 }, { FunctionName: 'tidy-updated' });
    await first.clients.lambda.send(new DeleteFunctionCommand({ FunctionName: 'tidy-deleted' }));
    await first.stop(true);

    const bodies = join(first.dataDir, 's3', 'bodies', 'tidy');
    const code = join(first.dataDir, 'lambda', 'code');
    assert.equal(readdirSync(bodies).length, 2, 'the superseded and deleted body files went once their records were saved');
    const state = new ClassicLevel<string, string>(join(first.dataDir, 'state'));
    const bodyRecords = await state.keys({ gte: `${RECORDS.s3Bodies}tidy/`, lt: `${RECORDS.s3Bodies}tidy0` }).all();
    await state.close();
    assert.equal(bodyRecords.length, 2, 'the superseded and deleted body records went with the changes that superseded them');
    assert.equal(readdirSync(code).length, 2, 'the replaced and deleted zips went');
    // What a crash between writing a file and saving its record leaves behind.
    writeFileSync(join(bodies, 'left-by-a-crash'), 'orphan');
    writeFileSync(join(code, `${'0'.repeat(64)}.zip`), 'orphan');

    const second = await startTestSandbox({ dataDir: first.dataDir });
    try {
      // Each service tidies up when it is built, on its first request after the restart.
      const read = async (key: string) => (await second.clients.s3.send(new GetObjectCommand({ Bucket: 'tidy', Key: key, ChecksumMode: 'ENABLED' }))).Body!.transformToString();
      for (const [size, body] of Object.entries(sized)) {
        assert.equal(await read(`${size}/overwritten`), body('three'));
        assert.equal(await read(`${size}/copy`), body('three'));
      }
      for (const name of ['tidy-kept', 'tidy-updated']) {
        const fn = await second.clients.lambda.send(new GetFunctionCommand({ FunctionName: name }));
        assert.equal((await fetch(fn.Code!.Location!)).status, 200, `${name} has its code`);
      }
      assert.equal(readdirSync(bodies).length, 2, 'the orphan body is gone');
      assert.equal(readdirSync(code).length, 2, 'the orphan zip is gone');
    } finally {
      await second.stop();
    }
  });
});
