import { toLabError, UsageError } from '../errors.js';
import { messages } from '../report/messages.js';
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

/** What a command says when it must ask before changing an AWS account. */
export interface AwsChangePrompt {
  question: string;
  /** Why it stops when there is no terminal to ask on, and the fix. */
  cannotAsk: string;
  fix: string;
}

/**
 * Asks before a command changes a real AWS account (the caller decides when: on AWS, without
 * --yes). With no terminal to ask on, it stops with a usage error; `beforeAsking` shows what will
 * change. Says whether to go on; a "no" has been told to the learner with `say`.
 */
export async function confirmAwsChange(io: CommandIO, prompt: AwsChangePrompt, say: (line: string) => void, beforeAsking?: () => Promise<void>): Promise<boolean> {
  if (!io.confirm) throw new UsageError(prompt.cannotAsk, prompt.fix, 'ConfirmationNeeded');
  await beforeAsking?.();
  if (await io.confirm(prompt.question)) return true;
  say(messages.cancelled);
  return false;
}
