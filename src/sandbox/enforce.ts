import { evaluatePolicies } from '../policy/evaluate.js';
import { AwsError } from './aws-error.js';
import type { SandboxRequest } from './http.js';
import type { World } from './world.js';

/** How each service says "denied" (code, HTTP status), as AWS does. */
const denials = new Map<string, [string, number]>([
  ['dynamodb', ['AccessDeniedException', 400]],
  ['logs', ['AccessDeniedException', 400]],
  ['lambda', ['AccessDeniedException', 403]],
  ['s3', ['AccessDenied', 403]],
  ['iam', ['AccessDenied', 403]],
  ['sts', ['AccessDenied', 403]],
]);

export function denial(service: string): [string, number] {
  return denials.get(service) ?? ['AccessDenied', 403];
}

/**
 * Holds a role's call to its policies, as IAM does for a Lambda function's calls. The learner's own
 * calls are not checked: they act as the account's admin.
 */
export function authorize(world: World, req: Pick<SandboxRequest, 'caller' | 'service'>, action: string, resource: string): void {
  if (req.caller.kind !== 'role') return;
  const allowed = isRoleAllowed(world, req.caller.roleName, action, resource);
  if (allowed) return;
  const [code, status] = denial(req.service);
  const message = `User: ${req.caller.arn} is not authorized to perform: ${action} on resource: ${req.service === 's3' ? `"${resource}"` : resource} because no identity-based policy allows the ${action} action`;
  throw new AwsError(code, message, status);
}

export function isRoleAllowed(world: World, roleName: string, action: string, resource: string): boolean {
  return evaluatePolicies(world.iam.rolePolicies(roleName), { action, resource }).decision === 'allowed';
}
