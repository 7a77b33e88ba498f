import type { FunctionInfo, InvokeResult } from '../aws/services.js';
import { hasAwsCode, LabError } from '../errors.js';
import type { LabContext } from '../lab/context.js';
import { LAB_TAG } from '../lab/names.js';
import { retryTransient } from '../lab/retry.js';
import { createRecorded } from './ownership.js';

/**
 * The lab's function, shared by the `env` step (which creates it, since a function cannot exist
 * without code) and the `code` step (which keeps its code the lab's).
 */

type Ctx = Pick<LabContext, 'names' | 'iam' | 'lambda' | 'state' | 'clock' | 'timeoutMs' | 'handlerZip'>;

/**
 * A function whose last update is still running answers every other update with
 * ResourceConflictException. An `Inactive` function (idle for weeks) is not waited for here: nothing
 * changes until something calls it, which turns it `Pending` (see `invokeWhenReady`).
 */
export async function whenSettled(ctx: Pick<LabContext, 'lambda' | 'timeoutMs'>, fn: FunctionInfo): Promise<void> {
  if (fn.state === 'Pending') await ctx.lambda.waitActive(fn.arn, ctx.timeoutMs);
  if (fn.lastUpdateStatus === 'InProgress') await ctx.lambda.waitUpdated(fn.arn, ctx.timeoutMs);
}

/**
 * Invoke, waiting out the states in which Lambda refuses invocations with ResourceConflictException:
 * `Pending` (just created, or just woken), and `Inactive`, where the refused call itself wakes the
 * function into `Pending`. Bounded by the timeout like every wait.
 */
export async function invokeWhenReady(ctx: Pick<LabContext, 'lambda' | 'clock' | 'timeoutMs' | 'pollIntervalMs'>, name: string, payload: string): Promise<InvokeResult> {
  const pace = Math.min(1000, ctx.pollIntervalMs * 4);
  return retryTransient(ctx.clock, { initialDelayMs: pace, maxDelayMs: pace * 8, timeoutMs: ctx.timeoutMs }, (e) => hasAwsCode(e, 'ResourceConflictException'), async () => {
    const fn = await ctx.lambda.getFunction(name);
    if (fn) await whenSettled(ctx, fn);
    return ctx.lambda.invoke(name, payload);
  });
}

/** Runs an update of the function, waiting out a concurrent update (ResourceConflictException), then waits for it to finish. */
export async function updateFunction(ctx: Pick<LabContext, 'names' | 'lambda' | 'clock' | 'timeoutMs'>, update: () => Promise<void>): Promise<void> {
  await retryTransient(ctx.clock, { initialDelayMs: 250, maxDelayMs: 4000, timeoutMs: ctx.timeoutMs }, (e) => hasAwsCode(e, 'ResourceConflictException'), async () => {
    await ctx.lambda.waitUpdated(ctx.names.function, ctx.timeoutMs);
    await update();
  });
  await ctx.lambda.waitUpdated(ctx.names.function, ctx.timeoutMs);
}

/**
 * CreateFunction with the lab's zip and TABLE_NAME, recorded first. A role created seconds ago is
 * not yet assumable by Lambda (InvalidParameterValueException, "The role defined for the function
 * cannot be assumed by Lambda."): retried with backoff for up to the timeout. That is the only
 * InvalidParameterValueException our fixed, valid parameters can meet, so the code alone decides.
 */
export async function createFunction(ctx: Ctx): Promise<void> {
  const role = await ctx.iam.getRole(ctx.names.role);
  if (!role) {
    throw new LabError('RoleMissing', `Role ${ctx.names.role} does not exist, so the function cannot be created.`, 'Rerun `upload-lab setup`; it creates the role first.', 'internal');
  }
  const zip = await ctx.handlerZip();
  const create = () =>
    ctx.lambda.createFunction({
      name: ctx.names.function,
      roleArn: role.arn,
      zip: zip.zip,
      handler: zip.handler,
      runtime: zip.runtime,
      environment: { TABLE_NAME: ctx.names.table },
      tags: { [LAB_TAG]: 'true' },
    });
  await createRecorded(ctx.state, 'function', ctx.names.function, () =>
    retryTransient(ctx.clock, { initialDelayMs: 1000, maxDelayMs: 8000, timeoutMs: ctx.timeoutMs }, (e) => hasAwsCode(e, 'InvalidParameterValueException'), create),
  );
  await ctx.lambda.waitActive(ctx.names.function, ctx.timeoutMs);
}
