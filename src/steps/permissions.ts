import type { RoleInfo } from '../aws/services.js';
import { awsCode, hasAwsCode, LabError } from '../errors.js';
import type { LabContext } from '../lab/context.js';
import { functionLogGroup, logGroupArn, logGroupResource, logStreamArn, tableArn } from '../aws-rules/arns.js';
import { LAB_TAG, ROLE_POLICY_NAME, type LabNames } from '../lab/names.js';
import { overBroadGrants } from '../policy/breadth.js';
import { trustsLambda } from '../policy/trust.js';
import { evaluatePolicies, type EvaluationRequest } from '../policy/evaluate.js';
import type { PolicyDocument } from '../policy/types.js';
import { removalCommand } from '../report/messages.js';
import { createRecorded, isTaggedByLab, removeIfOurs } from './ownership.js';
import type { Change, CheckResult, Step } from './step.js';

type Ctx = Pick<LabContext, 'names' | 'iam' | 'lambda' | 'state' | 'dryRun' | 'awsCli'>;

export const LAMBDA_TRUST_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/**
 * The lab's one inline policy: PutItem on the one table, and the three log actions on the function's
 * own log group. Tighter than AWS's managed AWSLambdaBasicExecutionRole, which allows
 * logs:CreateLogGroup on every group of the account. The log group is listed in both ARN forms IAM
 * uses: bare for the group, `:*` for its streams.
 */
export function labRolePolicy(names: Pick<LabNames, 'region' | 'account' | 'table' | 'function'>): PolicyDocument {
  const { region, account } = names;
  const group = functionLogGroup(names.function);
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'SaveUploadMetadata', Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: tableArn(region, account, names.table) },
      {
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [logGroupArn(region, account, group), logGroupResource(region, account, group)],
      },
    ],
  };
}

/** What the function's role must be allowed, as (action, resource) pairs. */
export function requiredGrants(names: Pick<LabNames, 'region' | 'account' | 'table' | 'function'>): EvaluationRequest[] {
  const { region, account } = names;
  const group = functionLogGroup(names.function);
  return [
    { action: 'dynamodb:PutItem', resource: tableArn(region, account, names.table) },
    { action: 'logs:CreateLogGroup', resource: logGroupResource(region, account, group) },
    { action: 'logs:CreateLogStream', resource: logStreamArn(region, account, group, '*') },
    { action: 'logs:PutLogEvents', resource: logStreamArn(region, account, group, '*') },
  ];
}

const ACCESS_DENIED = ['AccessDenied', 'AccessDeniedException'];

/**
 * A role of the lab's name that Lambda may not assume would make CreateFunction fail "cannot be assumed
 * by Lambda" for the whole timeout, exactly like a role still propagating. Decide at once: the lab's
 * own role (tagged) is repaired; anyone else's is reported with the command that fixes it.
 */
function trustRepair(role: string, found: RoleInfo): Change[] {
  if (trustsLambda(found.trustPolicy)) return [];
  if (found.tags && isTaggedByLab(found.tags)) return [{ action: 'change', resource: `trust policy of role ${role}`, reason: 'it did not let lambda.amazonaws.com assume the role' }];
  throw new LabError(
    'RoleNotTrustedByLambda',
    `Role ${role} exists, but its trust policy does not let Lambda assume it (no Allow of sts:AssumeRole to lambda.amazonaws.com), so no function can run with it.`,
    `Let Lambda assume it: aws iam update-assume-role-policy --role-name ${role} --policy-document '${JSON.stringify(LAMBDA_TRUST_POLICY)}' — or pass --function <another name>, so the lab creates a role of its own.`,
    'aws',
  );
}

async function ensureLambdaTrust(ctx: Ctx, role: string, found: RoleInfo): Promise<Change[]> {
  const repair = trustRepair(role, found);
  if (repair.length > 0) await ctx.iam.updateTrustPolicy(role, LAMBDA_TRUST_POLICY);
  return repair;
}

/** `arn:aws:iam::123:role/path/name` → `name`. */
export const roleNameOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

async function check(ctx: Ctx): Promise<CheckResult> {
  const fn = await ctx.lambda.getFunction(ctx.names.function);
  // Before the function exists (the lesson's Part 2 comes before Part 3), the role it will be given is the lab's role.
  const labRole = fn ? undefined : await ctx.iam.getRole(ctx.names.role);
  const roleArn = fn?.role ?? labRole?.arn;
  if (!roleArn) return { ok: false, detail: `function ${ctx.names.function} does not exist, nor does role ${ctx.names.role}, so there is no execution role to check` };
  const role = roleNameOf(roleArn);
  const grants = requiredGrants(ctx.names);

  // The documents serve the least-privilege warning, and the fallback when we may not simulate.
  let documents: { name: string; document: PolicyDocument }[] | undefined;
  try {
    documents = await ctx.iam.rolePolicies(role);
  } catch (error) {
    if (!hasAwsCode(error, ...ACCESS_DENIED, 'NoSuchEntity', 'NoSuchEntityException')) throw error;
    if (!hasAwsCode(error, ...ACCESS_DENIED)) return { ok: false, detail: `the function's role ${role} does not exist` };
  }
  let decisions: string[];
  let how = "IAM's policy simulator";
  try {
    decisions = await ctx.iam.simulate(roleArn, grants);
  } catch (error) {
    // Learners often may read policies but not simulate them, and the simulator can fail for reasons of
    // its own: whatever the failure, evaluate the fetched documents here, and say so.
    if (!documents) throw error;
    decisions = grants.map((grant) => evaluatePolicies(documents!.map((d) => d.document), grant).decision);
    const why = hasAwsCode(error, ...ACCESS_DENIED) ? 'you may not call iam:SimulatePrincipalPolicy' : `iam:SimulatePrincipalPolicy failed: ${awsCode(error) ?? (error as Error).message}`;
    how = `local policy evaluation, since ${why}`;
  }
  const denied = grants.flatMap((g, i) => (decisions[i] === 'allowed' ? [] : [`${g.action} on ${g.resource}${decisions[i] === 'explicitDeny' ? ' (explicitly denied)' : ''}`]));
  if (denied.length > 0) return { ok: false, detail: `role ${role} is not allowed ${denied.join('; ')}` };
  const warnings = documents ? leastPrivilegeWarnings(documents, grants, ctx.names) : [];
  return { ok: true, detail: `role ${role} may call dynamodb:PutItem on ${ctx.names.table} and write its logs (${how})`, warnings };
}

function leastPrivilegeWarnings(documents: { name: string; document: PolicyDocument }[], grants: EvaluationRequest[], names: LabNames): string[] {
  const warnings = new Set<string>();
  for (const grant of grants) {
    for (const broad of overBroadGrants(documents.map((d) => d.document), grant)) {
      const where = `policy ${documents[broad.policyIndex]!.name}${broad.sid ? ` (statement ${broad.sid})` : ''}`;
      const narrow =
        grant.action === 'dynamodb:PutItem'
          ? `dynamodb:PutItem on ${tableArn(names.region, names.account, names.table)}`
          : `the log actions on ${logGroupResource(names.region, names.account, functionLogGroup(names.function))}`;
      warnings.add(`${where} grants more than needed: ${broad.reasons.join('; ')}. Least privilege: allow only ${narrow}.`);
    }
  }
  return [...warnings];
}

/** The role to put the policy on: the function's own when it exists, else the lab's. */
async function targetRole(ctx: Ctx): Promise<string> {
  const fn = await ctx.lambda.getFunction(ctx.names.function);
  return fn ? roleNameOf(fn.role) : ctx.names.role;
}

async function plan(ctx: Ctx): Promise<Change[]> {
  const role = await targetRole(ctx);
  const changes: Change[] = [];
  const existing = await ctx.iam.getRole(role);
  changes.push({ action: existing ? 'reuse' : 'create', resource: `role ${role}`, reason: existing ? undefined : 'trusted by lambda.amazonaws.com' });
  // Told before anything is created: a role Lambda may not assume stops setup at once.
  if (existing) changes.push(...trustRepair(role, existing));
  const policy = existing ? await ctx.iam.getRolePolicy(role, ROLE_POLICY_NAME) : undefined;
  const wanted = labRolePolicy(ctx.names);
  const resource = `inline policy ${ROLE_POLICY_NAME} on ${role}`;
  if (!policy) changes.push({ action: 'create', resource, reason: 'dynamodb:PutItem on the table, logs on the function\'s log group' });
  else if (!samePolicy(policy, wanted)) changes.push({ action: 'change', resource, reason: 'it differs from the lab\'s least-privilege policy' });
  else changes.push({ action: 'reuse', resource });
  return changes;
}

const samePolicy = (a: PolicyDocument, b: PolicyDocument) => JSON.stringify(a) === JSON.stringify(b);

async function apply(ctx: Ctx): Promise<Change[]> {
  const role = await targetRole(ctx);
  const changes: Change[] = [];
  const found = await ctx.iam.getRole(role);
  if (found) {
    changes.push({ action: 'reuse', resource: `role ${role}` }, ...(await ensureLambdaTrust(ctx, role, found)));
  } else {
    await createRecorded(ctx.state, 'role', role, () => ctx.iam.createRole(role, LAMBDA_TRUST_POLICY, { [LAB_TAG]: 'true' }));
    changes.push({ action: 'create', resource: `role ${role}`, reason: 'trusted by lambda.amazonaws.com' });
  }
  const resource = `inline policy ${ROLE_POLICY_NAME} on ${role}`;
  const wanted = labRolePolicy(ctx.names);
  const current = await ctx.iam.getRolePolicy(role, ROLE_POLICY_NAME);
  if (current && samePolicy(current, wanted)) {
    changes.push({ action: 'reuse', resource });
  } else {
    const put = () => ctx.iam.putRolePolicy(role, ROLE_POLICY_NAME, wanted);
    await (current ? put() : createRecorded(ctx.state, 'rolePolicy', `${role}/${ROLE_POLICY_NAME}`, put));
    changes.push({ action: current ? 'change' : 'create', resource });
  }
  return changes;
}

/**
 * The lab's inline policy, and the role when the lab created it. A role must be empty to go: what the
 * learner attached (AWSLambdaBasicExecutionRole, the console's usual answer) or added inline is
 * detached or deleted first, else DeleteRole fails with DeleteConflict. The managed policies themselves
 * stay; only their attachment to the lab's role goes.
 */
async function remove(ctx: Ctx): Promise<Change[]> {
  const changes: Change[] = [];
  const role = ctx.state.created('role');
  const policy = ctx.state.created('rolePolicy');
  if (policy) {
    const [policyRole, name] = policy.split('/') as [string, string];
    // On the lab's own role it goes with the role, below.
    if (policyRole !== role) {
      changes.push(
        ...(await removeIfOurs(ctx, 'rolePolicy', `inline policy ${name} on ${policyRole}`, {
          command: removalCommand.rolePolicy(ctx.awsCli, policyRole, name),
          remove: () => ctx.iam.deleteRolePolicy(policyRole, name),
        })),
      );
    }
  }
  if (role) {
    // What emptying the role did is said even when DeleteRole then fails.
    const emptied: Change[] = [];
    const outcome = await removeIfOurs(ctx, 'role', `role ${role}`, {
      tags: async () => {
        const found = await ctx.iam.getRole(role);
        return found && (found.tags ?? {});
      },
      command: removalCommand.role(ctx.awsCli, role),
      remove: async () => {
        await emptyRole(ctx, role, emptied);
        await ctx.iam.deleteRole(role);
      },
    });
    changes.push(...emptied, ...outcome);
    if (policy?.startsWith(`${role}/`) && !ctx.dryRun && !outcome.some((c) => c.action === 'left')) ctx.state.forget('rolePolicy');
  }
  return changes;
}

async function emptyRole(ctx: Ctx, role: string, changes: Change[]): Promise<void> {
  for (const arn of await ctx.iam.attachedPolicyArns(role)) {
    await ctx.iam.detachPolicy(role, arn);
    changes.push({ action: 'remove', resource: `attachment of ${arn.slice(arn.lastIndexOf('/') + 1)} to role ${role}`, reason: 'the policy itself is kept' });
  }
  for (const name of await ctx.iam.inlinePolicyNames(role)) {
    await ctx.iam.deleteRolePolicy(role, name);
    changes.push({ action: 'remove', resource: `inline policy ${name} on ${role}` });
  }
}

export const permissionsStep = {
  id: 'permissions',
  applyAfter: [],
  checkAfter: [],
  plan,
  apply,
  check,
  remove,
} satisfies Step;
