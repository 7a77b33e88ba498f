import { LabError } from '../errors.js';
import type { LabContext } from '../lab/context.js';
import { defaultSandboxDataDir } from '../paths.js';
import { labNotFound, localFlags, type Target } from '../report/messages.js';
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
      const missing = await labMissing(ctx);
      if (missing) reporter.note(labNotFound({ names: ctx.names, flags: targetFlags(lab.target), sandbox: lab.target.kind !== 'aws', ...missing }));
      return outcomes.every((o) => o.status === 'pass') ? 0 : 1;
    } finally {
      await lab.close();
    }
  });
}

/** None of the lab's bucket, table and function exists: what the account has instead. */
async function labMissing(ctx: Pick<LabContext, 'names' | 's3' | 'dynamodb' | 'lambda'>): Promise<{ buckets: string[]; functions: string[] } | undefined> {
  const { names } = ctx;
  const [bucket, table, fn] = await Promise.all([ctx.s3.headBucket(names.bucket), ctx.dynamodb.describeTable(names.table), ctx.lambda.getFunction(names.function)]);
  if (bucket !== 'missing' || table || fn) return undefined;
  const [buckets, functions] = await Promise.all([ctx.s3.listBuckets(), ctx.lambda.listFunctions()]);
  return { buckets, functions };
}

/** The options that reach the same lab again, for a command to paste. */
function targetFlags(target: Target): string {
  if (target.kind === 'local') return localFlags(target.dataDir ?? defaultSandboxDataDir(), defaultSandboxDataDir());
  return target.kind === 'endpoint' ? `--endpoint-url ${target.endpoint}` : '';
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
