import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, waitUntilFunctionActiveV2, type CreateFunctionCommandInput, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { strToU8, zipSync } from 'fflate';
import type { AwsClients } from '../../src/aws/clients.js';

/** Shared by the lambda*.test.ts files: fixture handlers, zips, roles and functions. */

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** A handler's source text from test/fixtures/lambda/. */
export function fixture(name: string): string {
  return readFileSync(join(repoRoot(), 'test', 'fixtures', 'lambda', name), 'utf8');
}

/** A deployment package holding these files (path -> source text). */
export function zipOf(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([path, text]) => [path, strToU8(text)])));
}

export const LAMBDA_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** An execution role Lambda can assume; with the logs grants a function needs unless `logs: false`; plus `extra` statements. */
export async function createRole(clients: AwsClients, name: string, options: { logs?: boolean; extra?: object[] } = {}): Promise<string> {
  const role = await clients.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: LAMBDA_TRUST }));
  const statements = [...(options.extra ?? [])];
  if (options.logs !== false) {
    statements.push({ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:aws:logs:*:*:*' });
  }
  if (statements.length) {
    await clients.iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'inline', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
  }
  return role.Role!.Arn!;
}

/** Creates a Node.js function from `files` and waits until it is Active, as a careful client does. */
export async function createActiveFunction(
  clients: AwsClients,
  input: { name: string; role: string; files: Record<string, string>; handler?: string } & Partial<CreateFunctionCommandInput>,
): Promise<FunctionConfiguration> {
  const { name, role, files, handler, ...rest } = input;
  const created = await clients.lambda.send(
    new CreateFunctionCommand({ FunctionName: name, Role: role, Runtime: 'nodejs20.x', Handler: handler ?? 'index.handler', Code: { ZipFile: zipOf(files) }, ...rest }),
  );
  await waitUntilFunctionActiveV2({ client: clients.lambda, maxWaitTime: 30 }, { FunctionName: name });
  return created;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value (not undefined), for effects that happen in the background. */
export async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, limitMs = 15_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await sleep(50);
  }
}
