import { join } from 'node:path';
import { loadLesson } from '../../src/lesson.js';
import { cliEnv } from '../helpers/cli.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import type { TmuxSession } from '../helpers/tmux.js';

/** The prompts of the walk, as learn-messages.ts words them. */
export const PROMPT = { ready: 'Ready?', how: 'How do you want to do this part?', whenDone: 'When you are done:' };

/**
 * A learner's machine for an interactive test: an isolated home, and a sandbox this test process
 * serves on that home's data dir, so `learn --local --data-dir` (in tmux) and the test's own SDK
 * clients reach the same world.
 */
export async function learnerMachine(): Promise<{ env: Record<string, string>; sandbox: TestSandbox; args: (...more: string[]) => string[] }> {
  const env = cliEnv();
  const dataDir = join(env.UPLOAD_LAB_HOME!, 'sandbox');
  const sandbox = await startTestSandbox({ dataDir });
  return { env, sandbox, args: (...more) => ['learn', '--local', '--data-dir', dataDir, ...more] };
}

/** Answers every build part with "Do it for me" and every read part with Continue, from `fromPart` on. */
export async function doEverythingForMe(term: TmuxSession, fromPart = 0): Promise<void> {
  let ready = 0;
  let how = 0;
  for (const part of loadLesson().parts.slice(fromPart)) {
    await term.waitFor(`── ${part.title.replace(/\{\w+\}/g, '')}`);
    if (part.kind === 'read') await term.choose(PROMPT.ready, 0, ++ready);
    else await term.choose(PROMPT.how, 0, ++how);
  }
}
