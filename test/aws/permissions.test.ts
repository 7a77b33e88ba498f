import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { learnerPolicy, PERMISSIONS, permissionsMarkdown, requiredActions } from '../../src/aws/permissions.js';
import { cliEnv, runCli } from '../helpers/cli.js';

/** The repository root: this file compiles to <root>/<build>/test/aws/permissions.test.js. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The CLI's own sources: not the sandbox (it answers calls), not the handler (it runs as the function's role). */
function cliSources(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return /^(sandbox|handler.*)$/.test(entry.name) ? [] : cliSources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Every `XxxCommand` (or paginator `paginateXxx`, which sends Xxx) a source takes from an SDK client,
 * as `client:Xxx`, with where: imported, or destructured from `sdkPackage('@aws-sdk/client-…')`.
 */
function commandsSent(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of cliSources()) {
    const text = readFileSync(file, 'utf8');
    const taken = [
      ...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g),
      ...text.matchAll(/const\s*\{([^}]*)\}\s*=\s*sdkPackage\('@aws-sdk\/client-([a-z0-9-]+)'\)/g),
    ];
    for (const [, names, client] of taken) {
      for (const raw of names!.split(',')) {
        const name = raw.trim().replace(/^type\s+/, '').split(/\s+as\s+|\s*:\s*/)[0]!;
        if (raw.trim().startsWith('type ')) continue;
        const command = /^([A-Z]\w*)Command$/.exec(name)?.[1] ?? /^paginate([A-Z]\w*)$/.exec(name)?.[1];
        if (command) found.set(`${client}:${command}`, relative(ROOT, file));
      }
    }
  }
  return found;
}

describe('the permission list (src/aws/permissions.ts)', () => {
  const listed = new Set(PERMISSIONS.map((p) => `${p.client}:${p.command}`));

  test('names every command the CLI sends, with its IAM actions', () => {
    const sent = commandsSent();
    assert.ok(sent.size >= 30, `found only ${sent.size} commands: the scan is broken`);
    const missing = [...sent].filter(([command]) => !listed.has(command)).map(([command, file]) => `${command} (${file})`);
    assert.deepEqual(missing, [], 'commands sent but not in PERMISSIONS: add them with the IAM actions they need');
  });

  test('names no command the CLI no longer sends', () => {
    const sent = commandsSent();
    assert.deepEqual([...listed].filter((command) => !sent.has(command)), []);
  });

  test('includes the actions beyond the command names: tagging at creation, ListTags, PassRole', () => {
    const actions = requiredActions();
    for (const action of ['iam:TagRole', 'dynamodb:TagResource', 'lambda:TagResource', 'lambda:ListTags', 'iam:PassRole']) assert.ok(actions.includes(action), action);
    for (const p of PERMISSIONS) for (const action of p.actions) assert.match(action, /^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/, `${p.command}: ${action}`);
  });

  test("the README's table is the generated one (scripts/write-permissions.mjs rewrites it)", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = /<!-- permissions:begin[^>]*-->\n([\s\S]*?)\n<!-- permissions:end -->/.exec(readme)?.[1];
    assert.equal(section, permissionsMarkdown());
  });

  test('docs/upload-lab-policy.json and `upload-lab policy` are the generated policy, covering every action', async () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'docs', 'upload-lab-policy.json'), 'utf8')) as unknown;
    assert.deepEqual(committed, learnerPolicy());
    const { code, stdout } = await runCli(['policy'], { env: cliEnv() });
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), learnerPolicy());
    const granted = [learnerPolicy().Statement].flat().flatMap((s) => [s.Action ?? []].flat());
    assert.deepEqual([...granted].sort(), [...requiredActions()].sort());
  });
});
