import type { Services } from '../aws/services.js';
import { buildHandlerZip, type HandlerZip } from '../deploy/zip.js';
import type { Clock } from '../lab/clock.js';
import type { LabContext } from '../lab/context.js';
import { DEFAULT_FUNCTION, DEFAULT_TABLE, defaultBucketName, defaultRoleName, type LabNames } from '../lab/names.js';
import type { StateStore } from '../lab/state.js';
import type { ValidOptions } from './options.js';

/** The lab's names: an option wins, else what an earlier setup recorded, else the default. */
export function labNames(options: Pick<ValidOptions, 'bucket' | 'table' | 'function'>, recorded: StateStore['names'], account: string, region: string): LabNames {
  const functionName = options.function ?? recorded?.function ?? DEFAULT_FUNCTION;
  return {
    region,
    account,
    bucket: options.bucket ?? recorded?.bucket ?? defaultBucketName(account, region),
    table: options.table ?? recorded?.table ?? DEFAULT_TABLE,
    function: functionName,
    role: recorded?.role ?? defaultRoleName(functionName, region),
  };
}

export interface ContextParts {
  options: Pick<ValidOptions, 'bucket' | 'table' | 'function' | 'timeoutMs' | 'dryRun' | 'runtime'>;
  services: Services;
  names: LabNames;
  onAws: boolean;
  state: StateStore;
  clock: Clock;
  pollIntervalMs: number;
  /** The AWS CLI words teardown's by-hand commands start with (awsCliPrefix). */
  awsCli: string;
}

/**
 * The command's LabContext. Its services stay the lazy getters `services` has (assigned onto it, not
 * spread: a spread would read every getter and build all six SDK clients).
 */
export function buildLabContext({ options, services, names, onAws, state, clock, pollIntervalMs, awsCli }: ContextParts): LabContext {
  let zip: Promise<HandlerZip> | undefined;
  return Object.assign(services, {
    names,
    bucketGiven: options.bucket !== undefined,
    target: onAws ? ('aws' as const) : ('endpoint' as const),
    state,
    clock,
    timeoutMs: options.timeoutMs,
    pollIntervalMs,
    handlerZip: () => (zip ??= buildHandlerZip(options.runtime)),
    upload: undefined,
    dryRun: Boolean(options.dryRun),
    awsCli,
  });
}
