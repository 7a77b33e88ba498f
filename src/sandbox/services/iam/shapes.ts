import type { ManagedPolicyView, StoredRole, Tag } from './store.js';

// How IAM's Query answers spell entities: lists are `<member>` elements, dates ISO 8601 without
// milliseconds, policy documents URL-encoded JSON text (the SDK hands them over still encoded).

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** IAM percent-encodes documents like RFC 3986; encodeURIComponent leaves `!'()*` alone, as IAM does. */
export function encodeDocument(text: string): string {
  return encodeURIComponent(text);
}

export function members<T>(items: T[]): { member: T[] } {
  return { member: items };
}

function optional<T>(key: string, value: T | undefined): Record<string, T> {
  return value === undefined ? {} : { [key]: value };
}

function tagsField(tags: Tag[]): Record<string, unknown> {
  return tags.length > 0 ? { Tags: members(tags) } : {};
}

/** An empty `<Tags/>` when there are none: the SDKs read it as `Tags: []`, as GetPolicy answers on AWS. */
function tagsList(tags: Tag[]): Record<string, unknown> {
  return { Tags: tags.length > 0 ? members(tags) : '' };
}

/** The Role structure. CreateRole omits MaxSessionDuration and RoleLastUsed; GetRole has both (see the recorded cases). */
export function roleShape(role: StoredRole, detail: 'created' | 'full' | 'listed'): Record<string, unknown> {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: isoDate(role.createdAt),
    AssumeRolePolicyDocument: encodeDocument(role.trustPolicy),
    ...optional('Description', role.description),
    ...(detail === 'created' ? {} : { MaxSessionDuration: role.maxSessionDuration }),
    ...(detail === 'listed' ? {} : tagsField(role.tags)),
    ...(detail === 'full' ? { RoleLastUsed: {} } : {}),
  };
}

/**
 * The Policy structure of GetPolicy ('full': Description, and Tags even when empty), CreatePolicy
 * ('created': no Description, Tags when given) and ListPolicies ('listed': neither). AWS's Policy type:
 * Description "is not included in the response to the CreatePolicy operation"
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Policy.html).
 */
export function policyShape(policy: ManagedPolicyView, attachmentCount: number, detail: 'full' | 'created' | 'listed'): Record<string, unknown> {
  const full = detail === 'full';
  return {
    PolicyName: policy.name,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: 'v1',
    AttachmentCount: attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    ...(full ? optional('Description', policy.description) : {}),
    CreateDate: isoDate(policy.createdAt),
    UpdateDate: isoDate(policy.createdAt),
    ...(full ? tagsList(policy.tags) : detail === 'created' ? tagsField(policy.tags) : {}),
  };
}
