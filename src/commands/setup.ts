import { defaultSandboxDataDir } from '../paths.js';
import { messages, whereToLook } from '../report/messages.js';
import { savedItem } from '../steps/item.js';
import { applySteps, checkSteps, planSteps, recordedUpload } from '../steps/run.js';
import { openLab } from './open-lab.js';
import { sameLabOptions, validateOptions, type LabOptions } from './options.js';
import { confirmAwsChange, runCommand, type CommandIO } from './run-command.js';

/** setup: plan, ask (on a real account), apply every step, then grade the lab and show the result. */
export function setup(options: LabOptions, io: CommandIO): Promise<number> {
  return runCommand('setup', options, io, async (reporter) => {
    const valid = validateOptions(options);
    const lab = await openLab(valid, (sentence) => reporter.note(sentence));
    try {
      const { ctx } = lab;
      reporter.target(lab.target);
      const plan = (await planSteps(ctx)).flatMap((p) => p.changes);
      reporter.plan(plan);
      const changes = plan.some((c) => c.action !== 'reuse');
      const prompt = { question: messages.confirm, cannotAsk: 'setup would change your AWS account, and there is no terminal to ask for confirmation.', fix: 'Rerun with --yes to confirm, or use --local.' };
      if (changes && ctx.target === 'aws' && !valid.yes && !(await confirmAwsChange(io, prompt, (line) => reporter.note(line)))) return 1;
      ctx.state.setNames({ bucket: ctx.names.bucket, table: ctx.names.table, function: ctx.names.function, role: ctx.names.role });
      const listen = reporter.event.bind(reporter);
      await applySteps(ctx, listen);
      const outcomes = await checkSteps(ctx, listen, recordedUpload(ctx));
      reporter.checklist(outcomes);
      reporter.result(await savedItem(ctx), whereToLook(ctx.names, lab.target, await ctx.handlerZip(), defaultSandboxDataDir()));
      reporter.note(messages.learnNext(sameLabOptions(valid)));
      return outcomes.every((o) => o.status === 'pass') ? 0 : 1;
    } finally {
      await lab.close();
    }
  });
}
