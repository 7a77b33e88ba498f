import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { checklistFile, loadChecklist } from '../src/checklist.js';

describe('checklist.json', () => {
  const steps = loadChecklist();

  test('declares format_version 1', () => {
    const raw = JSON.parse(readFileSync(checklistFile(), 'utf8')) as { format_version: unknown };
    assert.equal(raw.format_version, 1);
  });

  test('lists the lab steps in the order the lab does them, each id once', () => {
    const ids = steps.map((step) => step.id);
    assert.deepEqual(ids, ['table', 'permissions', 'env', 'code', 'trigger', 'logs', 'item']);
    assert.equal(new Set(ids).size, ids.length);
  });

  test('uses the lab checklist titles and success conditions', () => {
    assert.deepEqual(
      steps.map((step) => [step.title, step.success]),
      [
        ['Create DynamoDB table', '`upload_metadata` exists'],
        ['Add Lambda permissions', 'execution role can call `dynamodb:PutItem`'],
        ['Add environment variable', '`TABLE_NAME=upload_metadata` is set'],
        ['Update Lambda code', 'function writes item to DynamoDB'],
        ['Upload a test file', 'S3 trigger fires'],
        ['Check logs', 'function logs success'],
        ['Check table', 'one metadata item appears'],
      ],
    );
  });

  test('gives every step a non-empty hint and an AWS documentation link', () => {
    for (const step of steps) {
      for (const field of ['id', 'title', 'success', 'hint', 'docs'] as const) {
        assert.ok(typeof step[field] === 'string' && step[field].trim() !== '', `${step.id}: ${field} is empty`);
      }
      const docs = new URL(step.docs);
      assert.equal(docs.protocol, 'https:', `${step.id}: docs link`);
      assert.equal(docs.hostname, 'docs.aws.amazon.com', `${step.id}: docs link`);
    }
  });

  test('is read once and cannot be changed by a caller', () => {
    assert.equal(loadChecklist(), steps);
    assert.ok(Object.isFrozen(steps) && steps.every((step) => Object.isFrozen(step)));
  });
});
