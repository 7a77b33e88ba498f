import { existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize, sep } from 'node:path';
import { Unzip, UnzipInflate, unzipSync } from 'fflate';
import { AwsError } from '../../aws-error.js';
import { invalidParameter } from './validation.js';

/** Lambda's limits for a zip uploaded directly (not through S3). */
export const MAX_ZIPPED_BYTES = 52_428_800;
export const MAX_UNZIPPED_BYTES = 262_144_000;
/** Compressed bytes inflated per step: deflate expands at most ~1032:1, so one step yields at most ~17 MB. */
const INFLATE_STEP_BYTES = 16 * 1024;

class TooLargeUnzipped extends Error {}

/**
 * Checks an upload is a zip Lambda could unpack, within Lambda's size limits, before anything is
 * stored. The unzipped size is counted while inflating, output discarded step by step, so a zip
 * bomb (1 MB that inflates to 1 GiB, whatever sizes its headers declare) is refused at 250 MB
 * without ever being held in memory.
 */
export function assertUnzippable(zip: Buffer): void {
  if (zip.length > MAX_ZIPPED_BYTES) {
    throw new AwsError('RequestEntityTooLargeException', `Zipped size must be smaller than ${MAX_ZIPPED_BYTES} bytes`, 413);
  }
  try {
    const declared = centralDirectory(zip);
    checkPaths(declared.map((entry) => entry.name));
    if (declared.reduce((sum, entry) => sum + entry.originalSize, 0) > MAX_UNZIPPED_BYTES) throw new TooLargeUnzipped();
    assertInflatedSize(zip);
  } catch (error) {
    if (error instanceof TooLargeUnzipped) throw invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
    throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
  }
}

/** The entries as the zip's central directory declares them, without inflating anything. */
function centralDirectory(zip: Buffer): { name: string; originalSize: number }[] {
  const entries: { name: string; originalSize: number }[] = [];
  unzipSync(zip, {
    filter: ({ name, originalSize }) => {
      entries.push({ name, originalSize });
      return false;
    },
  });
  return entries;
}

/** Inflates every entry in steps, counting and discarding the output: the sizes actually produced, not the declared ones. */
function assertInflatedSize(zip: Buffer): void {
  let total = 0;
  const unzip = new Unzip((file) => {
    file.ondata = (error, chunk) => {
      if (error) throw error;
      if ((total += chunk.length) > MAX_UNZIPPED_BYTES) throw new TooLargeUnzipped();
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  for (let at = 0; at < zip.length; at += INFLATE_STEP_BYTES) unzip.push(zip.subarray(at, at + INFLATE_STEP_BYTES), at + INFLATE_STEP_BYTES >= zip.length);
}

function entriesOf(zip: Buffer): [string, Uint8Array][] {
  const files = unzipSync(zip);
  checkPaths(Object.keys(files));
  return Object.entries(files);
}

function checkPaths(paths: string[]): void {
  for (const path of paths) {
    const clean = normalize(path);
    // A hostile zip must not write outside its folder ("zip slip").
    if (clean.startsWith('..') || clean.startsWith(sep) || /^[a-zA-Z]:/.test(clean)) throw new Error(`unsafe path in zip: ${path}`);
  }
}

/** Where a function's code runs from: a folder per function and code hash, as `/var/task` is on Lambda. */
export function runtimeDir(dataDir: string, region: string, name: string): string {
  return join(dataDir, 'lambda', 'runtime', region, name);
}

/**
 * Unpacks the code once per code hash and returns its task root. The folder above the task root
 * holds an empty `package.json`, so a `.js` file is CommonJS unless the zip says `"type": "module"`,
 * whatever package.json lies above the data dir; and `node_modules` (see linkRuntimeModules).
 */
export function prepareTaskRoot(base: string, hex: string, zip: () => Buffer): string {
  const root = join(base, hex);
  const task = join(root, 'task');
  const marker = join(root, '.unpacked');
  if (existsSync(marker)) return task;
  rmSync(root, { recursive: true, force: true });
  for (const [path, data] of entriesOf(zip())) {
    const target = join(task, path);
    if (path.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  mkdirSync(task, { recursive: true });
  writeFileSync(join(root, 'package.json'), '{}\n');
  writeFileSync(marker, '');
  return task;
}

/**
 * What Lambda's Node.js runtimes ship around `/var/task`, the AWS SDK for JavaScript v3: the folder
 * above the task root gets `node_modules/@aws-sdk`, a link to this installation's `@aws-sdk` scope (its
 * clients, `@aws-sdk/lib-dynamodb`, ...), so a handler can `import` or `require` them without bundling
 * (a `node_modules` in the zip still wins, being nearer). Node resolves a package's own dependencies
 * from its real path, so they come from the installation too. Called at every environment start and
 * re-pointed when it differs: the data dir outlives the installation that first ran a function (a
 * reinstall, a moved clone), and a link to a deleted one breaks every import (ERR_MODULE_NOT_FOUND).
 * Returns the `node_modules` folder.
 */
export function linkRuntimeModules(taskRoot: string): string {
  const modules = join(dirname(taskRoot), 'node_modules');
  const link = join(modules, '@aws-sdk');
  const target = join(sdkNodeModules(), '@aws-sdk');
  // Data dirs from before held `node_modules` itself as a link to a whole installation's.
  if (isLink(modules)) unlinkSync(modules);
  if (isLink(link)) {
    if (readlinkSync(link) === target) return modules;
    unlinkSync(link);
  }
  mkdirSync(modules, { recursive: true });
  // 'junction' makes a directory link Windows allows without privileges; POSIX ignores the type.
  symlinkSync(target, link, 'junction');
  return modules;
}

function isLink(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
}

let sdkModules: string | undefined;

/** The `node_modules` folder that holds this installation's `@aws-sdk/*`. */
function sdkNodeModules(): string {
  if (sdkModules) return sdkModules;
  let dir = dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-dynamodb'));
  while (!dir.endsWith(`${sep}node_modules`)) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('The AWS SDK for JavaScript v3 was not found in a node_modules folder.');
    dir = parent;
  }
  sdkModules = dir;
  return dir;
}
