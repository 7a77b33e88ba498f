import { functionLogGroup } from '../aws-rules/arns.js';
import type { LabContext } from '../lab/context.js';
import { removalCommand } from '../report/messages.js';
import { removeIfOurs } from './ownership.js';
import { noChanges, type Change, type LabStep } from './step.js';

type Ctx = Pick<LabContext, 'lambda' | 'logs' | 'state' | 'dryRun' | 'awsCli'>;

/**
 * The second function `upload-lab demo` deploys beside the lab's (the lesson's plain-PutItem handler).
 * Not a checklist item, and never built by setup: the demo creates it, recorded first, and removes it
 * when it ends. This step is how it goes, then and on teardown after an interrupted demo, with its log group.
 */
export async function removeDemoFunction(ctx: Ctx): Promise<Change[]> {
  const name = ctx.state.created('demoFunction');
  if (!name) return [];
  const changes = await removeIfOurs(ctx, 'demoFunction', `function ${name}`, {
    tags: async () => {
      const fn = await ctx.lambda.getFunction(name);
      return fn && (fn.tags ?? {});
    },
    command: removalCommand.function(ctx.awsCli, name),
    remove: () => ctx.lambda.deleteFunction(name),
  });
  const group = functionLogGroup(name);
  if (ctx.dryRun) return [...changes, { action: 'remove', resource: `log group ${group}` }];
  const existed = await ctx.logs.deleteLogGroup(group);
  return [...changes, { action: 'remove', resource: `log group ${group}`, ...(existed ? {} : { reason: 'already gone' }) }];
}

export const demoFunctionStep = {
  id: 'demo',
  applyAfter: [],
  plan: noChanges,
  apply: noChanges,
  remove: removeDemoFunction,
} satisfies LabStep<'demo'>;
