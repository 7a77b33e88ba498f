import type { Item } from '../aws/services.js';
import type { HandlerZip } from '../deploy/zip.js';
import type { LabNames } from '../lab/names.js';
import { functionLogGroup } from '../aws-rules/arns.js';
import { LAB_TAG, TEST_KEY } from '../lab/names.js';
import { DEFAULT_HOST, DEFAULT_PORT } from '../common/defaults.js';
import type { Change } from '../steps/step.js';

/** Every sentence the tool shows a learner, in one place. */

export const ACTION_WORDS: Record<Change['action'], string> = {
  create: 'create',
  reuse: 'reuse',
  change: 'change',
  remove: 'remove',
  keep: 'keep',
  left: 'could not remove',
};

export const DONE_WORDS: Record<Change['action'], string> = {
  create: 'created',
  reuse: 'reused',
  change: 'changed',
  remove: 'removed',
  keep: 'kept',
  left: 'could not remove',
};

export function describeChange(change: Change, done: boolean): string {
  const verb = (done ? DONE_WORDS : ACTION_WORDS)[change.action];
  return `${verb} ${change.resource}${change.reason ? ` (${change.reason})` : ''}`;
}

export interface Target {
  kind: 'aws' | 'local' | 'endpoint';
  endpoint?: string;
  /** --local served by this process: its endpoint is gone when the command ends. */
  inProcess?: boolean;
  account: string;
  region: string;
  /** --local: the sandbox's data dir, which every pasted command must name unless it is the default. */
  dataDir?: string;
}

/** A word for a POSIX shell: as it is when nothing in it is special, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `--local`, plus `--data-dir D` when D is not the default data dir: what a pasted command needs to reach the same sandbox. */
export function localFlags(dataDir: string, defaultDataDir: string): string {
  return dataDir === defaultDataDir ? '--local' : `--local --data-dir ${shellWord(dataDir)}`;
}

export function targetLine(target: Target): string {
  const where = target.kind === 'aws' ? 'AWS' : target.kind === 'local' ? `the local sandbox at ${target.endpoint}` : `the endpoint ${target.endpoint}`;
  return `${where}, account ${target.account}, region ${target.region}`;
}

export const messages = {
  planHeading: 'Plan:',
  nothingToChange: 'Nothing to change: the lab is already built.',
  confirm: 'Create these resources in your AWS account? [y/N] ',
  confirmTeardown: 'Remove these resources from your AWS account? [y/N] ',
  cancelled: 'Cancelled; nothing was changed.',
  checklistHeading: 'Checklist:',
  uploading: (key: string) => `uploading ${key} to trigger the function`,
  uploaded: (key: string, etag: string) => `uploaded ${key} (etag ${etag})`,
  passed: (passed: number, total: number) => (passed === total ? `All ${total} checks passed.` : `${passed} of ${total} checks passed.`),
  skipped: 'skipped',
  warning: 'warning',
  hint: 'hint',
  docs: 'docs',
  itemHeading: 'The saved item:',
  noItem: 'No item was saved, so there is nothing to show.',
  whereHeading: 'Where to look:',
  learnNext: (options: string) => `\nLearning the lab? upload-lab learn ${options} walks it part by part: why each piece, do it yourself and have just that step checked, the activities and the quiz.`,
  teardownHeading: (dryRun: boolean) => (dryRun ? 'Would remove (dry run, nothing changed):' : 'Teardown:'),
  nothingToRemove: 'Nothing to remove: no lab created by upload-lab is recorded for this account and region.',
  removedAll: 'Done: everything the lab created is gone.',
  removedAllButKept: 'Done: everything else the lab created is gone; what is kept above is, or holds, what the lab did not write.',
  leftHeading: (count: number) => `Teardown did not finish: ${count} resource${count === 1 ? '' : 's'} could not be removed. They stay recorded: rerun \`upload-lab teardown\` to try again, or remove them by hand:`,
  byHand: 'remove it by hand',
  lookAlike: `it is not tagged ${LAB_TAG}, so it is a look-alike, not the one the lab created`,
  notLabObject: 'it was replaced since the lab uploaded it: it lacks the lab\'s x-amz-meta-upload-lab marker',
  notLabItem: 'a later upload rewrote it: its etag is not the lab upload\'s',
  notCreatedByLab: 'the lab did not create it',
  holdsOthers: (count: number, noun: 'object' | 'item', names: string[]) =>
    `it holds ${count} ${noun}${count === 1 ? '' : 's'} the lab did not write: ${names.slice(0, 3).join(', ')}${count > 3 ? ', …' : ''}`,
  detachedForRemoval: (policy: string, role: string) => `policy ${policy} from role ${role}`,
  waitingForLock: (pid: number) => `Waiting for the other upload-lab command (pid ${pid}) working on this lab to finish… (Ctrl+C to stop)`,
  corruptState: (message: string) => `${message} Going on from what AWS shows.`,
  recovered: (kinds: string[]) =>
    kinds.length ? `Recorded again from their upload-lab tag or id: ${kinds.join(', ')}.` : 'Nothing in AWS carries the lab\'s tag or id under the lab\'s names: nothing is recorded.',
  errorFix: 'fix',
  sandboxServing: (endpoint: string, dataDir: string) => `upload-lab sandbox serving S3, DynamoDB, Lambda, IAM, CloudWatch Logs and STS at ${endpoint} (data in ${dataDir})`,
  sandboxStopping: 'Stopping the sandbox…',
  sandboxStopped: 'Sandbox stopped; its state is saved in the data dir.',
};

/** What a learner pastes to point their own tools at the sandbox; `local` is localFlags() for its data dir. */
export function sandboxInstructions(endpoint: string, local: string): string[] {
  return [
    'Point the AWS CLI and SDKs at it (any credentials work; the account is 000000000000):',
    `  export AWS_ENDPOINT_URL=${endpoint}`,
    '  export AWS_ACCESS_KEY_ID=test',
    '  export AWS_SECRET_ACCESS_KEY=test',
    // AWS CLI v1 reads only AWS_DEFAULT_REGION; v2 and the SDKs read AWS_REGION.
    '  export AWS_REGION=us-east-1',
    '  export AWS_DEFAULT_REGION=us-east-1',
    // Checked: Debian's aws-cli 2.9 takes AWS_REGION but ignores AWS_ENDPOINT_URL (v2 reads it from 2.13 on).
    'AWS CLI v1 honours AWS_ENDPOINT_URL; v2 before 2.13 (Debian\'s /usr/bin/aws is 2.9) ignores it and needs the flag on every call:',
    `  aws --endpoint-url ${endpoint} s3 ls`,
    `Run the lab against it from another terminal: npx upload-lab setup ${local}`,
    'Press Ctrl+C to stop.',
  ];
}

/**
 * Where the learner sees the lab: console pages on AWS, AWS CLI commands for the sandbox (with the
 * data dir and the credentials they need, so they work when pasted); then the deployed handler's source.
 */
export function whereToLook(names: LabNames, target: Target, handler: HandlerZip | undefined, defaultDataDir: string): string[] {
  return [...whereTheLabIs(names, target, defaultDataDir), ...(handler ? handlerLines(handler) : [])];
}

function whereTheLabIs(names: LabNames, target: Target, defaultDataDir: string): string[] {
  const { region, bucket, table, function: fn } = names;
  if (target.endpoint) {
    // The in-process sandbox stops with the command: point at the one `upload-lab sandbox` serves.
    const endpoint = target.inProcess ? `http://${DEFAULT_HOST}:${DEFAULT_PORT}` : target.endpoint;
    const aws = `aws --endpoint-url ${endpoint} --region ${region}`;
    const dataDirFlag = target.dataDir && target.dataDir !== defaultDataDir ? ` --data-dir ${shellWord(target.dataDir)}` : '';
    return [
      ...(target.dataDir ? [`data:   ${target.dataDir}`] : []),
      ...(target.inProcess ? [`first start the sandbox on the same data in another terminal: npx upload-lab sandbox${dataDirFlag}`] : []),
      // The sandbox takes any credentials, but the AWS CLI refuses to call without some.
      'env:    export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test',
      `item:   ${aws} dynamodb get-item --table-name ${table} --key '{"bucket":{"S":"${bucket}"},"object_key":{"S":"${TEST_KEY}"}}'`,
      `logs:   ${aws} logs filter-log-events --log-group-name ${functionLogGroup(fn)}`,
      `bucket: ${aws} s3 ls s3://${bucket}/incoming/`,
    ];
  }
  const console = `https://${region}.console.aws.amazon.com`;
  return [
    `table:    ${console}/dynamodbv2/home?region=${region}#item-explorer?table=${encodeURIComponent(table)}`,
    `function: ${console}/lambda/home?region=${region}#/functions/${encodeURIComponent(fn)}`,
    `logs:     ${console}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${encodeURIComponent(encodeURIComponent(functionLogGroup(fn))).replaceAll('%', '$')}`,
    `bucket:   https://s3.console.aws.amazon.com/s3/buckets/${bucket}?region=${region}&prefix=incoming/`,
  ];
}

/** The deployed handler is a file the learner can open; it differs from the lesson's on purpose, and says why. */
function handlerLines(handler: HandlerZip): string[] {
  const write = handler.runtime.startsWith('python') ? 'table.put_item' : 'PutItem';
  return [
    `handler: ${handler.source} (${handler.runtime}, ${handler.handler})`,
    `  It differs from the lesson's on purpose: its ${write} is conditional on the event's sequencer, so an S3 event`,
    '  delivered twice, or late, never overwrites newer metadata (S3 delivers events at least once, in no set order).',
  ];
}

/** The item, key attributes first (the reporter highlights them). */
export function itemLines(item: Item): { name: string; value: string; key: boolean }[] {
  const keys = ['bucket', 'object_key'];
  const rest = Object.keys(item).filter((name) => !keys.includes(name)).sort();
  return [...keys, ...rest].filter((name) => name in item).map((name) => ({ name, value: JSON.stringify(item[name]), key: keys.includes(name) }));
}

/**
 * The AWS CLI words that reach the same account and region as the command did, for the commands
 * teardown prints. The in-process sandbox is gone when the command ends: point at `upload-lab sandbox`.
 */
export function awsCliPrefix(target: Target, profile?: string): string {
  const endpoint = target.endpoint && (target.inProcess ? `http://${DEFAULT_HOST}:${DEFAULT_PORT}` : target.endpoint);
  return ['aws', ...(endpoint ? ['--endpoint-url', endpoint] : []), '--region', target.region, ...(profile ? ['--profile', profile] : [])].join(' ');
}

/** The AWS CLI command that removes each kind of resource by hand, given awsCliPrefix's words. */
export const removalCommand = {
  table: (aws: string, table: string) => `${aws} dynamodb delete-table --table-name ${table}`,
  bucket: (aws: string, bucket: string) => `${aws} s3 rb s3://${bucket} --force`,
  object: (aws: string, bucket: string, key: string) => `${aws} s3api delete-object --bucket ${bucket} --key ${key}`,
  item: (aws: string, table: string, bucket: string, key: string) =>
    `${aws} dynamodb delete-item --table-name ${table} --key '${JSON.stringify({ bucket: { S: bucket }, object_key: { S: key } })}'`,
  function: (aws: string, fn: string) => `${aws} lambda delete-function --function-name ${fn}`,
  permission: (aws: string, fn: string, sid: string) => `${aws} lambda remove-permission --function-name ${fn} --statement-id ${sid}`,
  logGroup: (aws: string, group: string) => `${aws} logs delete-log-group --log-group-name ${group}`,
  rolePolicy: (aws: string, role: string, policy: string) => `${aws} iam delete-role-policy --role-name ${role} --policy-name ${policy}`,
  /** A role goes only once no policy is attached to it nor inline in it. */
  role: (aws: string, role: string) =>
    `for arn in $(${aws} iam list-attached-role-policies --role-name ${role} --query 'AttachedPolicies[].PolicyArn' --output text); do ${aws} iam detach-role-policy --role-name ${role} --policy-arn $arn; done; ` +
    `for name in $(${aws} iam list-role-policies --role-name ${role} --query 'PolicyNames[]' --output text); do ${aws} iam delete-role-policy --role-name ${role} --policy-name $name; done; ` +
    `${aws} iam delete-role --role-name ${role}`,
  notificationRule: (aws: string, bucket: string, ruleId: string) =>
    `${aws} s3api get-bucket-notification-configuration --bucket ${bucket} > rules.json, delete the rule with "Id": "${ruleId}" from rules.json, then ${aws} s3api put-bucket-notification-configuration --bucket ${bucket} --notification-configuration file://rules.json`,
};

/**
 * verify found none of the lab's bucket, table and function. `flags` reach the same target
 * (`--local --data-dir D`, `--endpoint-url U`, or nothing on AWS); the account's own bucket and
 * function names help the learner who built the lab under other names.
 */
export function labNotFound(input: { names: Pick<LabNames, 'bucket' | 'table' | 'function'>; flags: string; sandbox: boolean; buckets: string[]; functions: string[] }): string {
  const { names, buckets, functions } = input;
  const flags = input.flags ? ` ${input.flags}` : '';
  if (input.sandbox && buckets.length === 0 && functions.length === 0) {
    return `This sandbox is empty: no bucket, table or function yet. Build the lab with \`npx upload-lab setup${flags}\` (or by hand with the AWS CLI, as README.md's "Grading a lab you built by hand" shows), then verify again.`;
  }
  const seen = (what: string, list: string[]) => (list.length ? `${what} here: ${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''}` : `no ${what} here`);
  return (
    `No lab was found under the names verify looked for (bucket ${names.bucket}, table ${names.table}, function ${names.function}). ` +
    `If you built yours under other names, name them: \`npx upload-lab verify${flags} --bucket <your bucket> --function <your function> --table <your table>\` ` +
    `(${seen('buckets', buckets)}; ${seen('functions', functions)}). Or let upload-lab build it: \`npx upload-lab setup${flags}\`.`
  );
}
