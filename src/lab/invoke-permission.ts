import { actionMatches, asList, statementsOf } from '../policy/statements.js';
import type { PolicyDocument, PolicyStatement } from '../policy/types.js';
import { wildcardMatch } from '../policy/wildcard.js';

export interface S3InvokeGrant {
  /** A statement lets s3.amazonaws.com invoke the function for this bucket. */
  allowed: boolean;
  /** The matching statement does not name the bucket (no aws:SourceArn): any bucket could invoke it. */
  anyBucket: boolean;
  sid?: string;
}

/**
 * Whether a function's resource policy lets S3 invoke it for `bucket`, as AddPermission writes it
 * (Principal service s3.amazonaws.com, lambda:InvokeFunction, `ArnLike aws:SourceArn` the bucket,
 * optionally `StringEquals aws:SourceAccount`). The evaluator in policy/ leaves conditions out; here
 * the two condition keys S3 sends are the point, so they are read.
 */
export function s3InvokeGrant(policy: PolicyDocument | undefined, bucket: string, account: string): S3InvokeGrant {
  let anyBucket: S3InvokeGrant | undefined;
  for (const statement of policy ? statementsOf(policy) : []) {
    if (statement.Effect !== 'Allow' || !allowsS3(statement) || !actionMatches(statement, 'lambda:InvokeFunction')) continue;
    const sourceArns = conditionValues(statement, 'aws:SourceArn');
    const accounts = conditionValues(statement, 'aws:SourceAccount');
    if (accounts && !accounts.includes(account)) continue;
    const grant = { allowed: true, anyBucket: !sourceArns, ...(statement.Sid ? { sid: statement.Sid } : {}) };
    if (!sourceArns) anyBucket ??= grant;
    else if (sourceArns.some((arn) => wildcardMatch(arn, `arn:aws:s3:::${bucket}`))) return grant;
  }
  return anyBucket ?? { allowed: false, anyBucket: false };
}

function allowsS3(statement: PolicyStatement): boolean {
  const principal = statement.Principal;
  if (principal === '*') return true;
  return principal !== undefined && (asList(principal.Service).includes('s3.amazonaws.com') || asList(principal.AWS).includes('*'));
}

/** The values a statement's conditions give a key, whatever the operator; undefined when no condition names it. */
function conditionValues(statement: PolicyStatement, key: string): string[] | undefined {
  let values: string[] | undefined;
  for (const operands of Object.values(statement.Condition ?? {})) {
    for (const [name, value] of Object.entries(operands ?? {})) {
      if (name.toLowerCase() === key.toLowerCase()) values = [...(values ?? []), ...asList(value)];
    }
  }
  return values;
}
