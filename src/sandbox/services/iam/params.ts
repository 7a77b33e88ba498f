import { AwsError } from '../../aws-error.js';
import { memberStructs, requireParam } from '../../protocols/query.js';
import { checkPolicyDocument, type PolicyKind } from '../../../policy/validate.js';
import type { Tag } from './store.js';

/** AWS's wording for one failed constraint on a request member (`roleName`, `maxItems`, …). */
function validationError(member: string, value: string, constraint: string): AwsError {
  return new AwsError('ValidationError', `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`, 400);
}

function memberName(param: string): string {
  return param.charAt(0).toLowerCase() + param.slice(1);
}

/** A required entity name (RoleName, PolicyName) checked against IAM's pattern and length. */
export function requireName(params: URLSearchParams, param: string, maxLength: number): string {
  const value = requireParam(params, param);
  if (value.length > maxLength) throw validationError(memberName(param), value, `Member must have length less than or equal to ${maxLength}`);
  if (!/^[\w+=,.@-]+$/.test(value)) throw validationError(memberName(param), value, 'Member must satisfy regular expression pattern: [\\w+=,.@-]+');
  return value;
}

/** A policy document parameter, refused with IAM's MalformedPolicyDocument when it does not parse or validate. */
export function requireDocument(params: URLSearchParams, param: string, kind: PolicyKind): string {
  const text = requireParam(params, param);
  const check = checkPolicyDocument(text, kind);
  if (!check.ok) throw new AwsError('MalformedPolicyDocument', check.error, 400);
  return text;
}

/** Path (for creation) or PathPrefix (for lists): `/` by default, must begin and end with `/`. */
export function optionalPath(params: URLSearchParams, param: 'Path' | 'PathPrefix'): string {
  const value = params.get(param) ?? '/';
  const valid = param === 'Path' ? /^\/([\x21-\x7e]*\/)?$/ : /^\/[\x21-\x7e]*$/;
  if (value.length > 512 || !valid.test(value)) {
    throw new AwsError('ValidationError', `The specified value for ${memberName(param)} is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.`, 400);
  }
  return value;
}

export function optionalInt(params: URLSearchParams, param: string, min: number, max: number): number | undefined {
  const text = params.get(param);
  if (text === null || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value)) throw validationError(memberName(param), text, 'Member must be an integer');
  if (value < min) throw validationError(memberName(param), text, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw validationError(memberName(param), text, `Member must have value less than or equal to ${max}`);
  return value;
}

/** `Tags.member.N.Key/Value`. */
export function tagsParam(params: URLSearchParams): Tag[] {
  return memberStructs(params, 'Tags', ['Key', 'Value']).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
}

/** Adds or replaces tags by key, as TagRole does; IAM allows 50 tags per entity. */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const merged = new Map(existing.map((t) => [t.Key, t]));
  for (const tag of added) merged.set(tag.Key, tag);
  if (merged.size > 50) throw new AwsError('LimitExceeded', 'The number of tags has reached the maximum limit.', 409);
  return [...merged.values()];
}

/**
 * A policy ARN as AttachRolePolicy, GetPolicy and DeletePolicy take it. IAM says only that it could not
 * parse it (with two spaces: the recorded message has them).
 */
export function requirePolicyArn(params: URLSearchParams): string {
  const arn = requireParam(params, 'PolicyArn');
  if (!/^arn:[^:]+:iam::[^:]*:policy\/.+$/.test(arn)) throw new AwsError('ValidationError', 'Invalid ARN:  Could not be parsed!', 400);
  return arn;
}

export interface Page<T> {
  items: T[];
  /** The list's wire fields: IsTruncated, and Marker when there is more. */
  fields: { IsTruncated: boolean; Marker?: string };
}

/**
 * IAM's Marker/MaxItems paging over a list sorted by `keyOf`. The marker is the key of the next
 * item, so a page still makes sense after entities were added or removed between calls.
 */
export function paginate<T>(items: T[], params: URLSearchParams, keyOf: (item: T) => string): Page<T> {
  const maxItems = optionalInt(params, 'MaxItems', 1, 1000) ?? 100;
  const marker = params.get('Marker');
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const start = marker ? sorted.findIndex((item) => keyOf(item) >= marker) : 0;
  const rest = start < 0 ? [] : sorted.slice(start);
  const page = rest.slice(0, maxItems);
  const next = rest[maxItems];
  return { items: page, fields: next === undefined ? { IsTruncated: false } : { IsTruncated: true, Marker: keyOf(next) } };
}
