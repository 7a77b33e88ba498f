// tsc compiles only TypeScript: the Python files (the sandbox's Python runtime bootstrap, the lab's
// Python handler) are copied next to the compiled modules that use them, so dist/ (and the npm
// package, which ships dist/src) holds them.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function copyPython(from, to) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) copyPython(join(from, entry.name), join(to, entry.name));
    else if (entry.name.endsWith('.py')) {
      mkdirSync(to, { recursive: true });
      cpSync(join(from, entry.name), join(to, entry.name));
    }
  }
}

copyPython('src', join('dist', 'src'));
