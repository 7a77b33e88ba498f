import { randomBytes } from 'node:crypto';
import { ACCOUNT_ID, type Caller } from './http.js';

/**
 * Credentials that stand for a role, as Lambda hands them to a function. A call signed with one of
 * these access keys is the role's call, checked against its policies; any other key is the learner,
 * allowed like an admin. Kept in memory: the functions holding them live no longer than the sandbox.
 */
export class RoleSessions {
  private readonly byKey = new Map<string, Extract<Caller, { kind: 'role' }>>();

  issue(roleName: string, roleId: string, sessionName: string): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
    const accessKeyId = 'ASIA' + randomBytes(8).toString('hex').toUpperCase();
    this.byKey.set(accessKeyId, {
      kind: 'role',
      roleName,
      roleId,
      sessionName,
      arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${roleName}/${sessionName}`,
    });
    return { accessKeyId, secretAccessKey: randomBytes(20).toString('base64'), sessionToken: randomBytes(32).toString('base64') };
  }

  revoke(accessKeyId: string): void {
    this.byKey.delete(accessKeyId);
  }

  callerFor(accessKeyId: string): Caller {
    return this.byKey.get(accessKeyId) ?? { kind: 'user', arn: `arn:aws:iam::${ACCOUNT_ID}:root` };
  }
}
