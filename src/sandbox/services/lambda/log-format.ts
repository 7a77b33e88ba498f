import { randomBytes } from 'node:crypto';
import { LATEST } from './names.js';

/** `2026/11/25/[$LATEST]<32 hex>`: one stream per execution environment, dated when it started. */
export function logStreamName(now = new Date()): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${date}/[${LATEST}]${randomBytes(16).toString('hex')}`;
}

export function initStartLine(runtimeVersion: string, runtimeVersionArn: string): string {
  return `INIT_START Runtime Version: ${runtimeVersion}\tRuntime Version ARN: ${runtimeVersionArn}\n`;
}

export function initReportLine(initMs: number, errorType: string): string {
  return `INIT_REPORT Init Duration: ${initMs.toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${errorType}\n`;
}

export function startLine(requestId: string): string {
  return `START RequestId: ${requestId} Version: ${LATEST}\n`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}\n`;
}

export interface ReportFields {
  requestId: string;
  durationMs: number;
  memorySize: number;
  maxMemoryUsedMb: number;
  /** Only on an environment's first invocation. */
  initMs?: number;
  /** `timeout`, `error`: Lambda adds a status when the invocation did not end normally. */
  status?: string;
  errorType?: string;
}

export function reportLine(r: ReportFields): string {
  const fields = [
    `REPORT RequestId: ${r.requestId}`,
    `Duration: ${r.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.max(1, Math.ceil(r.durationMs))} ms`,
    `Memory Size: ${r.memorySize} MB`,
    `Max Memory Used: ${r.maxMemoryUsedMb} MB`,
  ];
  if (r.initMs !== undefined) fields.push(`Init Duration: ${r.initMs.toFixed(2)} ms`);
  if (r.status) fields.push(`Status: ${r.status}`);
  if (r.errorType) fields.push(`Error Type: ${r.errorType}`);
  return fields.join('\t') + '\t\n';
}

/** Written by Lambda itself, not the runtime: space-separated, after the REPORT line. */
export function timeoutLine(requestId: string, timeoutSeconds: number): string {
  return `${new Date().toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds\n`;
}

export function timeoutMessage(requestId: string, timeoutSeconds: number): string {
  return `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}

/** `X-Amz-Log-Result`: the last 4 KB of the invocation's log, base64. */
export function logTail(lines: string[]): string {
  const text = Buffer.from(lines.join(''), 'utf8');
  return text.subarray(Math.max(0, text.length - 4096)).toString('base64');
}
