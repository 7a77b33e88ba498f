import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One step of the lab, as the learner's checklist names it (checklist.json at the package root). */
export interface ChecklistStep {
  /** Stable key: step modules, `verify --json` and tests refer to the step by it. */
  id: string;
  /** The checklist's own wording, e.g. "Create DynamoDB table". */
  title: string;
  /** What passing means, e.g. "`upload_metadata` exists". */
  success: string;
  /** How to fix a failure, in console or CLI words. */
  hint: string;
  /** An AWS documentation page that explains the fix. */
  docs: string;
}

const FORMAT_VERSION = 1;

let cached: readonly ChecklistStep[] | undefined;

/** The lab's steps, in the order the lab does them. */
export function loadChecklist(): readonly ChecklistStep[] {
  if (!cached) {
    const data = JSON.parse(readFileSync(checklistFile(), 'utf8')) as { format_version?: unknown; steps?: ChecklistStep[] };
    if (data.format_version !== FORMAT_VERSION || !Array.isArray(data.steps)) {
      throw new Error(`checklist.json has format_version ${String(data.format_version)}; this upload-lab reads version ${FORMAT_VERSION}.`);
    }
    cached = Object.freeze(data.steps.map((step) => Object.freeze(step)));
  }
  return cached;
}

/**
 * The checklist.json this module reads (see packageFile).
 * (Read with fs rather than imported as JSON: an import would make tsc copy the file into the build
 * folder, as dist/checklist.json, which the published package does not include.)
 */
export function checklistFile(): string {
  return packageFile('checklist.json');
}

/**
 * A data file at the package root (checklist.json, lesson.json). The root is two folders up from this
 * module in the published package (dist/src/) but further in other build folders: the nearest folder
 * above this module that holds the file.
 */
export function packageFile(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${name} not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
