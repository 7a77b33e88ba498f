import { functionLogGroup, logGroupArn } from '../aws-rules/arns.js';
import type { LabContext } from '../lab/context.js';
import { ROLE_POLICY_NAME, TEST_KEY } from '../lab/names.js';
import type { ResourceKind } from '../lab/state.js';
import { isTaggedByLab } from '../steps/ownership.js';
import { PERMISSION_SID, RULE_ID, isLabObject } from '../steps/trigger.js';

/**
 * When the state file was unreadable (and set aside), rebuilds its records from what AWS shows, for
 * the lab's names: only what is provably the lab's. A table, bucket, role, function or log group that
 * carries the `upload-lab` tag; the notification rule, permission statement and inline policy that
 * carry the lab's own id; the test file that carries the lab's marker. Everything else stays unrecorded,
 * so teardown keeps it. Returns what it recorded.
 */
export async function recoverRecords(ctx: Pick<LabContext, 'names' | 'state' | 's3' | 'dynamodb' | 'iam' | 'lambda' | 'logs'>): Promise<ResourceKind[]> {
  const { names, state } = ctx;
  const found: ResourceKind[] = [];
  const record = (kind: ResourceKind, name: string) => {
    state.record(kind, name);
    found.push(kind);
  };
  const table = await ctx.dynamodb.describeTable(names.table);
  if (table && isTaggedByLab((await ctx.dynamodb.tableTags(table.arn)) ?? {})) record('table', names.table);
  const role = await ctx.iam.getRole(names.role);
  if (role && isTaggedByLab(role.tags ?? {})) record('role', names.role);
  if (role && (await ctx.iam.getRolePolicy(names.role, ROLE_POLICY_NAME))) record('rolePolicy', `${names.role}/${ROLE_POLICY_NAME}`);
  const fn = await ctx.lambda.getFunction(names.function);
  if (fn && isTaggedByLab(fn.tags ?? {})) record('function', names.function);
  const policy = fn && (await ctx.lambda.getPolicy(names.function));
  if (policy && [policy.Statement].flat().some((s) => s.Sid === PERMISSION_SID)) record('permission', PERMISSION_SID);
  const group = functionLogGroup(names.function);
  if (isTaggedByLab((await ctx.logs.logGroupTags(logGroupArn(names.region, names.account, group))) ?? {})) record('logGroup', group);
  if ((await ctx.s3.headBucket(names.bucket)) === 'owned') {
    if (isTaggedByLab((await ctx.s3.bucketTags(names.bucket)) ?? {})) record('bucket', names.bucket);
    const rules = (await ctx.s3.getNotifications(names.bucket)).LambdaFunctionConfigurations ?? [];
    if (rules.some((r) => r.Id === RULE_ID)) record('notificationRule', RULE_ID);
    const object = await ctx.s3.headObject(names.bucket, TEST_KEY);
    if (object && isLabObject(object)) state.recordUpload({ bucket: names.bucket, key: TEST_KEY, table: names.table, etag: object.etag });
  }
  return found;
}
