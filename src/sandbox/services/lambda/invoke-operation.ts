import { AwsError } from '../../aws-error.js';
import { header } from '../../http.js';
import { LAMBDA_EVENT_PAYLOAD_BYTES, LAMBDA_INVOKE_BODY_BYTES } from '../../limits.js';
import { assertNotBusy } from './functions.js';
import { logTail } from './log-format.js';
import { constraint, LATEST, validationError } from './names.js';
import { existingFunction, functionResource, NO_CONTENT, targetOf, type LambdaCall, type LambdaOperation } from './operation.js';


/** Invoke: the HTTP side (types, limits, headers); invoke.ts runs the code. */
export const invokeOperations: Record<string, LambdaOperation> = {
  InvokeFunction: { method: 'POST', path: /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/, resource: functionResource, run: invoke },
};

async function invoke(call: LambdaCall) {
  const { req, invoker, queue } = call;
  const record = existingFunction(call, targetOf(call), true);
  const type = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
    throw validationError([constraint(type, 'invocationType', 'Member must satisfy enum value set: [Event, RequestResponse, DryRun]')]);
  }
  if (type !== 'Event' && req.body.length > LAMBDA_INVOKE_BODY_BYTES) {
    throw new AwsError('RequestTooLargeException', `Request must be smaller than ${LAMBDA_INVOKE_BODY_BYTES} bytes for the InvokeFunction operation`, 413, { lowercaseMessage: true });
  }
  if (type === 'Event' && req.body.length > LAMBDA_EVENT_PAYLOAD_BYTES) {
    throw new AwsError('RequestEntityTooLargeException', `${req.body.length} byte payload is too large for the Event invocation type (limit ${LAMBDA_EVENT_PAYLOAD_BYTES} bytes)`, 413, { lowercaseMessage: true });
  }
  const payload = req.body.length ? req.body.toString('utf8') : '{}';
  try {
    JSON.parse(payload);
  } catch (error) {
    throw new AwsError('InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${(error as Error).message}`, 400, { lowercaseMessage: true });
  }
  if (type === 'Event') {
    // Saved before the 202 leaves (the router answers once the state is written).
    queue.accept(record.region, record.name, payload);
    return { status: 202, headers: {}, body: '' };
  }
  if (record.state === 'Pending') assertNotBusy(record);
  if (type === 'DryRun') return NO_CONTENT;
  const result = await invoker.invoke(record, payload);
  const headers: Record<string, string> = { 'x-amz-executed-version': LATEST };
  if (result.functionError) headers['x-amz-function-error'] = result.functionError;
  if (header(req, 'x-amz-log-type') === 'Tail') headers['x-amz-log-result'] = logTail(result.log);
  return { status: 200, headers: { 'content-type': 'application/json', ...headers }, body: result.payload };
}
