import { SCENARIOS, type DemoName } from '../demo/scenarios.js';
import { runDemo } from '../demo/run.js';
import { toLabError } from '../errors.js';
import { demoMessages } from '../report/learn-messages.js';
import { showDemo } from '../report/demo-view.js';
import { createLearnView } from '../report/learn-view.js';
import { openLab } from './open-lab.js';
import { validateOptions, type LabOptions } from './options.js';
import { confirmAwsChange, type CommandIO } from './run-command.js';

/**
 * `upload-lab demo overwrite|ordering`: PutItem's overwrite risk and the conditional write, side by
 * side on the learner's lab. `--json` prints the result object (`demo`, `plainPutItem.keptNewest`,
 * `conditionalWrite.keptNewest`, and the deliveries behind them).
 */
export async function demo(name: DemoName, options: LabOptions, io: CommandIO): Promise<number> {
  const view = await createLearnView(io.out, io.err, io.env);
  try {
    const valid = validateOptions(options);
    const lab = await openLab(valid);
    try {
      const prompt = {
        question: demoMessages.confirm,
        cannotAsk: 'The demo would create a Lambda function in your AWS account, and there is no terminal to ask for confirmation.',
        fix: 'Rerun with --yes to confirm, or use --local.',
      };
      if (lab.ctx.target === 'aws' && !valid.yes && !(await confirmAwsChange(io, prompt, (line) => view.line(line)))) return 1;
      const result = await runDemo(lab.ctx, SCENARIOS[name]);
      if (options.json) io.out.write(JSON.stringify(result, null, 2) + '\n');
      else showDemo(view, result);
      return 0;
    } finally {
      await lab.close();
    }
  } catch (error) {
    const labError = toLabError(error);
    if (options.json) io.out.write(JSON.stringify({ demo: name, error: { code: labError.code, message: labError.message, fix: labError.fix ?? null } }, null, 2) + '\n');
    else view.error(labError, Boolean(options.debug));
    return labError.exitCode;
  } finally {
    view.close();
  }
}
