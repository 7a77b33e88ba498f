import { availableParallelism } from 'node:os';
import type { Environment } from './environment.js';

/**
 * Lambda scales out per function; the sandbox caps it, queueing invocations beyond the cap. Each new
 * environment is a Node process importing the SDK (~200 ms of CPU): past one per core, starting more
 * during a burst costs more than it serves (measured: 500 uploads, 2 cores, 210/s at 10 vs 250/s at 2-4).
 */
export const MAX_ENVIRONMENTS_PER_FUNCTION = Math.max(2, availableParallelism());

interface FunctionEnvironments {
  envs: Environment[];
  /** Environments being started: they count against the cap. */
  starting: number;
  waiting: (() => void)[];
}

/**
 * Warm execution environments, per function. An environment serves one invocation at a time and is
 * reused while the function's code and configuration stay the same (its deployment); a change
 * retires the older ones.
 */
export class EnvironmentPool {
  private readonly functions = new Map<string, FunctionEnvironments>();
  private closed = false;

  /** An idle environment of this deployment, else a new one, else the next one released. `cold` says it was just started. */
  async acquire(key: string, deployment: string, start: () => Promise<Environment>): Promise<{ env: Environment; cold: boolean }> {
    const slot = this.slot(key);
    for (;;) {
      const idle = slot.envs.find((e) => !e.busy && !e.dead && e.deployment === deployment);
      if (idle) {
        idle.busy = true;
        return { env: idle, cold: false };
      }
      this.dropUnusable(key, deployment);
      if (slot.envs.length + slot.starting < MAX_ENVIRONMENTS_PER_FUNCTION) break;
      await new Promise<void>((resolve) => slot.waiting.push(resolve));
    }
    slot.starting += 1;
    try {
      const env = await start();
      // Started while the sandbox closed: closeAll could not see it, so it goes now, or it would outlive the sandbox.
      if (this.closed) {
        env.kill();
        throw new Error('the sandbox is closing');
      }
      env.busy = true;
      slot.envs.push(env);
      return { env, cold: true };
    } finally {
      slot.starting -= 1;
    }
  }

  /** Back to the pool after an invocation; a dead, failed or outdated one goes away instead. */
  release(key: string, env: Environment, deployment: string | undefined): void {
    env.busy = false;
    if (env.dead || env.initError || env.deployment !== deployment) this.discard(key, env);
    this.slot(key).waiting.shift()?.();
  }

  /** Stops every idle environment not of `deployment` (all of them when undefined: the function is gone). */
  retire(key: string, deployment?: string): void {
    const slot = this.functions.get(key);
    if (!slot) return;
    for (const env of [...slot.envs]) if (!env.busy && env.deployment !== deployment) this.discard(key, env);
    // Busy ones are discarded on release, when they no longer match.
  }

  closeAll(): void {
    this.closed = true;
    for (const [key, slot] of this.functions) for (const env of [...slot.envs]) this.discard(key, env);
    this.functions.clear();
  }

  private discard(key: string, env: Environment): void {
    env.kill();
    const slot = this.functions.get(key);
    if (slot) slot.envs = slot.envs.filter((e) => e !== env);
  }

  private dropUnusable(key: string, deployment: string): void {
    for (const env of [...this.slot(key).envs]) if (!env.busy && (env.dead || env.deployment !== deployment)) this.discard(key, env);
  }

  private slot(key: string): FunctionEnvironments {
    let slot = this.functions.get(key);
    if (!slot) this.functions.set(key, (slot = { envs: [], starting: 0, waiting: [] }));
    return slot;
  }
}
