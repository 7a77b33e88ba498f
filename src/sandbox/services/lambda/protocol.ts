/** Messages between the sandbox and a function's child process (see bootstrap.ts), over Node's IPC channel. */

/**
 * An error as the runtime reports it to the Invoke caller: Node's `{errorType, errorMessage, trace}`,
 * Python's `{errorMessage, errorType, requestId, stackTrace}` (in that order, as bootstrap.py sends it).
 */
export interface ErrorPayload {
  errorType: string;
  errorMessage: string;
  trace?: string[];
  requestId?: string;
  stackTrace?: string[];
}

export interface InvokeMessage {
  type: 'invoke';
  requestId: string;
  /** The event, as JSON text. */
  payload: string;
  /** Epoch ms when the invocation times out, for `context.getRemainingTimeInMillis()`. */
  deadline: number;
  invokedFunctionArn: string;
}

export type ChildMessage =
  /** The handler module loaded; the environment can take invocations. */
  | { type: 'ready' }
  /** Loading the handler failed (Runtime.ImportModuleError, Runtime.HandlerNotFound, or the module threw). */
  | { type: 'initError'; error: ErrorPayload }
  /** A complete log event, already in Lambda's text format. */
  | { type: 'log'; message: string }
  | { type: 'result'; requestId: string; payload: string; memoryMb: number }
  | { type: 'error'; requestId: string; error: ErrorPayload; memoryMb: number };
