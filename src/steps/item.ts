import type { Item } from '../aws/services.js';
import type { LabContext } from '../lab/context.js';
import { TEST_KEY } from '../lab/names.js';
import { hasAwsCode } from '../errors.js';
import { missingFields } from '../lab/probe.js';
import { poll } from '../lab/retry.js';
import { GONE, leftBehind } from './ownership.js';
import { isLabObject } from './trigger.js';
import type { Upload } from '../lab/state.js';
import { messages, removalCommand } from '../report/messages.js';
import { noChanges, type Change, type CheckResult, type Step } from './step.js';

type Ctx = Pick<LabContext, 'names' | 'dynamodb' | 's3' | 'clock' | 'timeoutMs' | 'pollIntervalMs' | 'upload' | 'state' | 'dryRun' | 'awsCli'>;


/**
 * Looks for the item of incoming/notes.txt. After an upload it must carry that upload's ETag (the
 * test file's content changes on every upload), so an item left from an earlier run does not pass.
 */
async function check(ctx: Ctx): Promise<CheckResult> {
  const key = { bucket: ctx.names.bucket, object_key: ctx.upload?.key ?? TEST_KEY };
  const wanted = ctx.upload?.etag;
  const outcome = await poll<Item>(ctx.clock, ctx.upload ? ctx.timeoutMs : 0, ctx.pollIntervalMs, async () => {
    const item = await ctx.dynamodb.getItem(ctx.names.table, key);
    if (item && (!wanted || item.etag === wanted)) return { done: true, value: item };
    return item ? { done: false, last: item } : { done: false };
  });
  const where = `${ctx.names.table} {bucket: ${key.bucket}, object_key: ${key.object_key}}`;
  if (!outcome.done) {
    return { ok: false, detail: outcome.last ? `${where} holds an older upload (etag ${String(outcome.last.etag)}), not this one's (${wanted})` : `no item ${where}` };
  }
  const missing = missingFields(outcome.value);
  if (missing.length > 0) return { ok: false, detail: `item ${where} has no ${missing.join(', ')}` };
  return { ok: true, detail: `item ${where} with size ${String(outcome.value.size)}, etag ${String(outcome.value.etag)}` };
}

/** The item itself, for setup's closing summary. */
export function savedItem(ctx: Pick<LabContext, 'names' | 'dynamodb' | 'upload'>): Promise<Item | undefined> {
  return ctx.dynamodb.getItem(ctx.names.table, { bucket: ctx.names.bucket, object_key: ctx.upload?.key ?? TEST_KEY });
}

/**
 * The lab's test uploads and the items they produced, each only while it is still the lab's: an
 * object that lost the lab's marker was replaced by someone, an item with another ETag was rewritten
 * by a later upload. Removed even from the table and bucket the lab created, which go after them only
 * if nothing else is left in them. Runs after the trigger and the function are gone, so no late event
 * rewrites an item once it is removed.
 */
async function remove(ctx: Ctx): Promise<Change[]> {
  const changes: Change[] = [];
  for (const upload of ctx.state.uploads) {
    const objectChanges = [...(await removeItem(ctx, upload)), ...(await removeObject(ctx, upload))];
    changes.push(...objectChanges);
    if (!ctx.dryRun && !objectChanges.some((c) => c.action === 'left')) ctx.state.forgetUpload(upload);
  }
  return changes;
}

async function removeItem(ctx: Ctx, { bucket, key, table, etag }: Upload): Promise<Change[]> {
  const resource = `item ${bucket}/${key} in ${table}`;
  if (ctx.dryRun) return [{ action: 'remove', resource }];
  const command = removalCommand.item(ctx.awsCli, table, bucket, key);
  try {
    const item = await ctx.dynamodb.getItem(table, { bucket, object_key: key });
    if (!item) return [];
    if (etag !== undefined && item.etag !== etag) return [{ action: 'keep', resource, reason: messages.notLabItem, command }];
    await ctx.dynamodb.deleteItem(table, { bucket, object_key: key });
    return [{ action: 'remove', resource }];
  } catch (error) {
    return hasAwsCode(error, ...GONE) ? [] : [leftBehind(resource, error, command)];
  }
}

async function removeObject(ctx: Ctx, { bucket, key, itemOnly }: Upload): Promise<Change[]> {
  if (itemOnly) return [];
  const resource = `object ${bucket}/${key}`;
  if (ctx.dryRun) return [{ action: 'remove', resource }];
  const command = removalCommand.object(ctx.awsCli, bucket, key);
  try {
    const object = await ctx.s3.headObject(bucket, key);
    if (!object) return [{ action: 'remove', resource, reason: 'already gone' }];
    if (!isLabObject(object)) return [{ action: 'keep', resource, reason: messages.notLabObject, command }];
    await ctx.s3.deleteObject(bucket, key);
    return [{ action: 'remove', resource }];
  } catch (error) {
    return hasAwsCode(error, ...GONE) ? [{ action: 'remove', resource, reason: 'already gone' }] : [leftBehind(resource, error, command)];
  }
}

export const itemStep = {
  id: 'item',
  applyAfter: ['trigger'],
  checkAfter: ['trigger', 'code'],
  plan: noChanges,
  apply: noChanges,
  check,
  remove,
} satisfies Step;
