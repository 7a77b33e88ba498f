import type { PolicyDocument } from '../policy/types.js';

/**
 * The one list of what upload-lab asks of AWS with the learner's credentials: every SDK command it
 * sends, and the IAM actions each needs. Everything else is derived from it: the README's permission
 * table, `upload-lab policy` (a ready-to-attach IAM policy) and docs/upload-lab-policy.json.
 * test/aws/permissions.test.ts fails when the code imports a command this list lacks, or the list
 * names one the code no longer sends; the restricted-learner test runs the whole lab with nothing but
 * the derived policy.
 *
 * Several actions are not the command's own name: tags given at creation need the tagging action
 * (iam:TagRole, dynamodb:TagResource, lambda:TagResource), GetFunction shows tags only with
 * lambda:ListTags (without it Lambda leaves them out silently, and the "is this the lab's function?"
 * check would misjudge), CreateFunction hands over a role (iam:PassRole).
 */

export type Client = 'sts' | 's3' | 'dynamodb' | 'iam' | 'lambda' | 'cloudwatch-logs';

export interface Permission {
  client: Client;
  /** The SDK command, without `Command`: `new CreateRoleCommand(...)` is `CreateRole`. */
  command: string;
  /** The IAM actions the command needs. Empty: none (sts:GetCallerIdentity is always allowed). */
  actions: string[];
  /** What upload-lab uses it for. */
  use: string;
  /** The lab works without it, less well (said in `use`). */
  optional?: boolean;
}

export const PERMISSIONS: readonly Permission[] = [
  { client: 'sts', command: 'GetCallerIdentity', actions: [], use: 'learn the account; always allowed' },

  { client: 's3', command: 'HeadBucket', actions: ['s3:ListBucket'], use: 'does the bucket exist, and is it yours (every command)' },
  { client: 's3', command: 'ListBuckets', actions: ['s3:ListAllMyBuckets'], use: 'tell "another account\'s bucket" from "yours, but you may not list it" after a 403', optional: true },
  { client: 's3', command: 'CreateBucket', actions: ['s3:CreateBucket'], use: 'setup: create the lab\'s bucket' },
  { client: 's3', command: 'PutBucketTagging', actions: ['s3:PutBucketTagging'], use: 'setup: tag the bucket upload-lab' },
  { client: 's3', command: 'GetBucketTagging', actions: ['s3:GetBucketTagging'], use: 'teardown: check the bucket is the lab\'s' },
  { client: 's3', command: 'GetBucketNotificationConfiguration', actions: ['s3:GetBucketNotification'], use: 'read the trigger rules (to merge into them, and to grade them)' },
  { client: 's3', command: 'PutBucketNotificationConfiguration', actions: ['s3:PutBucketNotification'], use: 'setup and teardown: add or remove the lab\'s trigger rule' },
  { client: 's3', command: 'PutObject', actions: ['s3:PutObject'], use: 'setup and verify: upload incoming/notes.txt' },
  { client: 's3', command: 'HeadObject', actions: ['s3:GetObject'], use: 'setup and verify: never replace an object the lab did not write; teardown: remove a test upload only while it is the lab\'s' },
  { client: 's3', command: 'ListObjectsV2', actions: ['s3:ListBucket'], use: 'teardown: keep the lab\'s bucket while it holds objects the lab did not write' },
  { client: 's3', command: 'DeleteObject', actions: ['s3:DeleteObject'], use: 'teardown: remove the test upload' },
  { client: 's3', command: 'DeleteBucket', actions: ['s3:DeleteBucket'], use: 'teardown: remove the lab\'s bucket' },

  { client: 'dynamodb', command: 'DescribeTable', actions: ['dynamodb:DescribeTable'], use: 'does the table exist, its keys and status (and the waits)' },
  { client: 'dynamodb', command: 'CreateTable', actions: ['dynamodb:CreateTable', 'dynamodb:TagResource'], use: 'setup: create the table, tagged upload-lab' },
  { client: 'dynamodb', command: 'ListTagsOfResource', actions: ['dynamodb:ListTagsOfResource'], use: 'teardown: check the table is the lab\'s' },
  { client: 'dynamodb', command: 'GetItem', actions: ['dynamodb:GetItem'], use: 'verify: find the item the function saved' },
  { client: 'dynamodb', command: 'Query', actions: ['dynamodb:Query'], use: 'verify: find what the function stored for the probe under another key (an undecoded one)' },
  { client: 'dynamodb', command: 'DeleteItem', actions: ['dynamodb:DeleteItem'], use: 'verify: remove the probe\'s item; teardown: the test uploads\' items' },
  { client: 'dynamodb', command: 'Scan', actions: ['dynamodb:Scan'], use: 'teardown: keep the lab\'s table while it holds items the lab did not write' },
  { client: 'dynamodb', command: 'DeleteTable', actions: ['dynamodb:DeleteTable'], use: 'teardown: remove the lab\'s table' },

  { client: 'iam', command: 'GetRole', actions: ['iam:GetRole'], use: 'does the role exist, its trust policy and tags' },
  { client: 'iam', command: 'CreateRole', actions: ['iam:CreateRole', 'iam:TagRole'], use: 'setup: create the function\'s role, tagged upload-lab' },
  { client: 'iam', command: 'UpdateAssumeRolePolicy', actions: ['iam:UpdateAssumeRolePolicy'], use: 'setup: repair the lab\'s role if it no longer trusts Lambda' },
  { client: 'iam', command: 'GetRolePolicy', actions: ['iam:GetRolePolicy'], use: 'read the role\'s inline policies' },
  { client: 'iam', command: 'PutRolePolicy', actions: ['iam:PutRolePolicy'], use: 'setup: give the role its least-privilege policy' },
  { client: 'iam', command: 'ListRolePolicies', actions: ['iam:ListRolePolicies'], use: 'verify: list the role\'s inline policies; teardown: empty the lab\'s role' },
  { client: 'iam', command: 'ListAttachedRolePolicies', actions: ['iam:ListAttachedRolePolicies'], use: 'verify: list the role\'s managed policies; teardown: empty the lab\'s role' },
  { client: 'iam', command: 'DetachRolePolicy', actions: ['iam:DetachRolePolicy'], use: 'teardown: detach managed policies you attached to the lab\'s role (else DeleteRole fails)' },
  { client: 'iam', command: 'GetPolicy', actions: ['iam:GetPolicy'], use: 'verify: read a managed policy\'s default version' },
  { client: 'iam', command: 'GetPolicyVersion', actions: ['iam:GetPolicyVersion'], use: 'verify: read a managed policy\'s document' },
  { client: 'iam', command: 'SimulatePrincipalPolicy', actions: ['iam:SimulatePrincipalPolicy'], use: 'verify: ask IAM whether the role may PutItem (without it, upload-lab evaluates the policies itself)', optional: true },
  { client: 'iam', command: 'DeleteRolePolicy', actions: ['iam:DeleteRolePolicy'], use: 'teardown: remove the role\'s inline policies' },
  { client: 'iam', command: 'DeleteRole', actions: ['iam:DeleteRole'], use: 'teardown: remove the lab\'s role' },

  { client: 'lambda', command: 'ListFunctions', actions: ['lambda:ListFunctions'], use: 'verify: name the region\'s functions when the lab\'s is not found', optional: true },
  { client: 'lambda', command: 'GetFunction', actions: ['lambda:GetFunction', 'lambda:ListTags'], use: 'the function\'s configuration, state and tags (tags need lambda:ListTags)' },
  { client: 'lambda', command: 'CreateFunction', actions: ['lambda:CreateFunction', 'lambda:TagResource', 'iam:PassRole'], use: 'setup: create the function, tagged upload-lab, with the lab\'s role' },
  { client: 'lambda', command: 'UpdateFunctionCode', actions: ['lambda:UpdateFunctionCode'], use: 'setup: deploy the lab\'s handler' },
  { client: 'lambda', command: 'UpdateFunctionConfiguration', actions: ['lambda:UpdateFunctionConfiguration'], use: 'setup: set TABLE_NAME, the handler and the runtime' },
  { client: 'lambda', command: 'GetPolicy', actions: ['lambda:GetPolicy'], use: 'read who may invoke the function' },
  { client: 'lambda', command: 'AddPermission', actions: ['lambda:AddPermission'], use: 'setup: let S3 invoke the function' },
  { client: 'lambda', command: 'RemovePermission', actions: ['lambda:RemovePermission'], use: 'teardown: remove that permission' },
  { client: 'lambda', command: 'Invoke', actions: ['lambda:InvokeFunction'], use: 'verify: run the function on a test event' },
  { client: 'lambda', command: 'DeleteFunction', actions: ['lambda:DeleteFunction'], use: 'teardown: remove the lab\'s function' },

  { client: 'cloudwatch-logs', command: 'CreateLogGroup', actions: ['logs:CreateLogGroup', 'logs:TagResource'], use: 'setup: create the function\'s log group, tagged upload-lab, before its first run' },
  { client: 'cloudwatch-logs', command: 'ListTagsForResource', actions: ['logs:ListTagsForResource'], use: 'setup and teardown: does the log group exist, and is it the lab\'s' },
  { client: 'cloudwatch-logs', command: 'FilterLogEvents', actions: ['logs:FilterLogEvents'], use: 'verify: find the function\'s log line' },
  { client: 'cloudwatch-logs', command: 'DeleteLogGroup', actions: ['logs:DeleteLogGroup'], use: 'teardown: remove the function\'s log group' },
];

/** The roles the lab creates and hands to its function: `<function>-<region>-role`. */
export const LAB_ROLES = 'arn:aws:iam::*:role/*-role';

/** Every action, once, in the list's order. */
export function requiredActions(options: { includeOptional: boolean } = { includeOptional: true }): string[] {
  return [...new Set(PERMISSIONS.filter((p) => options.includeOptional || !p.optional).flatMap((p) => p.actions))];
}

/**
 * The identity policy an administrator attaches to a learner: every action above, grouped by
 * service. Resources are `*` because the names are the learner's to choose (--bucket, --table,
 * --function). iam:PassRole is the one grant worth narrowing: only roles named like the lab's
 * (`<function>-<region>-role`). (A condition on iam:PassedToService would narrow it further, but the
 * sandbox's evaluator does not evaluate conditions, and the policy must work there as on AWS.)
 */
export function learnerPolicy(): PolicyDocument {
  const actions = requiredActions();
  const passRole = 'iam:PassRole';
  const byService = new Map<string, string[]>();
  for (const action of actions.filter((a) => a !== passRole)) {
    const service = action.split(':')[0]!;
    byService.set(service, [...(byService.get(service) ?? []), action]);
  }
  const sid = (service: string) => `UploadLab${service === 's3' ? 'S3' : service === 'iam' ? 'IAM' : service[0]!.toUpperCase() + service.slice(1)}`;
  return {
    Version: '2012-10-17',
    Statement: [
      ...[...byService].map(([service, list]) => ({ Sid: sid(service), Effect: 'Allow' as const, Action: list, Resource: '*' })),
      { Sid: 'UploadLabPassLabRoles', Effect: 'Allow' as const, Action: passRole, Resource: LAB_ROLES },
    ],
  };
}

/** The README's permission table (between its `permissions` markers). */
export function permissionsMarkdown(): string {
  const rows = PERMISSIONS.map((p) => `| \`${p.command}\` (${p.client}) | ${p.actions.length ? p.actions.map((a) => `\`${a}\``).join(', ') : 'none'}${p.optional ? ' (optional)' : ''} | ${p.use} |`);
  return ['| SDK command | IAM actions | what for |', '|---|---|---|', ...rows].join('\n');
}
