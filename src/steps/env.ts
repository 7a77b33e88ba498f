import type { LabContext } from '../lab/context.js';
import { createFunction, updateFunction, whenSettled } from './function.js';
import { removalCommand } from '../report/messages.js';
import { removeIfOurs } from './ownership.js';
import type { Change, CheckResult, Step } from './step.js';

type Ctx = Pick<LabContext, 'names' | 'iam' | 'lambda' | 'state' | 'clock' | 'timeoutMs' | 'handlerZip' | 'dryRun' | 'awsCli'>;

async function check(ctx: Ctx): Promise<CheckResult> {
  const fn = await ctx.lambda.getFunction(ctx.names.function);
  if (!fn) return { ok: false, detail: `function ${ctx.names.function} does not exist in ${ctx.names.region}` };
  const value = fn.environment.TABLE_NAME;
  if (value === undefined) return { ok: false, detail: `function ${ctx.names.function} has no TABLE_NAME variable` };
  if (value !== ctx.names.table) return { ok: false, detail: `TABLE_NAME is "${value}", but the table is "${ctx.names.table}"` };
  return { ok: true, detail: `TABLE_NAME=${value} is set on ${ctx.names.function}` };
}

async function plan(ctx: Ctx): Promise<Change[]> {
  const fn = await ctx.lambda.getFunction(ctx.names.function);
  const resource = `function ${ctx.names.function}`;
  if (!fn) return [{ action: 'create', resource, reason: `the lab's handler, TABLE_NAME=${ctx.names.table}` }];
  if (fn.environment.TABLE_NAME !== ctx.names.table) return [{ action: 'change', resource, reason: `set TABLE_NAME=${ctx.names.table}` }];
  return [{ action: 'reuse', resource }];
}

async function apply(ctx: Ctx): Promise<Change[]> {
  const fn = await ctx.lambda.getFunction(ctx.names.function);
  const resource = `function ${ctx.names.function}`;
  if (!fn) {
    await createFunction(ctx);
    return [{ action: 'create', resource, reason: `TABLE_NAME=${ctx.names.table}` }];
  }
  if (fn.environment.TABLE_NAME === ctx.names.table) return [{ action: 'reuse', resource }];
  await whenSettled(ctx, fn);
  // The API replaces all variables at once: keep the learner's others.
  await updateFunction(ctx, () => ctx.lambda.updateConfiguration(ctx.names.function, { environment: { ...fn.environment, TABLE_NAME: ctx.names.table } }));
  return [{ action: 'change', resource, reason: `TABLE_NAME=${ctx.names.table}` }];
}

async function remove(ctx: Ctx): Promise<Change[]> {
  const name = ctx.state.created('function');
  if (!name) return [];
  return removeIfOurs(ctx, 'function', `function ${name}`, {
    tags: async () => {
      const fn = await ctx.lambda.getFunction(name);
      return fn && (fn.tags ?? {});
    },
    command: removalCommand.function(ctx.awsCli, name),
    remove: () => ctx.lambda.deleteFunction(name),
  });
}

export const envStep = {
  id: 'env',
  applyAfter: ['permissions'],
  checkAfter: [],
  plan,
  apply,
  check,
  remove,
} satisfies Step;
