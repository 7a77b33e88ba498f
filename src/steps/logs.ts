import type { LabContext } from '../lab/context.js';
import { functionLogGroup } from '../aws-rules/arns.js';
import { TEST_KEY } from '../lab/names.js';
import { poll } from '../lab/retry.js';
import { noChanges, type Change, type CheckResult, type Step } from './step.js';

type Ctx = Pick<LabContext, 'names' | 'logs' | 'clock' | 'timeoutMs' | 'pollIntervalMs' | 'upload' | 'state' | 'dryRun'>;

// Log lines reach CloudWatch seconds after they are printed; a log-free answer is asked again.
// The lab's clock and AWS's may differ a little; a line from just before the upload is still this upload's.
const CLOCK_SKEW_MS = 5000;

export const successLine = (bucket: string) => `Saved metadata for ${bucket}/${TEST_KEY}`;

/**
 * Looks for the handler's success line in /aws/lambda/<function>. After an upload: a line since that
 * upload, waiting for it up to the timeout. Without one (verify --no-upload): any such line.
 */
async function check(ctx: Ctx): Promise<CheckResult> {
  const group = functionLogGroup(ctx.names.function);
  const line = successLine(ctx.names.bucket);
  // A quoted filter pattern matches the exact phrase (unquoted, `/` and `.` would split it into terms).
  const pattern = `"${line}"`;
  const since = ctx.upload ? ctx.upload.at - CLOCK_SKEW_MS : undefined;
  const outcome = await poll(ctx.clock, ctx.upload ? ctx.timeoutMs : 0, ctx.pollIntervalMs, async () => {
    const events = await ctx.logs.filterEvents(group, pattern, since);
    return events.length > 0 ? { done: true as const, value: events.length } : { done: false as const };
  });
  if (outcome.done) return { ok: true, detail: `${group} has "${line}"` };
  const errors = await recentErrors(ctx, group, since);
  const waited = ctx.upload ? ` within ${Math.round(ctx.timeoutMs / 1000)} s of the upload` : '';
  return { ok: false, detail: `no "${line}" line in ${group}${waited}${errors ? `; the log says: ${errors}` : ''}` };
}

/** The function's own error lines, which tell the learner what went wrong better than we can. */
async function recentErrors(ctx: Ctx, group: string, since: number | undefined): Promise<string | undefined> {
  const events = await ctx.logs.filterEvents(group, '?ERROR ?Error ?"Task timed out"', since);
  const last = events.at(-1)?.message.trim();
  return last && last.length > 300 ? `${last.slice(0, 300)}…` : last;
}

async function remove(ctx: Ctx): Promise<Change[]> {
  // Lambda creates the group on the first invocation; it is the lab's when the function is.
  const fn = ctx.state.created('function');
  if (!fn) return [];
  const group = functionLogGroup(fn);
  if (ctx.dryRun) return [{ action: 'remove', resource: `log group ${group}` }];
  const existed = await ctx.logs.deleteLogGroup(group);
  return [{ action: 'remove', resource: `log group ${group}`, ...(existed ? {} : { reason: 'already gone' }) }];
}

export const logsStep = {
  id: 'logs',
  applyAfter: ['trigger'],
  checkAfter: ['trigger', 'code'],
  // Nothing to build: the function writes its logs.
  plan: noChanges,
  apply: noChanges,
  check,
  remove,
} satisfies Step;
