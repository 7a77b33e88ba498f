import { functionErrorOf } from '../lab/invocations.js';
import type { InvokeResult, Item } from '../aws/services.js';
import { s3UrlEncode } from '../aws-rules/s3-key-encoding.js';
import type { LabContext } from '../lab/context.js';
import { attributeProblems, probe } from '../lab/probe.js';
import { attributeHint, describeProblem, undecodedKeyHint, type FunctionCode } from '../report/hints.js';
import { retryTransient } from '../lab/retry.js';
import { invokeWhenReady, updateFunction, whenSettled } from './function.js';
import { noChanges, type Change, type CheckResult, type Step } from './step.js';

type Ctx = Pick<LabContext, 'names' | 'lambda' | 'dynamodb' | 'clock' | 'timeoutMs' | 'pollIntervalMs' | 'handlerZip'>;

/** The probe's invocation failed with AccessDenied inside the function: maybe IAM has not yet propagated the role's new policy. */
class DeniedInsideFunction extends Error {
  constructor(readonly result: InvokeResult) {
    super('AccessDenied inside the function');
  }
}

/**
 * Whether a failed invocation's payload is an AccessDenied from AWS inside the handler. Node's SDK
 * names the error (`errorType`); boto3 raises ClientError and only its message carries the code, so
 * the message is read here, the one place the tool reads an error's text: it is the function's.
 */
function deniedInside(result: InvokeResult): boolean {
  if (!result.functionError) return false;
  try {
    const error = JSON.parse(result.payload) as { errorType?: string; errorMessage?: string };
    return /^AccessDenied(Exception)?$/.test(error.errorType ?? '') || /\(AccessDenied(Exception)?\)/.test(error.errorMessage ?? '');
  } catch {
    return false;
  }
}

/**
 * Invokes the probe; while it fails with AccessDenied inside the function, tries again with backoff up
 * to the timeout. IAM takes seconds to carry a new or changed policy to the role's sessions, so the
 * first invocation right after setup can be denied what the policy allows (the permissions check,
 * which asks IAM's simulator, already passed). The last result is returned either way.
 */
async function invokeProbe(ctx: Ctx, payload: string): Promise<{ result: InvokeResult; waitedForPolicy: boolean }> {
  const pace = Math.min(1000, ctx.pollIntervalMs * 4);
  let waitedForPolicy = false;
  try {
    const result = await retryTransient(ctx.clock, { initialDelayMs: pace, maxDelayMs: pace * 8, timeoutMs: ctx.timeoutMs }, (e) => e instanceof DeniedInsideFunction && (waitedForPolicy = true), async () => {
      const result = await invokeWhenReady(ctx, ctx.names.function, payload);
      if (deniedInside(result)) throw new DeniedInsideFunction(result);
      return result;
    });
    return { result, waitedForPolicy };
  } catch (error) {
    if (error instanceof DeniedInsideFunction) return { result: error.result, waitedForPolicy };
    throw error;
  }
}

/**
 * The probe: invoke the function with a synthetic S3 event for a key of its own, one that needs
 * decoding (lab/probe.ts), then grade what it stored as the lesson asks: `object_key` exactly the
 * decoded key, every attribute with its type and the event's value. Every item the probe produced is
 * deleted again: the one check that changes something, and it cleans up after itself.
 */
async function check(ctx: Ctx): Promise<CheckResult> {
  const { names } = ctx;
  const fn = await ctx.lambda.getFunction(names.function);
  if (!fn) return { ok: false, detail: `function ${names.function} does not exist` };
  await whenSettled(ctx, fn);
  const sent = probe({ bucket: names.bucket, region: names.region, now: ctx.clock.now() });
  const { result, waitedForPolicy } = await invokeProbe(ctx, JSON.stringify(sent.event));
  if (result.functionError) {
    const stillDenied = waitedForPolicy ? ` (still denied after ${Math.round(ctx.timeoutMs / 1000)} s: not IAM propagation, so look for a permissions boundary, an SCP or a policy on the table that denies it)` : '';
    return { ok: false, detail: `the function failed on a test upload event: ${functionErrorOf(result.payload)}${stillDenied}` };
  }
  const key = { bucket: names.bucket, object_key: sent.key };
  const item = await ctx.dynamodb.getItem(names.table, key);
  // Under another key: what a handler that does not decode (or decodes half) stored.
  const elsewhere = item ? [] : await ctx.dynamodb.itemsWithKeyPrefix(names.table, names.bucket, sent.keyPrefix);
  for (const stored of [...(item ? [item] : []), ...elsewhere]) await ctx.dynamodb.deleteItem(names.table, { bucket: names.bucket, object_key: String(stored.object_key) });
  const code: FunctionCode = { name: names.function, runtime: fn.runtime, handler: fn.handler };
  if (!item) return elsewhere.length > 0 ? wrongKey(code, sent.key, elsewhere[0]!) : { ok: false, detail: `the function ran on a test event for ${names.bucket}/${sent.key}, but wrote no item to ${names.table}` };
  const problems = attributeProblems(item, sent.expected);
  if (problems.length > 0) {
    return { ok: false, detail: `the function's item for a test event ${problems.map(describeProblem).join('; ')} (probe item removed)`, hint: attributeHint(code, problems[0]!) };
  }
  return { ok: true, detail: `a test event for "${sent.key}" was saved to ${names.table} under that exact key, with every attribute (probe item removed)` };
}

function wrongKey(code: FunctionCode, wanted: string, stored: Item): CheckResult {
  const event = s3UrlEncode(wanted);
  const found = String(stored.object_key);
  const what = found === event ? 'stored the key still URL-encoded, as the event carries it' : 'stored the key decoded differently from unquote_plus';
  return { ok: false, detail: `the function ${what}: object_key "${found}", where it should be "${wanted}" (probe item removed)`, hint: undecodedKeyHint(code) };
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
