import type { LabContext } from '../lab/context.js';

/** The checklist's step ids, in the lab's order (checklist.json holds their titles and hints). */
export type StepId = 'table' | 'permissions' | 'env' | 'code' | 'trigger' | 'logs' | 'item';

export interface CheckResult {
  ok: boolean;
  /** One line saying what was found (on failure: what is wrong). */
  detail: string;
  /** Passing, but worth knowing (over-broad grants, a rule without a prefix). */
  warnings?: string[];
  /** A failure's own fix, with the real names, replacing the checklist's general hint. */
  hint?: string;
}

/** One thing a step does (or would do, in a plan) to one resource. */
export interface Change {
  /** `left`: teardown tried to remove it and could not; it stays recorded, so a rerun tries again. */
  action: 'create' | 'reuse' | 'change' | 'remove' | 'keep' | 'left';
  /** e.g. `table upload_metadata`. */
  resource: string;
  /** Why, when it is not obvious (what changes, why it is kept, why it could not be removed). */
  reason?: string;
  /** For a kept look-alike or a resource left behind: the AWS CLI command that removes it by hand. */
  command?: string;
}

/**
 * A piece of the lab: what setup builds, verify grades and teardown removes.
 * - `plan` is read-only: what `apply` would create, reuse or change.
 * - `apply` is idempotent, records every resource it creates in the state file the moment it
 *   exists, and returns what it did.
 * - `check` grades the step as it stands, read-only except the `code` step's probe invocation.
 * - `remove` removes only what the state file says the lab created.
 */
export interface LabStep<Id extends string = StepId> {
  id: Id;
  /** Steps whose `apply` must finish before this one's starts; the others run concurrently. */
  applyAfter: readonly string[];
  plan(ctx: LabContext): Promise<Change[]>;
  apply(ctx: LabContext): Promise<Change[]>;
  remove(ctx: LabContext): Promise<Change[]>;
}

export interface Step extends LabStep<StepId> {
  /** Checks whose failure makes this one meaningless: it is then skipped, saying why. */
  checkAfter: readonly StepId[];
  check(ctx: LabContext): Promise<CheckResult>;
}

export const noChanges = async (): Promise<Change[]> => [];
