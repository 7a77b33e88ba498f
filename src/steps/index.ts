import { bucketStep } from './bucket.js';
import { codeStep } from './code.js';
import { demoFunctionStep } from './demo-function.js';
import { envStep } from './env.js';
import { itemStep } from './item.js';
import { logsStep } from './logs.js';
import { permissionsStep } from './permissions.js';
import type { LabStep, Step } from './step.js';
import { tableStep } from './table.js';
import { triggerStep } from './trigger.js';

/**
 * The lab's checklist, in checklist.json's order: each id there has exactly one step here (a test
 * holds the two together). setup applies them, verify checks them, teardown removes them in reverse.
 */
export const steps: readonly Step[] = [tableStep, permissionsStep, envStep, codeStep, triggerStep, logsStep, itemStep];

/**
 * What the lab needs that is not a checklist item, modelled as steps without a check. Only the bucket
 * (the lab starts from "a bucket you own"): its own step so setup creates it alongside the table and
 * the role. The function is not here: it cannot exist without code and configuration, so the `env`
 * step creates it (with TABLE_NAME) and `code` keeps its code the lab's.
 */
export const prerequisites: readonly LabStep<'bucket'>[] = [bucketStep];

/** Every step setup plans and applies, in apply order (the demo's function is teardown's only: see removeOrder). */
export const allSteps: readonly LabStep<string>[] = [...prerequisites, ...steps];

/**
 * Teardown's order. What invokes the lab's function goes first (a function left by an interrupted
 * `upload-lab demo`, the trigger, then the function itself), so no late event or retry can recreate
 * the log group or rewrite an item once they are removed; then the log group, the lab's uploads and
 * their items, the role (after the functions that used it), the table and, last, the bucket the
 * trigger was on.
 */
export const removeOrder: readonly LabStep<string>[] = [demoFunctionStep, triggerStep, envStep, codeStep, logsStep, itemStep, permissionsStep, tableStep, bucketStep];
