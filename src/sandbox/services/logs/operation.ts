import { logGroupArn, logGroupResource, logStreamArn } from '../../../aws-rules/arns.js';
import { AwsError } from '../../aws-error.js';
import { authorize } from '../../enforce.js';
import { ACCOUNT_ID, type SandboxRequest } from '../../http.js';
import type { World } from '../../world.js';
import type { Params } from './params.js';
import type { GroupEntry, LogStore, StoredStream } from './store.js';

/** One call of a Logs operation: what it asked and what it may touch. */
export interface LogsCall {
  req: SandboxRequest;
  /** The operation's name, as in `X-Amz-Target` and in the `logs:<Operation>` IAM action. */
  operation: string;
  params: Params;
  store: LogStore;
  world: World;
  now: number;
}

/** An operation answers the JSON body of its response. */
export type LogsOperation = (call: LogsCall) => object;

const GROUP_NAME_PATTERN = '[\\.\\-_/#A-Za-z0-9]+';
const STREAM_NAME_PATTERN = '[^:*]*';
const MAX_NAME_LENGTH = 512;

/** `logGroupArn` (DescribeLogGroups), the form TagResource takes, in the sandbox's account. */
export function groupArn(region: string, name: string): string {
  return logGroupArn(region, ACCOUNT_ID, name);
}

/** The group's `arn` field, and the resource IAM policies name for group-level calls. */
export function groupResource(region: string, name: string): string {
  return logGroupResource(region, ACCOUNT_ID, name);
}

export function streamArn(region: string, group: string, stream: string): string {
  return logStreamArn(region, ACCOUNT_ID, group, stream);
}

/** Holds a Lambda role's call to its policies (the learner's own calls are not checked). */
export function authorizeCall(call: LogsCall, resource: string): void {
  authorize(call.world, call.req, `logs:${call.operation}`, resource);
}

function groupNotFound(): AwsError {
  return new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
}

export function requireGroup(call: LogsCall, name: string): GroupEntry {
  const entry = call.store.group(call.req.region, name);
  if (!entry) throw groupNotFound();
  return entry;
}

export function requireStream(entry: GroupEntry, name: string): StoredStream {
  const stream = entry.streams.get(name);
  if (!stream) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
  return stream;
}

/** Over-long names get the service's own message rather than the generic validation one (recorded from AWS). */
function checkNameLength(name: string | undefined): void {
  if (name !== undefined && name.length > MAX_NAME_LENGTH) {
    throw new AwsError('InvalidParameterException', `Invalid LogGroup or LogStream, both must have length less than or equal to ${MAX_NAME_LENGTH}.`);
  }
}

export function readGroupName(params: Params): string {
  const name = params.string('logGroupName', { required: true, min: 1, pattern: GROUP_NAME_PATTERN });
  checkNameLength(name);
  return name;
}

export function readStreamName(params: Params): string {
  const name = params.string('logStreamName', { required: true, min: 1, pattern: STREAM_NAME_PATTERN });
  checkNameLength(name);
  return name;
}

/**
 * Reads the group of a call that takes `logGroupName` or `logGroupIdentifier` (a name or an ARN),
 * never both. Without either, it reports `logGroupName` as missing.
 */
export function readGroupReference(params: Params): string {
  const name = params.string('logGroupName', { min: 1, pattern: GROUP_NAME_PATTERN });
  // The identifier's pattern has no `*`: the `arn` DescribeLogGroups gives (ending `:*`) is refused, its `logGroupArn` taken.
  const identifier = params.string('logGroupIdentifier', { min: 1, max: 2048, pattern: '[\\w#+=/:,.@-]*' });
  checkNameLength(name);
  if (name !== undefined && identifier !== undefined) {
    throw new AwsError('ValidationException', 'LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  if (identifier !== undefined) return groupNameOf(identifier);
  if (name === undefined) params.violate('logGroupName', null, 'Member must not be null');
  return name ?? '';
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>[:*]` or a bare name. */
export function groupNameOf(identifier: string): string {
  const match = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$/.exec(identifier);
  return match ? match[1]! : identifier;
}
