import type { PolicyDocument } from './types.js';

// PLACEHOLDER until the evaluator lands (owned by the IAM work): signature is the contract.

export interface EvaluationRequest {
  /** e.g. `dynamodb:PutItem` */
  action: string;
  /** e.g. `arn:aws:dynamodb:us-east-1:000000000000:table/upload_metadata` */
  resource: string;
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface EvaluationResult {
  decision: Decision;
  /** The statements that decided it (the Allows that matched, or the Deny that won). */
  matchedStatements: { policyIndex: number; sid?: string; effect: 'Allow' | 'Deny' }[];
  /** Condition keys of statements that would otherwise match: not evaluated, reported. */
  unevaluatedConditions: string[];
}

export function evaluatePolicies(_policies: PolicyDocument[], _request: EvaluationRequest): EvaluationResult {
  throw new Error('evaluatePolicies: not implemented yet');
}
