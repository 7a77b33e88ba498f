import { randomUUID } from 'node:crypto';
import { AwsError, isAwsError } from '../../aws-error.js';
import { LAMBDA_ASYNC_QUEUE_BYTES, LAMBDA_MAX_EVENT_AGE_MS } from '../../limits.js';
import { RECORDS } from '../../state-db.js';
import type { World } from '../../world.js';
import type { FunctionStore } from './functions.js';
import { MAX_CHAIN, type Invoker } from './invoke.js';
import { functionArn } from './names.js';

/** An accepted asynchronous invocation, as saved until it is over. */
interface QueuedInvocation {
  /**
   * The function, by region and name. The sandbox serves only `$LATEST` (Invoke refuses any other
   * qualifier before accepting), so these two are the whole reference.
   */
  region: string;
  name: string;
  payload: string;
  /** Kept by every attempt, across restarts too, as Lambda keeps it across retries. */
  requestId: string;
  /** Its place in a chain of event-driven invocations (recursive loop detection). */
  chain: number;
  /** Attempts made that failed: how many of the retries are used up. */
  failedAttempts: number;
  /** Epoch ms: how old the event is, which bounds how long it is kept (`LAMBDA_MAX_EVENT_AGE_MS`). */
  acceptedAt: number;
  /** Epoch ms before which the next attempt does not start: a retry's delay holds across a restart. */
  notBefore: number;
}

/**
 * Lambda's queue of asynchronous invocations (`Invoke` with `Event`, S3 events): each is retried
 * twice on error with the configured delays, keeping its request id, as Lambda does.
 *
 * Nothing accepted is lost: an invocation is saved in the state database in the same commit as what
 * its caller staged in that turn (so before Invoke's 202, or in the commit that removes the S3
 * delivery handing it over), its retry count is saved with each failure, and its record is removed
 * only once it is over (it succeeded, its last retry failed, its function is gone, or it grew too
 * old). A sandbox killed before then runs it again at its next start (`resume`): at least once, as
 * Lambda promises for asynchronous invocation; an attempt cut by the kill runs again.
 */
export class AsyncQueue {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  /** Invocations accepted and not over: running, or waiting (Pending function, retry delay). */
  private pending = 0;
  /** Their payloads' bytes, what the queue's bound counts. */
  private bytes = 0;
  private readonly idleWaiters: (() => void)[] = [];
  /** Invocations a previous run saved and did not finish, until `resume`. */
  private readonly unfinished: [string, QueuedInvocation][];

  constructor(
    private readonly world: World,
    private readonly store: FunctionStore,
    private readonly invoker: Invoker,
  ) {
    this.unfinished = world.state.take<QueuedInvocation>(RECORDS.lambdaInvocations);
  }

  /**
   * Queues an invocation of the `$LATEST` function `region`/`name`; it first runs once saved. Throws
   * TooManyRequestsException when the queue is full. The 17th invocation of a chain is dropped,
   * as Lambda's loop detection does, and never saved.
   */
  accept(region: string, name: string, payload: string, chain = 1): void {
    const requestId = randomUUID();
    if (chain > MAX_CHAIN) {
      console.error(
        `[sandbox] lambda: Lambda has detected your function being invoked in a recursive loop with other AWS resources and stopped your function's invocation ` +
          `(${functionArn(region, name)}: event ${requestId} would be invocation ${chain} of one chain; the limit is ${MAX_CHAIN}).`,
      );
      return;
    }
    const size = Buffer.byteLength(payload);
    if (this.bytes + size > LAMBDA_ASYNC_QUEUE_BYTES) {
      console.error(
        `[sandbox] lambda: refused an asynchronous invocation of ${functionArn(region, name)}: the queue already holds ${this.pending} invocations ` +
          `(${this.bytes} bytes of payload; the sandbox keeps at most ${LAMBDA_ASYNC_QUEUE_BYTES}).`,
      );
      throw new AwsError('TooManyRequestsException', 'Rate Exceeded.', 429, { lowercaseMessage: true, fields: { Reason: 'CallerRateLimitExceeded' } });
    }
    const now = Date.now();
    const invocation: QueuedInvocation = { region, name, payload, requestId, chain, failedAttempts: 0, acceptedAt: now, notBefore: now };
    // Keyed by acceptance time, so a resumed queue runs in the order the invocations came.
    const id = `${String(now).padStart(15, '0')}-${requestId}`;
    this.world.state.put(RECORDS.lambdaInvocations + id, invocation);
    this.track(invocation);
    this.world.state.afterCommit(() => void this.attempt(id, invocation));
  }

  /** Runs what the previous run saved and did not finish; called once the sandbox serves (functions need its endpoint). */
  resume(): void {
    for (const [id, invocation] of this.unfinished.splice(0)) {
      this.track(invocation);
      this.attemptWhenDue(id, invocation);
    }
  }

  /**
   * Resolves once no asynchronous invocation is running or waiting for a retry: what a test awaits to
   * know that every attempt that will ever happen has happened (no sleeping and hoping).
   */
  whenIdle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops attempting: what is not over stays saved, for the next start. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.pending = 0;
    this.bytes = 0;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async attempt(id: string, invocation: QueuedInvocation): Promise<void> {
    if (this.closed) return;
    const { region, name, payload, requestId, chain } = invocation;
    if (Date.now() - invocation.acceptedAt > LAMBDA_MAX_EVENT_AGE_MS) {
      console.error(`[sandbox] lambda: dropped asynchronous invocation ${requestId} of ${name}: it is older than the maximum event age (${LAMBDA_MAX_EVENT_AGE_MS / 3_600_000} hours).`);
      return this.finish(id, invocation);
    }
    const record = this.store.get(region, name);
    if (!record) return this.finish(id, invocation);
    // Lambda holds queued events until the function is Active.
    if (record.state === 'Pending') return this.later(Math.max(1, (record.settlesAt ?? Date.now()) - Date.now()), () => this.attempt(id, invocation));
    let failed: boolean;
    try {
      failed = (await this.invoker.invoke(record, payload, requestId, chain)).functionError !== undefined;
    } catch (error) {
      console.error(`[sandbox] lambda: asynchronous invocation ${requestId} of ${name} failed: ${isAwsError(error) ? error.message : String(error)}`);
      failed = true;
    }
    // Stopped mid-invocation: the function's environment was killed, so this did not run to its end.
    if (this.closed) return;
    const delay = this.world.options.asyncRetryDelaysMs[invocation.failedAttempts];
    if (!failed || delay === undefined) return this.finish(id, invocation);
    invocation.failedAttempts += 1;
    invocation.notBefore = Date.now() + delay;
    this.world.state.put(RECORDS.lambdaInvocations + id, invocation);
    this.attemptWhenDue(id, invocation);
  }

  private attemptWhenDue(id: string, invocation: QueuedInvocation): void {
    this.later(Math.max(0, invocation.notBefore - Date.now()), () => this.attempt(id, invocation));
  }

  private track(invocation: QueuedInvocation): void {
    this.pending += 1;
    this.bytes += Buffer.byteLength(invocation.payload);
  }

  private finish(id: string, invocation: QueuedInvocation): void {
    this.world.state.del(RECORDS.lambdaInvocations + id);
    this.pending -= 1;
    this.bytes -= Buffer.byteLength(invocation.payload);
    if (this.pending === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private later(ms: number, run: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void run();
    }, ms);
    this.timers.add(timer);
  }
}
