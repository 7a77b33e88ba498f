import { policyArn as awsPolicyArn, roleArn as awsRoleArn } from '../../../aws-rules/arns.js';
import { randomBytes } from 'node:crypto';
import { AwsError } from '../../aws-error.js';
import { ACCOUNT_ID } from '../../http.js';
import { dictionary } from '../../dictionary.js';
import { MAX_CUSTOMER_POLICIES, MAX_ROLES } from '../../limits.js';
import { RECORDS, type StateDb } from '../../state-db.js';
import { AWS_MANAGED_POLICIES, awsManagedPolicy, type AwsManagedPolicy } from './aws-managed.js';

export interface Tag {
  Key: string;
  Value: string;
}

export interface StoredRole {
  name: string;
  path: string;
  roleId: string;
  arn: string;
  createdAt: number;
  /** JSON text exactly as sent: IAM gives documents back as they were written. */
  trustPolicy: string;
  description?: string;
  maxSessionDuration: number;
  tags: Tag[];
  /** Inline policies, name -> JSON text, in the order they were put. */
  inline: Record<string, string>;
  /** ARNs of attached managed policies, in attach order. */
  attached: string[];
}

export interface StoredPolicy {
  name: string;
  path: string;
  arn: string;
  policyId: string;
  createdAt: number;
  description?: string;
  tags: Tag[];
  /** Customer managed policies have one version here: CreatePolicyVersion is not served. */
  document: string;
}

/** A managed policy as attach/list/get see it, AWS's or the account's. */
export type ManagedPolicyView = StoredPolicy & { awsManaged: boolean };

/** AWS managed policies predate every sandbox; one fixed date keeps their answers stable. */
const AWS_POLICY_DATE = Date.UTC(2015, 1, 6, 18, 40, 0);

function awsView(policy: AwsManagedPolicy): ManagedPolicyView {
  return { ...policy, createdAt: AWS_POLICY_DATE, tags: [], awsManaged: true };
}

/** IAM ids: a four-letter kind prefix and 17 characters of base32. */
export function newEntityId(prefix: 'AROA' | 'ANPA'): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return prefix + Array.from(randomBytes(17), (b) => alphabet[b % 32]).join('');
}

export function roleArn(path: string, name: string): string {
  return awsRoleArn(ACCOUNT_ID, name, path);
}

export function policyArn(path: string, name: string): string {
  return awsPolicyArn(ACCOUNT_ID, name, path);
}


/** IAM's state: roles and customer managed policies, one record each in the sandbox's state database. */
export class IamStore {
  /** Keyed by lowercased name: IAM names are unique regardless of case. */
  private readonly roleMap = new Map<string, StoredRole>();
  /** Customer managed policies, keyed by ARN. */
  private readonly policyMap = new Map<string, StoredPolicy>();

  constructor(private readonly state: StateDb) {
    // Inline policy names such as `constructor` or `__proto__` are valid IAM names: keys without a prototype.
    for (const [key, role] of state.take<StoredRole>(RECORDS.iamRoles)) this.roleMap.set(key, { ...role, inline: dictionary(role.inline) });
    for (const [arn, policy] of state.take<StoredPolicy>(RECORDS.iamPolicies)) this.policyMap.set(arn, policy);
  }

  /** Saves a change made to a role in place (tags, inline and attached policies). */
  saveRole(role: StoredRole): void {
    this.state.put(RECORDS.iamRoles + role.name.toLowerCase(), role);
  }

  findRole(name: string): StoredRole | undefined {
    return this.roleMap.get(name.toLowerCase());
  }

  role(name: string): StoredRole {
    const role = this.findRole(name);
    if (!role) throw new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    return role;
  }

  roles(): StoredRole[] {
    return [...this.roleMap.values()];
  }

  addRole(role: StoredRole): void {
    if (this.findRole(role.name)) throw new AwsError('EntityAlreadyExists', `Role with name ${role.name} already exists.`, 409);
    if (this.roleMap.size >= MAX_ROLES) throw new AwsError('LimitExceeded', `Cannot exceed quota for RolesPerAccount: ${MAX_ROLES}`, 409);
    this.roleMap.set(role.name.toLowerCase(), role);
    this.saveRole(role);
  }

  removeRole(name: string): void {
    this.roleMap.delete(name.toLowerCase());
    this.state.del(RECORDS.iamRoles + name.toLowerCase());
  }

  /** AWS's managed policy, or the account's; undefined for any other ARN. */
  findPolicy(arn: string): ManagedPolicyView | undefined {
    const aws = awsManagedPolicy(arn);
    if (aws) return awsView(aws);
    const own = this.policyMap.get(arn);
    return own && { ...own, awsManaged: false };
  }

  awsPolicies(): ManagedPolicyView[] {
    return AWS_MANAGED_POLICIES.map(awsView);
  }

  /** The account's own (customer managed) policies. */
  policies(): ManagedPolicyView[] {
    return [...this.policyMap.values()].map((p) => ({ ...p, awsManaged: false }));
  }

  addPolicy(policy: StoredPolicy): void {
    if (this.policyMap.has(policy.arn)) {
      throw new AwsError('EntityAlreadyExists', `A policy called ${policy.name} already exists. Duplicate names are not allowed.`, 409);
    }
    if (this.policyMap.size >= MAX_CUSTOMER_POLICIES) {
      throw new AwsError('LimitExceeded', `Cannot exceed quota for PoliciesPerAccount: ${MAX_CUSTOMER_POLICIES}`, 409);
    }
    this.policyMap.set(policy.arn, policy);
    this.state.put(RECORDS.iamPolicies + policy.arn, policy);
  }

  removePolicy(arn: string): void {
    this.policyMap.delete(arn);
    this.state.del(RECORDS.iamPolicies + arn);
  }

  /** How many roles have the policy attached (the sandbox has no users or groups). */
  attachmentCount(arn: string): number {
    return this.roles().filter((r) => r.attached.includes(arn)).length;
  }
}
