import type { PolicyDocument, PolicyStatement } from './types.js';
import { wildcardMatch } from './wildcard.js';

/** A policy's `Statement` may be one object or an array of them. */
export function statementsOf(policy: PolicyDocument): PolicyStatement[] {
  return Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
}

export function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Action names are case-insensitive in IAM (`dynamodb:putitem` is `dynamodb:PutItem`). */
export function actionMatches(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) return asList(statement.Action).some((p) => wildcardMatch(p, action, true));
  if (statement.NotAction !== undefined) return !asList(statement.NotAction).some((p) => wildcardMatch(p, action, true));
  return false;
}

/**
 * ARNs are case-sensitive. An identity policy statement must name Resource or NotResource (IAM refuses
 * to store one that does not), so a statement with neither applies to nothing.
 */
export function resourceMatches(statement: PolicyStatement, resource: string): boolean {
  if (statement.Resource !== undefined) return asList(statement.Resource).some((p) => wildcardMatch(p, resource));
  if (statement.NotResource !== undefined) return !asList(statement.NotResource).some((p) => wildcardMatch(p, resource));
  return false;
}

/** The condition keys a statement tests, e.g. `aws:SourceArn` for `{"ArnLike": {"aws:SourceArn": …}}`. */
export function conditionKeys(statement: PolicyStatement): string[] {
  return Object.values(statement.Condition ?? {}).flatMap((operands) => Object.keys(operands ?? {}));
}
