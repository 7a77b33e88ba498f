import { functionLogGroup, logGroupResource, logStreamArn } from '../../../aws-rules/arns.js';
import { randomUUID } from 'node:crypto';
import { isRoleAllowed } from '../../enforce.js';
import { ACCOUNT_ID } from '../../http.js';
import type { World } from '../../world.js';
import { linkRuntimeModules, prepareTaskRoot, runtimeDir } from './code.js';
import { bootstrapCommand, Environment, runtimeVariables, type LogLine, type Outcome } from './environment.js';
import { hostPython, type HostPython } from './host-python.js';
import { hexOfSha, type FunctionRecord, type FunctionStore } from './functions.js';
import { endLine, initReportLine, initStartLine, logStreamName, reportLine, startLine, timeoutLine, timeoutMessage, type ReportFields } from './log-format.js';
import { functionArn } from './names.js';
import { EnvironmentPool } from './pool.js';
import type { ErrorPayload } from './protocol.js';
import { familyOf, NODE_RUNTIMES, PYTHON_RUNTIMES, runtimeVersion, runtimeVersionArn } from './runtimes.js';
import { invalidParameter } from './validation.js';

/**
 * Lambda's recursive loop detection stops a chain of event-driven invocations (a function whose
 * upload triggers itself) after about 16 invocations.
 */
export const MAX_CHAIN = 16;

export interface InvocationResult {
  /** The response payload, JSON text. */
  payload: string;
  /** `Unhandled` when the function failed (error, timeout, crash). */
  functionError?: 'Unhandled';
  /** This invocation's log, START to REPORT: what `LogType: Tail` returns the end of. */
  log: string[];
}

/** Runs invocations: picks or starts an environment, enforces the timeout, writes the function's log. */
export class Invoker {
  private readonly pool = new EnvironmentPool();
  /** The session key each environment's calls are signed with: calls made during an invocation belong to its chain. */
  private readonly sessionKeys = new WeakMap<Environment, string>();

  constructor(private readonly world: World, private readonly store: FunctionStore) {}

  async invoke(record: FunctionRecord, payload: string, requestId: string = randomUUID(), chain = 1): Promise<InvocationResult> {
    const family = familyOf(record.runtime);
    if (!family) return this.unavailable(record, requestId, unrunnableMessage(record.runtime));
    let python: HostPython | undefined;
    if (family === 'python') {
      const probe = await hostPython();
      if ('missing' in probe) return this.unavailable(record, requestId, probe.missing);
      python = probe.found;
    }
    const key = `${record.region}/${record.name}`;
    const { env, cold } = await this.pool.acquire(key, record.deployment, () => this.startEnvironment(record, python));
    try {
      if (env.initError) return this.initFailure(record, env, requestId);
      const sessionKey = this.sessionKeys.get(env);
      if (sessionKey) this.world.sessions.enterChain(sessionKey, chain);
      const started = performance.now();
      const { outcome, lines } = await env.invoke(
        { requestId, payload, deadline: Date.now() + record.timeout * 1000, invokedFunctionArn: functionArn(record.region, record.name) },
        record.timeout * 1000,
      );
      const report: ReportFields = {
        requestId,
        durationMs: performance.now() - started,
        memorySize: record.memorySize,
        maxMemoryUsedMb: 'memoryMb' in outcome ? outcome.memoryMb : 0,
        ...(cold ? { initMs: env.initMs! } : {}),
      };
      return this.finish(record, env.streamName, requestId, outcome, lines, report);
    } finally {
      this.pool.release(key, env, this.store.get(record.region, record.name)?.deployment);
    }
  }

  /**
   * After CreateFunction or a change of code or runtime: a function that cannot run here is said so at
   * once, in the sandbox's terminal, when the learner can still act, not only at its first invocation.
   */
  announce(record: FunctionRecord): void {
    const family = familyOf(record.runtime);
    const report = (problem: string) => console.error(`[sandbox] lambda: function ${record.name} (${record.runtime}) cannot run: ${problem}`);
    if (!family) report(unrunnableMessage(record.runtime));
    else if (family === 'python') void hostPython().then((probe) => 'missing' in probe && report(probe.missing));
  }

  /** Stops the warm environments of a function that changed (or, without `deployment`, was deleted). */
  retire(record: FunctionRecord, deployment?: string): void {
    this.pool.retire(`${record.region}/${record.name}`, deployment);
  }

  close(): void {
    this.pool.closeAll();
  }

  /** `python`: the host Python for a python3.x function; Node functions run on this process's node. */
  private async startEnvironment(record: FunctionRecord, python: HostPython | undefined): Promise<Environment> {
    const role = this.world.iam.roleByArn(record.role);
    if (!role) throw invalidParameter('The role defined for the function cannot be assumed by Lambda.');
    const hex = hexOfSha(record.codeSha256);
    const taskRoot = prepareTaskRoot(runtimeDir(this.world.options.dataDir, record.region, record.name), hex, () => this.store.readCode(record.codeSha256));
    // STS session names need two characters: Lambda pads a one-character function name (see sts.json).
    const sessionName = record.name.length < 2 ? `${record.name}@lambda_function` : record.name;
    const credentials = this.world.sessions.issue(role, sessionName);
    const streamName = logStreamName();
    const command = bootstrapCommand(python?.executable);
    const variables = {
      ...record.environment,
      ...runtimeVariables({
        region: record.region,
        functionName: record.name,
        memorySize: record.memorySize,
        runtime: record.runtime,
        handler: record.handler,
        taskRoot,
        logGroup: functionLogGroup(record.name),
        logStream: streamName,
        command,
        ...(python ? {} : { runtimeNodeModules: linkRuntimeModules(taskRoot) }),
        endpoint: this.world.endpoint,
        credentials,
      }),
    };
    const initStart = { timestamp: Date.now(), message: initStartLine(runtimeVersion(record.runtime, python?.version), runtimeVersionArn(record.region, record.runtime)) };
    const env = await Environment.start({
      streamName,
      deployment: record.deployment,
      command,
      variables,
      cwd: taskRoot,
      stray: (line) => this.writeLog(record, streamName, [line]),
    });
    this.sessionKeys.set(env, credentials.accessKeyId);
    env.onExit(() => this.world.sessions.revoke(credentials.accessKeyId));
    this.writeLog(record, streamName, [initStart, ...env.initLines]);
    return env;
  }

  private initFailure(record: FunctionRecord, env: Environment, requestId: string): InvocationResult {
    const error = env.initError!;
    const lines = [
      line(initReportLine(env.initMs ?? 0, error.errorType)),
      line(startLine(requestId)),
      line(endLine(requestId)),
      line(reportLine({ requestId, durationMs: 0, memorySize: record.memorySize, maxMemoryUsedMb: 0, status: 'error', errorType: error.errorType })),
    ];
    this.writeLog(record, env.streamName, lines);
    return { payload: JSON.stringify(error), functionError: 'Unhandled', log: lines.slice(1).map((l) => l.message) };
  }

  /** Java, Ruby, ... cannot run here, nor Python without a host Python with boto3: the invocation fails, saying why in the payload and the log. */
  private unavailable(record: FunctionRecord, requestId: string, errorMessage: string): InvocationResult {
    const error: ErrorPayload = { errorType: 'Runtime.Unavailable', errorMessage };
    const lines = [startLine(requestId), `${error.errorMessage}\n`, endLine(requestId), reportLine({ requestId, durationMs: 0, memorySize: record.memorySize, maxMemoryUsedMb: 0, status: 'error', errorType: error.errorType })].map(line);
    this.writeLog(record, logStreamName(), lines);
    return { payload: JSON.stringify(error), functionError: 'Unhandled', log: lines.map((l) => l.message) };
  }

  private finish(record: FunctionRecord, stream: string, requestId: string, outcome: Outcome, output: LogLine[], report: ReportFields): InvocationResult {
    const lines = [{ timestamp: output[0]?.timestamp ?? Date.now(), message: startLine(requestId) }, ...output];
    let payload: string;
    let failed = true;
    const after: LogLine[] = [];
    switch (outcome.kind) {
      case 'result':
        payload = outcome.payload;
        failed = false;
        break;
      case 'error':
        payload = JSON.stringify(outcome.error);
        break;
      case 'timeout':
        payload = JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: timeoutMessage(requestId, record.timeout) });
        report.status = 'timeout';
        after.push(line(timeoutLine(requestId, record.timeout)));
        break;
      case 'exit': {
        const errorMessage = `RequestId: ${requestId} Error: Runtime exited with error: ${outcome.reason}`;
        payload = JSON.stringify({ errorType: 'Runtime.ExitError', errorMessage });
        lines.push(line(`${errorMessage}\n`), line('Runtime.ExitError\n'));
        Object.assign(report, { status: 'error', errorType: 'Runtime.ExitError' });
        break;
      }
    }
    lines.push(line(endLine(requestId)), line(reportLine(report)), ...after);
    this.writeLog(record, stream, lines);
    return { payload, ...(failed ? { functionError: 'Unhandled' as const } : {}), log: lines.map((l) => l.message) };
  }

  /**
   * Writes to `/aws/lambda/<name>` as Lambda does, with the function's role: a role that may not
   * create the group and stream and put events there leaves no log, and the function runs anyway.
   */
  private writeLog(record: FunctionRecord, stream: string, lines: LogLine[]): void {
    if (!lines.length) return;
    const group = functionLogGroup(record.name);
    try {
      const role = this.world.iam.roleByArn(record.role);
      const streamArn = logStreamArn(record.region, ACCOUNT_ID, group, stream);
      const allowed =
        role !== undefined &&
        isRoleAllowed(this.world, role.name, 'logs:CreateLogGroup', logGroupResource(record.region, ACCOUNT_ID, group)) &&
        isRoleAllowed(this.world, role.name, 'logs:CreateLogStream', streamArn) &&
        isRoleAllowed(this.world, role.name, 'logs:PutLogEvents', streamArn);
      if (allowed) this.world.logs.write(record.region, group, stream, lines);
    } catch (error) {
      // The log is a side channel: failing to write it must not fail the invocation.
      console.error(`[sandbox] lambda: could not write the log of ${record.name}:`, error);
    }
  }
}

export function unrunnableMessage(runtime: string): string {
  return `The upload-lab sandbox runs Node.js functions (${NODE_RUNTIMES.join(', ')}) on the host's own node and Python functions (${PYTHON_RUNTIMES.join(', ')}) on a host Python 3 with boto3; ${runtime} cannot run here. Deploy a Node.js or Python handler, or run this function on AWS.`;
}

function line(message: string): LogLine {
  return { timestamp: Date.now(), message };
}
