import { hasAwsCode, LabError } from '../errors.js';
import type { LabContext } from '../lab/context.js';
import { LAB_TAG } from '../lab/names.js';
import { messages, removalCommand } from '../report/messages.js';
import { removeIfOurs } from './ownership.js';
import { isLabObject } from './trigger.js';
import type { Change, LabStep } from './step.js';

/**
 * The lab's bucket: a prerequisite of the `trigger` step rather than a checklist item (the lab
 * starts from "a bucket you own"). It is its own step so setup can create it concurrently with the
 * table and the role; `trigger`'s check reports a missing bucket.
 */

type Ctx = Pick<LabContext, 'names' | 's3' | 'state' | 'dryRun' | 'bucketGiven' | 'awsCli'>;

const notYours = (bucket: string) =>
  new LabError('BucketNotYours', `The bucket name ${bucket} is taken by another AWS account (bucket names are global).`, 'Pass --bucket <a name of your own>, e.g. --bucket upload-lab-<your initials>-<random digits>.', 'user');

async function plan(ctx: Ctx): Promise<Change[]> {
  const resource = `bucket ${ctx.names.bucket}`;
  const access = await ctx.s3.headBucket(ctx.names.bucket);
  if (access === 'forbidden') throw notYours(ctx.names.bucket);
  if (access === 'missing') return [{ action: 'create', resource }];
  return [{ action: 'reuse', resource, reason: ctx.bucketGiven ? 'your bucket, kept on teardown' : undefined }];
}

async function apply(ctx: Ctx): Promise<Change[]> {
  const resource = `bucket ${ctx.names.bucket}`;
  const access = await ctx.s3.headBucket(ctx.names.bucket);
  if (access === 'forbidden') throw notYours(ctx.names.bucket);
  if (access === 'owned') {
    // Created by a run killed before it could tag it: finish that run's work.
    if (ctx.state.created('bucket') === ctx.names.bucket && ctx.state.isPending('bucket')) {
      await ctx.s3.tagBucket(ctx.names.bucket, { [LAB_TAG]: 'true' });
      ctx.state.confirm('bucket');
    }
    return [{ action: 'reuse', resource }];
  }
  // S3 takes tags only after CreateBucket: recorded pending until tagged, so a run killed (or
  // refused PutBucketTagging) in between leaves a bucket that teardown still knows as the lab's.
  ctx.state.recordPending('bucket', ctx.names.bucket);
  try {
    await ctx.s3.createBucket(ctx.names.bucket, ctx.names.region);
  } catch (error) {
    ctx.state.forget('bucket');
    if (hasAwsCode(error, 'BucketAlreadyExists')) throw notYours(ctx.names.bucket);
    // Created by a concurrent run between our HEAD and CREATE: not ours to record.
    if (hasAwsCode(error, 'BucketAlreadyOwnedByYou')) return [{ action: 'reuse', resource }];
    throw error;
  }
  await ctx.s3.tagBucket(ctx.names.bucket, { [LAB_TAG]: 'true' });
  ctx.state.confirm('bucket');
  return [{ action: 'create', resource }];
}

async function remove(ctx: Ctx): Promise<Change[]> {
  const bucket = ctx.state.created('bucket');
  // Said only of a bucket that is there: after an earlier teardown removed the lab's, nothing is kept.
  if (!bucket) return (await ctx.s3.headBucket(ctx.names.bucket)) === 'owned' ? [{ action: 'keep', resource: `bucket ${ctx.names.bucket}`, reason: messages.notCreatedByLab }] : [];
  return removeIfOurs(ctx, 'bucket', `bucket ${bucket}`, {
    command: removalCommand.bucket(ctx.awsCli, bucket),
    tags: async () => ((await ctx.s3.headBucket(bucket)) === 'owned' ? ctx.s3.bucketTags(bucket) : undefined),
    othersInside: async () => {
      const others = await objectsNotLabs(ctx, bucket);
      return others.length ? messages.holdsOthers(others.length, 'object', others) : undefined;
    },
    // The lab's test uploads went with the `item` step: what is left is not the lab's to delete.
    remove: () => ctx.s3.deleteBucket(bucket),
  });
}

/**
 * The keys the lab did not write: all but its recorded test uploads that still carry its marker (a
 * teardown has removed those already; a dry run has not). No versions: the lab never turns them on.
 */
async function objectsNotLabs(ctx: Ctx, bucket: string): Promise<string[]> {
  const labs = new Set(ctx.state.uploads.filter((u) => u.bucket === bucket && !u.itemOnly).map((u) => u.key));
  const others: string[] = [];
  for (const key of await ctx.s3.listKeys(bucket)) {
    const object = labs.has(key) ? await ctx.s3.headObject(bucket, key) : undefined;
    if (!object || !isLabObject(object)) others.push(key);
  }
  return others;
}

export const bucketStep = {
  id: 'bucket',
  applyAfter: [],
  plan,
  apply,
  remove,
} satisfies LabStep<'bucket'>;
