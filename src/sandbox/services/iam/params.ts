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

/** IAM's tag pattern: letters, separators (spaces), numbers and `_.:/=+-@` (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Tag.html). */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TAG_PATTERN = '[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+';

/**
 * `Tags.member.N.Key/Value`, checked as IAM checks a request's tags: at most 50, keys 1-128 characters
 * and values at most 256 of the tag pattern, no key twice (keys are case-insensitive).
 */
export function tagsParam(params: URLSearchParams): Tag[] {
  const tags = memberStructs(params, 'Tags', ['Key', 'Value']).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
  if (tags.length > 50) {
    throw validationError('tags', `[${tags.map((t) => `Tag(key=${t.Key}, value=${t.Value})`).join(', ')}]`, 'Member must have length less than or equal to 50');
  }
  tags.forEach(({ Key, Value }, i) => {
    const at = `tags.${i + 1}.member`;
    if (Key.length < 1) throw validationError(`${at}.key`, Key, 'Member must have length greater than or equal to 1');
    if (Key.length > 128) throw validationError(`${at}.key`, Key, 'Member must have length less than or equal to 128');
    if (!TAG_TEXT.test(Key)) throw validationError(`${at}.key`, Key, `Member must satisfy regular expression pattern: ${TAG_PATTERN}`);
    if (Value.length > 256) throw validationError(`${at}.value`, Value, 'Member must have length less than or equal to 256');
    if (!TAG_TEXT.test(Value)) throw validationError(`${at}.value`, Value, `Member must satisfy regular expression pattern: ${TAG_PATTERN.replace(/\+$/, '*')}`);
  });
  if (new Set(tags.map((t) => t.Key.toLowerCase())).size < tags.length) {
    throw new AwsError('InvalidInput', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.', 400);
  }
  return tags;
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
