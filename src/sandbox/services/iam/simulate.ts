import { AwsError } from '../../aws-error.js';
import { memberList, requireParam } from '../../protocols/query.js';
import { evaluatePolicies, type EvaluationResult } from '../../../policy/evaluate.js';
import { statementSpans } from '../../../policy/positions.js';
import type { PolicyDocument } from '../../../policy/types.js';
import type { IamCall, Operation } from './operation.js';
import { requireDocument } from './params.js';
import { members } from './shapes.js';
import type { IamStore } from './store.js';

/** One policy as the simulation names it in MatchedStatements. */
interface PolicySource {
  id: string;
  text: string;
}

/** The identity policies of the principal named by PolicySourceArn: only roles exist in the sandbox. */
function sourcesOf(store: IamStore, arn: string): PolicySource[] {
  const match = /^arn:aws:iam::\d{12}:(role|user|group)\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (!match) throw new AwsError('InvalidInput', `Invalid Entity Arn: ${arn} does not clearly define entity type and name.`, 400);
  const [, kind, name] = match as unknown as [string, string, string];
  if (kind !== 'role') throw new AwsError('NoSuchEntity', `The ${kind} with name ${name} cannot be found.`, 404);
  const role = store.role(name);
  if (role.arn !== arn) throw new AwsError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
  return [
    ...Object.entries(role.inline).map(([id, text]) => ({ id, text })),
    ...role.attached.flatMap((policyArn) => {
      const policy = store.findPolicy(policyArn);
      return policy ? [{ id: policy.name, text: policy.document }] : [];
    }),
  ];
}

function matchedStatements(result: EvaluationResult, sources: PolicySource[]) {
  return members(
    result.matchedStatements.map((m) => {
      const source = sources[m.policyIndex]!;
      const span = statementSpans(source.text)[m.statementIndex];
      return {
        SourcePolicyId: source.id,
        SourcePolicyType: 'IAM Policy',
        ...(span ? { StartPosition: span.start, EndPosition: span.end } : {}),
      };
    }),
  );
}

/**
 * SimulatePrincipalPolicy over a role's inline and attached policies (plus PolicyInputList), one result
 * per action and resource. Conditions are not evaluated: their keys come back as MissingContextValues,
 * as AWS does when no ContextEntries are given (ContextEntries are not read).
 */
export const simulateOperations: Record<string, Operation> = {
  SimulatePrincipalPolicy: {
    resource: ({ params }) => params.get('PolicySourceArn') ?? '*',
    run({ params, store }: IamCall) {
      const sources = sourcesOf(store, requireParam(params, 'PolicySourceArn'));
      memberList(params, 'PolicyInputList').forEach((_, i) => {
        sources.push({ id: `PolicyInputList.${i + 1}`, text: requireDocument(params, `PolicyInputList.member.${i + 1}`, 'identity') });
      });
      const actions = memberList(params, 'ActionNames');
      if (actions.length === 0) requireParam(params, 'ActionNames');
      const resourceArns = memberList(params, 'ResourceArns');
      const documents = sources.map((s) => JSON.parse(s.text) as PolicyDocument);
      const results = actions.flatMap((action) =>
        (resourceArns.length > 0 ? resourceArns : ['*']).map((resource) => {
          const result = evaluatePolicies(documents, { action, resource });
          const matched = matchedStatements(result, sources);
          const missing = members(result.unevaluatedConditions);
          return {
            EvalActionName: action,
            EvalResourceName: resource,
            EvalDecision: result.decision,
            MatchedStatements: matched,
            MissingContextValues: missing,
            EvalDecisionDetails: {},
            OrganizationsDecisionDetail: { AllowedByOrganizations: true },
            ...(resourceArns.length > 0
              ? { ResourceSpecificResults: members([{ EvalResourceName: resource, EvalResourceDecision: result.decision, MatchedStatements: matched, MissingContextValues: missing }]) }
              : {}),
          };
        }),
      );
      return { EvaluationResults: members(results), IsTruncated: false };
    },
  },
};
