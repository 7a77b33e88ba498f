import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { shellWord } from '../report/messages.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../common/defaults.js';
import { DEFAULT_RUNTIME, parseRuntime, type LabRuntime } from '../lab/runtimes.js';
import { parseTimeout, validateBucketName, validateEndpointUrl, validateFunctionName, validateTableName } from '../lab/names.js';

/** The options of setup, verify and teardown, as commander hands them over. */
export interface LabOptions {
  local?: boolean;
  endpointUrl?: string;
  dataDir?: string;
  region?: string;
  profile?: string;
  bucket?: string;
  table?: string;
  function?: string;
  yes?: boolean;
  json?: boolean;
  timeout?: string;
  /** setup: the runtime of the lab's handler, `nodejs22.x` (default) or `python3.13`. */
  runtime?: string;
  /** verify: false with --no-upload. */
  upload?: boolean;
  dryRun?: boolean;
  debug?: boolean;
}

export interface ValidOptions extends Omit<LabOptions, 'timeout' | 'runtime'> {
  timeoutMs: number;
  runtime: LabRuntime;
}

/**
 * Every option value checked before any AWS call: a bad one is a usage error (exit 2). The region is
 * checked where it is resolved (connect.ts), against the SDK's region data, whether given or defaulted.
 */
export function validateOptions(options: LabOptions): ValidOptions {
  if (options.local && options.endpointUrl) {
    throw new UsageError('--local and --endpoint-url cannot be used together.', 'Use --local for the built-in sandbox, or --endpoint-url URL for another endpoint.', 'ConflictingOptions');
  }
  if (options.dataDir !== undefined && !options.local) {
    throw new UsageError('--data-dir only applies to --local.', 'Add --local, or drop --data-dir.', 'ConflictingOptions');
  }
  if (options.bucket !== undefined) validateBucketName(options.bucket);
  if (options.table !== undefined) validateTableName(options.table);
  if (options.function !== undefined) validateFunctionName(options.function);
  const { timeout, runtime, ...rest } = options;
  return {
    ...rest,
    runtime: runtime === undefined ? DEFAULT_RUNTIME : parseRuntime(runtime),
    ...(options.endpointUrl !== undefined ? { endpointUrl: validateEndpointUrl(options.endpointUrl) } : {}),
    ...(options.dataDir !== undefined ? { dataDir: resolve(options.dataDir) } : {}),
    timeoutMs: parseTimeout(timeout ?? String(DEFAULT_TIMEOUT_SECONDS)) * 1000,
  };
}

/**
 * The options that point another command at the same lab, as the learner would type them (`--local
 * --table t`); each value quoted for the shell where it needs it (a data dir with a space).
 */
export function sameLabOptions(options: ValidOptions): string {
  const words: string[] = [];
  if (options.local) words.push('--local');
  for (const [flag, value] of [
    ['--data-dir', options.local ? options.dataDir : undefined],
    ['--endpoint-url', options.endpointUrl],
    ['--region', options.region],
    ['--profile', options.profile],
    ['--bucket', options.bucket],
    ['--table', options.table],
    ['--function', options.function],
  ] as const) {
    if (value !== undefined) words.push(flag, shellWord(value));
  }
  return words.join(' ');
}
