import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { BucketLocationConstraint, S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import { awsCode, hasAwsCode, LabError } from '../errors.js';
import type { PolicyDocument } from '../policy/types.js';
import type { AwsClients } from './clients.js';
import { bucketElsewhere, bucketNotListable, bucketUnknowable } from './s3-errors.js';
import { waitTimedOut } from './wait-errors.js';
import type { DynamoDbApi, IamApi, Item, LambdaApi, LogsApi, S3Api, Services, StsApi, Tags } from './services.js';
import { sdkPackage } from './sdk-packages.js';

// The commands and helpers, from the SDK's packages loaded by require() (see sdk-packages.ts).
const { CreateLogGroupCommand, DeleteLogGroupCommand, FilterLogEventsCommand, ListTagsForResourceCommand: ListLogTagsCommand } = sdkPackage('@aws-sdk/client-cloudwatch-logs');
const { CreateTableCommand, DeleteItemCommand, DeleteTableCommand, DescribeTableCommand, GetItemCommand, QueryCommand, ListTagsOfResourceCommand, paginateScan, waitUntilTableExists, waitUntilTableNotExists } = sdkPackage('@aws-sdk/client-dynamodb');
const { CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, DetachRolePolicyCommand, GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetRolePolicyCommand, PutRolePolicyCommand, SimulatePrincipalPolicyCommand, UpdateAssumeRolePolicyCommand, paginateListAttachedRolePolicies, paginateListRolePolicies } = sdkPackage('@aws-sdk/client-iam');
const { AddPermissionCommand, CreateFunctionCommand, DeleteFunctionCommand, GetFunctionCommand, ListFunctionsCommand, GetPolicyCommand: GetFunctionPolicyCommand, InvokeCommand, RemovePermissionCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2 } = sdkPackage('@aws-sdk/client-lambda');
const { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetBucketNotificationConfigurationCommand, GetBucketTaggingCommand, HeadBucketCommand, ListBucketsCommand, HeadObjectCommand, ListObjectsV2Command, PutBucketNotificationConfigurationCommand, PutBucketTaggingCommand, PutObjectCommand } = sdkPackage('@aws-sdk/client-s3');
const { GetCallerIdentityCommand } = sdkPackage('@aws-sdk/client-sts');

export interface AdapterSettings {
  /**
   * Shortest pause of the SDK waiters, in seconds. AWS's default (1-5 s) suits AWS; the sandbox
   * settles in milliseconds, and a 1 s floor would dominate a local run.
   */
  waiterMinDelaySeconds?: number;
}

/** The narrow service interfaces of services.ts, over the real SDK clients. */
export function sdkServices(clients: AwsClients, settings: AdapterSettings = {}): Services {
  const waiter = (client: object, timeoutMs: number) => ({
    client,
    maxWaitTime: Math.max(timeoutMs / 1000, 2),
    ...(settings.waiterMinDelaySeconds ? { minDelay: settings.waiterMinDelaySeconds, maxDelay: Math.max(settings.waiterMinDelaySeconds * 8, 1) } : {}),
  });
  // Lazy: a command that never touches a service never builds its client (nor its adapter).
  const s3 = once(() => s3Api(clients.s3));
  const dynamodb = once(() => dynamoDbApi(clients.dynamodb, waiter));
  const iam = once(() => iamApi(clients.iam));
  const lambda = once(() => lambdaApi(clients.lambda, waiter));
  const logs = once(() => logsApi(clients.logs));
  const sts = once(() => stsApi(clients.sts));
  return {
    get s3() {
      return s3();
    },
    get dynamodb() {
      return dynamodb();
    },
    get iam() {
      return iam();
    },
    get lambda() {
      return lambda();
    },
    get logs() {
      return logs();
    },
    get sts() {
      return sts();
    },
  };
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

type WaiterConfig = (client: object, timeoutMs: number) => { client: object; maxWaitTime: number; minDelay?: number; maxDelay?: number };

/**
 * Runs an SDK waiter; when it gives up (timeout, or a failure state such as a function's `Failed`),
 * throws the `WaitTimedOut` LabError with what `lastSeen` reports now. Errors the tool already
 * explained (a network failure) pass through.
 */
async function waitOrExplain(what: string, timeoutMs: number, wait: () => Promise<unknown>, lastSeen: () => Promise<string | undefined>): Promise<void> {
  try {
    await wait();
  } catch (error) {
    if (error instanceof LabError) throw error;
    throw waitTimedOut(what, timeoutMs, await lastSeen().catch(() => undefined), error);
  }
}

/** `undefined` for the listed "does not exist" codes, the SDK's error for anything else. */
async function orMissing<T>(call: Promise<T>, ...missingCodes: string[]): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (hasAwsCode(error, ...missingCodes)) return undefined;
    throw error;
  }
}

/** IAM answers policy documents URL-encoded. */
function parsePolicy(text: string | undefined): PolicyDocument {
  return JSON.parse(decodeURIComponent(text ?? '{}')) as PolicyDocument;
}

const tagList = (tags: Tags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
const tagMap = (list: { Key?: string; Value?: string }[] | undefined): Tags =>
  Object.fromEntries((list ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));

// IAM's query protocol says `NoSuchEntity`; the SDK names the exception `NoSuchEntityException`.
const NO_SUCH_ENTITY = ['NoSuchEntity', 'NoSuchEntityException'];

function s3Api(s3: S3Client): S3Api {
  /**
   * HeadBucket answers 403 both for another account's bucket and for your own when you may not
   * s3:ListBucket. Your bucket list (ListBuckets, filtered by the name) tells them apart.
   */
  const forbiddenWhy = async (bucket: string): Promise<'forbidden'> => {
    let listed: boolean;
    try {
      const answer = await s3.send(new ListBucketsCommand({ Prefix: bucket, MaxBuckets: 1000 }));
      listed = (answer.Buckets ?? []).some((b) => b.Name === bucket);
    } catch (error) {
      if (hasAwsCode(error, 'AccessDenied', 'Forbidden')) throw bucketUnknowable(bucket);
      throw error;
    }
    if (listed) throw bucketNotListable(bucket);
    return 'forbidden';
  };
  return {
    async listBuckets() {
      return ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name ?? '');
    },
    async headBucket(bucket) {
      try {
        await s3.send(new HeadBucketCommand({ Bucket: bucket }));
        return 'owned';
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || hasAwsCode(error, 'NotFound', 'NoSuchBucket')) return 'missing';
        // Asked of the wrong region, S3 answers 301 (400 for a request signed for the wrong region), without
        // a body on HEAD, so the SDK can only say "UnknownError": the region is in a header.
        const region = (error as { $response?: { headers?: Record<string, string> } }).$response?.headers?.['x-amz-bucket-region'];
        if ((status === 301 || status === 400) && region) throw bucketElsewhere(bucket, region, await s3.config.region());
        if (status === 403 || hasAwsCode(error, 'Forbidden', 'AccessDenied')) return forbiddenWhy(bucket);
        throw error;
      }
    },
    async createBucket(bucket, region) {
      // us-east-1 is the one region that rejects a LocationConstraint naming itself.
      await s3.send(
        new CreateBucketCommand({
          Bucket: bucket,
          ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
        }),
      );
    },
    async tagBucket(bucket, tags) {
      await s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tagList(tags) } }));
    },
    async bucketTags(bucket) {
      const answer = await orMissing(s3.send(new GetBucketTaggingCommand({ Bucket: bucket })), 'NoSuchTagSet');
      return answer ? tagMap(answer.TagSet) : {};
    },
    async getNotifications(bucket) {
      const { $metadata: _metadata, ...configuration } = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }));
      return configuration;
    },
    async putNotifications(bucket, configuration) {
      await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: configuration }));
    },
    async putObject(bucket, key, body, metadata) {
      const answer = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/plain', ...(metadata ? { Metadata: metadata } : {}) }));
      return { etag: (answer.ETag ?? '').replaceAll('"', '') };
    },
    async headObject(bucket, key) {
      const answer = await orMissing(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), 'NotFound', 'NoSuchKey');
      return answer && { etag: (answer.ETag ?? '').replaceAll('"', ''), metadata: answer.Metadata ?? {} };
    },
    async listKeys(bucket, prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
    async deleteObject(bucket, key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async deleteBucket(bucket) {
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    },
  };
}

function dynamoDbApi(dynamodb: DynamoDBClient, waiter: WaiterConfig): DynamoDbApi {
  const api: DynamoDbApi = {
    async describeTable(name) {
      const answer = await orMissing(dynamodb.send(new DescribeTableCommand({ TableName: name })), 'ResourceNotFoundException');
      const table = answer?.Table;
      if (!table) return undefined;
      const types = new Map((table.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]));
      return {
        arn: table.TableArn ?? '',
        status: table.TableStatus ?? 'UNKNOWN',
        keySchema: (table.KeySchema ?? []).map((k) => ({ name: k.AttributeName ?? '', keyType: k.KeyType as 'HASH' | 'RANGE', type: types.get(k.AttributeName) })),
      };
    },
    async createTable({ name, hashKey, rangeKey, tags }) {
      await dynamodb.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [
            { AttributeName: hashKey, AttributeType: 'S' },
            { AttributeName: rangeKey, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: hashKey, KeyType: 'HASH' },
            { AttributeName: rangeKey, KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          Tags: tagList(tags),
        }),
      );
    },
    async waitForTableActive(name, timeoutMs) {
      await waitOrExplain(
        `table ${name} to become ACTIVE`,
        timeoutMs,
        () => waitUntilTableExists(waiter(dynamodb, timeoutMs) as Parameters<typeof waitUntilTableExists>[0], { TableName: name }),
        () => api.describeTable(name).then((t) => t?.status ?? 'missing'),
      );
    },
    async waitForTableGone(name, timeoutMs) {
      await waitOrExplain(
        `table ${name} to finish deleting`,
        timeoutMs,
        () => waitUntilTableNotExists(waiter(dynamodb, timeoutMs) as Parameters<typeof waitUntilTableNotExists>[0], { TableName: name }),
        () => api.describeTable(name).then((t) => t?.status),
      );
    },
    async tableTags(arn) {
      const answer = await orMissing(dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arn })), 'ResourceNotFoundException');
      return answer && tagMap(answer.Tags);
    },
    async deleteTable(name) {
      await dynamodb.send(new DeleteTableCommand({ TableName: name }));
    },
    async getItem(table, key) {
      const answer = await dynamodb.send(new GetItemCommand({ TableName: table, Key: itemKey(key), ConsistentRead: true }));
      return answer.Item ? unmarshallItem(answer.Item) : undefined;
    },
    async deleteItem(table, key) {
      await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: itemKey(key) }));
    },
    async scanItems(table) {
      const items: Item[] = [];
      // Keys and etag only: enough to tell the lab's items from the others, whatever else they hold.
      const pages = paginateScan({ client: dynamodb }, { TableName: table, ConsistentRead: true, ProjectionExpression: '#b, #k, #e', ExpressionAttributeNames: { '#b': 'bucket', '#k': 'object_key', '#e': 'etag' } });
      for await (const page of pages) for (const item of page.Items ?? []) items.push(unmarshallItem(item));
      return items;
    },
    async itemsWithKeyPrefix(table, bucket, prefix) {
      const answer = await dynamodb.send(
        new QueryCommand({
          TableName: table,
          // `bucket` is a DynamoDB reserved word: name both key attributes through placeholders.
          KeyConditionExpression: '#bucket = :bucket AND begins_with(#key, :prefix)',
          ExpressionAttributeNames: { '#bucket': 'bucket', '#key': 'object_key' },
          ExpressionAttributeValues: { ':bucket': { S: bucket }, ':prefix': { S: prefix } },
          ConsistentRead: true,
          Limit: 10,
        }),
      );
      return (answer.Items ?? []).map(unmarshallItem);
    },
  };
  return api;
}

const itemKey = (key: { bucket: string; object_key: string }) => ({ bucket: { S: key.bucket }, object_key: { S: key.object_key } });

function unmarshallItem(item: Record<string, AttributeValue>): Item {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, unmarshallValue(value)]));
}

function unmarshallValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.M !== undefined) return unmarshallItem(value.M);
  if (value.L !== undefined) return value.L.map(unmarshallValue);
  if (value.SS !== undefined) return value.SS;
  if (value.NS !== undefined) return value.NS.map(Number);
  return value.B ?? value.BS;
}

function iamApi(iam: IAMClient): IamApi {
  // IAM pages its lists (100 by default): a role with many policies must be read to the end.
  const inlinePolicyNames = async (role: string): Promise<string[]> => {
    const names: string[] = [];
    for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: role })) names.push(...(page.PolicyNames ?? []));
    return names;
  };
  const attachedPolicyArns = async (role: string): Promise<string[]> => {
    const arns: string[] = [];
    for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: role })) {
      for (const policy of page.AttachedPolicies ?? []) if (policy.PolicyArn) arns.push(policy.PolicyArn);
    }
    return arns;
  };
  return {
    async getRole(name) {
      const answer = await orMissing(iam.send(new GetRoleCommand({ RoleName: name })), ...NO_SUCH_ENTITY);
      const role = answer?.Role;
      return role && { arn: role.Arn ?? '', trustPolicy: parsePolicy(role.AssumeRolePolicyDocument), tags: role.Tags && tagMap(role.Tags) };
    },
    async createRole(name, trustPolicy, tags) {
      const answer = await iam.send(
        new CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: JSON.stringify(trustPolicy),
          Description: 'Execution role of the upload-lab function (created by upload-lab).',
          Tags: tagList(tags),
        }),
      );
      return { arn: answer.Role?.Arn ?? '' };
    },
    async updateTrustPolicy(name, trustPolicy) {
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: JSON.stringify(trustPolicy) }));
    },
    async getRolePolicy(role, policyName) {
      const answer = await orMissing(iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: policyName })), ...NO_SUCH_ENTITY);
      return answer && parsePolicy(answer.PolicyDocument);
    },
    async putRolePolicy(role, policyName, document) {
      await iam.send(new PutRolePolicyCommand({ RoleName: role, PolicyName: policyName, PolicyDocument: JSON.stringify(document) }));
    },
    async deleteRolePolicy(role, policyName) {
      await iam.send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: policyName }));
    },
    async deleteRole(name) {
      await iam.send(new DeleteRoleCommand({ RoleName: name }));
    },
    inlinePolicyNames,
    attachedPolicyArns,
    async detachPolicy(role, policyArn) {
      await iam.send(new DetachRolePolicyCommand({ RoleName: role, PolicyArn: policyArn }));
    },
    async rolePolicies(role) {
      const documents = await Promise.all(
        (await inlinePolicyNames(role)).map(async (name) => {
          const answer = await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: name }));
          return { name, document: parsePolicy(answer.PolicyDocument) };
        }),
      );
      for (const arn of await attachedPolicyArns(role)) {
        const meta = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
        const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: meta.Policy?.DefaultVersionId }));
        documents.push({ name: meta.Policy?.PolicyName ?? arn, document: parsePolicy(version.PolicyVersion?.Document) });
      }
      return documents;
    },
    async simulate(principalArn, requests) {
      // SimulatePrincipalPolicy crosses every action with every resource: ask once per resource.
      const decisions = new Map<string, 'allowed' | 'explicitDeny' | 'implicitDeny'>();
      for (const resource of new Set(requests.map((r) => r.resource))) {
        const actions = requests.filter((r) => r.resource === resource).map((r) => r.action);
        const answer = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: principalArn, ActionNames: actions, ResourceArns: [resource] }));
        for (const result of answer.EvaluationResults ?? []) {
          decisions.set(`${result.EvalActionName}|${resource}`, (result.EvalDecision ?? 'implicitDeny') as 'allowed' | 'explicitDeny' | 'implicitDeny');
        }
      }
      return requests.map((r) => decisions.get(`${r.action}|${r.resource}`) ?? 'implicitDeny');
    },
  };
}

function lambdaApi(lambda: LambdaClient, waiter: WaiterConfig): LambdaApi {
  const api: LambdaApi = {
    async listFunctions() {
      return ((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName ?? '');
    },
    async getFunction(name) {
      const answer = await orMissing(lambda.send(new GetFunctionCommand({ FunctionName: name })), 'ResourceNotFoundException');
      const config = answer?.Configuration;
      if (!config) return undefined;
      return {
        arn: config.FunctionArn ?? '',
        role: config.Role ?? '',
        handler: config.Handler,
        runtime: config.Runtime,
        codeSha256: config.CodeSha256,
        environment: config.Environment?.Variables ?? {},
        state: config.State,
        lastUpdateStatus: config.LastUpdateStatus,
        tags: answer.Tags,
      };
    },
    async createFunction(input) {
      const answer = await lambda.send(
        new CreateFunctionCommand({
          FunctionName: input.name,
          Role: input.roleArn,
          Code: { ZipFile: input.zip },
          Handler: input.handler,
          Runtime: input.runtime as never,
          Environment: { Variables: input.environment },
          Description: 'Saves S3 upload metadata to DynamoDB (created by upload-lab).',
          Timeout: 10,
          MemorySize: 128,
          Tags: input.tags,
        }),
      );
      return { arn: answer.FunctionArn ?? '' };
    },
    async updateCode(name, zip) {
      await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip }));
    },
    async updateConfiguration(name, changes) {
      await lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: name,
          ...(changes.environment ? { Environment: { Variables: changes.environment } } : {}),
          ...(changes.handler ? { Handler: changes.handler } : {}),
          ...(changes.runtime ? { Runtime: changes.runtime as never } : {}),
        }),
      );
    },
    async waitActive(name, timeoutMs) {
      await waitOrExplain(
        `function ${name} to become Active`,
        timeoutMs,
        () => waitUntilFunctionActiveV2(waiter(lambda, timeoutMs) as Parameters<typeof waitUntilFunctionActiveV2>[0], { FunctionName: name }),
        () => api.getFunction(name).then((f) => f && `${f.state}`),
      );
    },
    async waitUpdated(name, timeoutMs) {
      await waitOrExplain(
        `the update of function ${name} to finish`,
        timeoutMs,
        () => waitUntilFunctionUpdatedV2(waiter(lambda, timeoutMs) as Parameters<typeof waitUntilFunctionUpdatedV2>[0], { FunctionName: name }),
        () => api.getFunction(name).then((f) => f && `${f.lastUpdateStatus}`),
      );
    },
    async getPolicy(name) {
      const answer = await orMissing(lambda.send(new GetFunctionPolicyCommand({ FunctionName: name })), 'ResourceNotFoundException');
      return answer?.Policy ? (JSON.parse(answer.Policy) as PolicyDocument) : undefined;
    },
    async addPermission(input) {
      await lambda.send(
        new AddPermissionCommand({
          FunctionName: input.name,
          StatementId: input.statementId,
          Action: 'lambda:InvokeFunction',
          Principal: input.principal,
          SourceArn: input.sourceArn,
          SourceAccount: input.sourceAccount,
        }),
      );
    },
    async removePermission(name, statementId) {
      await lambda.send(new RemovePermissionCommand({ FunctionName: name, StatementId: statementId }));
    },
    async invoke(name, payload) {
      const answer = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(payload) }));
      return { functionError: answer.FunctionError, payload: answer.Payload ? new TextDecoder().decode(answer.Payload) : '' };
    },
    async deleteFunction(name) {
      await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    },
  };
  return api;
}

function logsApi(logs: CloudWatchLogsClient): LogsApi {
  return {
    async filterEvents(group, pattern, startTime) {
      const events: { timestamp: number; message: string }[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await logs.send(new FilterLogEventsCommand({ logGroupName: group, ...(pattern ? { filterPattern: pattern } : {}), startTime, nextToken: token }));
          for (const event of page.events ?? []) events.push({ timestamp: event.timestamp ?? 0, message: event.message ?? '' });
          token = page.nextToken;
        } while (token);
      } catch (error) {
        // The group appears only after the function's first invocation.
        if (awsCode(error) === 'ResourceNotFoundException') return [];
        throw error;
      }
      return events;
    },
    async createLogGroup(group, tags) {
      await logs.send(new CreateLogGroupCommand({ logGroupName: group, tags }));
    },
    async logGroupTags(arn) {
      const answer = await orMissing(logs.send(new ListLogTagsCommand({ resourceArn: arn })), 'ResourceNotFoundException');
      return answer && (answer.tags ?? {});
    },
    async deleteLogGroup(group) {
      return (await orMissing(logs.send(new DeleteLogGroupCommand({ logGroupName: group })).then(() => true), 'ResourceNotFoundException')) ?? false;
    },
  };
}

function stsApi(sts: STSClient): StsApi {
  return {
    async callerIdentity() {
      const answer = await sts.send(new GetCallerIdentityCommand({}));
      return { account: answer.Account ?? '', arn: answer.Arn ?? '' };
    },
  };
}
