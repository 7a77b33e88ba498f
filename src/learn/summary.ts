import { loadChecklist } from '../checklist.js';
import type { Lesson } from '../lesson.js';
import { hasStarted, type ActivityId, type PartHow, type ProgressData, type Score } from './progress.js';

/** Where a learner is: what `upload-lab progress` shows, and `--json` prints. */
export interface ProgressSummary {
  started: boolean;
  target: string | null;
  parts: { id: string; title: string; done: boolean; how: PartHow | null }[];
  partsDone: number;
  checks: { id: string; title: string; status: 'pass' | 'fail' | 'skip' | null }[];
  checksPassed: number;
  /** When the checks were last run (ISO 8601), or null: they tell how the lab was then (teardown may have removed it since). */
  checkedAt: string | null;
  activities: Record<ActivityId, Score | null>;
  /** The part `learn` continues with; null once every part is done. */
  next: string | null;
}

export function progressSummary(lesson: Lesson, data: Readonly<ProgressData>): ProgressSummary {
  const parts = lesson.parts.map((p) => ({ id: p.id, title: p.title, done: p.id in data.parts, how: data.parts[p.id]?.how ?? null }));
  const checks = loadChecklist().map((s) => ({ id: s.id, title: s.title, status: data.checks[s.id] ?? null }));
  return {
    started: hasStarted(data),
    target: data.target ?? null,
    parts,
    partsDone: parts.filter((p) => p.done).length,
    checks,
    checksPassed: checks.filter((c) => c.status === 'pass').length,
    checkedAt: data.checkedAt ?? null,
    activities: { inspect: data.activities.inspect ?? null, match: data.activities.match ?? null, quiz: data.activities.quiz ?? null },
    next: parts.find((p) => !p.done)?.title ?? null,
  };
}
