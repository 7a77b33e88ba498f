import { LabError } from '../errors.js';
import type { LabContext } from '../lab/context.js';
import { checkSteps, recordedUpload } from '../steps/run.js';
import { functionNameOf, incomingRule } from '../steps/trigger.js';
import { openLab } from './open-lab.js';
import { validateOptions, type LabOptions } from './options.js';
import { runCommand, type CommandIO } from './run-command.js';

/** verify: grade the lab as it stands, whoever built it; exit 0 only when every check passes. */
export function verify(options: LabOptions, io: CommandIO): Promise<number> {
  return runCommand('verify', options, io, async (reporter) => {
    const valid = validateOptions(options);
    const lab = await openLab(valid, (sentence) => reporter.note(sentence));
    try {
      const { ctx } = lab;
      if (!valid.function) ctx.names.function = (await discoverFunction(ctx)) ?? ctx.names.function;
      reporter.target(lab.target);
      const outcomes = await checkSteps(ctx, reporter.event.bind(reporter), valid.upload === false ? undefined : recordedUpload(ctx));
      reporter.checklist(outcomes);
      return outcomes.every((o) => o.status === 'pass') ? 0 : 1;
    } finally {
      await lab.close();
    }
  });
}

/** A lab built by hand names its function nowhere but in the bucket's notification rule for incoming/. */
async function discoverFunction(ctx: Pick<LabContext, 'names' | 's3'>): Promise<string | undefined> {
  // A bucket that cannot be looked into (another region, no access) is the trigger check's to report.
  const access = await ctx.s3.headBucket(ctx.names.bucket).catch((error: unknown) => {
    if (error instanceof LabError) return undefined;
    throw error;
  });
  if (access !== 'owned') return undefined;
  return functionNameOf(incomingRule(await ctx.s3.getNotifications(ctx.names.bucket))?.LambdaFunctionArn);
}
