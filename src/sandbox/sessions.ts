import { accountRootArn, assumedRoleArn } from '../aws-rules/arns.js';
import { randomBytes } from 'node:crypto';
import { AwsError } from './aws-error.js';
import { ACCOUNT_ID, type Caller } from './http.js';

type RoleCaller = Extract<Caller, { kind: 'role' }>;

/** The role a session was issued for, as IAM knows it now (undefined once deleted). */
export type CurrentRole = (roleArn: string) => { roleId: string } | undefined;

/** How each service says "this token is not one I issued" (code, status, AWS's message). */
const invalidToken = new Map<string, [string, number, string]>([
  ['dynamodb', ['UnrecognizedClientException', 400, 'The security token included in the request is invalid.']],
  ['logs', ['UnrecognizedClientException', 400, 'The security token included in the request is invalid.']],
  ['lambda', ['UnrecognizedClientException', 403, 'The security token included in the request is invalid.']],
  ['s3', ['InvalidAccessKeyId', 403, 'The AWS Access Key Id you provided does not exist in our records.']],
  ['iam', ['InvalidClientTokenId', 403, 'The security token included in the request is invalid']],
  ['sts', ['InvalidClientTokenId', 403, 'The security token included in the request is invalid']],
]);

/**
 * Credentials that stand for a role, as Lambda hands them to a function. A call signed with one of
 * these access keys is the role's call, checked against its policies. Any other ordinary key is the
 * learner, allowed like an admin; but a temporary key (`ASIA…`, the prefix STS gives session keys)
 * the sandbox did not issue, or has revoked (its environment ended, its role was deleted or
 * replaced), is refused, never mistaken for the learner. Kept in memory: the functions holding them
 * live no longer than the sandbox.
 */
export class RoleSessions {
  private readonly byKey = new Map<string, RoleCaller & { roleArn: string }>();

  /** `learnerArn`: who an ordinary key is; the account root unless a learner policy restricts the learner. */
  constructor(private readonly learnerArn = accountRootArn(ACCOUNT_ID)) {}

  issue(role: { name: string; roleId: string; arn: string }, sessionName: string): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
    const accessKeyId = 'ASIA' + randomBytes(8).toString('hex').toUpperCase();
    this.byKey.set(accessKeyId, {
      kind: 'role',
      roleName: role.name,
      roleId: role.roleId,
      roleArn: role.arn,
      sessionName,
      arn: assumedRoleArn(ACCOUNT_ID, role.name, sessionName),
      chain: 1,
    });
    return { accessKeyId, secretAccessKey: randomBytes(20).toString('base64'), sessionToken: randomBytes(32).toString('base64') };
  }

  /** An environment runs one invocation at a time: its calls belong to that invocation's chain (loop detection). */
  enterChain(accessKeyId: string, chain: number): void {
    const session = this.byKey.get(accessKeyId);
    if (session) session.chain = chain;
  }

  revoke(accessKeyId: string): void {
    this.byKey.delete(accessKeyId);
  }

  /** Who signed with this key; throws the service's invalid-token error for a session key that is not (or no longer) valid. */
  callerFor(accessKeyId: string, service: string, currentRole: CurrentRole): Caller {
    const session = this.byKey.get(accessKeyId);
    if (session && currentRole(session.roleArn)?.roleId === session.roleId) {
      const { roleArn: _roleArn, ...caller } = session;
      return { ...caller };
    }
    if (session || accessKeyId.startsWith('ASIA')) {
      const [code, status, message] = invalidToken.get(service) ?? ['InvalidClientTokenId', 403, 'The security token included in the request is invalid'];
      throw new AwsError(code, message, status);
    }
    return { kind: 'user', arn: this.learnerArn };
  }
}
