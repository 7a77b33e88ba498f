import { policyArn } from '../../../aws-rules/arns.js';
import { createHash } from 'node:crypto';

/** An AWS managed policy: global, read-only, known by its `arn:aws:iam::aws:policy/…` ARN. */
export interface AwsManagedPolicy {
  name: string;
  path: string;
  arn: string;
  /** `ANPA…`, derived from the ARN so it is stable; not AWS's real id. */
  policyId: string;
  description: string;
  /** The default version's document, as JSON text. */
  document: string;
}

function managed(path: string, name: string, description: string, statement: unknown[]): AwsManagedPolicy {
  const arn = policyArn('aws', name, path);
  const policyId = 'ANPA' + createHash('sha256').update(arn).digest('hex').slice(0, 17).toUpperCase();
  return { name, path, arn, policyId, description, document: JSON.stringify({ Version: '2012-10-17', Statement: statement }) };
}

const LOG_WRITES = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

/**
 * The AWS managed policies a learner attaches in this lab. Documents are AWS's, trimmed to the statements
 * that matter here (see docs/sandbox/iam.md): AWSLambdaBasicExecutionRole and AWSLambdaDynamoDBExecutionRole
 * are complete; the others keep their main grants. AWSLambdaDynamoDBExecutionRole is kept on purpose: it
 * reads DynamoDB *streams* and does not grant dynamodb:PutItem, a classic mistake in this lab.
 */
export const AWS_MANAGED_POLICIES: readonly AwsManagedPolicy[] = [
  managed('/service-role/', 'AWSLambdaBasicExecutionRole', 'Provides write permissions to CloudWatch Logs.', [
    { Effect: 'Allow', Action: LOG_WRITES, Resource: '*' },
  ]),
  managed('/service-role/', 'AWSLambdaDynamoDBExecutionRole', 'Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs.', [
    {
      Effect: 'Allow',
      Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', ...LOG_WRITES],
      Resource: '*',
    },
  ]),
  managed('/', 'AmazonDynamoDBFullAccess', 'Provides full access to Amazon DynamoDB via the AWS Management Console.', [
    {
      Action: ['dynamodb:*', 'dax:*', 'application-autoscaling:*', 'cloudwatch:DeleteAlarms', 'cloudwatch:DescribeAlarms', 'cloudwatch:PutMetricAlarm', 'kms:DescribeKey', 'kms:ListAliases', 'lambda:ListFunctions', 'sns:ListTopics'],
      Effect: 'Allow',
      Resource: '*',
    },
    {
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: '*',
      Condition: { StringLike: { 'iam:PassedToService': ['application-autoscaling.amazonaws.com', 'dax.amazonaws.com'] } },
    },
  ]),
  managed('/', 'AmazonS3ReadOnlyAccess', 'Provides read only access to all buckets via the AWS Management Console.', [
    { Effect: 'Allow', Action: ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'], Resource: '*' },
  ]),
  managed('/', 'AWSLambda_FullAccess', 'Grants full access to AWS Lambda service, AWS Lambda console features, and other related AWS services.', [
    {
      Effect: 'Allow',
      Action: ['cloudformation:DescribeStacks', 'cloudwatch:GetMetricData', 'cloudwatch:ListMetrics', 'iam:GetRole', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies', 'iam:ListRoles', 'lambda:*', 'logs:DescribeLogGroups', 's3:ListAllMyBuckets', 's3:ListBucket'],
      Resource: '*',
    },
    { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*', Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } } },
    {
      Effect: 'Allow',
      Action: ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents', 'logs:StartLiveTail', 'logs:StopLiveTail'],
      Resource: 'arn:aws:logs:*:*:log-group:/aws/lambda/*',
    },
  ]),
];

export function awsManagedPolicy(arn: string): AwsManagedPolicy | undefined {
  return AWS_MANAGED_POLICIES.find((p) => p.arn === arn);
}
