import { setTimeout as delay } from 'node:timers/promises';

/** Time as the lab sees it; injected so tests of retries and polls never really wait. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => delay(ms),
};
