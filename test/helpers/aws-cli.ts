import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The official AWS CLI is a client we did not write: driving the sandbox with it catches wire-format
 * mistakes that our own SDK-based tests would share with the code under test. Version 1 (the machine's
 * `aws`) honours AWS_ENDPOINT_URL; Debian's v2 at /usr/bin/aws needs --endpoint-url on every call.
 */
export interface AwsCli {
  name: string;
  bin: string;
  endpointArgs(endpoint: string): string[];
  endpointEnv(endpoint: string): Record<string, string>;
}

async function versionOf(bin: string): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run(bin, ['--version'], { env: { ...process.env, AWS_PAGER: '' } });
    return (stdout + stderr).trim();
  } catch {
    return undefined;
  }
}

export async function findClis(): Promise<{ clis: AwsCli[]; missing: string[] }> {
  const clis: AwsCli[] = [];
  const missing: string[] = [];
  const paths = (process.env.PATH ?? '').split(':').map((dir) => join(dir, 'aws'));
  let v1: string | undefined;
  for (const candidate of paths) {
    if ((await versionOf(candidate))?.startsWith('aws-cli/1.')) {
      v1 = candidate;
      break;
    }
  }
  if (v1) clis.push({ name: 'v1', bin: v1, endpointArgs: () => [], endpointEnv: (e) => ({ AWS_ENDPOINT_URL: e }) });
  else missing.push('AWS CLI v1 (`aws` on PATH)');
  if ((await versionOf('/usr/bin/aws'))?.startsWith('aws-cli/2.')) {
    clis.push({ name: 'v2', bin: '/usr/bin/aws', endpointArgs: (e) => ['--endpoint-url', e], endpointEnv: () => ({}) });
  } else missing.push('AWS CLI v2 (/usr/bin/aws, Debian package awscli)');
  return { clis, missing };
}


/** Runs one AWS CLI command against the sandbox as a learner would (credentials `test`, us-east-1), answering its JSON. */
export async function awsCli(cli: AwsCli, endpoint: string, home: string, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(cli.bin, [...cli.endpointArgs(endpoint), '--output', 'json', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_REGION: 'us-east-1',
      AWS_PAGER: '',
      ...cli.endpointEnv(endpoint),
    },
  });
  return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
}
