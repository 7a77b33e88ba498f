/**
 * The runtime inside a function's child process: what Lambda's Node.js runtime interface client does
 * in `/var/runtime`. It loads the handler named by `_HANDLER` from `LAMBDA_TASK_ROOT`, then runs one
 * invocation at a time as the sandbox sends them. Its console output, errors and results travel to
 * the sandbox over the IPC channel, in the shapes Node's Lambda runtime produces.
 *
 * It must not import the sandbox: this process holds the learner's code and nothing else.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { format } from 'node:util';
import type { ChildMessage, ErrorPayload, InvokeMessage } from './protocol.js';

const require = createRequire(import.meta.url);

/** Node's runtime prints `undefined` as the request id of output written during init. */
let requestId: string | undefined;
let invoking = false;

function send(message: ChildMessage, then?: () => void): void {
  if (process.connected) process.send!(message, undefined, {}, then);
  else then?.();
}

/** One log event in the format of Node's runtime: `<time>\t<request id>\t<LEVEL>\t<util.format of the arguments>`. */
function log(level: string, args: unknown[], then?: () => void): void {
  send({ type: 'log', message: `${new Date().toISOString()}\t${requestId}\t${level}\t${format(...args)}\n` }, then);
}

const levels = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' } as const;
for (const [method, level] of Object.entries(levels)) {
  console[method as keyof typeof levels] = (...args: unknown[]) => log(level, args);
}

function memoryMb(): number {
  return Math.round(process.memoryUsage().rss / (1024 * 1024));
}

/** An error class named like the runtime's own (`Runtime.ImportModuleError`, ...). */
function runtimeError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  // The stack's first line was written with the old name; Lambda's reads `Runtime.X: message`.
  error.stack = error.stack?.replace(/^Error/, name);
  return error;
}

/** The Invoke payload of an error, as `toRapidResponse` in Node's runtime builds it. */
function toRapidResponse(error: unknown): ErrorPayload {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

/** The error as Node's runtime logs it: its enumerable fields plus the stack as lines. */
function toFormatted(error: unknown): string {
  return (
    '\t' +
    JSON.stringify(error, (_key, value: unknown) =>
      value instanceof Error
        ? { errorType: value.name, errorMessage: value.message, code: (value as NodeJS.ErrnoException).code, ...value, stack: value.stack?.split('\n') }
        : value,
    )
  );
}

/** Like Node resolves a `.js` file's module type: the nearest package.json says (the sandbox puts an empty one above the task root). */
function isTypeModule(file: string): boolean {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = resolve(dir, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type === 'module';
    if (dirname(dir) === dir) return false;
  }
}

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

/** The module loading order of Node's Lambda runtime: extensionless, `.js` (CommonJS or ESM), `.mjs`, `.cjs`, then a Node-style lookup. */
async function loadModule(taskRoot: string, moduleRoot: string, module: string): Promise<Record<string, unknown>> {
  const base = resolve(taskRoot, moduleRoot, module);
  try {
    if (isFile(base)) return require(base) as Record<string, unknown>;
    if (isFile(`${base}.js`)) {
      return isTypeModule(`${base}.js`) ? ((await import(pathToFileURL(`${base}.js`).href)) as Record<string, unknown>) : (require(`${base}.js`) as Record<string, unknown>);
    }
    if (isFile(`${base}.mjs`)) return (await import(pathToFileURL(`${base}.mjs`).href)) as Record<string, unknown>;
    if (isFile(`${base}.cjs`)) return require(`${base}.cjs`) as Record<string, unknown>;
    return require(require.resolve(module, { paths: [taskRoot, resolve(taskRoot, moduleRoot)] })) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof SyntaxError) throw runtimeError('Runtime.UserCodeSyntaxError', String(error));
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') throw runtimeError('Runtime.ImportModuleError', String(error));
    throw error;
  }
}

type Handler = (event: unknown, context: Record<string, unknown>, callback: (error?: unknown, result?: unknown) => void) => unknown;

async function loadHandler(taskRoot: string, fullHandler: string): Promise<Handler> {
  const handlerString = basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(handlerString));
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw runtimeError('Runtime.MalformedHandlerName', `Bad handler ${fullHandler}`);
  let target: unknown = await loadModule(taskRoot, moduleRoot, match[1]!);
  for (const part of match[2]!.split('.')) target = (target as Record<string, unknown> | undefined)?.[part];
  if (target === undefined) throw runtimeError('Runtime.HandlerNotFound', `${fullHandler} is undefined or not exported`);
  if (typeof target !== 'function') throw runtimeError('Runtime.HandlerNotFound', `${fullHandler} is not a function`);
  return target as Handler;
}

/**
 * Runs the handler: an async handler's promise, or a callback handler's callback, settles the
 * invocation. A synchronous handler without a callback parameter returns `null`, as on Lambda
 * (which ignores a plain return value).
 */
function run(handler: Handler, event: unknown, context: Record<string, unknown>): Promise<unknown> {
  return new Promise((settle, fail) => {
    const callback = (error?: unknown, result?: unknown) => (error !== undefined && error !== null ? fail(error) : settle(result));
    const returned = handler(event, context, callback);
    if (returned && typeof (returned as Promise<unknown>).then === 'function') (returned as Promise<unknown>).then(settle, fail);
    else if (handler.length < 3) settle(undefined);
  });
}

function contextFor(message: InvokeMessage): Record<string, unknown> {
  const env = process.env;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: message.requestId,
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, message.deadline - Date.now()),
  };
}

/** An error outside the handler's promise kills the environment, as on Lambda; the invocation under way fails with it. */
function die(label: string, error: unknown): void {
  const exit = () => process.exit(129);
  if (!invoking) return log('ERROR', [label, toFormatted(error)], exit);
  log('ERROR', [label, toFormatted(error)]);
  send({ type: 'error', requestId: requestId!, error: toRapidResponse(error), memoryMb: memoryMb() }, exit);
}

process.on('uncaughtException', (error) => die('Uncaught Exception', error));
process.on('unhandledRejection', (reason) => die('Unhandled Promise Rejection', runtimeError('Runtime.UnhandledPromiseRejection', String(reason))));
// The sandbox went away (even killed): so does its function.
process.on('disconnect', () => process.exit(0));

async function main(): Promise<void> {
  let handler: Handler;
  try {
    handler = await loadHandler(process.env.LAMBDA_TASK_ROOT!, process.env._HANDLER ?? '');
  } catch (error) {
    console.error('Uncaught Exception', toFormatted(error));
    send({ type: 'initError', error: toRapidResponse(error) });
    return;
  }
  process.on('message', (message: InvokeMessage) => {
    if (message.type !== 'invoke') return;
    requestId = message.requestId;
    invoking = true;
    run(handler, JSON.parse(message.payload), contextFor(message))
      // A result JSON cannot carry (a cycle, a BigInt) fails the invocation like a thrown error.
      .then((result) => JSON.stringify(result === undefined ? null : result) ?? 'null')
      .then(
        (payload) => {
          invoking = false;
          send({ type: 'result', requestId: message.requestId, payload, memoryMb: memoryMb() });
        },
        (error: unknown) => {
          invoking = false;
          console.error('Invoke Error', toFormatted(error));
          send({ type: 'error', requestId: message.requestId, error: toRapidResponse(error), memoryMb: memoryMb() });
        },
      );
  });
  send({ type: 'ready' });
}

void main();
