import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadChecklist } from '../../src/checklist.js';
import { demoFunctionStep } from '../../src/steps/demo-function.js';
import { allSteps, prerequisites, removeOrder, steps } from '../../src/steps/index.js';

describe('the steps array and checklist.json', () => {
  test('hold the same ids in the same order: every step implemented, no implementation without a step', () => {
    assert.deepEqual(
      steps.map((s) => s.id),
      loadChecklist().map((c) => c.id),
    );
  });

  test('every step has plan, apply, check and remove', () => {
    for (const step of steps) {
      for (const fn of ['plan', 'apply', 'check', 'remove'] as const) assert.equal(typeof step[fn], 'function', `${step.id}.${fn}`);
    }
  });

  test('dependencies name known steps, and only earlier ones (no cycles)', () => {
    const ids = allSteps.map((s) => s.id);
    allSteps.forEach((step, index) => {
      for (const after of step.applyAfter) assert.ok(ids.indexOf(after) >= 0 && ids.indexOf(after) < index, `${step.id} applies after ${after}`);
    });
    steps.forEach((step, index) => {
      for (const after of step.checkAfter) assert.ok(steps.findIndex((s) => s.id === after) < index, `${step.id} checks after ${after}`);
    });
  });

  test('the prerequisites are not checklist items', () => {
    const checklist = new Set(loadChecklist().map((c) => c.id));
    for (const step of prerequisites) assert.ok(!checklist.has(step.id));
  });

  test('teardown removes every step once, the trigger and the function before the log group and the items', () => {
    const order = removeOrder.map((s) => s.id);
    assert.deepEqual([...order].sort(), [...allSteps, demoFunctionStep].map((s) => s.id).sort());
    for (const late of ['logs', 'item']) for (const early of ['trigger', 'env']) assert.ok(order.indexOf(early) < order.indexOf(late), `${early} before ${late}`);
    assert.ok(order.indexOf('env') < order.indexOf('permissions'), 'the function before its role');
    assert.ok(order.indexOf('trigger') < order.indexOf('bucket'), 'the rule before its bucket');
  });
});
