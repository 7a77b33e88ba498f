import { LabError } from '../errors.js';
import type { LabContext } from '../lab/context.js';
import { applyStep, checkStep, checkSteps, type Listener } from '../steps/run.js';
import { fillPlaceholders, type Lesson, type LessonPart, type Placeholder } from '../lesson.js';
import { learnMessages as m } from '../report/learn-messages.js';
import type { LearnView } from '../report/learn-view.js';
import { savedItem } from '../steps/item.js';
import { allSteps, prerequisites } from '../steps/index.js';
import type { LabStep, StepId } from '../steps/step.js';
import { keySchemaProblem } from '../steps/table.js';
import { uploadTestFile } from '../steps/trigger.js';
import { inspectItem, matchOperations, runQuiz, type AnswerLog, type Feedback } from './activities.js';
import { cliFor, writeHandouts } from './handouts.js';
import { watchUpload } from './live.js';
import type { ActivityId, PartHow, ProgressStore } from './progress.js';
import type { Prompter } from './prompter.js';

/** Everything a walk through the lesson uses, built once by the `learn` command. */
export interface Walk {
  ctx: LabContext;
  lesson: Lesson;
  progress: ProgressStore;
  prompter: Prompter;
  view: LearnView;
  /** The lesson's placeholders filled with this learner's names. */
  values: Record<Placeholder, string>;
  /** The endpoint the AWS CLI must be pointed at (the sandbox), or undefined on AWS. */
  endpoint: string | undefined;
  /** learn started the sandbox itself, on a port of the moment, rather than using a running `upload-lab sandbox`. */
  inProcessSandbox: boolean;
}

/**
 * The lesson, part by part, from where the learner stopped: each part is recorded in the progress
 * file once done, so a walk interrupted anywhere resumes at the part it was in. Then the checklist,
 * the activities and the knowledge check, each recorded when finished.
 */
export async function walkLesson(w: Walk): Promise<void> {
  const { lesson, progress, view } = w;
  view.heading(m.welcome(lesson.title));
  const done = lesson.parts.filter((p) => progress.partDone(p.id)).length;
  if (progress.started) view.line(m.resuming(done, lesson.parts.length));
  else view.block(m.outcomesHeading, lesson.outcomes.map((o) => `- ${o.text}`));
  if (w.endpoint) view.dim(m.sandboxEndpoint(w.endpoint, w.ctx.names.region));
  if (w.inProcessSandbox) view.dim(m.inProcessSandbox);
  for (const part of lesson.parts) {
    if (progress.partDone(part.id)) continue;
    showPart(w, part);
    progress.finishPart(part.id, part.kind === 'read' ? await readPart(w) : await buildPart(w, part));
  }
  await gradeChecklist(w);
  await activities(w);
  if (!progress.snapshot.activities.quiz) await knowledgeCheck(w);
  view.heading(m.finished);
  view.lines(m.nextSteps(w.values.targetOptions), '  ');
}

const fill = (w: Pick<Walk, 'values'>, text: string) => fillPlaceholders(text, w.values);
const commands = (w: Walk, part: LessonPart) => (part.cli ?? []).map((c) => cliFor(fill(w, c), w.endpoint));
const listener = (w: Walk): Listener => (event) => w.view.event(event);
const feedback = (w: Pick<Walk, 'view'>): Feedback => (correct, expected, explanation) => w.view.feedback(correct, expected, explanation);

function showPart(w: Walk, part: LessonPart): void {
  w.view.heading(m.partHeading(fill(w, part.title)));
  for (const paragraph of part.explanation) w.view.line(fill(w, paragraph));
}

async function readPart(w: Walk): Promise<PartHow> {
  await w.prompter.choose(m.next, [{ value: 'continue', label: m.continue }]);
  return 'read';
}

/**
 * A part that builds steps: done by upload-lab (apply, show the equivalent commands, check), or by
 * the learner (instructions, then check / show the solution / let upload-lab do it, as often as needed).
 */
async function buildPart(w: Walk, part: LessonPart): Promise<PartHow> {
  const how = await w.prompter.choose<'tool' | 'self'>(m.howPrompt, [
    { value: 'tool', label: m.doItForMe },
    { value: 'self', label: m.doItMyself },
  ]);
  let failed = false;
  if (how === 'tool') {
    if (await doItForMe(w, part)) return 'tool';
    failed = true;
  } else {
    const dir = await writeHandouts(w.ctx);
    w.view.block(m.consoleHeading, [fill(w, part.console ?? '')]);
    w.view.block(m.cliHeading, commands(w, part));
    w.view.dim(m.filesWritten(dir));
  }
  for (;;) {
    const action = await w.prompter.choose<'check' | 'solution' | 'tool'>(m.whenDone, [
      { value: 'check', label: failed ? m.checkAgain : m.checkMyWork },
      { value: 'solution', label: m.showSolution },
      { value: 'tool', label: m.letToolDoIt },
    ]);
    if (action === 'solution') {
      w.view.block(m.solutionHeading, [...(await wrongTableFirst(w, part)), ...commands(w, part)]);
    } else if (action === 'check') {
      if (await checkPart(w, part, false)) return 'self';
      failed = true;
      w.view.verdict(false, m.partFailed);
    } else if (await doItForMe(w, part)) {
      return 'tool';
    }
  }
}

/** The steps a part applies: its own, and the prerequisites they need that are not checklist items (the bucket). */
function stepsToApply(part: LessonPart): LabStep<string>[] {
  const needed = new Set<string>(part.steps);
  for (const step of allSteps) if (needed.has(step.id)) for (const id of step.applyAfter) if (prerequisites.some((p) => p.id === id)) needed.add(id);
  return allSteps.filter((s) => needed.has(s.id));
}

async function doItForMe(w: Walk, part: LessonPart): Promise<boolean> {
  w.view.line(m.didHeading);
  for (const step of stepsToApply(part)) {
    try {
      await applyStep(w.ctx, step, listener(w));
    } catch (error) {
      // The learner's own table with the wrong keys: theirs to keep or delete, so the walk asks.
      if (!(error instanceof LabError && error.code === 'TableKeyMismatch')) throw error;
      if (!(await replaceWrongTable(w, error.message))) return false;
      await applyStep(w.ctx, step, listener(w));
    }
  }
  w.view.block(m.sameWithCli, commands(w, part));
  return checkPart(w, part, true);
}

/**
 * A key schema cannot change once a table exists: the only fix is to delete the table and create it
 * again. The table is the learner's, so it is deleted only after they confirm; otherwise the walk goes
 * back to the options. Says whether the table is gone.
 */
async function replaceWrongTable(w: Walk, problem: string): Promise<boolean> {
  const { table } = w.ctx.names;
  w.view.line(m.keySchemaFixed(problem));
  const offer = await w.prompter.choose<'delete' | 'back'>(m.wrongTablePrompt, [
    { value: 'delete', label: m.deleteAndCreate(table) },
    { value: 'back', label: m.backToOptions },
  ]);
  if (offer === 'back') return false;
  // "No" first: Enter alone keeps the learner's table.
  const sure = await w.prompter.choose<'no' | 'yes'>(m.confirmDelete(table), [
    { value: 'no', label: m.keepTable },
    { value: 'yes', label: m.deleteTable(table) },
  ]);
  if (sure === 'no') return false;
  await w.ctx.dynamodb.deleteTable(table);
  await w.ctx.dynamodb.waitForTableGone(table, w.ctx.timeoutMs);
  w.view.line(m.tableDeleted(table));
  return true;
}

/** Before a part's solution: the table of that name with the wrong keys must go first, or create-table fails (ResourceInUseException). */
async function wrongTableFirst(w: Walk, part: LessonPart): Promise<string[]> {
  if (!part.steps.includes('table')) return [];
  const existing = await w.ctx.dynamodb.describeTable(w.ctx.names.table);
  if (!existing || !keySchemaProblem(existing)) return [];
  return [cliFor(m.deleteTableCommand(w.ctx.names.table, w.ctx.names.region), w.endpoint)];
}

/** Runs the part's checks only, records each, and says whether all passed. Part 5 uploads (when upload-lab does it) and watches. */
async function checkPart(w: Walk, part: LessonPart, upload: boolean): Promise<boolean> {
  // Within a part, a failed check makes the later ones meaningless (no trigger, no logs to read).
  const failed: StepId[] = [];
  for (const id of part.steps) {
    const outcome = await checkStep(w.ctx, id, listener(w), failed);
    w.progress.recordCheck(id, outcome.status);
    if (outcome.status !== 'pass') failed.push(id);
    else if (id === 'trigger' && upload) await uploadLive(w);
  }
  const ok = failed.length === 0;
  if (part.kind === 'test' && ok) {
    const item = await savedItem(w.ctx);
    if (item) {
      w.view.line(m.itemAppeared);
      w.view.item(item);
    }
  }
  if (ok) w.view.verdict(true, m.partPassed(fill(w, part.title)));
  return ok;
}

/** Part 5: upload the test file and show the function's log lines as they arrive (the part's checks then find its item). */
async function uploadLive(w: Walk): Promise<void> {
  const { ctx, view } = w;
  view.line(m.uploadHeading);
  ctx.upload = await uploadTestFile(ctx);
  view.event({ type: 'upload-done', evidence: ctx.upload });
  if (!(await watchUpload(ctx, ctx.upload, (line) => view.logLine(line)))) view.line(m.noLogLine);
}

/** The whole checklist, graded as `verify --no-upload` does: the learner sees 7/7 before the activities. */
async function gradeChecklist(w: Walk): Promise<void> {
  const outcomes = await checkSteps(w.ctx, () => {});
  for (const o of outcomes) w.progress.recordCheck(o.id, o.status);
  w.view.checklist(outcomes);
  w.view.line(m.checklistScore(outcomes.filter((o) => o.status === 'pass').length, outcomes.length));
}

async function activities(w: Walk): Promise<void> {
  const { lesson, progress, view } = w;
  const { inspect, match } = lesson.activities;
  if (!progress.snapshot.activities.inspect) {
    view.heading(m.activityHeading(inspect.title));
    const item = await savedItem(w.ctx);
    if (!item) {
      view.line(m.noItemToInspect);
    } else {
      view.line(inspect.intro);
      const score = await inspectItem(lesson, item, w.prompter, feedback(w), answerLog(w, 'inspect', inspect.questions.length));
      view.line(m.score(inspect.title, score.score, score.total));
      progress.recordScore('inspect', score);
      // After the answers: the command names the key, which answers two of the questions.
      const getItem = commands(w, lesson.parts.find((p) => p.kind === 'test')!).find((c) => c.includes('get-item'));
      if (getItem) view.block(m.readItemYourself, [getItem]);
    }
  }
  if (!progress.snapshot.activities.match) {
    view.heading(m.activityHeading(match.title));
    view.line(match.intro);
    const score = await matchOperations(lesson, w.prompter, feedback(w), answerLog(w, 'match', match.operations.length));
    view.line(m.score(match.title, score.score, score.total));
    progress.recordScore('match', score);
  }
}

/** Where an activity's answers are kept as they are given; says where it resumes when some were given before. */
function answerLog(w: Pick<Walk, 'progress' | 'view'>, activity: ActivityId, total: number): AnswerLog {
  const given = w.progress.answersSoFar(activity);
  if (given.length > 0) w.view.line(m.activityResuming(given.length, total));
  return { given, record: (correct) => w.progress.recordAnswer(activity, correct) };
}

/** The knowledge check, in the walk and on its own (`upload-lab quiz`); its score is recorded. */
export async function knowledgeCheck(w: Pick<Walk, 'lesson' | 'prompter' | 'view' | 'progress'>): Promise<void> {
  w.view.heading(m.quizHeading);
  const score = await runQuiz(w.lesson.quiz, w.prompter, feedback(w), answerLog(w, 'quiz', w.lesson.quiz.length));
  w.view.line(m.quizScore(score.score, score.total));
  w.progress.recordScore('quiz', score);
}
