import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { loadChecklist } from '../src/checklist.js';
import { fillPlaceholders, LESSON_PLACEHOLDERS, lessonFile, lessonProblems, loadLesson, type Lesson, type Placeholder } from '../src/lesson.js';

const stepIds = loadChecklist().map((s) => s.id);
const lesson = loadLesson();
/** A deep copy to break on purpose. */
const copy = (): Lesson => JSON.parse(readFileSync(lessonFile(), 'utf8')) as Lesson;

describe('lesson.json', () => {
  test('is sound: no problem found', () => {
    assert.deepEqual(lessonProblems(lesson, stepIds), []);
  });

  test('every part has an explanation, and the steps it names exist in checklist.json', () => {
    for (const part of lesson.parts) {
      assert.ok(part.explanation.length > 0 && part.explanation.every((p) => p.trim().length > 20), `${part.id}: explanation`);
      for (const step of part.steps) assert.ok(stepIds.includes(step), `${part.id}: step ${step}`);
    }
    assert.deepEqual(lesson.parts.flatMap((p) => p.steps), stepIds, 'the build parts cover the checklist, in its order');
  });

  test('has the parts of the lesson, in order', () => {
    assert.deepEqual(
      lesson.parts.map((p) => p.id),
      ['intro', 'table', 'permissions', 'env', 'code', 'test', 'overwrites', 'ordering'],
    );
    assert.ok(lesson.parts.filter((p) => p.kind !== 'read').every((p) => p.console && p.cli && p.cli.length > 0));
  });

  test('every quiz question has exactly one correct answer and an explanation; the first asks for the storage service', () => {
    assert.ok(lesson.quiz.length >= 5);
    assert.equal(lesson.quiz[0]!.question, 'Which AWS service is used in this lesson to store metadata records?');
    assert.equal(lesson.quiz[0]!.choices[lesson.quiz[0]!.answer], 'Amazon DynamoDB');
    for (const q of lesson.quiz) {
      assert.ok(Number.isInteger(q.answer) && q.choices[q.answer] !== undefined, q.question);
      assert.equal(new Set(q.choices).size, q.choices.length, `${q.question}: distinct choices`);
      assert.ok(q.explanation.trim().length > 0, `${q.question}: explanation`);
    }
  });

  test('every learning outcome is covered by a part and by a quiz question', () => {
    assert.deepEqual(lesson.outcomes.map((o) => o.id), ['save', 'why-dynamodb', 'composite-key', 'env-config', 'overwrite']);
    for (const { id } of lesson.outcomes) {
      assert.ok(lesson.parts.some((p) => p.outcomes.includes(id)), `${id}: part`);
      assert.ok(lesson.quiz.some((q) => q.outcome === id), `${id}: quiz`);
    }
  });

  test('the activities: five inspect questions on the saved item, five operations with distinct descriptions', () => {
    const { inspect, match } = lesson.activities;
    assert.deepEqual(inspect.questions.map((q) => q.field), ['bucket', 'object_key', 'size', 'event_name', 'sequencer']);
    assert.deepEqual(match.operations.map((o) => o.name), ['PutItem', 'GetItem', 'UpdateItem', 'DeleteItem', 'Query']);
  });

  test('fills the placeholders with the learner names, and uses no other', () => {
    const values = Object.fromEntries(LESSON_PLACEHOLDERS.map((name) => [name, `<${name}>`])) as Record<Placeholder, string>;
    const table = lesson.parts.find((p) => p.id === 'table')!;
    assert.match(fillPlaceholders(table.cli![0]!, values), /^aws dynamodb create-table --table-name <table> .* --region <region>$/);
    for (const part of lesson.parts) {
      for (const text of [...part.explanation, part.console ?? '', ...(part.cli ?? [])]) assert.doesNotMatch(fillPlaceholders(text, values), /\{[a-zA-Z]+\}/, `${part.id}: ${text}`);
    }
  });
});

describe('lessonProblems finds what is broken', () => {
  test('a part without explanation, an unknown step, a read part with steps', () => {
    const broken = copy();
    broken.parts[1]!.explanation = [];
    broken.parts[2]!.steps = ['tabel' as never];
    broken.parts[0]!.steps = ['table'];
    const problems = lessonProblems(broken, stepIds);
    assert.ok(problems.includes('part table has no explanation'), problems.join('\n'));
    assert.ok(problems.includes('part permissions names step tabel, which checklist.json does not have'));
    assert.ok(problems.includes('part intro is read-only but names steps'));
    assert.ok(problems.includes('no part builds checklist step permissions'));
  });

  test('a question whose answer is out of range, with a repeated choice, without explanation', () => {
    const broken = copy();
    broken.quiz[0]!.answer = 7;
    broken.quiz[1]!.choices[1] = broken.quiz[1]!.choices[0]!;
    broken.quiz[2]!.explanation = ' ';
    const problems = lessonProblems(broken, stepIds);
    assert.ok(problems.includes('quiz question 1 has no correct answer among its choices'), problems.join('\n'));
    assert.ok(problems.includes('quiz question 2 repeats a choice, so more than one answer could be right'));
    assert.ok(problems.includes('quiz question 3 has no explanation'));
  });

  test('an outcome no question covers, an unknown placeholder', () => {
    const broken = copy();
    broken.quiz = broken.quiz.filter((q) => q.outcome !== 'env-config');
    broken.parts[1]!.cli = ['aws dynamodb create-table --table-name {tabel}'];
    const problems = lessonProblems(broken, stepIds);
    assert.ok(problems.includes('outcome env-config has no quiz question'), problems.join('\n'));
    assert.ok(problems.includes('part table uses an unknown placeholder {tabel}'));
  });
});
