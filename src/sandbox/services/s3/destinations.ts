import { s3InvokeGrant } from '../../../aws-rules/s3-invoke.js';
import { AwsError } from '../../aws-error.js';
import { ACCOUNT_ID } from '../../http.js';
import type { World } from '../../world.js';
import type { NotificationRule } from './notification-config.js';

/**
 * What S3 does before it accepts a Lambda destination: the function must exist and its resource
 * policy must let S3 invoke it for this bucket. Every failing destination is reported, numbered
 * (ArgumentName1/ArgumentValue1, ...), in one InvalidArgument, as AWS does.
 */
export function validateLambdaDestinations(world: World, bucket: string, rules: NotificationRule[]): void {
  const arns = [...new Set(rules.filter((r) => r.kind === 'lambda').map((r) => r.arn))];
  const fields: Record<string, string> = {};
  let failures = 0;
  for (const arn of arns) {
    const fn = world.lambda.functionByArn(arn);
    if (fn && s3InvokeGrant(fn.policy, [arn, fn.arn], bucket, ACCOUNT_ID).allowed) continue;
    failures++;
    fields[`ArgumentName${failures}`] = `${arn}, null`;
    fields[`ArgumentValue${failures}`] = `Not authorized to invoke function [${arn}]`;
  }
  if (failures) throw new AwsError('InvalidArgument', 'Unable to validate the following destination configurations', 400, { fields });
}
