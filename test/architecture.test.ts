import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundaryViolations, importCycles, importsOf, readImportGraph, type ImportGraph } from './helpers/import-graph.js';
import { repoRoot } from './helpers/reference.js';

// The rules are docs/architecture.md's: the sandbox imports nothing from the CLI side, the CLI side
// reaches the sandbox only through src/sandbox/index.ts, shared rules import only shared rules, and
// no module imports itself back through others.

describe('the architecture of src/', () => {
  const graph = readImportGraph(repoRoot(), 'src');

  it('reads the whole tree, sandbox and CLI side', () => {
    assert.ok(graph.size > 100, `only ${graph.size} modules read`);
    assert.ok(graph.get('src/commands/local-sandbox.ts')?.includes('src/sandbox/index.ts'));
    assert.ok(graph.get('src/sandbox/index.ts')?.includes('src/sandbox/server.ts'), 'the dynamic import of the server counts');
  });

  it('has no import crossing the sandbox boundary the wrong way', () => {
    assert.deepEqual(boundaryViolations(graph), []);
  });

  it('has no import cycle', () => {
    assert.deepEqual(importCycles(graph).map((cycle) => cycle.join(' -> ')), []);
  });
});

describe('the architecture checks themselves', () => {
  const graph: ImportGraph = new Map([
    ['src/lab/a.ts', ['src/steps/b.ts', 'src/sandbox/index.ts']],
    ['src/steps/b.ts', ['src/lab/c.ts']],
    ['src/lab/c.ts', ['src/lab/a.ts', 'src/sandbox/server.ts']],
    ['src/sandbox/server.ts', ['src/sandbox/router.ts', 'src/report/messages.ts', 'src/common/defaults.ts']],
    ['src/sandbox/router.ts', ['src/aws-rules/arns.ts']],
    ['src/sandbox/index.ts', ['src/sandbox/server.ts']],
    ['src/aws-rules/arns.ts', ['src/lab/names.ts']],
    ['src/report/messages.ts', ['src/report/messages.ts']],
  ]);

  it('finds each cycle, with its path', () => {
    assert.deepEqual(importCycles(graph), [
      ['src/lab/a.ts', 'src/steps/b.ts', 'src/lab/c.ts', 'src/lab/a.ts'],
      ['src/report/messages.ts', 'src/report/messages.ts'],
    ]);
  });

  it('finds each import across the boundary, and passes the allowed ones', () => {
    assert.deepEqual(boundaryViolations(graph), [
      'src/lab/c.ts -> src/sandbox/server.ts: the CLI side reaches the sandbox only through src/sandbox/index.ts',
      'src/sandbox/server.ts -> src/report/messages.ts: the sandbox must not import the CLI side',
      'src/aws-rules/arns.ts -> src/lab/names.ts: a shared module imports only shared modules',
    ]);
  });

  it('reads every form of relative import, type-only ones too, and none in comments', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      'import {\n  c,\n  d,\n} from "./cd.js";',
      "export { e } from './e.js';",
      "export * from './f.js';",
      "import './g.js';",
      "const h = await import('./h.js');",
      "import { Command } from 'commander';",
      "// import { x } from './commented.js';",
      "/* export { y } from './block.js'; */",
      "const url = 'http://127.0.0.1:4566'; // from './trailing.js'",
    ].join('\n');
    assert.deepEqual(importsOf(source).sort(), ['../b.js', './a.js', './cd.js', './e.js', './f.js', './g.js', './h.js']);
  });
});
