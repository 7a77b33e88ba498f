import { evaluatePolicies } from '../policy/evaluate.js';
import type { PolicyDocument } from '../policy/types.js';
import { AwsError } from './aws-error.js';
import { ACCOUNT_ID, type Caller, type SandboxRequest } from './http.js';
import type { World } from './world.js';

/** Who the learner is when `learnerPolicy` restricts them: an IAM user, as an administrator would hand out. */
export const LEARNER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/upload-lab-learner`;

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
 * The identity policies a caller is held to: a Lambda role session's are its role's (as its sessions
 * currently see them); the learner's are `learnerPolicy` when set. Undefined: never denied (the
 * learner as the account's admin).
 */
function policiesOf(world: World, caller: Caller): PolicyDocument[] | undefined {
  if (caller.kind === 'role') return world.iam.rolePolicies(caller.roleName);
  return world.options.learnerPolicy && [world.options.learnerPolicy];
}

/** Whether the caller's calls are checked at all; services skip the work of finding resources when not. */
export function isRestricted(world: World, caller: Caller): boolean {
  return policiesOf(world, caller) !== undefined;
}

/** Whether the caller may `action` on `resource`, without failing the request (e.g. GetFunction's Tags need lambda:ListTags). */
export function mayCall(world: World, caller: Caller, action: string, resource: string): boolean {
  const policies = policiesOf(world, caller);
  return !policies || evaluatePolicies(policies, { action, resource }).decision === 'allowed';
}

/** Holds a call to the caller's policies, as IAM does; denied with the service's code and AWS's message. */
export function authorize(world: World, req: Pick<SandboxRequest, 'caller' | 'service'>, action: string, resource: string): void {
  if (mayCall(world, req.caller, action, resource)) return;
  const [code, status] = denial(req.service);
  const message = `User: ${req.caller.arn} is not authorized to perform: ${action} on resource: ${req.service === 's3' ? `"${resource}"` : resource} because no identity-based policy allows the ${action} action`;
  throw new AwsError(code, message, status);
}

export function isRoleAllowed(world: World, roleName: string, action: string, resource: string): boolean {
  return evaluatePolicies(world.iam.rolePolicies(roleName), { action, resource }).decision === 'allowed';
}
