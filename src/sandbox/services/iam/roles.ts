import { AwsError } from '../../aws-error.js';
import { dictionary } from '../../dictionary.js';
import { memberList, requireParam } from '../../protocols/query.js';
import { requireRole, roleResource, type Operation } from './operation.js';
import { mergeTags, optionalInt, optionalPath, paginate, requireDocument, requireName, tagsParam } from './params.js';
import { members, roleShape } from './shapes.js';
import { newEntityId, roleArn } from './store.js';

export const roleOperations: Record<string, Operation> = {
  CreateRole: {
    resource: roleResource,
    run({ params, store }) {
      const name = requireName(params, 'RoleName', 64);
      const trustPolicy = requireDocument(params, 'AssumeRolePolicyDocument', 'trust');
      const path = optionalPath(params, 'Path');
      const description = params.get('Description') ?? undefined;
      const role = {
        name,
        path,
        roleId: newEntityId('AROA'),
        arn: roleArn(path, name),
        createdAt: Date.now(),
        trustPolicy,
        ...(description === undefined ? {} : { description }),
        maxSessionDuration: optionalInt(params, 'MaxSessionDuration', 3600, 43200) ?? 3600,
        tags: mergeTags([], tagsParam(params)),
        inline: dictionary<string>(),
        attached: [],
      };
      store.addRole(role);
      return { Role: roleShape(role, 'created') };
    },
  },

  GetRole: {
    resource: roleResource,
    run: (call) => ({ Role: roleShape(requireRole(call), 'full') }),
  },

  DeleteRole: {
    resource: roleResource,
    run(call) {
      const role = requireRole(call);
      if (Object.keys(role.inline).length > 0) throw new AwsError('DeleteConflict', 'Cannot delete entity, must delete policies first.', 409);
      if (role.attached.length > 0) throw new AwsError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
      call.store.removeRole(role.name);
      return undefined;
    },
  },

  ListRoles: {
    resource: () => '*',
    run({ params, store }) {
      const prefix = optionalPath(params, 'PathPrefix');
      const page = paginate(
        store.roles().filter((r) => r.path.startsWith(prefix)),
        params,
        (r) => r.name.toLowerCase(),
      );
      return { Roles: members(page.items.map((r) => roleShape(r, 'listed'))), ...page.fields };
    },
  },

  UpdateAssumeRolePolicy: {
    resource: roleResource,
    run(call) {
      const role = requireRole(call);
      role.trustPolicy = requireDocument(call.params, 'PolicyDocument', 'trust');
      call.store.saveRole(role);
      return undefined;
    },
  },

  TagRole: {
    resource: roleResource,
    run(call) {
      const { params, store } = call;
      const role = requireRole(call);
      const tags = tagsParam(params);
      if (tags.length === 0) requireParam(params, 'Tags');
      role.tags = mergeTags(role.tags, tags);
      store.saveRole(role);
      return undefined;
    },
  },

  UntagRole: {
    resource: roleResource,
    run(call) {
      const { params, store } = call;
      const role = requireRole(call);
      const keys = memberList(params, 'TagKeys');
      if (keys.length === 0) requireParam(params, 'TagKeys');
      role.tags = role.tags.filter((t) => !keys.includes(t.Key));
      store.saveRole(role);
      return undefined;
    },
  },

  ListRoleTags: {
    resource: roleResource,
    run(call) {
      const role = requireRole(call);
      // Tags keep their insertion order, as IAM lists them; page through them in that order.
      const indexed = role.tags.map((tag, i) => ({ tag, key: String(i).padStart(3, '0') }));
      const page = paginate(indexed, call.params, (t) => t.key);
      return { Tags: members(page.items.map((t) => t.tag)), ...page.fields };
    },
  },
};
