import { AwsError } from '../../aws-error.js';
import { ACCOUNT_ID } from '../../http.js';
import type { World } from '../../world.js';
import { actionMatches, asList, resourceMatches, statementsOf } from '../../../policy/statements.js';
import type { PolicyDocument, PolicyStatement } from '../../../policy/types.js';
import { wildcardMatch } from '../../../policy/wildcard.js';
import { bucketArn } from './request.js';
import type { NotificationRule } from './notification-config.js';

const S3_PRINCIPAL = 's3.amazonaws.com';
const INVOKE = 'lambda:InvokeFunction';

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
    if (fn && s3MayInvoke(fn.policy, [arn, fn.arn], bucket)) continue;
    failures++;
    fields[`ArgumentName${failures}`] = `${arn}, null`;
    fields[`ArgumentValue${failures}`] = `Not authorized to invoke function [${arn}]`;
  }
  if (failures) throw new AwsError('InvalidArgument', 'Unable to validate the following destination configurations', 400, { fields });
}

/**
 * Does a function's resource policy let S3 invoke it on behalf of this bucket? A matching Deny wins.
 * Only the condition keys S3 supplies are known (aws:SourceArn, aws:SourceAccount); a statement
 * conditioned on anything else does not apply.
 */
function s3MayInvoke(policy: PolicyDocument | undefined, functionArns: string[], bucket: string): boolean {
  if (!policy) return false;
  const context: Record<string, string> = { 'aws:sourcearn': bucketArn(bucket), 'aws:sourceaccount': ACCOUNT_ID };
  const applying = statementsOf(policy).filter((s) => appliesToS3Invoke(s, functionArns, context));
  return applying.some((s) => s.Effect === 'Allow') && !applying.some((s) => s.Effect === 'Deny');
}

function appliesToS3Invoke(statement: PolicyStatement, functionArns: string[], context: Record<string, string>): boolean {
  const principal = statement.Principal;
  const principalOk =
    principal === '*' || (principal !== undefined && (asList(principal.Service).includes(S3_PRINCIPAL) || asList(principal.AWS).includes('*')));
  return (
    principalOk &&
    actionMatches(statement, INVOKE) &&
    functionArns.some((arn) => resourceMatches(statement, arn)) &&
    conditionsHold(statement.Condition ?? {}, context)
  );
}

/** The condition operators S3's permission statements use; any other operator does not hold. */
const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  stringequals: (p, v) => p === v,
  stringequalsignorecase: (p, v) => p.toLowerCase() === v.toLowerCase(),
  stringlike: (p, v) => wildcardMatch(p, v),
  // IAM's ArnEquals and ArnLike both take wildcards.
  arnequals: (p, v) => wildcardMatch(p, v),
  arnlike: (p, v) => wildcardMatch(p, v),
};

function conditionsHold(conditions: Record<string, Record<string, string | string[]>>, context: Record<string, string>): boolean {
  return Object.entries(conditions).every(([operator, keys]) => {
    const test = OPERATORS[operator.toLowerCase()];
    return (
      test !== undefined &&
      Object.entries(keys).every(([key, patterns]) => {
        const value = context[key.toLowerCase()];
        return value !== undefined && asList(patterns).some((p) => test(p, value));
      })
    );
  });
}
