import type { Item } from '../aws/services.js';
import type { LabContext } from '../lab/context.js';
import { TEST_KEY } from '../lab/names.js';
import { hasAwsCode } from '../errors.js';
import { missingFields } from '../lab/probe.js';
import { poll } from '../lab/retry.js';
import { GONE } from './ownership.js';
import { noChanges, type Change, type CheckResult, type Step } from './step.js';

type Ctx = Pick<LabContext, 'names' | 'dynamodb' | 'clock' | 'timeoutMs' | 'pollIntervalMs' | 'upload' | 'state' | 'dryRun'>;


/**
 * Looks for the item of incoming/notes.txt. After an upload it must carry that upload's ETag (the
 * test file's content changes on every upload), so an item left from an earlier run does not pass.
 */
async function check(ctx: Ctx): Promise<CheckResult> {
  const key = { bucket: ctx.names.bucket, object_key: TEST_KEY };
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
export function savedItem(ctx: Pick<LabContext, 'names' | 'dynamodb'>): Promise<Item | undefined> {
  return ctx.dynamodb.getItem(ctx.names.table, { bucket: ctx.names.bucket, object_key: TEST_KEY });
}

/** A table the lab created goes whole (with the env step's table); in the learner's own table, only the items of the lab's uploads. */
async function remove(ctx: Ctx): Promise<Change[]> {
  if (ctx.state.created('table')) return [];
  const changes: Change[] = [];
  for (const objectKey of ctx.state.uploads) {
    changes.push({ action: 'remove', resource: `item ${ctx.names.bucket}/${objectKey} in ${ctx.names.table}` });
    if (ctx.dryRun) continue;
    try {
      await ctx.dynamodb.deleteItem(ctx.names.table, { bucket: ctx.names.bucket, object_key: objectKey });
    } catch (error) {
      if (!hasAwsCode(error, ...GONE)) throw error;
    }
  }
  return changes;
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
