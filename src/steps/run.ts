import { loadChecklist } from '../checklist.js';
import { toLabError } from '../errors.js';
import type { LabContext, UploadEvidence } from '../lab/context.js';
import { TEST_KEY } from '../lab/names.js';
import { allSteps, removeOrder, steps } from './index.js';
import type { Change, LabStep, StepId } from './step.js';
import { uploadTestFile } from './trigger.js';

/** What the runners tell the reporter as they go; the reporter decides how (or whether) to show it. */
export type LabEvent =
  | { type: 'apply-start'; id: string }
  | { type: 'apply-done'; id: string; changes: Change[] }
  | { type: 'check-start'; id: StepId; title: string }
  | { type: 'check-done'; outcome: CheckOutcome }
  | { type: 'upload-start'; key: string }
  | { type: 'upload-done'; evidence: UploadEvidence }
  | { type: 'remove-done'; id: string; changes: Change[] };

export type Listener = (event: LabEvent) => void;

export interface CheckOutcome {
  id: StepId;
  title: string;
  status: 'pass' | 'fail' | 'skip';
  detail: string;
  warnings: string[];
  /** For a failure: how to fix it, and where AWS documents it. */
  hint?: string;
  docs?: string;
}

/** Every step's plan, read-only, in apply order. */
export async function planSteps(ctx: LabContext): Promise<{ id: string; changes: Change[] }[]> {
  return Promise.all(allSteps.map(async (step) => ({ id: step.id, changes: await step.plan(ctx) })));
}

/**
 * Applies every step, each as soon as the steps it needs are done: the table, the bucket and the role
 * go in parallel, and the role's propagation (the long pole on AWS) overlaps the table's creation.
 * On the first failure no further step starts; the running ones finish (so the state file stays
 * true), then the failure is thrown.
 */
export async function applySteps(ctx: LabContext, listen: Listener): Promise<void> {
  const finished = new Map<string, Promise<void>>();
  let failure: { error: unknown } | undefined;
  const run = (id: string): Promise<void> => {
    let started = finished.get(id);
    if (!started) {
      const step = allSteps.find((s) => s.id === id)!;
      started = Promise.all(step.applyAfter.map(run)).then(async () => {
        if (failure) return;
        try {
          await applyStep(ctx, step, listen);
        } catch (error) {
          failure ??= { error };
        }
      });
      finished.set(id, started);
    }
    return started;
  };
  await Promise.all(allSteps.map((s) => run(s.id)));
  if (failure) throw failure.error;
}

/** Applies one step (the steps it needs must be done already), telling `listen` what it did. */
export async function applyStep(ctx: LabContext, step: LabStep<string>, listen: Listener): Promise<Change[]> {
  listen({ type: 'apply-start', id: step.id });
  const changes = await step.apply(ctx);
  listen({ type: 'apply-done', id: step.id, changes });
  return changes;
}

/**
 * Grades the checklist in order. A check whose prerequisites did not pass is skipped, saying which;
 * a check that throws is a failure with the error's sentence, and the run goes on. Once `trigger`
 * passes, `upload` (when given) uploads the test file whose effects `logs` and `item` wait for.
 */
export async function checkSteps(ctx: LabContext, listen: Listener, upload?: () => Promise<UploadEvidence>): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  for (const step of steps) {
    const blocked = step.checkAfter.filter((id) => outcomes.find((o) => o.id === id)?.status !== 'pass');
    const outcome = await checkStep(ctx, step.id, listen, blocked);
    outcomes.push(outcome);
    if (step.id === 'trigger' && outcome.status === 'pass' && upload) {
      listen({ type: 'upload-start', key: TEST_KEY });
      ctx.upload = await upload();
      listen({ type: 'upload-done', evidence: ctx.upload });
    }
  }
  return outcomes;
}

/**
 * Grades one step: skipped when `blocked` names prerequisites that did not pass; a check that throws
 * is a failure with the error's sentence; a failure carries its own hint when the check gives one (else checklist.json's) and the docs link.
 */
export async function checkStep(ctx: LabContext, id: StepId, listen: Listener, blocked: readonly StepId[] = []): Promise<CheckOutcome> {
  const step = steps.find((s) => s.id === id)!;
  const entry = loadChecklist().find((e) => e.id === id);
  const title = entry?.title ?? id;
  listen({ type: 'check-start', id, title });
  let outcome: CheckOutcome;
  if (blocked.length > 0) {
    outcome = { id, title, status: 'skip', detail: `skipped: ${blocked.join(', ')} must pass first`, warnings: [] };
  } else {
    let result;
    try {
      result = await step.check(ctx);
    } catch (error) {
      result = { ok: false, detail: toLabError(error).message };
    }
    outcome = {
      id,
      title,
      status: result.ok ? 'pass' : 'fail',
      detail: result.detail,
      warnings: result.warnings ?? [],
      ...(result.ok || !entry ? {} : { hint: result.hint ?? entry.hint, docs: entry.docs }),
    };
  }
  listen({ type: 'check-done', outcome });
  return outcome;
}

/** The test upload, as setup and verify make it: recorded, so teardown removes it (and its item) while they are still the lab's. */
export const recordedUpload = (ctx: LabContext) => () => uploadTestFile(ctx);

/**
 * Removes, in removeOrder, what the state file says the lab created. A removal that fails does not
 * stop the others: it comes back as a `left` change (why, and the command that removes it by hand)
 * and stays recorded for the next teardown.
 */
export async function removeSteps(ctx: LabContext, listen: Listener): Promise<Change[]> {
  const all: Change[] = [];
  for (const step of removeOrder) {
    const changes = await step.remove(ctx);
    all.push(...changes);
    listen({ type: 'remove-done', id: step.id, changes });
  }
  return all;
}
