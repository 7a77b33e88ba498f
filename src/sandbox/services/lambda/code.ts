import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { invalidParameter } from './validation.js';

/** Checks an upload is a zip Lambda could unpack, before anything is stored. */
export function assertUnzippable(zip: Buffer): void {
  try {
    entriesOf(zip);
  } catch {
    throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
  }
}

function entriesOf(zip: Buffer): [string, Uint8Array][] {
  const files = Object.entries(unzipSync(zip));
  for (const [path] of files) {
    const clean = normalize(path);
    // A hostile zip must not write outside its folder ("zip slip").
    if (clean.startsWith('..') || clean.startsWith(sep) || /^[a-zA-Z]:/.test(clean)) throw new Error(`unsafe path in zip: ${path}`);
  }
  return files;
}

/** Where a function's code runs from: a folder per function and code hash, as `/var/task` is on Lambda. */
export function runtimeDir(dataDir: string, region: string, name: string): string {
  return join(dataDir, 'lambda', 'runtime', region, name);
}

/**
 * Unpacks the code once per code hash and returns its task root. The folder above the task root
 * holds what Lambda's runtime provides around `/var/task`:
 * - `node_modules`, a link to the folder holding this package's own `@aws-sdk/*`, so a handler can
 *   `import` or `require` the SDK v3 without bundling it (a `node_modules` in the zip still wins,
 *   being nearer);
 * - an empty `package.json`, so a `.js` file is CommonJS unless the zip says `"type": "module"`,
 *   whatever package.json lies above the data dir.
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
  // 'junction' makes a directory link Windows allows without privileges; POSIX ignores the type.
  symlinkSync(sdkNodeModules(), join(root, 'node_modules'), 'junction');
  writeFileSync(marker, '');
  return task;
}

let sdkModules: string | undefined;

/** The `node_modules` folder that holds this package's `@aws-sdk/*`. */
export function sdkNodeModules(): string {
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
