import { accountRootArn } from '../../../aws-rules/arns.js';
import type { PolicyDocument, PolicyStatement } from '../../../policy/types.js';
import { conflict, notFound, type FunctionRecord } from './functions.js';
import { functionArn } from './names.js';
import { FieldCheck, invalidParameter } from './validation.js';

const STATEMENT_ID = /^[a-zA-Z0-9-_]+$/;
const ACTION = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/;

/** A function's resource policy as GetPolicy answers it; undefined once no statement is left. */
export function policyOf(record: FunctionRecord): PolicyDocument | undefined {
  if (!record.statements.length) return undefined;
  return { Version: '2012-10-17', Id: 'default', Statement: record.statements };
}

/** Builds the statement AddPermission adds, rendered as Lambda renders it (key order included). */
export function statementFor(record: FunctionRecord, body: Record<string, unknown>): PolicyStatement {
  const check = new FieldCheck(body);
  check.require('StatementId', 'statementId');
  check.require('Action', 'action');
  check.require('Principal', 'principal');
  const sid = check.string('StatementId', 'statementId', { pattern: STATEMENT_ID, patternText: '([a-zA-Z0-9-_]+)', max: 100 });
  const action = check.string('Action', 'action', { pattern: ACTION, patternText: '(lambda:[*]|lambda:[a-zA-Z]+|[*])' });
  const principal = check.string('Principal', 'principal');
  const sourceArn = check.string('SourceArn', 'sourceArn');
  const sourceAccount = check.string('SourceAccount', 'sourceAccount', { pattern: /^\d{12}$/, patternText: '\\d{12}' });
  const orgId = check.string('PrincipalOrgID', 'principalOrgID');
  const urlAuthType = check.string('FunctionUrlAuthType', 'functionUrlAuthType');
  check.done();
  if (record.statements.some((s) => s.Sid === sid)) {
    throw conflict(`The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
  }
  const statement: PolicyStatement = { Sid: sid!, Effect: 'Allow', Principal: principalOf(principal!), Action: action!, Resource: functionArn(record.region, record.name) };
  const equals: Record<string, string> = {};
  if (sourceAccount) equals['AWS:SourceAccount'] = sourceAccount;
  if (urlAuthType) equals['lambda:FunctionUrlAuthType'] = urlAuthType;
  if (orgId) equals['aws:PrincipalOrgID'] = orgId;
  const condition: NonNullable<PolicyStatement['Condition']> = {};
  if (Object.keys(equals).length) condition.StringEquals = equals;
  if (sourceArn) condition.ArnLike = { 'AWS:SourceArn': sourceArn };
  if (Object.keys(condition).length) statement.Condition = condition;
  return statement;
}

/** A service (`s3.amazonaws.com`), `*`, an account id or an IAM ARN; anything else Lambda refuses. */
function principalOf(principal: string): PolicyStatement['Principal'] {
  if (principal === '*') return '*';
  if (/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(principal)) return { Service: principal };
  if (/^\d{12}$/.test(principal)) return { AWS: accountRootArn(principal) };
  if (/^arn:aws[a-zA-Z-]*:iam::\d{12}:(root|user\/.+|role\/.+)$/.test(principal)) return { AWS: principal };
  throw invalidParameter('The provided principal was invalid. Please check the principal and try again.');
}

/** RemovePermission's three distinct not-found answers (lambda.remove_permission.*). */
export function removeStatement(record: FunctionRecord | undefined, region: string, name: string, sid: string): (r: FunctionRecord) => void {
  if (!record) throw notFound(`No policy found for: ${functionArn(region, name)}`);
  if (!record.statements.length) throw notFound('No policy is associated with the given resource.');
  if (!record.statements.some((s) => s.Sid === sid)) throw notFound(`Statement ${sid} is not found in resource policy.`);
  return (r) => {
    r.statements = r.statements.filter((s) => s.Sid !== sid);
  };
}
