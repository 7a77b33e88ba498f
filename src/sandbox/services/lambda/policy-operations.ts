import { restJsonResponse } from '../../protocols/rest-json.js';
import { assertRevision, notFound } from './functions.js';
import { existingFunction, functionResource, jsonBody, NO_CONTENT, targetOf, type LambdaCall, type LambdaOperation } from './operation.js';
import { policyOf, removeStatement, statementFor } from './permissions.js';

const POLICY = /^\/2015-03-31\/functions\/([^/]+)\/policy\/?$/;

/** The function's resource-based policy (who may invoke it). */
export const policyOperations: Record<string, LambdaOperation> = {
  AddPermission: { method: 'POST', path: POLICY, resource: functionResource, run: addPermission },
  GetPolicy: { method: 'GET', path: POLICY, resource: functionResource, run: getPolicy },
  RemovePermission: { method: 'DELETE', path: /^\/2015-03-31\/functions\/([^/]+)\/policy\/([^/]+)\/?$/, resource: functionResource, run: removePermission },
};

function addPermission(call: LambdaCall) {
  const record = existingFunction(call);
  const body = jsonBody(call.req);
  assertRevision(record, body.RevisionId);
  const statement = statementFor(record, body);
  call.store.touch(record, (r) => r.statements.push(statement));
  return restJsonResponse({ Statement: JSON.stringify(statement) }, 201);
}

function getPolicy(call: LambdaCall) {
  const record = call.store.get(call.req.region, targetOf(call).name);
  const policy = record && policyOf(record);
  if (!policy) throw notFound('The resource you requested does not exist.');
  return restJsonResponse({ Policy: JSON.stringify(policy), RevisionId: record.revisionId });
}

function removePermission(call: LambdaCall) {
  const ref = targetOf(call);
  const record = call.store.get(call.req.region, ref.name);
  const remove = removeStatement(record, call.req.region, ref.name, call.params[1]!);
  assertRevision(record!, call.req.query.get('RevisionId') ?? undefined);
  call.store.touch(record!, remove);
  return NO_CONTENT;
}
