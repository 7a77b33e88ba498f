import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built CLI of the same build as the running tests: `.build/<name>/src/cli.js` while developing,
 * `dist/src/cli.js` under `npm test` (this file compiles to `<build>/test/helpers/cli.js`).
 */
export const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * An isolated environment for the CLI: its own UPLOAD_LAB_HOME (state file, sandbox data) and HOME
 * (no ~/.aws of the machine's), and no AWS variables from the test runner's environment.
 */
export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'upload-lab-cli-'));
  return { PATH: process.env.PATH ?? '', HOME: home, UPLOAD_LAB_HOME: join(home, '.upload-lab'), NO_COLOR: '1', ...extra };
}

export interface RunOptions {
  env: Record<string, string>;
  /** Signal the CLI once this says its stdout so far is far enough. */
  killWhen?: (stdout: string) => boolean;
  /** The signal for killWhen; SIGKILL (no cleanup, like a crash) unless given. */
  signal?: NodeJS.Signals;
}

/** A CLI process left running (a foreground sandbox): its output so far, and its end. */
export interface RunningCli {
  stdout(): string;
  /** Resolves once stdout satisfies `ready`. */
  until(ready: (stdout: string) => boolean): Promise<void>;
  signal(signal: NodeJS.Signals): void;
  done: Promise<CliResult>;
}

export function startCli(args: string[], options: RunOptions): RunningCli {
  let stdout = '';
  const waiters: { ready: (s: string) => boolean; resolve: () => void }[] = [];
  const child = spawn(process.execPath, [CLI, ...args], { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of waiters.filter((w) => w.ready(stdout))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const waiter of waiters) waiter.resolve();
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    stdout: () => stdout,
    until: (ready) => (ready(stdout) ? Promise.resolve() : new Promise((resolve) => waiters.push({ ready, resolve }))),
    signal: (signal) => child.kill(signal),
    done,
  };
}

/** Runs `node <build>/src/cli.js ...args` as a child process and collects its output. */
export function runCli(args: string[], options: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!signalled && options.killWhen?.(stdout) && child.exitCode === null) {
        signalled = true;
        child.kill(options.signal ?? 'SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the CLI with --json and parses its one object. */
export async function runCliJson<T = Record<string, unknown>>(args: string[], options: RunOptions): Promise<CliResult & { json: T }> {
  const result = await runCli([...args, '--json'], options);
  try {
    return { ...result, json: JSON.parse(result.stdout) as T };
  } catch {
    throw new Error(`upload-lab ${args.join(' ')} printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}
