import { actionMatches, conditionKeys, resourceMatches, statementsOf } from './statements.js';
import type { PolicyDocument, PolicyStatement } from './types.js';

export interface EvaluationRequest {
  /** e.g. `dynamodb:PutItem` */
  action: string;
  /** e.g. `arn:aws:dynamodb:us-east-1:000000000000:table/upload_metadata` */
  resource: string;
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface MatchedStatement {
  policyIndex: number;
  /** Position of the statement in its policy's Statement list (0 when Statement is a single object). */
  statementIndex: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  statement: PolicyStatement;
}

export interface EvaluationResult {
  decision: Decision;
  /** The statements that decided it (the Allows that matched, or the Denys that won); none for an implicit deny. */
  matchedStatements: MatchedStatement[];
  /** Condition keys of statements that would otherwise match: not evaluated, reported. */
  unevaluatedConditions: string[];
}

/**
 * IAM's evaluation of identity-based policies alone (no SCPs, boundaries, session or resource policies):
 * an explicit Deny always wins, otherwise any Allow allows, otherwise the request is implicitly denied.
 *
 * Conditions are not evaluated. A statement whose Action and Resource match but which carries a
 * Condition is left out, and its keys are reported, as SimulatePrincipalPolicy reports
 * MissingContextValues when the caller gives no context. Leaving out a conditional Deny can only make
 * the answer more permissive than AWS's, a conditional Allow only stricter; callers show the keys.
 */
export function evaluatePolicies(policies: PolicyDocument[], request: EvaluationRequest): EvaluationResult {
  const allows: MatchedStatement[] = [];
  const denies: MatchedStatement[] = [];
  const unevaluated = new Set<string>();
  policies.forEach((policy, policyIndex) => {
    statementsOf(policy).forEach((statement, statementIndex) => {
      if (!actionMatches(statement, request.action) || !resourceMatches(statement, request.resource)) return;
      const keys = conditionKeys(statement);
      if (keys.length > 0) {
        for (const key of keys) unevaluated.add(key);
        return;
      }
      const matched: MatchedStatement = { policyIndex, statementIndex, effect: statement.Effect, statement };
      if (statement.Sid !== undefined) matched.sid = statement.Sid;
      (statement.Effect === 'Deny' ? denies : allows).push(matched);
    });
  });
  const unevaluatedConditions = [...unevaluated].sort();
  if (denies.length > 0) return { decision: 'explicitDeny', matchedStatements: denies, unevaluatedConditions };
  if (allows.length > 0) return { decision: 'allowed', matchedStatements: allows, unevaluatedConditions };
  return { decision: 'implicitDeny', matchedStatements: [], unevaluatedConditions };
}
