import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HandlerZip } from '../deploy/zip.js';
import type { LabContext } from '../lab/context.js';
import { functionArn, roleArn, tableArn } from '../aws-rules/arns.js';
import type { Placeholder } from '../lesson.js';
import { toolHome } from '../paths.js';
import { LAMBDA_TRUST_POLICY, labRolePolicy } from '../steps/permissions.js';

/** The folder of the files a learner working by hand passes to the AWS CLI (`file://`, `fileb://`). */
export const handoutDir = (home = toolHome()) => join(home, 'learn', 'files');

const FILES = { zip: 'function.zip', trustFile: 'trust-policy.json', policyFile: 'role-policy.json' } as const;

/**
 * The values of the lesson's placeholders for this learner's lab: their names, ARNs, the handler's
 * runtime and entry, the handout files' paths and the options that point a command at the same lab.
 */
export function placeholderValues(ctx: Pick<LabContext, 'names'>, zip: Pick<HandlerZip, 'runtime' | 'handler'>, targetOptions: string, home = toolHome()): Record<Placeholder, string> {
  const { names } = ctx;
  const dir = handoutDir(home);
  return {
    bucket: names.bucket,
    table: names.table,
    function: names.function,
    role: names.role,
    region: names.region,
    account: names.account,
    tableArn: tableArn(names.region, names.account, names.table),
    roleArn: roleArn(names.account, names.role),
    functionArn: functionArn(names.region, names.account, names.function),
    zip: join(dir, FILES.zip),
    trustFile: join(dir, FILES.trustFile),
    policyFile: join(dir, FILES.policyFile),
    runtime: zip.runtime,
    handler: zip.handler,
    targetOptions,
  };
}

/** Writes the handout files: the lab's deployment zip and the role's two policies, with the learner's names. */
export async function writeHandouts(ctx: Pick<LabContext, 'names' | 'handlerZip'>, home = toolHome()): Promise<string> {
  const dir = handoutDir(home);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, FILES.zip), (await ctx.handlerZip()).zip);
  writeFileSync(join(dir, FILES.trustFile), JSON.stringify(LAMBDA_TRUST_POLICY, null, 2) + '\n');
  writeFileSync(join(dir, FILES.policyFile), JSON.stringify(labRolePolicy(ctx.names), null, 2) + '\n');
  return dir;
}

/** The AWS CLI as the learner types it: with `--endpoint-url` for the sandbox or another endpoint (CLI v2 needs it on every call). */
export function cliFor(command: string, endpoint: string | undefined): string {
  return endpoint ? command.replace(/(^|&& )aws /g, `$1aws --endpoint-url ${endpoint} `) : command;
}
