import { toLabError, UsageError } from '../errors.js';
import { placeholderValues } from '../learn/handouts.js';
import { ProgressStore } from '../learn/progress.js';
import { INTERRUPTED_EXIT_CODE, Interrupted, type Prompter } from '../learn/prompter.js';
import { knowledgeCheck, walkLesson } from '../learn/walk.js';
import { loadLesson } from '../lesson.js';
import { learnMessages as m } from '../report/learn-messages.js';
import { createLearnView, type LearnView } from '../report/learn-view.js';
import { openLab } from './open-lab.js';
import { sameLabOptions, validateOptions, type LabOptions } from './options.js';
import type { CommandIO } from './run-command.js';

export interface LearnOptions extends LabOptions {
  reset?: boolean;
}

/** `upload-lab learn`: the guided, resumable walk through the lesson. */
export function learn(options: LearnOptions, io: CommandIO): Promise<number> {
  return interactive('learn', options, io, async (view, prompter) => {
    if (options.json) throw new UsageError(m.noJson, m.noJsonFix, 'ConflictingOptions');
    const progress = ProgressStore.open();
    if (options.reset) {
      progress.reset();
      view.line(m.reset);
    }
    const valid = validateOptions(options);
    const lab = await openLab(valid, (sentence) => view.line(sentence));
    try {
      const { ctx } = lab;
      // As setup does: teardown then finds this lab without options.
      ctx.state.setNames({ bucket: ctx.names.bucket, table: ctx.names.table, function: ctx.names.function, role: ctx.names.role });
      const targetOptions = sameLabOptions(valid);
      const recorded = progress.snapshot.target;
      if (progress.started && recorded !== undefined && recorded !== targetOptions) view.line(m.otherTarget(recorded, targetOptions));
      progress.setTarget(targetOptions);
      await walkLesson({ ctx, lesson: loadLesson(), progress, prompter, view, values: placeholderValues(ctx, await ctx.handlerZip(), targetOptions), endpoint: lab.target.endpoint, inProcessSandbox: Boolean(lab.target.inProcess) });
      return 0;
    } finally {
      await lab.close();
    }
  });
}

/** `upload-lab quiz`: the knowledge check on its own, no lab needed. */
export function quiz(options: { debug?: boolean }, io: CommandIO): Promise<number> {
  return interactive('quiz', options, io, async (view, prompter) => {
    await knowledgeCheck({ lesson: loadLesson(), prompter, view, progress: ProgressStore.open() });
    return 0;
  });
}

/**
 * What `learn` and `quiz` share: a terminal is required (exit 2 with a pointer to setup/verify
 * otherwise), Ctrl+C at a prompt exits 130 with the progress kept, and a failure is reported once.
 */
async function interactive(command: 'learn' | 'quiz', options: { debug?: boolean }, io: CommandIO, body: (view: LearnView, prompter: Prompter) => Promise<number>): Promise<number> {
  const view = await createLearnView(io.out, io.err, io.env);
  try {
    if (!io.prompter) throw new UsageError(m.noTerminal(command), m.noTerminalFix, 'NoTerminal');
    return await body(view, await io.prompter());
  } catch (error) {
    if (error instanceof Interrupted) {
      view.line(m.interrupted(command));
      return INTERRUPTED_EXIT_CODE;
    }
    const labError = toLabError(error);
    view.error(labError, Boolean(options.debug));
    return labError.exitCode;
  } finally {
    view.close();
  }
}
