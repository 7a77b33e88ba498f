import type { LabContext } from '../lab/context.js';
import { missingFields, probeKey, s3PutEvent } from '../lab/probe.js';
import { updateFunction, whenSettled } from './function.js';
import { noChanges, type Change, type CheckResult, type Step } from './step.js';

type Ctx = Pick<LabContext, 'names' | 'lambda' | 'dynamodb' | 'clock' | 'timeoutMs' | 'handlerZip'>;

/**
 * The probe: invoke the function with a synthetic S3 event for a key of its own, find the item it
 * wrote, delete it again. The one check that changes something, and it cleans up after itself.
 */
async function check(ctx: Ctx): Promise<CheckResult> {
  const { names } = ctx;
  const fn = await ctx.lambda.getFunction(names.function);
  if (!fn) return { ok: false, detail: `function ${names.function} does not exist` };
  await whenSettled(ctx, fn);
  const key = probeKey();
  const event = s3PutEvent({ bucket: names.bucket, key, region: names.region, now: ctx.clock.now() });
  const result = await ctx.lambda.invoke(names.function, JSON.stringify(event));
  if (result.functionError) return { ok: false, detail: `the function failed on a test upload event: ${describeFailure(result.payload)}` };
  const item = await ctx.dynamodb.getItem(names.table, { bucket: names.bucket, object_key: key });
  if (!item) return { ok: false, detail: `the function ran on a test event for ${names.bucket}/${key}, but wrote no item to ${names.table}` };
  await ctx.dynamodb.deleteItem(names.table, { bucket: names.bucket, object_key: key });
  const missing = missingFields(item);
  if (missing.length > 0) return { ok: false, detail: `the function wrote an item for the test event without ${missing.join(', ')}` };
  return { ok: true, detail: `a test event for ${key} was saved to ${names.table} (probe item removed)` };
}

/** Lambda's error payload is `{"errorType": ..., "errorMessage": ...}`. */
function describeFailure(payload: string): string {
  try {
    const error = JSON.parse(payload) as { errorType?: string; errorMessage?: string };
    return [error.errorType, error.errorMessage].filter(Boolean).join(': ') || payload;
  } catch {
    return payload || 'no error message';
  }
}

async function plan(ctx: Ctx): Promise<Change[]> {
  const fn = await ctx.lambda.getFunction(ctx.names.function);
  // A missing function is created with the lab's code by the env step.
  if (!fn) return [];
  const zip = await ctx.handlerZip();
  const resource = `code of ${ctx.names.function}`;
  return fn.codeSha256 === zip.codeSha256 ? [{ action: 'reuse', resource, reason: "already the lab's handler: same CodeSha256" }] : [{ action: 'change', resource, reason: "deploy the lab's handler" }];
}

async function apply(ctx: Ctx): Promise<Change[]> {
  const fn = await ctx.lambda.getFunction(ctx.names.function);
  if (!fn) return [];
  const zip = await ctx.handlerZip();
  const resource = `code of ${ctx.names.function}`;
  const sameCode = fn.codeSha256 === zip.codeSha256;
  const sameEntry = fn.handler === zip.handler && fn.runtime === zip.runtime;
  if (sameCode && sameEntry) return [{ action: 'reuse', resource, reason: "already the lab's handler: same CodeSha256" }];
  await whenSettled(ctx, fn);
  if (!sameCode) await updateFunction(ctx, () => ctx.lambda.updateCode(ctx.names.function, zip.zip));
  if (!sameEntry) await updateFunction(ctx, () => ctx.lambda.updateConfiguration(ctx.names.function, { handler: zip.handler, runtime: zip.runtime }));
  return [{ action: 'change', resource, reason: `deployed the lab's handler (${zip.runtime}, ${zip.handler})` }];
}

export const codeStep = {
  id: 'code',
  applyAfter: ['env'],
  checkAfter: ['table', 'permissions', 'env'],
  plan,
  apply,
  check,
  // The function goes with the env step, which created it.
  remove: noChanges,
} satisfies Step;
