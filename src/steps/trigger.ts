import type { LambdaFunctionConfiguration, NotificationConfiguration } from '@aws-sdk/client-s3';
import { hasAwsCode, LabError } from '../errors.js';
import type { LabContext, UploadEvidence } from '../lab/context.js';
import { bucketArn, functionArn, functionArnParts } from '../aws-rules/arns.js';
import { firesFor, rulesOverlap, type KeyEventRule } from '../aws-rules/notifications.js';
import { s3InvokeGrant } from '../aws-rules/s3-invoke.js';
import { INCOMING_PREFIX, LAB_TAG, TEST_KEY, type LabNames } from '../lab/names.js';
import { removalCommand } from '../report/messages.js';
import { retryTransient } from '../lab/retry.js';
import { noPrefixWarning, slashlessPrefixWarning } from '../report/hints.js';
import { createRecorded, removeIfOurs } from './ownership.js';
import type { Change, CheckResult, Step } from './step.js';

type Ctx = Pick<LabContext, 'names' | 's3' | 'lambda' | 'dynamodb' | 'state' | 'clock' | 'timeoutMs' | 'dryRun' | 'bucketGiven' | 'awsCli'>;

export const PERMISSION_SID = 'upload-lab-s3-invoke';
export const RULE_ID = 'upload-lab-incoming';
/** The rule the lab writes: every ObjectCreated event under incoming/. */
const LAB_RULE: KeyEventRule = { events: ['s3:ObjectCreated:*'], prefix: INCOMING_PREFIX, suffix: '' };

/** `arn:aws:lambda:r:a:function:NAME[:qualifier]` → `NAME`. */
export function functionNameOf(arn: string | undefined): string | undefined {
  return arn === undefined ? undefined : functionArnParts(arn)?.name;
}

export function filterValue(rule: Pick<LambdaFunctionConfiguration, 'Filter'>, name: 'prefix' | 'suffix'): string {
  // S3 answers `Prefix`/`Suffix` whatever case was sent; accept either.
  return rule.Filter?.Key?.FilterRules?.find((r) => r.Name?.toLowerCase() === name)?.Value ?? '';
}

/** A configuration as the SDK reads it, reduced to what decides which uploads it fires for. */
function keyEventRule(rule: Pick<LambdaFunctionConfiguration, 'Events' | 'Filter'>): KeyEventRule {
  return { events: rule.Events ?? [], prefix: filterValue(rule, 'prefix'), suffix: filterValue(rule, 'suffix') };
}

/** The rule fires for the test upload of incoming/notes.txt (a PutObject). */
export function coversTestUpload(rule: LambdaFunctionConfiguration): boolean {
  return firesFor(keyEventRule(rule), 's3:ObjectCreated:Put', TEST_KEY);
}

/** The notification rule for `incoming/` that sends to a Lambda function: how verify finds a hand-built lab's function. */
export function incomingRule(configuration: NotificationConfiguration, fn?: string): LambdaFunctionConfiguration | undefined {
  return (configuration.LambdaFunctionConfigurations ?? []).find((r) => coversTestUpload(r) && (!fn || functionNameOf(r.LambdaFunctionArn) === fn));
}

/** S3 would reject the lab's rule next to this one (they overlap), whatever their destinations. */
function clashesWithLabRule(rule: Pick<LambdaFunctionConfiguration, 'Events' | 'Filter'>): boolean {
  return rulesOverlap(keyEventRule(rule), LAB_RULE);
}

/** What the function's resource policy says about S3 invoking it for the lab's bucket. */
async function invokeGrant(ctx: Pick<Ctx, 'lambda'>, names: LabNames) {
  return s3InvokeGrant(await ctx.lambda.getPolicy(names.function), [functionArn(names.region, names.account, names.function)], names.bucket, names.account);
}

async function check(ctx: Ctx): Promise<CheckResult> {
  const { names } = ctx;
  const access = await ctx.s3.headBucket(names.bucket);
  if (access !== 'owned') return { ok: false, detail: access === 'missing' ? `bucket ${names.bucket} does not exist` : `bucket ${names.bucket} belongs to another account` };
  const rules = (await ctx.s3.getNotifications(names.bucket)).LambdaFunctionConfigurations ?? [];
  const mine = rules.filter((r) => functionNameOf(r.LambdaFunctionArn) === names.function);
  if (mine.length === 0) {
    const others = rules.map((r) => functionNameOf(r.LambdaFunctionArn)).filter(Boolean);
    return { ok: false, detail: `bucket ${names.bucket} has no notification rule that invokes ${names.function}${others.length ? ` (its rules invoke ${others.join(', ')})` : ''}` };
  }
  const rule = mine.find(coversTestUpload);
  if (!rule) {
    const seen = mine.map((r) => `events ${(r.Events ?? []).join(', ')} on prefix "${filterValue(r, 'prefix')}"`).join('; ');
    return { ok: false, detail: `the rule for ${names.function} does not fire for an upload of ${TEST_KEY} (${seen})` };
  }
  const warnings: string[] = [];
  const prefix = filterValue(rule, 'prefix');
  if (!prefix) warnings.push(noPrefixWarning(names.bucket, rule.Id ?? '', filterValue(rule, 'suffix')));
  else if (!prefix.endsWith('/') && INCOMING_PREFIX.startsWith(prefix)) warnings.push(slashlessPrefixWarning(names.bucket, rule.Id ?? '', prefix));
  const grant = await invokeGrant(ctx, names);
  if (!grant.allowed) return { ok: false, detail: `${names.function}'s resource policy does not let s3.amazonaws.com invoke it for ${names.bucket}` };
  if (grant.anyBucket) warnings.push(`the permission${grant.sid ? ` ${grant.sid}` : ''} lets S3 invoke ${names.function} from any bucket; add SourceArn ${bucketArn(names.bucket)} to limit it to yours.`);
  return { ok: true, detail: `${names.bucket} sends ${(rule.Events ?? []).join(', ')} on ${filterValue(rule, 'prefix') || '(any key)'} to ${names.function}, and S3 may invoke it`, warnings };
}

async function plan(ctx: Ctx): Promise<Change[]> {
  const { names } = ctx;
  const fn = await ctx.lambda.getFunction(names.function);
  const existing = (await ctx.s3.headBucket(names.bucket)) === 'owned' ? await ctx.s3.getNotifications(names.bucket) : {};
  const rule = incomingRule(existing, names.function);
  const grant = fn ? await invokeGrant(ctx, names) : { allowed: false };
  return [
    { action: grant.allowed ? 'reuse' : 'create', resource: `permission for S3 to invoke ${names.function}`, reason: grant.allowed ? undefined : `from ${names.bucket} only` },
    rule
      ? { action: 'reuse', resource: `notification rule ${rule.Id ?? ''} on ${names.bucket}` }
      : { action: 'create', resource: `notification rule ${RULE_ID} on ${names.bucket}`, reason: `ObjectCreated on ${INCOMING_PREFIX} → ${names.function}` },
  ];
}

async function apply(ctx: Ctx): Promise<Change[]> {
  const { names } = ctx;
  const fn = await ctx.lambda.getFunction(names.function);
  if (!fn) throw new LabError('FunctionMissing', `Function ${names.function} does not exist.`, 'Rerun `upload-lab setup`; it creates the function before the trigger.', 'internal');
  // The permission first: S3 validates the destination when the rule is written.
  return [await ensurePermission(ctx), await ensureRule(ctx, fn.arn)];
}

async function ensurePermission(ctx: Ctx): Promise<Change> {
  const { names } = ctx;
  const resource = `permission for S3 to invoke ${names.function}`;
  if ((await invokeGrant(ctx, names)).allowed) return { action: 'reuse', resource };
  const add = () => ctx.lambda.addPermission({ name: names.function, statementId: PERMISSION_SID, principal: 's3.amazonaws.com', sourceArn: bucketArn(names.bucket), sourceAccount: names.account });
  await createRecorded(ctx.state, 'permission', PERMISSION_SID, async () => {
    try {
      await add();
    } catch (error) {
      // Our statement id, left from a lab on another bucket: replace it.
      if (!hasAwsCode(error, 'ResourceConflictException')) throw error;
      await ctx.lambda.removePermission(names.function, PERMISSION_SID);
      await add();
    }
  });
  return { action: 'create', resource, reason: `from ${names.bucket} only` };
}

async function ensureRule(ctx: Ctx, functionArn: string): Promise<Change> {
  const { names } = ctx;
  // PutBucketNotificationConfiguration replaces the whole configuration: read, merge, write.
  const configuration = await ctx.s3.getNotifications(names.bucket);
  const existing = incomingRule(configuration, names.function);
  if (existing) return { action: 'reuse', resource: `notification rule ${existing.Id ?? ''} on ${names.bucket}` };
  const clash = [...(configuration.LambdaFunctionConfigurations ?? []), ...(configuration.QueueConfigurations ?? []), ...(configuration.TopicConfigurations ?? [])].find(clashesWithLabRule);
  if (clash) {
    throw new LabError(
      'OverlappingRule',
      `Bucket ${names.bucket} already has a notification rule (${clash.Id ?? 'no id'}) for ObjectCreated events on a prefix that overlaps ${INCOMING_PREFIX}; S3 allows only one.`,
      `Point that rule at ${names.function} with prefix ${INCOMING_PREFIX}, remove it, or pass --bucket <another bucket>.`,
      'user',
    );
  }
  const rule: LambdaFunctionConfiguration = {
    Id: RULE_ID,
    LambdaFunctionArn: functionArn,
    Events: ['s3:ObjectCreated:*'],
    Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: INCOMING_PREFIX }] } },
  };
  const merged = { ...configuration, LambdaFunctionConfigurations: [...(configuration.LambdaFunctionConfigurations ?? []), rule] };
  // "Unable to validate the following destination configurations" (InvalidArgument) until the new
  // permission has reached S3: retried briefly.
  await createRecorded(ctx.state, 'notificationRule', RULE_ID, () =>
    retryTransient(ctx.clock, { initialDelayMs: 500, maxDelayMs: 4000, timeoutMs: Math.min(ctx.timeoutMs, 30_000) }, (e) => hasAwsCode(e, 'InvalidArgument'), () =>
      ctx.s3.putNotifications(names.bucket, merged),
    ),
  );
  return { action: 'create', resource: `notification rule ${RULE_ID} on ${names.bucket}`, reason: `ObjectCreated on ${INCOMING_PREFIX} → ${names.function}` };
}

/** The rule and the permission the state file names, each kept recorded if it could not be removed. */
async function remove(ctx: Ctx): Promise<Change[]> {
  const { names } = ctx;
  const changes: Change[] = [];
  const ruleId = ctx.state.created('notificationRule');
  if (ruleId) {
    changes.push(
      ...(await removeIfOurs(ctx, 'notificationRule', `notification rule ${ruleId} on ${names.bucket}`, {
        command: removalCommand.notificationRule(ctx.awsCli, names.bucket, ruleId),
        // By its id: a rule the learner edited (events, prefix) is still the lab's.
        remove: async () => {
          const configuration = await ctx.s3.getNotifications(names.bucket);
          const kept = (configuration.LambdaFunctionConfigurations ?? []).filter((r) => r.Id !== ruleId);
          await ctx.s3.putNotifications(names.bucket, { ...configuration, LambdaFunctionConfigurations: kept });
        },
      })),
    );
  }
  const sid = ctx.state.created('permission');
  if (sid) {
    changes.push(
      ...(await removeIfOurs(ctx, 'permission', `permission ${sid} on ${names.function}`, {
        command: removalCommand.permission(ctx.awsCli, names.function, sid),
        remove: () => ctx.lambda.removePermission(names.function, sid),
      })),
    );
  }
  return changes;
}

/** The metadata that marks an object as written by the lab (`x-amz-meta-upload-lab`). */
export const LAB_OBJECT_METADATA = { [LAB_TAG]: 'test-file' };

export const isLabObject = (object: { metadata: Record<string, string> }) => Object.hasOwn(object.metadata, LAB_TAG);

/**
 * Where the test file goes: incoming/notes.txt, unless an object there is not the lab's (the learner
 * uploaded their own, as the lab tells them to): the lab never replaces an object it did not write,
 * so it then uploads to a key of its own in incoming/, named by the time, which the trigger covers too.
 */
async function testKey(ctx: Pick<LabContext, 'names' | 's3'>, at: number): Promise<string> {
  for (const key of [TEST_KEY, `${INCOMING_PREFIX}upload-lab-test-${at}.txt`]) {
    const existing = await ctx.s3.headObject(ctx.names.bucket, key);
    if (!existing || isLabObject(existing)) return key;
  }
  throw new LabError('TestKeyTaken', `Bucket ${ctx.names.bucket} already holds objects of yours at ${TEST_KEY} and at the lab's other test key; the lab will not replace them.`, 'Rerun in a moment (the second key is named by the time), or pass --no-upload.', 'user');
}

/**
 * Uploads the test file (incoming/notes.txt, see testKey), which should make S3 invoke the function.
 * Its content carries the time, so its ETag is new on every upload and the item it produces can be
 * told from an older one. Recorded before it is sent (a kill right after leaves it recorded), with its
 * ETag once S3 answered, so teardown removes it, and its item, while they are still the lab's.
 */
export async function uploadTestFile(ctx: Pick<LabContext, 'names' | 's3' | 'clock' | 'state'>): Promise<UploadEvidence> {
  const at = ctx.clock.now();
  const key = await testKey(ctx, at);
  const upload = { bucket: ctx.names.bucket, key, table: ctx.names.table };
  ctx.state.recordUpload(upload);
  const { etag } = await ctx.s3.putObject(ctx.names.bucket, key, `upload-lab test file, uploaded ${new Date(at).toISOString()}\n`, LAB_OBJECT_METADATA);
  ctx.state.recordUpload({ ...upload, etag });
  return { key, etag, at };
}

export const triggerStep = {
  id: 'trigger',
  applyAfter: ['code', 'bucket'],
  checkAfter: [],
  plan,
  apply,
  check,
  remove,
} satisfies Step;
