import type { Item } from '../aws/services.js';
import type { LabContext } from '../lab/context.js';
import { TEST_KEY } from '../lab/names.js';
import { hasAwsCode } from '../errors.js';
import { attributeProblems } from '../lab/probe.js';
import { attributeHint, describeProblem } from '../report/hints.js';
import type { LoggedInvocation } from '../lab/invocations.js';
import { poll, type PollOutcome } from '../lab/retry.js';
import { finishedUploadInvocation, outputSummary } from './logs.js';
import { GONE, leftBehind } from './ownership.js';
import { isLabObject } from './trigger.js';
import type { Upload } from '../lab/state.js';
import { messages, removalCommand } from '../report/messages.js';
import { noChanges, type Change, type CheckResult, type Step } from './step.js';

type Ctx = Pick<LabContext, 'names' | 'dynamodb' | 's3' | 'lambda' | 'logs' | 'clock' | 'timeoutMs' | 'pollIntervalMs' | 'upload' | 'state' | 'dryRun' | 'awsCli'>;


/**
 * Looks for the item of incoming/notes.txt. After an upload it must carry that upload's ETag (the
 * test file's content changes on every upload), so an item left from an earlier run does not pass.
 * It waits for it up to the timeout, or until the upload's invocation has finished without writing it.
 */
async function check(ctx: Ctx): Promise<CheckResult> {
  const key = { bucket: ctx.names.bucket, object_key: ctx.upload?.key ?? TEST_KEY };
  const wanted = ctx.upload?.etag;
  let older: Item | undefined;
  const read = async (): Promise<PollOutcome<Item>> => {
    const item = await ctx.dynamodb.getItem(ctx.names.table, key);
    if (item && (!wanted || item.etag === wanted)) return { done: true, value: item };
    older = item;
    return { done: false };
  };
  let ran: LoggedInvocation | undefined;
  const outcome = await poll<Item | undefined>(ctx.clock, ctx.upload ? ctx.timeoutMs : 0, ctx.pollIntervalMs, async () => {
    const first = await read();
    if (first.done) return first;
    ran = await finishedUploadInvocation(ctx);
    if (!ran) return first;
    // One more read: the item may have landed between the two; else waiting cannot bring it.
    const again = await read();
    return again.done ? again : { done: true, value: undefined };
  });
  const where = `${ctx.names.table} {bucket: ${key.bucket}, object_key: ${key.object_key}}`;
  if (!outcome.done || !outcome.value) {
    const found = older ? `${where} holds an older upload (etag ${String(older.etag)}), not this one's (${wanted})` : `no item ${where}`;
    return { ok: false, detail: ran ? `${found}: the function ran for the upload (request ${ran.requestId}) and finished; it logged: ${outputSummary(ran)}` : found };
  }
  const problems = attributeProblems(outcome.value);
  if (problems.length > 0) {
    const fn = await ctx.lambda.getFunction(ctx.names.function);
    const hint = attributeHint({ name: ctx.names.function, runtime: fn?.runtime, handler: fn?.handler }, problems[0]!);
    return { ok: false, detail: `item ${where} ${problems.map(describeProblem).join('; ')}`, hint };
  }
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
