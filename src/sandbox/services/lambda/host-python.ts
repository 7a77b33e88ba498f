import { execFile } from 'node:child_process';

/**
 * The host Python 3 that runs python3.x functions: Lambda's Python runtimes ship boto3, so the
 * lesson's handler (`import boto3`) needs a Python that can import it. Candidates, in order:
 * 1. `UPLOAD_LAB_PYTHON`, when set: the learner's choice, and then the only candidate, run as given;
 * 2. `python3` on PATH (a pyenv shim, a venv's), run as the interpreter it resolves to (sys.executable);
 * 3. `/usr/bin/python3`, the system's, where Debian's `python3-boto3` installs boto3.
 * The first that imports boto3 wins. A Python found is remembered for the sandbox's life; a miss is
 * not, so a learner who installs boto3 needs no restart.
 */
export interface HostPython {
  /** What to run: the interpreter itself, so a shim's start-up costs nothing per environment. */
  executable: string;
  /** `3.11.7`. */
  version: string;
  boto3: string;
}

export type PythonProbe = { found: HostPython } | { missing: string };

export const PYTHON_ENV = 'UPLOAD_LAB_PYTHON';

// One line of JSON, so nothing the interpreter prints at start-up is mistaken for the answer.
const PROBE = [
  'import json, sys',
  'v = "%d.%d.%d" % sys.version_info[:3]',
  'try:',
  '    import boto3',
  '    print(json.dumps({"executable": sys.executable, "version": v, "boto3": boto3.__version__}))',
  'except ImportError as e:',
  '    print(json.dumps({"executable": sys.executable, "version": v, "error": str(e)}))',
].join('\n');

const probes = new Map<string, Promise<PythonProbe>>();

/** The Python to run python3.x functions with, or why there is none. `choice` is UPLOAD_LAB_PYTHON. */
export function hostPython(choice: string | undefined = process.env[PYTHON_ENV] || undefined): Promise<PythonProbe> {
  const key = choice ?? '';
  let probe = probes.get(key);
  if (!probe) {
    probes.set(key, (probe = findPython(choice)));
    void probe.then((answer) => 'missing' in answer && probes.delete(key));
  }
  return probe;
}

async function findPython(choice: string | undefined): Promise<PythonProbe> {
  const candidates = choice ? [choice] : ['python3', '/usr/bin/python3'];
  const tried: string[] = [];
  for (const candidate of candidates) {
    const answer = await ask(candidate);
    if ('found' in answer) return { found: { ...answer.found, executable: choice ?? answer.found.executable } };
    tried.push(`${candidate}: ${answer.problem}`);
  }
  return { missing: missingMessage(tried, choice) };
}

function ask(candidate: string): Promise<{ found: HostPython } | { problem: string }> {
  return new Promise((settle) => {
    execFile(candidate, ['-c', PROBE], { timeout: 20_000, windowsHide: true }, (error, stdout) => {
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        const answer = JSON.parse(line) as HostPython & { error?: string };
        if (answer.error === undefined) return settle({ found: answer });
        return settle({ problem: `Python ${answer.version} (${answer.executable}) cannot import boto3 (${answer.error})` });
      } catch {
        const code = (error as NodeJS.ErrnoException | null)?.code;
        settle({ problem: code === 'ENOENT' ? 'not found' : `does not run as Python 3 (${error ? error.message.split('\n')[0] : 'no answer'})` });
      }
    });
  });
}

function missingMessage(tried: string[], choice: string | undefined): string {
  return [
    `No Python 3 that can import boto3 was found to run python3.x functions (tried ${tried.join('; ')}).`,
    `Install boto3 for it: \`${choice ?? 'python3'} -m pip install boto3\`, or the system package (Debian/Ubuntu: \`sudo apt-get install python3-boto3\`),`,
    `or set ${PYTHON_ENV} to a Python 3 that has boto3 (and restart the sandbox).`,
  ].join(' ');
}
