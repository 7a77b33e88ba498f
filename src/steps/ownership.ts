import type { Tags } from '../aws/services.js';
import { hasAwsCode, toLabError } from '../errors.js';
import { LAB_TAG } from '../lab/names.js';
import type { LabContext } from '../lab/context.js';
import type { ResourceKind, StateStore } from '../lab/state.js';
import { messages } from '../report/messages.js';
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
export const GONE = ['ResourceNotFoundException', 'NoSuchEntity', 'NoSuchEntityException', 'NoSuchBucket', 'NoSuchKey', 'NotFound'];

export const isTaggedByLab = (tags: Tags) => Object.hasOwn(tags, LAB_TAG);

/** A removal that failed: said with AWS's reason and the command that removes it by hand; it stays recorded. */
export function leftBehind(resource: string, error: unknown, command: string): Change {
  return { action: 'left', resource, reason: toLabError(error).message, command };
}

/**
 * Removes a resource the state file says the lab created, then forgets it. Where the service has tags,
 * `tags` proves it is still the lab's: a resource without the `upload-lab` tag is a look-alike (the
 * learner recreated it by hand under the same name), kept with the command that removes it by hand.
 * `undefined` tags mean the resource is gone already. `remove` may report what it had to change first
 * (policies detached from a role). `othersInside` says why a container the lab created (bucket, table)
 * stays: it still holds what the lab did not write, which teardown never deletes; it is kept, like a
 * look-alike, with the command that removes it anyway. A failure is not thrown: it comes back as a
 * `left` change, the resource stays recorded, and teardown goes on with the others. A dry run only
 * says what would go (and what would be kept for what it holds).
 */
export async function removeIfOurs(
  { state, dryRun }: Pick<LabContext, 'state' | 'dryRun'>,
  kind: ResourceKind,
  resource: string,
  ops: { tags?: () => Promise<Tags | undefined>; othersInside?: () => Promise<string | undefined>; remove: () => Promise<Change[] | void>; command: string },
): Promise<Change[]> {
  const gone = (): Change[] => {
    state.forget(kind);
    return [{ action: 'remove', resource, reason: 'already gone' }];
  };
  const keep = (reason: string): Change[] => [{ action: 'keep', resource, reason, command: ops.command }];
  try {
    if (dryRun) {
      let held: string | undefined;
      try {
        held = await ops.othersInside?.();
      } catch (error) {
        if (!hasAwsCode(error, ...GONE)) throw error;
      }
      return held ? keep(held) : [{ action: 'remove', resource }];
    }
    if (ops.tags) {
      const tags = await ops.tags();
      if (tags === undefined) return gone();
      // Untagged but never confirmed: the lab's own, from a run killed before it could tag it.
      const untaggedOwn = state.isPending(kind) && Object.keys(tags).length === 0;
      if (!isTaggedByLab(tags) && !untaggedOwn) {
        state.forget(kind);
        return keep(messages.lookAlike);
      }
    }
    const held = await ops.othersInside?.();
    if (held) {
      state.forget(kind);
      return keep(held);
    }
    let first: Change[];
    try {
      first = (await ops.remove()) ?? [];
    } catch (error) {
      if (!hasAwsCode(error, ...GONE)) throw error;
      return gone();
    }
    state.forget(kind);
    return [...first, { action: 'remove', resource }];
  } catch (error) {
    return [leftBehind(resource, error, ops.command)];
  }
}
