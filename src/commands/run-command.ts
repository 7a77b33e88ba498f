import { toLabError } from '../errors.js';
import { createReporter } from '../report/create-reporter.js';
import type { OutputStream, Reporter } from '../report/reporter.js';
import type { Prompter } from '../learn/prompter.js';
import type { LabOptions } from './options.js';

/** What a command may touch outside itself: injected, so tests run commands without a process. */
export interface CommandIO {
  out: OutputStream;
  err: OutputStream;
  env: NodeJS.ProcessEnv;
  /** Asks the learner a yes/no question; undefined when nobody can answer (no TTY). */
  confirm: ((question: string) => Promise<boolean>) | undefined;
  /** The prompts of `learn` and `quiz`; undefined when nobody can answer (no TTY). */
  prompter: (() => Promise<Prompter>) | undefined;
}

/**
 * The one place a command's failure is caught: it is reported as its sentence and fix (the stack
 * only with --debug) and becomes the exit code: 0 success, 1 a check or step failed, 2 bad usage.
 */
export async function runCommand(
  command: 'setup' | 'verify' | 'teardown',
  options: LabOptions,
  io: CommandIO,
  body: (reporter: Reporter) => Promise<number>,
): Promise<number> {
  const reporter = await createReporter({ command, json: Boolean(options.json), out: io.out, err: io.err, env: io.env });
  try {
    return await body(reporter);
  } catch (error) {
    const labError = toLabError(error);
    reporter.error(labError, Boolean(options.debug));
    return labError.exitCode;
  } finally {
    reporter.close();
  }
}
