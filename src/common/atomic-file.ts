import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Writes a file so that a crash (kill -9, or the machine losing power) leaves either the old or the
 * new content, never half of it: a temporary file is written and fsync'ed, renamed over the target,
 * and the directory fsync'ed so the rename itself is on disk before this returns.
 *
 * `durable: false` keeps the all-or-nothing rename and skips the fsyncs, for a file whose loss in a
 * power cut does not matter (one that describes a running process, which the power cut ends too).
 */
export function writeFileAtomic(file: string, data: string | Buffer, { durable = true } = {}): void {
  ensureDir(dirname(file), durable);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  if (durable) fsyncDir(dirname(file));
}

/** Creates a directory (and its parents), with every new entry fsync'ed into its parent when `durable`. */
function ensureDir(dir: string, durable: boolean): void {
  const first = mkdirSync(dir, { recursive: true });
  if (durable) for (const parent of parentsOfCreated(dir, first)) fsyncDir(parent);
}

/**
 * After `mkdir -p dir` created `first` and what lies below it: the directories whose entries changed
 * (each new directory's parent), which must be fsync'ed for the new folders to survive a power cut.
 */
export function parentsOfCreated(dir: string, first: string | undefined): string[] {
  const parents: string[] = [];
  if (first === undefined) return parents;
  for (let created = dir; ; created = dirname(created)) {
    parents.push(dirname(created));
    if (created === first) return parents;
  }
}

// Windows cannot open a directory for fsync; NTFS journals its directory changes itself.
const DIRECTORIES_SYNC = process.platform !== 'win32';

function fsyncDir(dir: string): void {
  if (!DIRECTORIES_SYNC) return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync of a directory (its entries: files created or renamed in it), off the event loop. */
export async function fsyncDirAsync(dir: string): Promise<void> {
  if (!DIRECTORIES_SYNC) return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
