import type { Clock } from './clock.js';

export interface Backoff {
  /** First delay; doubles after each attempt up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Give up once this much time has passed since the first attempt. */
  timeoutMs: number;
}

/**
 * Retries `attempt` while `isTransient(error)` says the error is one AWS is known to clear by itself
 * (a role not yet assumable, a notification destination not yet valid), with exponential backoff.
 * Any other error, or the last transient one after the timeout, is rethrown as is.
 */
export async function retryTransient<T>(
  clock: Clock,
  backoff: Backoff,
  isTransient: (error: unknown) => boolean,
  attempt: () => Promise<T>,
): Promise<T> {
  const deadline = clock.now() + backoff.timeoutMs;
  let delayMs = backoff.initialDelayMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!isTransient(error) || clock.now() + delayMs > deadline) throw error;
    }
    await clock.sleep(delayMs);
    delayMs = Math.min(delayMs * 2, backoff.maxDelayMs);
  }
}

export type PollOutcome<T> = { done: true; value: T } | { done: false; last?: T };

/**
 * Asks `probe` until it reports done or `timeoutMs` passes; returns the final outcome either way, so
 * the caller can say what it saw last. The first probe runs at once.
 */
export async function poll<T>(clock: Clock, timeoutMs: number, intervalMs: number, probe: () => Promise<PollOutcome<T>>): Promise<PollOutcome<T>> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const outcome = await probe();
    if (outcome.done || clock.now() + intervalMs > deadline) return outcome;
    await clock.sleep(intervalMs);
  }
}
