import type { PolicyDocument } from './types.js';

/**
 * Whether a role's trust policy lets Lambda assume it: an Allow of sts:AssumeRole (or sts:*, *) to the
 * service principal lambda.amazonaws.com (or *). One rule for the sandbox, which refuses CreateFunction
 * without it as AWS does, and for the CLI, which repairs or reports such a role before creating.
 */
export function trustsLambda(trust: PolicyDocument): boolean {
  return [trust.Statement].flat().some((s) => {
    if (s.Effect !== 'Allow' || !s.Principal) return false;
    const services = s.Principal === '*' ? ['*'] : [s.Principal.Service ?? []].flat();
    const actions = [s.Action ?? []].flat();
    return (
      services.some((p) => p === '*' || p === 'lambda.amazonaws.com') &&
      actions.some((a) => a === '*' || a.toLowerCase() === 'sts:*' || a.toLowerCase() === 'sts:assumerole')
    );
  });
}
