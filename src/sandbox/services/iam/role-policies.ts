import { AwsError } from '../../aws-error.js';
import { requireRole, roleResource, type Operation } from './operation.js';
import { optionalPath, paginate, requireDocument, requireName, requirePolicyArn } from './params.js';
import { encodeDocument, members } from './shapes.js';
import type { StoredRole } from './store.js';

function inlinePolicy(role: StoredRole, name: string): string {
  const document = role.inline[name];
  if (document === undefined) throw new AwsError('NoSuchEntity', `The role policy with name ${name} cannot be found.`, 404);
  return document;
}

export const rolePolicyOperations: Record<string, Operation> = {
  PutRolePolicy: {
    resource: roleResource,
    run(call) {
      const { params, store } = call;
      const role = requireRole(call);
      const name = requireName(params, 'PolicyName', 128);
      role.inline[name] = requireDocument(params, 'PolicyDocument', 'identity');
      store.saveRole(role);
      return undefined;
    },
  },

  GetRolePolicy: {
    resource: roleResource,
    run(call) {
      const role = requireRole(call);
      const name = requireName(call.params, 'PolicyName', 128);
      return { RoleName: role.name, PolicyName: name, PolicyDocument: encodeDocument(inlinePolicy(role, name)) };
    },
  },

  DeleteRolePolicy: {
    resource: roleResource,
    run(call) {
      const { params, store } = call;
      const role = requireRole(call);
      const name = requireName(params, 'PolicyName', 128);
      inlinePolicy(role, name);
      delete role.inline[name];
      store.saveRole(role);
      return undefined;
    },
  },

  ListRolePolicies: {
    resource: roleResource,
    run(call) {
      const role = requireRole(call);
      const page = paginate(Object.keys(role.inline), call.params, (name) => name);
      return { PolicyNames: members(page.items), ...page.fields };
    },
  },

  AttachRolePolicy: {
    resource: roleResource,
    run(call) {
      const { store } = call;
      const arn = requirePolicyArn(call.params);
      const role = requireRole(call);
      if (!store.findPolicy(arn)) throw new AwsError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, 404);
      if (!role.attached.includes(arn)) {
        role.attached.push(arn);
        store.saveRole(role);
      }
      return undefined;
    },
  },

  DetachRolePolicy: {
    resource: roleResource,
    run(call) {
      const { store } = call;
      const arn = requirePolicyArn(call.params);
      const role = requireRole(call);
      if (!role.attached.includes(arn)) throw new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
      role.attached = role.attached.filter((a) => a !== arn);
      store.saveRole(role);
      return undefined;
    },
  },

  ListAttachedRolePolicies: {
    resource: roleResource,
    run(call) {
      const { params, store } = call;
      const role = requireRole(call);
      const prefix = optionalPath(params, 'PathPrefix');
      const attached = role.attached.flatMap((arn) => {
        const policy = store.findPolicy(arn);
        return policy && policy.path.startsWith(prefix) ? [{ PolicyName: policy.name, PolicyArn: policy.arn }] : [];
      });
      const page = paginate(attached, params, (p) => p.PolicyName);
      return { AttachedPolicies: members(page.items), ...page.fields };
    },
  },
};
