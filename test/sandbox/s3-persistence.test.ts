import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
  type NotificationConfiguration,
} from '@aws-sdk/client-s3';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

describe('s3: persistence', () => {
  let current: TestSandbox | undefined;
  let dataDir: string | undefined;
  after(async () => {
    await current?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps buckets, objects, tags and notification configurations across a restart', async () => {
    current = await startTestSandbox();
    dataDir = current.dataDir;
    const s3 = current.clientsIn('eu-west-1').s3;
    await s3.send(new CreateBucketCommand({ Bucket: 'kept-bucket', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    for (const key of ['incoming/a.txt', 'incoming/b c.txt', 'other/é.txt']) {
      await s3.send(new PutObjectCommand({ Bucket: 'kept-bucket', Key: key, Body: `body of ${key}`, Metadata: { k: 'v' } }));
    }
    await s3.send(new PutBucketTaggingCommand({ Bucket: 'kept-bucket', Tagging: { TagSet: [{ Key: 'lab', Value: 'upload' }] } }));
    const notification: NotificationConfiguration = {
      LambdaFunctionConfigurations: [
        {
          Id: 'to-fn',
          LambdaFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:fn',
          Events: ['s3:ObjectCreated:*'],
          // The SDK types say 'prefix'; S3 answers 'Prefix' whichever was sent.
          Filter: { Key: { FilterRules: [{ Name: 'Prefix' as never, Value: 'incoming/' }] } },
        },
      ],
    };
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: 'kept-bucket', NotificationConfiguration: notification, SkipDestinationValidation: true }));
    await current.stop(true);
    current = undefined;

    current = await startTestSandbox({ dataDir });
    const again = current.clientsIn('eu-west-1').s3;
    assert.equal((await again.send(new HeadBucketCommand({ Bucket: 'kept-bucket' }))).BucketRegion, 'eu-west-1');
    const listed = await again.send(new ListObjectsV2Command({ Bucket: 'kept-bucket', Prefix: 'incoming/', MaxKeys: 1 }));
    assert.deepEqual(listed.Contents?.map((c) => c.Key), ['incoming/a.txt']);
    const rest = await again.send(new ListObjectsV2Command({ Bucket: 'kept-bucket', Prefix: 'incoming/', ContinuationToken: listed.NextContinuationToken }));
    assert.deepEqual(rest.Contents?.map((c) => c.Key), ['incoming/b c.txt']);
    const got = await again.send(new GetObjectCommand({ Bucket: 'kept-bucket', Key: 'other/é.txt' }));
    assert.equal(await got.Body!.transformToString(), 'body of other/é.txt');
    assert.deepEqual(got.Metadata, { k: 'v' });
    assert.deepEqual((await again.send(new GetBucketTaggingCommand({ Bucket: 'kept-bucket' }))).TagSet, [{ Key: 'lab', Value: 'upload' }]);
    const config = await again.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'kept-bucket' }));
    assert.deepEqual(config.LambdaFunctionConfigurations, notification.LambdaFunctionConfigurations);
  });
});
