import { AwsError } from '../../aws-error.js';
import { requireParam } from '../../protocols/query.js';
import type { IamCall, Operation } from './operation.js';
import { mergeTags, optionalPath, paginate, requireDocument, requireName, requirePolicyArn, tagsParam } from './params.js';
import { encodeDocument, isoDate, members, policyShape } from './shapes.js';
import { newEntityId, policyArn, type ManagedPolicyView } from './store.js';

function requirePolicy({ params, store }: IamCall): ManagedPolicyView {
  const arn = requirePolicyArn(params);
  const policy = store.findPolicy(arn);
  if (!policy) throw new AwsError('NoSuchEntity', `Policy ${arn} was not found.`, 404);
  return policy;
}

const policyResource = ({ params }: IamCall) => params.get('PolicyArn') ?? '*';

export const managedPolicyOperations: Record<string, Operation> = {
  CreatePolicy: {
    resource: ({ params }) => policyArn(params.get('Path') ?? '/', params.get('PolicyName') ?? ''),
    run({ params, store }) {
      const name = requireName(params, 'PolicyName', 128);
      const document = requireDocument(params, 'PolicyDocument', 'identity');
      const path = optionalPath(params, 'Path');
      const description = params.get('Description') ?? undefined;
      const policy = {
        name,
        path,
        arn: policyArn(path, name),
        policyId: newEntityId('ANPA'),
        createdAt: Date.now(),
        ...(description === undefined ? {} : { description }),
        tags: mergeTags([], tagsParam(params)),
        document,
      };
      store.addPolicy(policy);
      return { Policy: policyShape({ ...policy, awsManaged: false }, 0, 'created') };
    },
  },

  GetPolicy: {
    resource: policyResource,
    run(call) {
      const policy = requirePolicy(call);
      return { Policy: policyShape(policy, call.store.attachmentCount(policy.arn), 'full') };
    },
  },

  DeletePolicy: {
    resource: policyResource,
    run(call) {
      const policy = requirePolicy(call);
      // AWS managed policies belong to AWS: to the account they are as absent as any unknown ARN.
      if (policy.awsManaged) throw new AwsError('NoSuchEntity', `Policy ${policy.arn} was not found.`, 404);
      if (call.store.attachmentCount(policy.arn) > 0) throw new AwsError('DeleteConflict', 'Cannot delete a policy attached to entities.', 409);
      call.store.removePolicy(policy.arn);
      return undefined;
    },
  },

  ListPolicies: {
    resource: () => '*',
    run({ params, store }) {
      const scope = params.get('Scope') ?? 'All';
      if (!['All', 'AWS', 'Local'].includes(scope)) {
        throw new AwsError('ValidationError', `1 validation error detected: Value '${scope}' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [All, AWS, Local]`, 400);
      }
      const onlyAttached = params.get('OnlyAttached') === 'true';
      const prefix = optionalPath(params, 'PathPrefix');
      const candidates = [
        ...(scope === 'Local' ? [] : store.awsPolicies()),
        ...(scope === 'AWS' ? [] : store.policies()),
      ];
      const listed = candidates
        .map((policy) => ({ policy, attachments: store.attachmentCount(policy.arn) }))
        .filter(({ policy, attachments }) => policy.path.startsWith(prefix) && (!onlyAttached || attachments > 0));
      const page = paginate(listed, params, ({ policy }) => policy.name);
      return { Policies: members(page.items.map(({ policy, attachments }) => policyShape(policy, attachments, 'listed'))), ...page.fields };
    },
  },

  GetPolicyVersion: {
    resource: policyResource,
    run(call) {
      const policy = requirePolicy(call);
      const versionId = requireParam(call.params, 'VersionId');
      if (versionId !== 'v1') throw new AwsError('NoSuchEntity', `Policy ${policy.arn} version ${versionId} does not exist or is not attachable.`, 404);
      return { PolicyVersion: { Document: encodeDocument(policy.document), VersionId: 'v1', IsDefaultVersion: true, CreateDate: isoDate(policy.createdAt) } };
    },
  },
};
