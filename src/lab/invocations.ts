import type { LogEvent } from '../aws/services.js';

/** One invocation as the function's log shows it, from `START` to `REPORT`. */
export interface LoggedInvocation {
  requestId: string;
  /** When its START line was written (Lambda's clock). */
  startedAt: number;
  /** What the function (not Lambda) wrote: the lines between START and END. */
  output: string[];
}

const START = /^START RequestId: (\S+)/;
const REPORT = /^REPORT RequestId: (\S+)/;
// Lambda's own lines, which say nothing of what the handler did.
const PLATFORM = /^(START|END|REPORT|INIT_START|INIT_REPORT) /;

/**
 * The invocations that finished (their REPORT is in), in the order they started. Log streams
 * interleave when environments run side by side, so lines are grouped by the request id Lambda's
 * runtimes put in them (a raw `print` line carries none: it belongs to the stream's open invocation).
 */
export function finishedInvocations(events: LogEvent[]): LoggedInvocation[] {
  const open = new Map<string, LoggedInvocation>();
  const finished: LoggedInvocation[] = [];
  let current: LoggedInvocation | undefined;
  for (const { message, timestamp } of events) {
    const start = START.exec(message);
    if (start) {
      current = { requestId: start[1]!, startedAt: timestamp, output: [] };
      open.set(current.requestId, current);
      continue;
    }
    const report = REPORT.exec(message);
    if (report) {
      const done = open.get(report[1]!);
      if (done) finished.push(done);
      open.delete(report[1]!);
      continue;
    }
    if (PLATFORM.test(message)) continue;
    const owner = [...open.values()].find((i) => message.includes(i.requestId)) ?? current;
    owner?.output.push(message.trim());
  }
  return finished;
}

/** A failed invocation's error as Lambda answers it (`{"errorType", "errorMessage"}`), in one line. */
export function functionErrorOf(payload: string): string {
  try {
    const { errorType, errorMessage } = JSON.parse(payload) as { errorType?: unknown; errorMessage?: unknown };
    const parts = [errorType, errorMessage].filter((part): part is string => typeof part === 'string' && part.length > 0);
    if (parts.length > 0) return parts.join(': ');
  } catch {
    // Not JSON: the payload itself is the best account of the error.
  }
  return payload.replace(/\s+/g, ' ').trim() || 'no error message';
}
