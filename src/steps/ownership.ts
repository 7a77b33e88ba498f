import type { Tags } from '../aws/services.js';
import { hasAwsCode } from '../errors.js';
import { LAB_TAG } from '../lab/names.js';
import type { LabContext } from '../lab/context.js';
import type { ResourceKind, StateStore } from '../lab/state.js';
import type { Change } from './step.js';

/**
 * Records a resource in the state file before creating it, and forgets it again if the create fails:
 * a setup killed at any point leaves nothing created but unrecorded (a recorded resource that never
 * came to be is "already gone" for teardown).
 */
export async function createRecorded<T>(state: Pick<StateStore, 'record' | 'forget'>, kind: ResourceKind, name: string, create: () => Promise<T>): Promise<T> {
  state.record(kind, name);
  try {
    return await create();
  } catch (error) {
    state.forget(kind);
    throw error;
  }
}

/** The codes with which each service says "no such thing": a resource already gone is removed. */
export const GONE = ['ResourceNotFoundException', 'NoSuchEntity', 'NoSuchEntityException', 'NoSuchBucket', 'NotFound'];

/**
 * Removes a resource the state file says the lab created, then forgets it. `tags` (where the service
 * has tags) double-checks: a resource that carries tags but not `upload-lab` was replaced by someone
 * else's since, and is kept. `undefined` tags mean the resource is gone already. A dry run only says
 * what would go.
 */
export async function removeIfOurs(
  { state, dryRun }: Pick<LabContext, 'state' | 'dryRun'>,
  kind: ResourceKind,
  resource: string,
  ops: { tags?: () => Promise<Tags | undefined>; remove: () => Promise<void> },
): Promise<Change[]> {
  if (dryRun) return [{ action: 'remove', resource }];
  if (ops.tags) {
    const tags = await ops.tags();
    if (tags === undefined) {
      state.forget(kind);
      return [{ action: 'remove', resource, reason: 'already gone' }];
    }
    if (Object.keys(tags).length > 0 && !(LAB_TAG in tags)) {
      state.forget(kind);
      return [{ action: 'keep', resource, reason: `it is not tagged ${LAB_TAG}, so it is not the one the lab created` }];
    }
  }
  try {
    await ops.remove();
  } catch (error) {
    if (!hasAwsCode(error, ...GONE)) throw error;
    state.forget(kind);
    return [{ action: 'remove', resource, reason: 'already gone' }];
  }
  state.forget(kind);
  return [{ action: 'remove', resource }];
}
