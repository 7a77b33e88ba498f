import { createHash } from 'node:crypto';

/** Lambda's runtime enum, in the order its error message lists it (lambda.create_function.invalid_runtime). */
export const LAMBDA_RUNTIMES = [
  'nodejs20.x', 'python3.14', 'provided.al2023', 'python3.12', 'python3.13', 'nodejs24.x', 'nodejs22.x', 'java25',
  'python3.10', 'python3.11', 'java21', 'ruby3.3', 'ruby3.4', 'ruby3.2', 'python3.8', 'python3.9', 'java17',
  'nodejs16.x', 'dotnet10', 'dotnet8', 'java11', 'dotnet6', 'nodejs18.x', 'provided.al2', 'java8.al2',
];

/** The runtimes the sandbox can run, on the host's own `node` and on a host Python 3 with boto3 (host-python.ts), whatever their versions. */
export const NODE_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x'];
export const PYTHON_RUNTIMES = ['python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13', 'python3.14'];

export type RuntimeFamily = 'node' | 'python';

export function familyOf(runtime: string): RuntimeFamily | undefined {
  if (NODE_RUNTIMES.includes(runtime)) return 'node';
  if (PYTHON_RUNTIMES.includes(runtime)) return 'python';
  return undefined;
}

/**
 * `nodejs:20.host-v20.20.2`, `python:3.13.host-3.11.7`: Lambda names a runtime version like
 * `nodejs:20.v33`; the sandbox says which interpreter really runs the code, since it is the host's and
 * may differ from the runtime's. `hostVersion` is the host Python's, once known.
 */
export function runtimeVersion(runtime: string, hostVersion?: string): string {
  const python = /^python(\d+\.\d+)$/.exec(runtime);
  if (python) return `python:${python[1]}.host-${hostVersion ?? 'python3'}`;
  const family = /^([a-z]+)(\d+)/.exec(runtime.replace('.', ''));
  return `${family?.[1] ?? runtime}:${family?.[2] ?? '0'}.host-${process.version}`;
}

/** Named after the runtime, not the host Python's version: the ARN in GetFunction must not depend on whether Python was probed yet. */
export function runtimeVersionArn(region: string, runtime: string): string {
  const id = createHash('sha256').update(runtimeVersion(runtime)).digest('hex');
  return `arn:aws:lambda:${region}::runtime:${id}`;
}
