import type { Item } from '../aws/services.js';
import type { InspectQuestion, Lesson, QuizQuestion } from '../lesson.js';
import type { Score } from './progress.js';
import type { Prompter } from './prompter.js';

/** How an activity tells the learner whether an answer was right, and why. */
export type Feedback = (correct: boolean, expected: string, explanation: string) => void;

/**
 * The answers already given in an activity (right or wrong, in order), and where each new one is
 * kept as soon as it is given: an activity stopped by Ctrl+C resumes at the next question.
 */
export interface AnswerLog {
  given: readonly boolean[];
  record(correct: boolean): void;
}

/** Asks the questions not answered yet, recording each answer; the score counts the earlier ones too. */
async function askRemaining<Q>(questions: readonly Q[], log: AnswerLog, ask: (question: Q, n: number) => Promise<boolean>): Promise<Score> {
  const results = [...log.given];
  for (let n = results.length; n < questions.length; n++) {
    const correct = await ask(questions[n]!, n);
    results.push(correct);
    log.record(correct);
  }
  return { score: results.filter(Boolean).length, total: questions.length };
}

/** The answer an inspect question expects, from the item actually saved. */
export function expectedAnswer(question: InspectQuestion, item: Item): string {
  if (question.kind === 'present') return item[question.field] === undefined ? 'no' : 'yes';
  return String(item[question.field]);
}

const withoutS3Prefix = (eventType: string) => eventType.replace(/^s3:/, '');

/** Judges a learner's answer against the saved item: exact text, the same number, or yes/no for "is it stored?". */
export function isRightAnswer(question: InspectQuestion, item: Item, answer: string): boolean {
  const given = answer.trim();
  const expected = expectedAnswer(question, item);
  if (question.kind === 'number') return given !== '' && Number(given) === Number(expected);
  if (question.kind === 'present') return /^y(es)?$/i.test(given) ? expected === 'yes' : /^no?$/i.test(given) && expected === 'no';
  if (question.kind === 'event') return withoutS3Prefix(given) === withoutS3Prefix(expected);
  return given === expected;
}

/** Inspect the saved item: each question answered, then checked against the item. */
export function inspectItem(lesson: Lesson, item: Item, prompter: Prompter, feedback: Feedback, log: AnswerLog): Promise<Score> {
  return askRemaining(lesson.activities.inspect.questions, log, async (question) => {
    const correct = isRightAnswer(question, item, await prompter.ask(question.question));
    feedback(correct, expectedAnswer(question, item), question.explanation);
    return correct;
  });
}

/**
 * Match the operations: for each, pick what it does among all the descriptions. They are listed in
 * alphabetical order, not the operations' order, so position gives nothing away.
 */
export function matchOperations(lesson: Lesson, prompter: Prompter, feedback: Feedback, log: AnswerLog): Promise<Score> {
  const { operations } = lesson.activities.match;
  const descriptions = operations.map((o) => o.does).sort((a, b) => a.localeCompare(b));
  return askRemaining(operations, log, async (operation) => {
    const chosen = await prompter.choose(`${operation.name}:`, descriptions.map((does) => ({ value: does, label: does })));
    const correct = chosen === operation.does;
    feedback(correct, operation.does, operation.explanation);
    return correct;
  });
}

/** The knowledge check: one question at a time, the explanation after each answer. */
export function runQuiz(questions: readonly QuizQuestion[], prompter: Prompter, feedback: Feedback, log: AnswerLog): Promise<Score> {
  return askRemaining(questions, log, async (question, n) => {
    const chosen = await prompter.choose(`${n + 1}/${questions.length} ${question.question}`, question.choices.map((label, i) => ({ value: String(i), label })));
    const correct = Number(chosen) === question.answer;
    feedback(correct, question.choices[question.answer]!, question.explanation);
    return correct;
  });
}
