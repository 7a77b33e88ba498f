import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';

// This file runs from <build>/test/: the repository is two folders up.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the packed tarball', () => {
  test('carries the CLI, and every file the README links to; no tests', async () => {
    // --ignore-scripts: `prepare` would rebuild the build these very tests run from.
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    const files = new Set(pack.files.map((f) => f.path));
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'checklist.json', 'lesson.json', 'dist/src/cli.js', 'dist/src/handler/index.js', 'dist/src/aws-rules/regions.json']) assert.ok(files.has(needed), `${needed} is packed`);
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/.test(target));
    assert.ok(links.includes('docs/sandbox.md'), 'the README links to docs/sandbox.md');
    for (const link of links) assert.ok(files.has(link), `the README links to ${link}, which the tarball lacks`);
    assert.deepEqual([...files].filter((f) => f.startsWith('dist/test/') || f.startsWith('test/')), []);
  });
});
