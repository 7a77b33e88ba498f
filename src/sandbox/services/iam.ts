import type { PolicyDocument } from '../../policy/types.js';
import { AwsError } from '../aws-error.js';
import { authorize } from '../enforce.js';
import type { SandboxRequest } from '../http.js';
import { queryParams, queryResponse } from '../protocols/query.js';
import { IAM_NAMESPACE } from '../router.js';
import type { IamApi, RoleView, Service, World } from '../world.js';
import { managedPolicyOperations } from './iam/managed-policies.js';
import type { Operation } from './iam/operation.js';
import { rolePolicyOperations } from './iam/role-policies.js';
import { roleOperations } from './iam/roles.js';
import { simulateOperations } from './iam/simulate.js';
import { IamStore } from './iam/store.js';

const operations: Record<string, Operation> = {
  ...roleOperations,
  ...rolePolicyOperations,
  ...managedPolicyOperations,
  ...simulateOperations,
};

/** The operations that change what a role's sessions may do. */
const POLICY_CHANGES = new Set(['PutRolePolicy', 'DeleteRolePolicy', 'AttachRolePolicy', 'DetachRolePolicy']);

/** The operations that take `Tags`, and the tagging action those tags also need. */
const TAG_ON_CREATE: Record<string, string> = { CreateRole: 'iam:TagRole', CreatePolicy: 'iam:TagPolicy' };

/**
 * IAM: roles, their inline and attached policies, customer and AWS managed policies, and the policy
 * simulator. Global (one state for every region), kept in the sandbox's state database. Behaviour and the
 * differences from AWS: docs/sandbox/iam.md.
 */
export function createIamService(world: World): { service: Service; api: IamApi } {
  const store = new IamStore(world.state);
  /**
   * policyPropagationMs: a role's sessions see its policies as they were before a change until the
   * window closes; a change within a window extends it and keeps the older view. In memory only: a
   * restarted sandbox has no change in flight. The simulator and Get* calls see the change at once.
   */
  const propagating = new Map<string, { until: number; documents: PolicyDocument[] }>();
  const currentPolicies = (roleName: string): PolicyDocument[] => {
    const role = store.findRole(roleName);
    if (!role) return [];
    const attached = role.attached.flatMap((arn) => store.findPolicy(arn)?.document ?? []);
    return [...Object.values(role.inline), ...attached].map((text) => JSON.parse(text) as PolicyDocument);
  };
  /** The view a role's sessions keep while a change reaches them: taken before the change, kept once it is made. */
  const keepViewBefore = (action: string, roleName: string | null): (() => void) => {
    const window = world.options.policyPropagationMs;
    if (!window || !roleName || !POLICY_CHANGES.has(action)) return () => {};
    const key = roleName.toLowerCase();
    const open = propagating.get(key);
    const documents = open && open.until > Date.now() ? open.documents : currentPolicies(roleName);
    return () => propagating.set(key, { until: Date.now() + window, documents });
  };

  const service: Service = {
    async handle(req: SandboxRequest) {
      const params = queryParams(req);
      const action = params.get('Action') ?? '';
      const operation = Object.hasOwn(operations, action) ? operations[action] : undefined;
      if (!operation) throw new AwsError('InvalidAction', `Could not find operation ${action || '(none)'} for version 2010-05-08`, 400);
      const call = { params, store };
      authorize(world, req, `iam:${action}`, operation.resource(call));
      // Tags given at creation are a second action, as on AWS.
      const tagAction = Object.hasOwn(TAG_ON_CREATE, action) ? TAG_ON_CREATE[action] : undefined;
      if (tagAction && params.has('Tags.member.1.Key')) authorize(world, req, tagAction, operation.resource(call));
      // A refused change (no such role, a malformed document) changes nothing its sessions see.
      const changed = keepViewBefore(action, params.get('RoleName'));
      const result = operation.run(call);
      changed();
      return queryResponse(action, IAM_NAMESPACE, result, req.requestId);
    },
  };

  const api: IamApi = {
    roleByArn(arn: string): RoleView | undefined {
      const role = store.findRole(arn.slice(arn.lastIndexOf('/') + 1));
      if (!role || role.arn !== arn) return undefined;
      return { name: role.name, roleId: role.roleId, arn: role.arn, createdAt: role.createdAt, trustPolicy: JSON.parse(role.trustPolicy) as PolicyDocument };
    },
    rolePolicies(roleName: string): PolicyDocument[] {
      const key = roleName.toLowerCase();
      const open = propagating.get(key);
      if (open && open.until > Date.now()) return open.documents;
      if (open) propagating.delete(key); // a closed window is forgotten
      return currentPolicies(roleName);
    },
  };

  return { service, api };
}
