import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFilterPattern } from '../../src/sandbox/services/logs/filter-pattern.js';

// The example events and patterns of the CloudWatch Logs filter pattern syntax documentation
// ("Using filter patterns to match terms in unstructured log events").
const docEvents = [
  '[ERROR 400] BAD REQUEST',
  '[ERROR 401] UNAUTHORIZED REQUEST',
  '[ERROR 419] MISSING ARGUMENTS',
  '[ERROR 420] INVALID ARGUMENTS',
  '[ERROR 500] INTERNAL SERVER ERROR',
];

function matching(pattern: string, events = docEvents): string[] {
  const matches = parseFilterPattern(pattern);
  return events.filter((e) => matches(e));
}

describe('CloudWatch Logs filter patterns (unstructured text)', () => {
  it('matches every event with an empty pattern or a quoted blank', () => {
    assert.deepEqual(matching(''), docEvents);
    assert.deepEqual(matching('   '), docEvents);
    assert.deepEqual(matching('" "'), docEvents);
  });

  it('matches a single term', () => {
    assert.deepEqual(matching('ERROR'), docEvents);
    assert.deepEqual(matching('MISSING'), ['[ERROR 419] MISSING ARGUMENTS']);
  });

  it('requires every term when terms are separated by spaces', () => {
    assert.deepEqual(matching('ERROR ARGUMENTS'), ['[ERROR 419] MISSING ARGUMENTS', '[ERROR 420] INVALID ARGUMENTS']);
    assert.deepEqual(matching('ARGUMENTS REQUEST'), []);
  });

  it('matches any ?term', () => {
    assert.deepEqual(matching('?ARGUMENTS ?REQUEST'), docEvents.slice(0, 4));
    assert.deepEqual(matching('?SERVER ?BAD'), ['[ERROR 400] BAD REQUEST', '[ERROR 500] INTERNAL SERVER ERROR']);
  });

  it('matches exact phrases in double quotes, spaces and punctuation included', () => {
    assert.deepEqual(matching('"INTERNAL SERVER ERROR"'), ['[ERROR 500] INTERNAL SERVER ERROR']);
    assert.deepEqual(matching('"SERVER INTERNAL"'), []);
    assert.deepEqual(matching('"[ERROR 401]"'), ['[ERROR 401] UNAUTHORIZED REQUEST']);
  });

  it('excludes -terms, quoted or not', () => {
    assert.deepEqual(matching('ERROR -ARGUMENTS'), ['[ERROR 400] BAD REQUEST', '[ERROR 401] UNAUTHORIZED REQUEST', '[ERROR 500] INTERNAL SERVER ERROR']);
    assert.deepEqual(matching('ERROR -"BAD REQUEST" -ARGUMENTS'), ['[ERROR 401] UNAUTHORIZED REQUEST', '[ERROR 500] INTERNAL SERVER ERROR']);
  });

  it('is case-sensitive', () => {
    assert.deepEqual(matching('error'), []);
    assert.deepEqual(matching('"internal server error"'), []);
  });

  it("finds the lab's success line by its quoted phrase", () => {
    const lines = ['START RequestId: 1 Version: $LATEST', 'Saved metadata for lab-bucket/incoming/notes.txt', 'saved metadata for lab-bucket/other'];
    assert.deepEqual(matching('"Saved metadata for lab-bucket/incoming/notes.txt"', lines), [lines[1]]);
    assert.deepEqual(matching('"Saved metadata"', lines), [lines[1]]);
  });

  it('reads escaped quotes inside a phrase', () => {
    assert.deepEqual(matching('"say \\"hi\\""', ['they say "hi"', 'they say hi']), ['they say "hi"']);
  });

  it('refuses JSON, space-delimited and regex patterns, and unclosed quotes, as InvalidParameterException', () => {
    for (const pattern of ['{ $.level = "ERROR" }', '[ip, user, status=404]', '%ERROR [0-9]+%', '"unclosed phrase']) {
      assert.throws(() => parseFilterPattern(pattern), { name: 'InvalidParameterException' }, pattern);
    }
  });
});
