import type { Item } from '../aws/services.js';
import type { LabError } from '../errors.js';
import type { CheckOutcome, LabEvent } from '../steps/run.js';
import type { Change } from '../steps/step.js';
import type { Target } from './messages.js';

/**
 * Everything the commands show goes through a Reporter; steps and runners never print. Three
 * renderers: a TTY one (ora spinners, chalk colours), plain lines (pipes, CI, NO_COLOR), and --json
 * (one object at the end).
 */
export interface Reporter {
  target(target: Target): void;
  plan(changes: Change[]): void;
  event(event: LabEvent): void;
  checklist(outcomes: CheckOutcome[]): void;
  /** setup's closing: the saved item (its key highlighted) and where to look. */
  result(item: Item | undefined, where: string[]): void;
  teardown(changes: Change[], dryRun: boolean): void;
  /** A sentence for the learner (not part of --json). */
  note(text: string): void;
  error(error: LabError, debug: boolean): void;
  /** Ends the output: stops a spinner; --json writes its object. */
  close(): void;
}

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ReporterSettings {
  command: 'setup' | 'verify' | 'teardown';
  json: boolean;
  out: OutputStream;
  err: OutputStream;
  env: NodeJS.ProcessEnv;
}
