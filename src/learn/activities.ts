import type { Item } from '../aws/services.js';
import type { InspectQuestion, Lesson, QuizQuestion } from '../lesson.js';
import type { Score } from './progress.js';
import type { Prompter } from './prompter.js';

/** How an activity tells the learner whether an answer was right, and why. */
export type Feedback = (correct: boolean, expected: string, explanation: string) => void;

/** The answer an inspect question expects, from the item actually saved. */
export function expectedAnswer(question: InspectQuestion, item: Item): string {
  if (question.kind === 'present') return item[question.field] === undefined ? 'no' : 'yes';
  return String(item[question.field]);
}

/** Judges a learner's answer against the saved item: exact text, the same number, or yes/no for "is it stored?". */
export function isRightAnswer(question: InspectQuestion, item: Item, answer: string): boolean {
  const given = answer.trim();
  const expected = expectedAnswer(question, item);
  if (question.kind === 'number') return given !== '' && Number(given) === Number(expected);
  if (question.kind === 'present') return /^y(es)?$/i.test(given) ? expected === 'yes' : /^no?$/i.test(given) && expected === 'no';
  return given === expected;
}

/** Inspect the saved item: each question answered, then checked against the item. */
export async function inspectItem(lesson: Lesson, item: Item, prompter: Prompter, feedback: Feedback): Promise<Score> {
  const { questions } = lesson.activities.inspect;
  let score = 0;
  for (const question of questions) {
    const answer = await prompter.ask(question.question);
    const correct = isRightAnswer(question, item, answer);
    if (correct) score++;
    feedback(correct, expectedAnswer(question, item), question.explanation);
  }
  return { score, total: questions.length };
}

/**
 * Match the operations: for each, pick what it does among all the descriptions. They are listed in
 * alphabetical order, not the operations' order, so position gives nothing away.
 */
export async function matchOperations(lesson: Lesson, prompter: Prompter, feedback: Feedback): Promise<Score> {
  const { operations } = lesson.activities.match;
  const descriptions = operations.map((o) => o.does).sort((a, b) => a.localeCompare(b));
  let score = 0;
  for (const operation of operations) {
    const chosen = await prompter.choose(`${operation.name}:`, descriptions.map((does) => ({ value: does, label: does })));
    const correct = chosen === operation.does;
    if (correct) score++;
    feedback(correct, operation.does, operation.explanation);
  }
  return { score, total: operations.length };
}

/** The knowledge check: one question at a time, the explanation after each answer. */
export async function runQuiz(questions: readonly QuizQuestion[], prompter: Prompter, feedback: Feedback): Promise<Score> {
  let score = 0;
  for (const [n, question] of questions.entries()) {
    const chosen = await prompter.choose(`${n + 1}/${questions.length} ${question.question}`, question.choices.map((label, i) => ({ value: String(i), label })));
    const correct = Number(chosen) === question.answer;
    if (correct) score++;
    feedback(correct, question.choices[question.answer]!, question.explanation);
  }
  return { score, total: questions.length };
}
