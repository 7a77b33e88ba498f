import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Runs lines a learner copied from the tool's output in `bash -c`, as pasting them into a shell does,
 * with the real `aws` on PATH and no AWS variable but those the lines set. Resolves with the output;
 * rejects (with stderr) when any line fails.
 */
export async function pasteInBash(lines: string[], env: Record<string, string>): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', ['-c', ['set -e', ...lines].join('\n')], { env: { PATH: env.PATH ?? '', HOME: env.HOME ?? '' }, timeout: 60_000 });
  return stdout;
}
