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
