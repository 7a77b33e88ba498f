import { UsageError } from '../errors.js';

/**
 * The runtimes `setup --runtime` deploys the lab's handler in: Node.js (the default, src/handler/index.ts)
 * or Python, the lesson's own language (src/handler/python/lambda_function.py).
 */
export const LAB_RUNTIMES = ['nodejs22.x', 'python3.13'] as const;
export type LabRuntime = (typeof LAB_RUNTIMES)[number];
export const DEFAULT_RUNTIME: LabRuntime = 'nodejs22.x';

/** What a learner's function is written in, read from its Runtime: hints speak its language. */
export type Language = 'node' | 'python';

export function languageOf(runtime: string | undefined): Language | undefined {
  if (runtime?.startsWith('python')) return 'python';
  if (runtime?.startsWith('nodejs')) return 'node';
  return undefined;
}

export function parseRuntime(value: string): LabRuntime {
  const runtime = LAB_RUNTIMES.find((r) => r === value);
  if (!runtime) throw new UsageError(`--runtime ${value} is not one the lab's handler is written for.`, `Use --runtime ${LAB_RUNTIMES.join(' or --runtime ')}.`, 'InvalidRuntime');
  return runtime;
}
