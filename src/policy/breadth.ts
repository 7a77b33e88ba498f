import { evaluatePolicies, type EvaluationRequest, type MatchedStatement } from './evaluate.js';
import { asList } from './statements.js';
import type { PolicyDocument } from './types.js';
import { wildcardMatch } from './wildcard.js';

export interface OverBroadGrant extends MatchedStatement {
  /** Why it grants more than the request needs, one sentence each, for the learner. */
  reasons: string[];
}

/** `*` or `service:*`: every action, or every action of a service. */
function isWholeServicePattern(pattern: string): boolean {
  return pattern === '*' || /^[^:*?]+:\*$/.test(pattern);
}

/**
 * The statements that allow `request` but would allow much more: a whole-service or `*` Action,
 * an Allow with NotAction, `Resource: "*"`, or an Allow with NotResource. Least privilege says the
 * lab's role needs `dynamodb:PutItem` on one table, not `dynamodb:*` on every table. Patterns such as
 * `dynamodb:Put*` or `table/upload_*` are not flagged: they are narrow enough for a learner's lab.
 * Empty when the request is not allowed at all.
 */
export function overBroadGrants(policies: PolicyDocument[], request: EvaluationRequest): OverBroadGrant[] {
  const result = evaluatePolicies(policies, request);
  if (result.decision !== 'allowed') return [];
  const grants: OverBroadGrant[] = [];
  for (const matched of result.matchedStatements) {
    const { statement } = matched;
    const reasons: string[] = [];
    const broadActions = asList(statement.Action).filter((p) => isWholeServicePattern(p) && wildcardMatch(p, request.action, true));
    for (const pattern of broadActions) {
      reasons.push(pattern === '*' ? 'Action "*" allows every action of every service' : `Action "${pattern}" allows every ${pattern.split(':')[0]} action`);
    }
    if (statement.NotAction !== undefined) reasons.push('NotAction in an Allow statement allows every action it does not list');
    if (asList(statement.Resource).includes('*')) reasons.push('Resource "*" applies to every resource');
    if (statement.NotResource !== undefined) reasons.push('NotResource in an Allow statement applies to every resource it does not list');
    if (reasons.length > 0) grants.push({ ...matched, reasons });
  }
  return grants;
}
