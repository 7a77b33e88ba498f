import { messages } from '../report/messages.js';
import { removeSteps } from '../steps/run.js';
import { openLab } from './open-lab.js';
import { validateOptions, type LabOptions } from './options.js';
import { confirmAwsChange, runCommand, type CommandIO } from './run-command.js';

/** teardown: remove what the state file says the lab created (and, where AWS has tags, still carries the lab's tag), and nothing else. */
export function teardown(options: LabOptions, io: CommandIO): Promise<number> {
  return runCommand('teardown', options, io, async (reporter) => {
    const valid = validateOptions(options);
    const lab = await openLab(valid, (sentence) => reporter.note(sentence));
    try {
      const { ctx } = lab;
      reporter.target(lab.target);
      if (ctx.state.empty) {
        reporter.note(messages.nothingToRemove);
        reporter.teardown([], ctx.dryRun);
        return 0;
      }
      const prompt = {
        question: messages.confirmTeardown,
        cannotAsk: 'teardown would delete resources from your AWS account, and there is no terminal to ask for confirmation.',
        fix: 'Rerun with --yes to confirm, or look first with --dry-run.',
      };
      // Show exactly what would go (a dry run of the same removal), then ask.
      const showWhatGoes = async () => {
        ctx.dryRun = true;
        reporter.teardown(await removeSteps(ctx, () => {}), true);
        ctx.dryRun = false;
      };
      if (!ctx.dryRun && ctx.target === 'aws' && !valid.yes && !(await confirmAwsChange(io, prompt, (line) => reporter.note(line), showWhatGoes))) return 1;
      const changes = await removeSteps(ctx, ctx.dryRun ? () => {} : reporter.event.bind(reporter));
      reporter.teardown(changes, ctx.dryRun);
      // What could not be removed stays recorded; exit 1 says the lab is not gone yet.
      return changes.some((c) => c.action === 'left') ? 1 : 0;
    } finally {
      await lab.close();
    }
  });
}
