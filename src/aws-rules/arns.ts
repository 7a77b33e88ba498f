/**
 * ARNs, built one way for both sides: the lab names the resources it grants and checks, the sandbox
 * answers and authorises with the same strings. The account is a parameter: the lab's is the
 * learner's, the sandbox's is always 000000000000.
 */

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

export function objectArn(bucket: string, key: string): string {
  return `${bucketArn(bucket)}/${key}`;
}

export function tableArn(region: string, account: string, table: string): string {
  return `arn:aws:dynamodb:${region}:${account}:table/${table}`;
}

export function functionArn(region: string, account: string, name: string): string {
  return `arn:aws:lambda:${region}:${account}:function:${name}`;
}

/** `path` is IAM's, `/` unless the role was created with another: it stands between `role` and the name. */
export function roleArn(account: string, name: string, path = '/'): string {
  return `arn:aws:iam::${account}:role${path}${name}`;
}

export function policyArn(account: string, name: string, path = '/'): string {
  return `arn:aws:iam::${account}:policy${path}${name}`;
}

/** The log group Lambda writes a function's output to. */
export function functionLogGroup(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** `logGroupArn` as DescribeLogGroups answers it (no `:*`); `*` as the name covers every group. */
export function logGroupArn(region: string, account: string, group: string): string {
  return `arn:aws:logs:${region}:${account}:log-group:${group}`;
}

/** The resource IAM policies name for a log group and everything in it, and the group's `arn` field. */
export function logGroupResource(region: string, account: string, group: string): string {
  return `${logGroupArn(region, account, group)}:*`;
}

export function logStreamArn(region: string, account: string, group: string, stream: string): string {
  return `${logGroupArn(region, account, group)}:log-stream:${stream}`;
}

/** The account itself as a principal (a 12-digit account id in a policy means this). */
export function accountRootArn(account: string): string {
  return `arn:aws:iam::${account}:root`;
}

/** Who a role session is, as STS GetCallerIdentity names it. */
export function assumedRoleArn(account: string, role: string, session: string): string {
  return `arn:aws:sts::${account}:assumed-role/${role}/${session}`;
}

/** A function ARN's parts, `:qualifier` included when present; undefined for anything else. */
export function functionArnParts(arn: string): { region: string; account: string; name: string; qualifier?: string } | undefined {
  const match = /^arn:aws:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/.exec(arn);
  if (!match) return undefined;
  const [, region, account, name, qualifier] = match;
  return { region: region!, account: account!, name: name!, ...(qualifier ? { qualifier } : {}) };
}
