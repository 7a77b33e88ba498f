import { readFileSync } from 'node:fs';
import { packageFile } from './checklist.js';
import type { StepId } from './steps/step.js';

/**
 * The lesson `upload-lab learn` walks, as data (lesson.json at the package root): its learning
 * outcomes, its parts (each tied to outcomes and to the checklist steps it builds), the activities and
 * the quiz. Text may hold `{name}` placeholders, filled with the learner's names (see LESSON_PLACEHOLDERS).
 */

export type OutcomeId = 'save' | 'why-dynamodb' | 'composite-key' | 'env-config' | 'overwrite';

export interface Outcome {
  id: OutcomeId;
  text: string;
}

/** `read`: explanation only; `build`: one or more checklist steps to do; `test`: Part 5's upload, watched live. */
export type PartKind = 'read' | 'build' | 'test';

export interface LessonPart {
  id: string;
  title: string;
  kind: PartKind;
  outcomes: OutcomeId[];
  /** Paragraphs: why this part matters, tied to its outcomes. */
  explanation: string[];
  /** The checklist steps this part builds (and checks), in order. */
  steps: StepId[];
  /** Where to click, for a learner doing it by hand. */
  console?: string;
  /** The equivalent AWS CLI commands. */
  cli?: string[];
}

export interface InspectQuestion {
  /** The item attribute the answer is checked against. */
  field: string;
  /**
   * `text`: equal strings; `number`: equal numbers; `present`: yes/no, is the attribute stored?;
   * `event`: the same S3 event type, written with or without the `s3:` prefix (`ObjectCreated:Put`,
   * `s3:ObjectCreated:Put`): S3 names it with the prefix in notification rules, without it in events.
   */
  kind: 'text' | 'number' | 'present' | 'event';
  question: string;
  explanation: string;
}

export interface Operation {
  name: string;
  does: string;
  explanation: string;
}

export interface QuizQuestion {
  outcome: OutcomeId;
  question: string;
  choices: string[];
  /** Index into `choices` of the one correct answer. */
  answer: number;
  explanation: string;
}

export interface Lesson {
  format_version: 1;
  title: string;
  outcomes: Outcome[];
  parts: LessonPart[];
  activities: {
    inspect: { title: string; intro: string; questions: InspectQuestion[] };
    match: { title: string; intro: string; operations: Operation[] };
  };
  quiz: QuizQuestion[];
}

/** Every placeholder lesson text may use; `fillPlaceholders` replaces them. */
export const LESSON_PLACEHOLDERS = [
  'bucket', 'table', 'function', 'role', 'region', 'account',
  'tableArn', 'roleArn', 'functionArn',
  // The handler's runtime and entry point (`setup`/`learn --runtime`).
  'runtime', 'handler',
  // Files upload-lab writes for a learner working by hand: the deployment zip and the role's policies.
  'zip', 'trustFile', 'policyFile',
  // The options that point a command at the same lab (`--local`, `--region r`, ...).
  'targetOptions',
] as const;
export type Placeholder = (typeof LESSON_PLACEHOLDERS)[number];

const FORMAT_VERSION = 1;

let cached: Lesson | undefined;

/** The lesson, read once. */
export function loadLesson(): Lesson {
  if (!cached) {
    const data = JSON.parse(readFileSync(lessonFile(), 'utf8')) as Lesson;
    if (data.format_version !== FORMAT_VERSION) {
      throw new Error(`lesson.json has format_version ${String(data.format_version)}; this upload-lab reads version ${FORMAT_VERSION}.`);
    }
    cached = data;
  }
  return cached;
}

export const lessonFile = () => packageFile('lesson.json');

/** `{table}` → the learner's table name, and so on; an unknown placeholder stays as it is. */
export function fillPlaceholders(text: string, values: Record<Placeholder, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name as Placeholder] : whole));
}

/** The `{name}` placeholders a text uses that fillPlaceholders does not know. */
export function unknownPlaceholders(text: string): string[] {
  // JSON in CLI commands has braces too: only a bare `{word}` is a placeholder.
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((name) => !(LESSON_PLACEHOLDERS as readonly string[]).includes(name));
}

/**
 * What is wrong with the lesson, one sentence per problem (none: it is sound). `stepIds` are
 * checklist.json's ids, which the parts' steps must name.
 */
export function lessonProblems(lesson: Lesson, stepIds: readonly string[]): string[] {
  const problems: string[] = [];
  const outcomeIds = lesson.outcomes.map((o) => o.id);
  const knownOutcome = (id: string) => outcomeIds.includes(id as OutcomeId);
  const covered = new Set<string>();
  const partIds = new Set<string>();
  for (const part of lesson.parts) {
    if (partIds.has(part.id)) problems.push(`part ${part.id} appears twice`);
    partIds.add(part.id);
    if (part.explanation.length === 0 || part.explanation.some((p) => p.trim() === '')) problems.push(`part ${part.id} has no explanation`);
    if (part.outcomes.length === 0) problems.push(`part ${part.id} is tied to no learning outcome`);
    for (const id of part.outcomes) {
      if (!knownOutcome(id)) problems.push(`part ${part.id} names an unknown outcome ${id}`);
      covered.add(id);
    }
    for (const step of part.steps) if (!stepIds.includes(step)) problems.push(`part ${part.id} names step ${step}, which checklist.json does not have`);
    if (part.kind === 'read' && part.steps.length > 0) problems.push(`part ${part.id} is read-only but names steps`);
    if (part.kind !== 'read') {
      if (part.steps.length === 0) problems.push(`part ${part.id} builds nothing: it names no step`);
      if (!part.console || !part.cli || part.cli.length === 0) problems.push(`part ${part.id} has no console path or AWS CLI command`);
    }
    for (const text of [part.title, ...part.explanation, part.console ?? '', ...(part.cli ?? [])]) {
      for (const name of unknownPlaceholders(text)) problems.push(`part ${part.id} uses an unknown placeholder {${name}}`);
    }
  }
  const built = lesson.parts.flatMap((p) => p.steps);
  for (const id of stepIds) if (!built.includes(id as StepId)) problems.push(`no part builds checklist step ${id}`);
  lesson.quiz.forEach((q, i) => {
    const name = `quiz question ${i + 1}`;
    if (!Number.isInteger(q.answer) || q.answer < 0 || q.answer >= q.choices.length) problems.push(`${name} has no correct answer among its choices`);
    if (new Set(q.choices).size !== q.choices.length) problems.push(`${name} repeats a choice, so more than one answer could be right`);
    if (q.choices.length < 2) problems.push(`${name} offers fewer than two choices`);
    if (q.explanation.trim() === '') problems.push(`${name} has no explanation`);
    if (!knownOutcome(q.outcome)) problems.push(`${name} names an unknown outcome ${q.outcome}`);
    covered.add(q.outcome);
  });
  const quizOutcomes = new Set(lesson.quiz.map((q) => q.outcome));
  for (const id of outcomeIds) {
    if (!covered.has(id)) problems.push(`outcome ${id} is covered by no part and no question`);
    if (!quizOutcomes.has(id)) problems.push(`outcome ${id} has no quiz question`);
  }
  const { inspect, match } = lesson.activities;
  for (const q of inspect.questions) if (q.explanation.trim() === '') problems.push(`inspect question on ${q.field} has no explanation`);
  const does = match.operations.map((o) => o.does);
  if (new Set(does).size !== does.length) problems.push('two operations share a description, so a match could be right twice');
  for (const op of match.operations) if (op.explanation.trim() === '') problems.push(`operation ${op.name} has no explanation`);
  return problems;
}
