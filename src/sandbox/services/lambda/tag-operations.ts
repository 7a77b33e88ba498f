import { functionArnParts } from '../../../aws-rules/arns.js';
import { ACCOUNT_ID } from '../../http.js';
import { restJsonResponse } from '../../protocols/rest-json.js';
import { notFound, type FunctionRecord } from './functions.js';
import { constraint, validationError } from './names.js';
import { functionResource, jsonBody, NO_CONTENT, type LambdaCall, type LambdaOperation } from './operation.js';
import { FieldCheck } from './validation.js';

const TAGS = /^\/2017-03-31\/tags\/([^/]+)\/?$/;

/** Tags of a function, named by its ARN. */
export const tagOperations: Record<string, LambdaOperation> = {
  ListTags: { method: 'GET', path: TAGS, resource: functionResource, run: (call) => restJsonResponse({ Tags: { ...taggable(call).tags } }) },
  TagResource: { method: 'POST', path: TAGS, resource: functionResource, run: tagResource },
  UntagResource: { method: 'DELETE', path: TAGS, resource: functionResource, run: untagResource },
};

function tagResource(call: LambdaCall) {
  const record = taggable(call);
  const check = new FieldCheck(jsonBody(call.req));
  check.require('Tags', 'tags');
  const tags = check.stringMap('Tags');
  check.done();
  call.store.retag(record, (current) => Object.assign(current, tags));
  return NO_CONTENT;
}

function untagResource(call: LambdaCall) {
  const record = taggable(call);
  const keys = call.req.query.getAll('tagKeys');
  if (!keys.length) throw validationError([`Value null at 'tagKeys' failed to satisfy constraint: Member must not be null`]);
  call.store.retag(record, (current) => keys.forEach((k) => delete current[k]));
  return NO_CONTENT;
}

function taggable({ params: [arn], store }: LambdaCall): FunctionRecord {
  const parts = functionArnParts(arn!);
  if (!parts || parts.qualifier !== undefined) throw validationError([constraint(arn, 'resource', 'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:[a-zA-Z0-9-_]+)')]);
  const record = parts.account === ACCOUNT_ID ? store.get(parts.region, parts.name) : undefined;
  if (!record) throw notFound(`Function not found: ${arn}`);
  return record;
}
