import { actionMatches, asList, conditionKeys, resourceMatches, statementsOf } from '../policy/statements.js';
import type { PolicyDocument, PolicyStatement } from '../policy/types.js';
import { wildcardMatch } from '../policy/wildcard.js';
import { bucketArn } from './arns.js';

const S3_PRINCIPAL = 's3.amazonaws.com';
const INVOKE = 'lambda:InvokeFunction';

/** What a function's resource policy says about S3 invoking it for one bucket. */
export interface S3InvokeGrant {
  /** S3 may invoke the function on behalf of the bucket. */
  allowed: boolean;
  /** The allowing statement does not name the bucket (no aws:SourceArn): any bucket could invoke it. */
  anyBucket: boolean;
  sid?: string;
}

/**
 * Does a function's resource policy let S3 invoke it on behalf of `bucket` in `account`? As Lambda
 * decides when S3 calls: a statement applies when its principal is S3 (or `*`), its action covers
 * lambda:InvokeFunction, its resource names the function and its conditions hold for the two keys S3
 * sends (aws:SourceArn, aws:SourceAccount); a statement conditioned on anything else does not apply.
 * A matching Deny wins. S3 checks this before it accepts a Lambda destination (the sandbox's
 * PutBucketNotificationConfiguration); the lab checks it to grade and to plan the trigger.
 *
 * `functionArns`: the ARNs the function may be named by (as the rule names it, and its own).
 */
export function s3InvokeGrant(policy: PolicyDocument | undefined, functionArns: string[], bucket: string, account: string): S3InvokeGrant {
  const context: Record<string, string> = { 'aws:sourcearn': bucketArn(bucket), 'aws:sourceaccount': account };
  const applying = (policy ? statementsOf(policy) : []).filter((s) => appliesToS3Invoke(s, functionArns, context));
  const allows = applying.filter((s) => s.Effect === 'Allow');
  if (!allows.length || applying.some((s) => s.Effect === 'Deny')) return { allowed: false, anyBucket: false };
  // A statement naming the bucket is the one to show; one without aws:SourceArn opens the function to every bucket.
  const namesBucket = allows.find((s) => conditionKeys(s).some((key) => key.toLowerCase() === 'aws:sourcearn'));
  const grant = namesBucket ?? allows[0]!;
  return { allowed: true, anyBucket: !namesBucket, ...(grant.Sid ? { sid: grant.Sid } : {}) };
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
