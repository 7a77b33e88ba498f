import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { toolHome } from '../paths.js';
import { writeFileAtomic } from '../common/atomic-file.js';

/** How a part was done: read, built by upload-lab, or built by the learner and checked. */
export type PartHow = 'read' | 'tool' | 'self';
export type ActivityId = 'inspect' | 'match' | 'quiz';

export interface Score {
  score: number;
  total: number;
}

export interface ProgressData {
  version: 1;
  /** The options that point at the lab the walk builds (`--local`, `--region eu-west-1`, ...), for `progress`. */
  target?: string;
  parts: Record<string, { how: PartHow }>;
  /** The last result of each checklist step's check. */
  checks: Record<string, 'pass' | 'fail' | 'skip'>;
  /** When a check was last recorded (ISO 8601): the results say how the lab was then, not now. */
  checkedAt?: string;
  activities: Partial<Record<ActivityId, Score>>;
  /** An unfinished activity's answers so far (right or wrong), kept as each is given; gone once it is scored. */
  answers?: Partial<Record<ActivityId, boolean[]>>;
}

const empty = (): ProgressData => ({ version: 1, parts: {}, checks: {}, activities: {} });

/**
 * Where the learner is in the lesson: one file under the tool's home, written (atomically) after every
 * part, check and activity, so a walk stopped anywhere (Ctrl+C, a closed terminal, a crash) resumes
 * at the part it was in.
 */
export class ProgressStore {
  private constructor(
    readonly file: string,
    private data: ProgressData,
  ) {}

  static open(home = toolHome()): ProgressStore {
    const file = join(home, 'learn', 'progress.json');
    return new ProgressStore(file, existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ProgressData) : empty());
  }

  get snapshot(): Readonly<ProgressData> {
    return this.data;
  }

  get started(): boolean {
    return hasStarted(this.data);
  }

  partDone(id: string): boolean {
    return id in this.data.parts;
  }

  setTarget(target: string): void {
    this.data.target = target;
    this.save();
  }

  finishPart(id: string, how: PartHow): void {
    this.data.parts[id] = { how };
    this.save();
  }

  recordCheck(id: string, status: 'pass' | 'fail' | 'skip'): void {
    this.data.checks[id] = status;
    this.data.checkedAt = new Date().toISOString();
    this.save();
  }

  answersSoFar(activity: ActivityId): readonly boolean[] {
    return this.data.answers?.[activity] ?? [];
  }

  recordAnswer(activity: ActivityId, correct: boolean): void {
    this.data.answers = { ...this.data.answers, [activity]: [...this.answersSoFar(activity), correct] };
    this.save();
  }

  recordScore(activity: ActivityId, score: Score): void {
    this.data.activities[activity] = score;
    delete this.data.answers?.[activity];
    this.save();
  }

  /** `learn --reset`: start the lesson over (the lab's resources are another matter: teardown). */
  reset(): void {
    this.data = empty();
    rmSync(this.file, { force: true });
  }

  private save(): void {
    writeFileAtomic(this.file, JSON.stringify(this.data, null, 2) + '\n');
  }
}

/** Whether a learner has done anything yet: a part, or an activity. */
export function hasStarted(data: Readonly<ProgressData>): boolean {
  return Object.keys(data.parts).length > 0 || Object.keys(data.activities).length > 0;
}
