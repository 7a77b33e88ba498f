import type { LabContext } from '../lab/context.js';
import { functionLogGroup, logGroupArn } from '../aws-rules/arns.js';
import { hasAwsCode } from '../errors.js';
import { finishedInvocations, type LoggedInvocation } from '../lab/invocations.js';
import { LAB_TAG, TEST_KEY } from '../lab/names.js';
import { removalCommand } from '../report/messages.js';
import { createRecorded, removeIfOurs } from './ownership.js';
import { poll } from '../lab/retry.js';
import type { Change, CheckResult, Step } from './step.js';

type Ctx = Pick<LabContext, 'names' | 'logs' | 'clock' | 'timeoutMs' | 'pollIntervalMs' | 'upload' | 'state' | 'dryRun' | 'awsCli'>;

// Log lines reach CloudWatch seconds after they are printed; a log-free answer is asked again.
// The lab's clock and AWS's may differ a little; a line from just before the upload is still this upload's.
const CLOCK_SKEW_MS = 5000;

const SAVED = 'Saved metadata for ';
export const successLine = (bucket: string, key = TEST_KEY) => `${SAVED}${bucket}/${key}`;

/**
 * The upload's invocation, once it has finished: after that, waiting longer cannot bring its line.
 * It is the first finished invocation that started after the upload (by Lambda's clock: where the
 * lab's runs ahead, none qualifies and the check waits its timeout, as before) and did not save
 * another key, such as the code check's probe or an upload of the learner's own.
 */
export async function finishedUploadInvocation(ctx: Pick<LabContext, 'names' | 'logs' | 'upload'>): Promise<LoggedInvocation | undefined> {
  const { upload } = ctx;
  if (!upload) return undefined;
  const events = await ctx.logs.filterEvents(functionLogGroup(ctx.names.function), '', upload.at - CLOCK_SKEW_MS);
  const savedOther = (line: string) => line.includes(SAVED) && !line.includes(successLine(ctx.names.bucket, upload.key));
  return finishedInvocations(events).find((i) => i.startedAt >= upload.at && !i.output.some(savedOther));
}

/** What an invocation wrote, in one line for a check's detail. */
export function outputSummary(invocation: LoggedInvocation): string {
  const text = invocation.output.join(' | ').replaceAll('\r', ' ').replace(/\s+/g, ' ');
  if (!text) return 'nothing besides START, END and REPORT';
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/**
 * Looks for the handler's success line in /aws/lambda/<function>. After an upload: a line since that
 * upload, waiting for it up to the timeout, or until the upload's invocation has finished without
 * it. Without one (verify --no-upload): any such line.
 */
async function check(ctx: Ctx): Promise<CheckResult> {
  const group = functionLogGroup(ctx.names.function);
  const line = successLine(ctx.names.bucket, ctx.upload?.key);
  // A quoted filter pattern matches the exact phrase (unquoted, `/` and `.` would split it into terms).
  const pattern = `"${line}"`;
  const since = ctx.upload ? ctx.upload.at - CLOCK_SKEW_MS : undefined;
  let ran: LoggedInvocation | undefined;
  const outcome = await poll(ctx.clock, ctx.upload ? ctx.timeoutMs : 0, ctx.pollIntervalMs, async () => {
    const events = await ctx.logs.filterEvents(group, pattern, since);
    if (events.length > 0) return { done: true as const, value: 'logged' as const };
    ran = await finishedUploadInvocation(ctx);
    // One more look: the line may have landed between the two reads.
    return ran && (await ctx.logs.filterEvents(group, pattern, since)).length === 0 ? { done: true as const, value: 'finished without it' as const } : { done: false as const };
  });
  if (outcome.done && outcome.value === 'logged') return { ok: true, detail: `${group} has "${line}"` };
  if (ran) return { ok: false, detail: `the function ran for the upload (request ${ran.requestId}) and finished without logging "${line}"; it logged: ${outputSummary(ran)}` };
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

/**
 * Lambda creates /aws/lambda/<function> untagged on the first invocation; the lab creates it first,
 * tagged, so teardown can prove it is the lab's. One that already exists (an earlier function of that
 * name left it, or the learner made it) is used but not recorded, and so kept.
 */
async function plan(ctx: Ctx): Promise<Change[]> {
  const group = functionLogGroup(ctx.names.function);
  return [(await ctx.logs.logGroupTags(logGroupArn(ctx.names.region, ctx.names.account, group))) ? { action: 'reuse', resource: `log group ${group}` } : { action: 'create', resource: `log group ${group}`, reason: `tagged ${LAB_TAG}` }];
}

async function apply(ctx: Ctx): Promise<Change[]> {
  const group = functionLogGroup(ctx.names.function);
  if (await ctx.logs.logGroupTags(logGroupArn(ctx.names.region, ctx.names.account, group))) return [{ action: 'reuse', resource: `log group ${group}` }];
  try {
    await createRecorded(ctx.state, 'logGroup', group, () => ctx.logs.createLogGroup(group, { [LAB_TAG]: 'true' }));
  } catch (error) {
    // Made meanwhile by the function's first invocation or a concurrent run: not ours to record.
    if (!hasAwsCode(error, 'ResourceAlreadyExistsException')) throw error;
    return [{ action: 'reuse', resource: `log group ${group}` }];
  }
  return [{ action: 'create', resource: `log group ${group}`, reason: `tagged ${LAB_TAG}` }];
}

async function remove(ctx: Ctx): Promise<Change[]> {
  const group = ctx.state.created('logGroup');
  if (!group) return [];
  return removeIfOurs(ctx, 'logGroup', `log group ${group}`, {
    tags: () => ctx.logs.logGroupTags(logGroupArn(ctx.names.region, ctx.names.account, group)),
    command: removalCommand.logGroup(ctx.awsCli, group),
    remove: async () => {
      await ctx.logs.deleteLogGroup(group);
    },
  });
}

export const logsStep = {
  id: 'logs',
  // Before the function's first invocation, which happens only once every step is applied.
  applyAfter: [],
  checkAfter: ['trigger', 'code'],
  plan,
  apply,
  check,
  remove,
} satisfies Step;
