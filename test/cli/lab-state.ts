import assert from 'node:assert/strict';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsClients } from '../../src/aws/clients.js';
import { sdkServices } from '../../src/aws/sdk-services.js';

/** Asserts, through the SDK, that none of the named lab resources exists any more. */
export async function assertNothingLeft(clients: AwsClients, names: { bucket?: string; table: string; function: string; role: string }): Promise<void> {
  const services = sdkServices(clients);
  assert.equal(await services.dynamodb.describeTable(names.table), undefined, `table ${names.table} is left`);
  assert.equal(await services.lambda.getFunction(names.function), undefined, `function ${names.function} is left`);
  assert.equal(await services.iam.getRole(names.role), undefined, `role ${names.role} is left`);
  const groups = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${names.function}` }));
  assert.deepEqual(groups.logGroups ?? [], [], `log group of ${names.function} is left`);
  if (names.bucket) assert.equal(await services.s3.headBucket(names.bucket), 'missing', `bucket ${names.bucket} is left`);
}
