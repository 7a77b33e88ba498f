import { ProgressStore } from '../learn/progress.js';
import { progressSummary } from '../learn/summary.js';
import { loadLesson } from '../lesson.js';
import { learnMessages as m } from '../report/learn-messages.js';
import { createLearnView } from '../report/learn-view.js';
import type { CommandIO } from './run-command.js';

/** `upload-lab progress [--json]`: where the learner is in the lesson; changes nothing. */
export async function progress(options: { json?: boolean }, io: CommandIO): Promise<number> {
  const lesson = loadLesson();
  const summary = progressSummary(lesson, ProgressStore.open().snapshot);
  if (options.json) {
    io.out.write(JSON.stringify(summary, null, 2) + '\n');
    return 0;
  }
  const view = await createLearnView(io.out, io.err, io.env);
  try {
    view.heading(m.welcome(lesson.title));
    if (!summary.started) {
      view.line(m.progressNone);
      return 0;
    }
    view.line(m.progressParts(summary.partsDone, summary.parts.length));
    for (const part of summary.parts) view.line(`  ${part.done ? '[x]' : '[ ]'} ${part.title}${part.how ? ` (${m.howWords[part.how]})` : ''}`);
    view.line(m.progressChecks(summary.checksPassed, summary.checks.length, summary.checkedAt));
    view.line(m.progressActivity(lesson.activities.inspect.title, summary.activities.inspect ?? undefined));
    view.line(m.progressActivity(lesson.activities.match.title, summary.activities.match ?? undefined));
    view.line(m.progressActivity(m.quizTitle, summary.activities.quiz ?? undefined));
    if (summary.next) view.line(m.progressNext(summary.next));
    return 0;
  } finally {
    view.close();
  }
}
