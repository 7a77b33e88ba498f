import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ZipArchive } from 'archiver';
import type { LabRuntime } from '../lab/runtimes.js';

export interface HandlerZip {
  zip: Buffer;
  /** Base64 SHA-256 of `zip`, as Lambda reports it in CodeSha256: equal values mean the same code. */
  codeSha256: string;
  handler: string;
  runtime: LabRuntime;
  /** The handler's source, a file the learner can open: the repository's when run from a clone, else the installed copy. */
  source: string;
}

// The compiled handler: tsc emits src/handler/*.ts next to this module's own folder.
const HANDLER_DIR = new URL('../handler/', import.meta.url);
// The package root: dist/src/handler/ is three folders below it.
const PACKAGE_ROOT = new URL('../../../', HANDLER_DIR);
const ENTRY_MODULE = 'index';
// Copied to dist by scripts/copy-assets.mjs; Lambda's Python runtime ships boto3, so it is the whole zip.
const PYTHON_MODULE = 'python/lambda_function.py';

// What the nodejs22.x runtime lets the code import without bundling it.
const RUNTIME_PACKAGES = new Set(['@aws-sdk/client-dynamodb']);

// Fixed entry metadata, so the same code always gives the same bytes: a rerun compares CodeSha256
// with the deployed function's and skips an unchanged deploy. 1980-01-01 is the earliest time a zip
// entry can hold; archiver writes it as UTC, so the machine's time zone does not matter.
const ENTRY_DATE = new Date(Date.UTC(1980, 0, 1));
const ENTRY_MODE = 0o644;

/**
 * The lab function's deployment package. Node.js: the compiled handler modules, renamed `.mjs` so
 * Lambda loads them as ES modules without a package.json (as the console's own Node.js template does).
 * Python: `lambda_function.py`, the console's default file name and handler.
 */
export async function buildHandlerZip(runtime: LabRuntime = 'nodejs22.x'): Promise<HandlerZip> {
  return buildZip(runtime, ENTRY_MODULE);
}

/**
 * The lesson's first handler, a plain PutItem (src/handler/plain-put.ts), in Node.js: what
 * `upload-lab demo` deploys beside the lab's function to show what its condition prevents.
 */
export function buildPlainPutZip(): Promise<HandlerZip> {
  return buildZip('nodejs22.x', 'plain-put');
}

async function buildZip(runtime: LabRuntime, entry: string): Promise<HandlerZip> {
  if (runtime === 'python3.13') {
    const code = await readFile(new URL(PYTHON_MODULE, HANDLER_DIR), 'utf8');
    return { ...(await zipOf(new Map([['lambda_function.py', code]]))), handler: 'lambda_function.lambda_handler', runtime, source: sourceOf(PYTHON_MODULE, PYTHON_MODULE) };
  }
  const modules = await handlerModules(entry);
  const files = new Map([...modules].map(([name, code]) => [`${name}.mjs`, code]));
  return { ...(await zipOf(files)), handler: `${entry}.handler`, runtime, source: sourceOf(`${entry}.ts`, `${entry}.js`) };
}

async function zipOf(files: Map<string, string>): Promise<{ zip: Buffer; codeSha256: string }> {
  const archive = new ZipArchive({ zlib: { level: 9 } });
  for (const [name, code] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    archive.append(code, { name, date: ENTRY_DATE, mode: ENTRY_MODE });
  }
  const finished = archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  await finished;
  const zip = Buffer.concat(chunks);
  return { zip, codeSha256: createHash('sha256').update(zip).digest('base64') };
}

/** `src/handler/<file>` in a clone (the file to read and edit), else the installed `dist/src/handler/<installed>`. */
function sourceOf(file: string, installed: string): string {
  const repository = fileURLToPath(new URL(`src/handler/${file}`, PACKAGE_ROOT));
  return existsSync(repository) ? repository : fileURLToPath(new URL(installed, HANDLER_DIR));
}

/**
 * The entry module and every local module it imports, by name, with their relative imports rewritten
 * to the `.mjs` names. Refuses an import the Lambda runtime could not resolve, so a stray dependency
 * fails the build here instead of the function's first invocation.
 */
async function handlerModules(entry: string): Promise<Map<string, string>> {
  const modules = new Map<string, string>();
  const pending = [entry];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (modules.has(name)) continue;
    const compiled = await readFile(new URL(`${name}.js`, HANDLER_DIR), 'utf8');
    const code = compiled.replace(IMPORT_SPECIFIER, (statement, quote: string, specifier: string) => {
      const local = /^\.\/([\w-]+)\.js$/.exec(specifier);
      if (local) {
        pending.push(local[1]!);
        return statement.replace(`${quote}${specifier}${quote}`, `${quote}./${local[1]}.mjs${quote}`);
      }
      if (specifier.startsWith('node:') || RUNTIME_PACKAGES.has(specifier)) return statement;
      throw new Error(`src/handler/${name}.ts imports ${specifier}, which the Lambda runtime does not provide and the zip does not bundle.`);
    });
    modules.set(name, code);
  }
  return modules;
}

// `import ... from 'x'`, `export ... from 'x'`, `import 'x'` and `import('x')`, in code as tsc emits it.
const IMPORT_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"]+)\1/g;
