import { AwsError } from '../aws-error.js';
import { ACCOUNT_ID, type SandboxRequest } from '../http.js';
import { queryParams, queryResponse } from '../protocols/query.js';
import { STS_NAMESPACE } from '../router.js';
import type { Service } from '../world.js';

/** STS: who am I. The learner is the account root; a function's call is its role session. */
export function createStsService(): Service {
  return {
    async handle(req: SandboxRequest) {
      const action = queryParams(req).get('Action');
      if (action !== 'GetCallerIdentity') {
        throw new AwsError('InvalidAction', `Could not find operation ${action ?? '(none)'} for version 2011-06-15`, 400);
      }
      const caller = req.caller;
      const userId = caller.kind === 'role' ? `${caller.roleId}:${caller.sessionName}` : ACCOUNT_ID;
      return queryResponse(action, STS_NAMESPACE, { UserId: userId, Account: ACCOUNT_ID, Arn: caller.arn }, req.requestId);
    },
  };
}
