import { spawn, type ChildProcess } from 'node:child_process';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ErrorPayload, InvokeMessage } from './protocol.js';

/** A log event as it happened: Lambda timestamps each line when it is written. */
export interface LogLine {
  timestamp: number;
  message: string;
}

export type Outcome =
  | { kind: 'result'; payload: string; memoryMb: number }
  | { kind: 'error'; error: ErrorPayload; memoryMb: number }
  | { kind: 'timeout' }
  /** The process ended without answering (process.exit in the handler, out of memory, killed). */
  | { kind: 'exit'; reason: string };

/** CloudWatch Logs' event size as Lambda writes function output: a longer line is truncated, as Lambda does. */
export const MAX_LOG_EVENT_BYTES = 256 * 1024;
/** The sandbox's own bound on one invocation's log output (AWS keeps it all, and bills it). */
const MAX_INVOCATION_LOG_BYTES = 16 * 1024 * 1024;
const LOG_DROPPED_NOTE = `[upload-lab sandbox] This invocation's log output passed ${MAX_INVOCATION_LOG_BYTES / 1024 / 1024} MiB: the rest was dropped.\n`;

/** Cuts a message to MAX_LOG_EVENT_BYTES of UTF-8, never inside a character. */
function truncateLogEvent(message: string): string {
  if (message.length * 3 <= MAX_LOG_EVENT_BYTES || Buffer.byteLength(message) <= MAX_LOG_EVENT_BYTES) return message;
  return new TextDecoder().decode(Buffer.from(message).subarray(0, MAX_LOG_EVENT_BYTES)).replace(/\uFFFD$/, '');
}

/** Lambda gives a function's INIT phase 10 seconds, whatever its Timeout. */
const INIT_LIMIT_MS = 10_000;
const RUNTIME_DIR = dirname(fileURLToPath(import.meta.url));

/** The process of an execution environment: a runtime's bootstrap on an interpreter. */
export interface RuntimeCommand {
  file: string;
  args: string[];
}

/**
 * Node functions run bootstrap.js on this very node; Python functions run bootstrap.py (shipped next to
 * it, see scripts/copy-assets.mjs) on the host Python. Both speak protocol.ts over Node's IPC channel.
 */
export function bootstrapCommand(python?: string): RuntimeCommand {
  if (python === undefined) return { file: process.execPath, args: [join(RUNTIME_DIR, 'bootstrap.js')] };
  // -u: unbuffered, so output written straight to the stdout fd (a C extension's) is not held back.
  return { file: python, args: ['-u', join(RUNTIME_DIR, 'bootstrap.py')] };
}

/**
 * One execution environment: a Node.js child process running bootstrap.js with the function's
 * code loaded, taking one invocation at a time. Its environment variables are built from scratch:
 * the sandbox's own (which may hold the learner's real AWS keys) never reach the function.
 */
export class Environment {
  busy = false;
  dead = false;
  /** Set when loading the handler failed: the environment is useless and is discarded after reporting it. */
  initError: ErrorPayload | undefined;
  /** How long INIT took; reported on the first invocation's REPORT line only. */
  initMs: number | undefined;
  /** Log events of the INIT phase, written before the first invocation's. */
  readonly initLines: LogLine[] = [];
  private readonly child: ChildProcess;
  private current: { lines: LogLine[]; logBytes: number; settle: (o: Outcome) => void } | undefined;

  private constructor(
    readonly streamName: string,
    readonly deployment: string,
    command: RuntimeCommand,
    variables: Record<string, string>,
    cwd: string,
    /** Where output goes that arrives between invocations (timers the handler left running). */
    private readonly stray: (line: LogLine) => void,
  ) {
    this.child = spawn(command.file, command.args, { cwd, env: variables, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'json', windowsHide: true });
    // A warm environment alone must not keep the process alive: a finished `--local` command would
    // otherwise wait for it (one did for 4.5 minutes). An invocation in progress is awaited by a
    // request or a timer, which keep the process alive while they matter.
    this.child.unref();
    this.child.channel?.unref();
    // Raw writes to stdout/stderr reach the log as they are, one event per line, as on Lambda.
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      stream.setEncoding('utf8');
      (stream as NodeJS.ReadableStream & { unref?: () => void }).unref?.();
      stream.on('data', (text: string) => {
        for (const line of text.split('\n').filter(Boolean)) this.output(`${line}\n`);
      });
    }
    this.child.on('message', (message: ChildMessage) => {
      if (message.type === 'log') this.output(message.message);
      else if ((message.type === 'result' || message.type === 'error') && this.current) {
        this.current.settle(message.type === 'result' ? { kind: 'result', payload: message.payload, memoryMb: message.memoryMb } : { kind: 'error', error: message.error, memoryMb: message.memoryMb });
      }
    });
    // A process that cannot start (or a send to one that ended) must not take the sandbox down.
    this.child.on('error', () => this.kill());
    this.child.on('exit', (code, signal) => {
      this.dead = true;
      this.current?.settle({ kind: 'exit', reason: signal ? `signal: ${signal.toLowerCase().replace(/^sig/, '')}` : `exit status ${code}` });
    });
  }

  /** Starts the process and waits until its handler is loaded (or failed to load). */
  static async start(options: { streamName: string; deployment: string; command: RuntimeCommand; variables: Record<string, string>; cwd: string; stray: (line: LogLine) => void }): Promise<Environment> {
    const started = performance.now();
    const env = new Environment(options.streamName, options.deployment, options.command, options.variables, options.cwd, options.stray);
    env.current = { lines: env.initLines, logBytes: 0, settle: () => {} };
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        env.initError = { errorType: 'Sandbox.Timedout', errorMessage: `INIT timed out after ${(INIT_LIMIT_MS / 1000).toFixed(2)} seconds` };
        resolve();
      }, INIT_LIMIT_MS);
      const done = (message: ChildMessage) => {
        if (message.type !== 'ready' && message.type !== 'initError') return;
        if (message.type === 'initError') env.initError = message.error;
        finish();
      };
      const exited = () => {
        env.initError ??= { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited during INIT' };
        finish();
      };
      const finish = () => {
        clearTimeout(timer);
        env.child.off('message', done).off('exit', exited);
        resolve();
      };
      env.child.on('message', done).on('exit', exited);
    });
    env.current = undefined;
    env.initMs = performance.now() - started;
    return env;
  }

  /** Runs one invocation; the outcome carries its log lines. A timeout kills the process, as Lambda does. */
  invoke(message: Omit<InvokeMessage, 'type'>, timeoutMs: number): Promise<{ outcome: Outcome; lines: LogLine[] }> {
    const lines: LogLine[] = [];
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        settle({ kind: 'timeout' });
        this.kill();
      }, timeoutMs);
      const settle = (outcome: Outcome) => {
        if (this.current?.lines !== lines) return;
        clearTimeout(timer);
        this.current = undefined;
        resolve({ outcome, lines });
      };
      this.current = { lines, logBytes: 0, settle };
      if (this.dead) settle({ kind: 'exit', reason: 'exit status 0' });
      else this.child.send({ type: 'invoke', ...message } satisfies InvokeMessage);
    });
  }

  /** Runs once the process has ended, whatever ended it. */
  onExit(listener: () => void): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) listener();
    else this.child.once('exit', listener);
  }

  kill(): void {
    this.dead = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private output(message: string): void {
    const line = { timestamp: Date.now(), message: truncateLogEvent(message) };
    if (!this.current) return this.stray(line);
    // What one invocation may leave in memory before it is written: a handler printing 650 MB must not take the sandbox with it.
    const current = this.current;
    if (current.logBytes >= MAX_INVOCATION_LOG_BYTES) return;
    const bytes = Buffer.byteLength(line.message);
    current.logBytes = Math.min(current.logBytes + bytes, MAX_INVOCATION_LOG_BYTES);
    current.lines.push(current.logBytes < MAX_INVOCATION_LOG_BYTES ? line : { ...line, message: LOG_DROPPED_NOTE });
  }
}

/** Lambda's own variables for a function's process, on top of the function's Environment.Variables. */
export function runtimeVariables(options: {
  region: string;
  functionName: string;
  memorySize: number;
  runtime: string;
  handler: string;
  taskRoot: string;
  logGroup: string;
  logStream: string;
  command: RuntimeCommand;
  /** Node: the folder of what the Node.js runtimes ship (code.ts); absent for Python. */
  runtimeNodeModules?: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
}): Record<string, string> {
  const nowhere = join(dirname(options.taskRoot), 'no-shared-aws-config');
  return {
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_LAMBDA_FUNCTION_NAME: options.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: options.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: options.logStream,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_EXECUTION_ENV: `AWS_Lambda_${options.runtime}`,
    LAMBDA_TASK_ROOT: options.taskRoot,
    LAMBDA_RUNTIME_DIR: RUNTIME_DIR,
    _HANDLER: options.handler,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    // The interpreter's own folder first, as Lambda's /var/lang/bin.
    PATH: [dirname(options.command.file), '/usr/local/bin', '/usr/bin', '/bin'].join(delimiter),
    ...(options.runtimeNodeModules !== undefined
      ? { NODE_PATH: [options.runtimeNodeModules, options.taskRoot].join(delimiter), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' }
      : {}),
    AWS_ENDPOINT_URL: options.endpoint,
    AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: options.credentials.sessionToken,
    // The learner's ~/.aws files must not steer the function's SDK (a profile's endpoint_url, say).
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
  };
}
