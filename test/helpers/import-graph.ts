import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

/** Module -> the modules it imports, as repository paths (`src/lab/state.ts`). */
export type ImportGraph = Map<string, string[]>;

/**
 * The relative specifiers a TypeScript file imports: `import … from`, `export … from`, a bare
 * `import '…'` and dynamic `import('…')`, type-only imports included (a type import is a dependency
 * too). Comments are dropped first, so an example in a comment does not count.
 */
export function importsOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const patterns = [/\bfrom\s*['"](\.[^'"]*)['"]/g, /\bimport\s*\(\s*['"](\.[^'"]*)['"]\s*\)/g, /\bimport\s+['"](\.[^'"]*)['"]/g];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[1]!));
}

/** Every `.ts` file below `dir` (repository-relative to `root`), with its relative imports resolved to files. */
export function readImportGraph(root: string, dir: string): ImportGraph {
  const graph: ImportGraph = new Map();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const file = toPosix(relative(root, path));
        graph.set(file, importsOf(readFileSync(path, 'utf8')).map((spec) => resolveSpecifier(file, spec)));
      }
    }
  };
  walk(join(root, dir));
  return graph;
}

/** `./x.js` as ESM spells it names the source `./x.ts`. */
function resolveSpecifier(from: string, spec: string): string {
  return posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.js$/, '.ts');
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

/** The layers of src/ and who may import whom; see docs/architecture.md. */
export type Layer = 'sandbox' | 'sandbox-entry' | 'neutral' | 'cli';

const SANDBOX_ENTRY = 'src/sandbox/index.ts';
const NEUTRAL = ['src/aws-rules/', 'src/policy/', 'src/common/', 'src/types/'];

export function layerOf(file: string): Layer {
  if (file === SANDBOX_ENTRY) return 'sandbox-entry';
  if (file.startsWith('src/sandbox/')) return 'sandbox';
  if (NEUTRAL.some((folder) => file.startsWith(folder))) return 'neutral';
  return 'cli';
}

/**
 * Imports that cross the boundary the wrong way:
 * - the sandbox (entry included) importing the CLI side;
 * - the CLI side importing the sandbox anywhere but its public entry;
 * - a neutral module (the rules both sides share) importing either side.
 */
export function boundaryViolations(graph: ImportGraph): string[] {
  const problems: string[] = [];
  for (const [from, targets] of graph) {
    const source = layerOf(from);
    for (const to of targets) {
      const target = layerOf(to);
      const sandboxSide = source === 'sandbox' || source === 'sandbox-entry';
      if (sandboxSide && target === 'cli') problems.push(`${from} -> ${to}: the sandbox must not import the CLI side`);
      if (source === 'cli' && target === 'sandbox') problems.push(`${from} -> ${to}: the CLI side reaches the sandbox only through ${SANDBOX_ENTRY}`);
      if (source === 'neutral' && target !== 'neutral') problems.push(`${from} -> ${to}: a shared module imports only shared modules`);
    }
  }
  return problems;
}

/**
 * Every import cycle, one per strongly connected group of modules (Tarjan's algorithm), each as the
 * path that closes it: `a.ts -> b.ts -> a.ts`.
 */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    const selfImport = (graph.get(node) ?? []).includes(node);
    if (group.length > 1 || selfImport) groups.push(group);
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return groups.map((group) => cyclePath(graph, new Set(group))).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** A path through the group from its first module (by name) back to it. */
function cyclePath(graph: ImportGraph, group: Set<string>): string[] {
  const start = [...group].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!group.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}
