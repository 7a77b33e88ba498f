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

/**
 * IAM: roles, their inline and attached policies, customer and AWS managed policies, and the policy
 * simulator. Global (one state for every region), kept in `<dataDir>/iam.json`. Behaviour and the
 * differences from AWS: docs/sandbox/iam.md.
 */
export function createIamService(world: World): { service: Service; api: IamApi } {
  const store = new IamStore(world.options.dataDir);

  const service: Service = {
    async handle(req: SandboxRequest) {
      const params = queryParams(req);
      const action = params.get('Action') ?? '';
      const operation = Object.hasOwn(operations, action) ? operations[action] : undefined;
      if (!operation) throw new AwsError('InvalidAction', `Could not find operation ${action || '(none)'} for version 2010-05-08`, 400);
      const call = { params, store };
      authorize(world, req, `iam:${action}`, operation.resource(call));
      return queryResponse(action, IAM_NAMESPACE, operation.run(call), req.requestId);
    },
    flush: () => store.flush(),
  };

  const api: IamApi = {
    roleByArn(arn: string): RoleView | undefined {
      const role = store.findRole(arn.slice(arn.lastIndexOf('/') + 1));
      if (!role || role.arn !== arn) return undefined;
      return { name: role.name, roleId: role.roleId, arn: role.arn, createdAt: role.createdAt, trustPolicy: JSON.parse(role.trustPolicy) as PolicyDocument };
    },
    rolePolicies(roleName: string): PolicyDocument[] {
      const role = store.findRole(roleName);
      if (!role) return [];
      const attached = role.attached.flatMap((arn) => store.findPolicy(arn)?.document ?? []);
      return [...Object.values(role.inline), ...attached].map((text) => JSON.parse(text) as PolicyDocument);
    },
  };

  return { service, api };
}
