import type { NotificationConfiguration } from '@aws-sdk/client-s3';
import type { PolicyDocument } from '../policy/types.js';

/**
 * One narrow interface per AWS service: just the operations the lab uses, in the lab's own terms.
 * Steps depend on these, never on SDK clients, so a unit test fakes a service in a few lines.
 * `aws/sdk-services.ts` implements them over the real SDK clients.
 *
 * Conventions: reading something that does not exist answers `undefined` (not an error); every other
 * AWS error is thrown as the SDK raised it, so callers can tell them apart by `name` (the AWS code).
 */

export type Tags = Record<string, string>;

export interface KeyElement {
  name: string;
  keyType: 'HASH' | 'RANGE';
  /** The attribute type, `S`, `N` or `B`. */
  type: string | undefined;
}

export interface TableInfo {
  arn: string;
  status: string;
  keySchema: KeyElement[];
}

/** A DynamoDB item as plain values (strings, numbers, booleans, lists, maps). */
export type Item = Record<string, unknown>;
export interface ItemKey {
  bucket: string;
  object_key: string;
}

export interface DynamoDbApi {
  describeTable(name: string): Promise<TableInfo | undefined>;
  /** Composite key of two strings, on-demand capacity. Returns at once; the table is CREATING. */
  createTable(input: { name: string; hashKey: string; rangeKey: string; tags: Tags }): Promise<void>;
  /** Throws a `WaitTimedOut` LabError (what, how long, the status seen last) once `timeoutMs` passes. */
  waitForTableActive(name: string, timeoutMs: number): Promise<void>;
  /** A DELETING table is gone only once DynamoDB has finished deleting it; same timeout error. */
  waitForTableGone(name: string, timeoutMs: number): Promise<void>;
  tableTags(arn: string): Promise<Tags | undefined>;
  deleteTable(name: string): Promise<void>;
  getItem(table: string, key: ItemKey): Promise<Item | undefined>;
  deleteItem(table: string, key: ItemKey): Promise<void>;
  /** Every item's `bucket`, `object_key` and `etag` (all pages). */
  scanItems(table: string): Promise<Item[]>;
  /** Query: a few items of `bucket` whose object_key starts with `prefix` (what a handler stored for a probe, under whatever key). */
  itemsWithKeyPrefix(table: string, bucket: string, prefix: string): Promise<Item[]>;
}

export type BucketAccess = 'owned' | 'missing' | 'forbidden';

export interface S3Api {
  /**
   * `forbidden`: the name belongs to another account. A bucket of yours in another region, or one you
   * may not look into, throws a LabError that says so.
   */
  headBucket(bucket: string): Promise<BucketAccess>;
  /** The account's bucket names (what verify suggests when the lab's is not found). */
  listBuckets(): Promise<string[]>;
  createBucket(bucket: string, region: string): Promise<void>;
  tagBucket(bucket: string, tags: Tags): Promise<void>;
  bucketTags(bucket: string): Promise<Tags | undefined>;
  getNotifications(bucket: string): Promise<NotificationConfiguration>;
  putNotifications(bucket: string, configuration: NotificationConfiguration): Promise<void>;
  /** `metadata` becomes `x-amz-meta-*`: how the lab marks the objects it writes. */
  putObject(bucket: string, key: string, body: string, metadata?: Record<string, string>): Promise<{ etag: string }>;
  /** HeadObject: undefined when there is no such object. Metadata names are lowercase, without `x-amz-meta-`. */
  headObject(bucket: string, key: string): Promise<{ etag: string; metadata: Record<string, string> } | undefined>;
  listKeys(bucket: string, prefix?: string): Promise<string[]>;
  deleteObject(bucket: string, key: string): Promise<void>;
  deleteBucket(bucket: string): Promise<void>;
}

export interface RoleInfo {
  arn: string;
  trustPolicy: PolicyDocument;
  tags: Tags | undefined;
}

export type SimulationDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface IamApi {
  getRole(name: string): Promise<RoleInfo | undefined>;
  createRole(name: string, trustPolicy: PolicyDocument, tags: Tags): Promise<{ arn: string }>;
  /** iam:UpdateAssumeRolePolicy: replaces who may assume the role. */
  updateTrustPolicy(name: string, trustPolicy: PolicyDocument): Promise<void>;
  getRolePolicy(role: string, policyName: string): Promise<PolicyDocument | undefined>;
  putRolePolicy(role: string, policyName: string, document: PolicyDocument): Promise<void>;
  deleteRolePolicy(role: string, policyName: string): Promise<void>;
  deleteRole(name: string): Promise<void>;
  /** Every page of ListRolePolicies: the names of the role's inline policies. */
  inlinePolicyNames(role: string): Promise<string[]>;
  /** Every page of ListAttachedRolePolicies: the ARNs of the managed policies attached to the role. */
  attachedPolicyArns(role: string): Promise<string[]>;
  detachPolicy(role: string, policyArn: string): Promise<void>;
  /** Every identity policy on the role, named: its inline policies and its attached managed policies' default versions. */
  rolePolicies(role: string): Promise<{ name: string; document: PolicyDocument }[]>;
  /** iam:SimulatePrincipalPolicy, one decision per request. */
  simulate(principalArn: string, requests: { action: string; resource: string }[]): Promise<SimulationDecision[]>;
}

export interface FunctionInfo {
  arn: string;
  role: string;
  handler: string | undefined;
  runtime: string | undefined;
  codeSha256: string | undefined;
  environment: Record<string, string>;
  state: string | undefined;
  lastUpdateStatus: string | undefined;
  tags: Tags | undefined;
}

export interface InvokeResult {
  /** `Unhandled` or `Handled` when the function threw. */
  functionError: string | undefined;
  payload: string;
}

export interface LambdaApi {
  getFunction(name: string): Promise<FunctionInfo | undefined>;
  /** The region's function names, first page (what verify suggests when the lab's is not found). */
  listFunctions(): Promise<string[]>;
  createFunction(input: {
    name: string;
    roleArn: string;
    zip: Uint8Array;
    handler: string;
    runtime: string;
    environment: Record<string, string>;
    tags: Tags;
  }): Promise<{ arn: string }>;
  updateCode(name: string, zip: Uint8Array): Promise<void>;
  updateConfiguration(name: string, changes: { environment?: Record<string, string>; handler?: string; runtime?: string }): Promise<void>;
  /** SDK waiters: `State: Active`, and `LastUpdateStatus: Successful` after an update; a `WaitTimedOut` LabError after `timeoutMs`. */
  waitActive(name: string, timeoutMs: number): Promise<void>;
  waitUpdated(name: string, timeoutMs: number): Promise<void>;
  getPolicy(name: string): Promise<PolicyDocument | undefined>;
  addPermission(input: { name: string; statementId: string; principal: string; sourceArn: string; sourceAccount: string }): Promise<void>;
  removePermission(name: string, statementId: string): Promise<void>;
  invoke(name: string, payload: string): Promise<InvokeResult>;
  deleteFunction(name: string): Promise<void>;
}

export interface LogEvent {
  timestamp: number;
  message: string;
}

export interface LogsApi {
  /** FilterLogEvents over the whole group; no events (not an error) while the group does not exist yet. */
  filterEvents(group: string, pattern: string, startTime?: number): Promise<LogEvent[]>;
  /** Fails with ResourceAlreadyExistsException when the group exists. */
  createLogGroup(group: string, tags: Tags): Promise<void>;
  /** ListTagsForResource by the group's ARN; undefined when there is no such group. */
  logGroupTags(arn: string): Promise<Tags | undefined>;
  /** False when there was no such group. */
  deleteLogGroup(group: string): Promise<boolean>;
}

export interface StsApi {
  callerIdentity(): Promise<{ account: string; arn: string }>;
}

export interface Services {
  s3: S3Api;
  dynamodb: DynamoDbApi;
  iam: IamApi;
  lambda: LambdaApi;
  logs: LogsApi;
  sts: StsApi;
}
