import { AwsError } from '../../aws-error.js';
import type { SandboxRequest, SandboxResponse } from '../../http.js';
import type { World } from '../../world.js';
import { configurationOf, notFound, type FunctionRecord, type FunctionStore } from './functions.js';
import type { AsyncQueue } from './async-queue.js';
import type { Invoker } from './invoke.js';
import { functionArn, LATEST, parseFunctionRef, type FunctionRef } from './names.js';
import { runtimeVersionArn } from './runtimes.js';

/** One call of a Lambda operation: the request, its decoded path parameters, and what it may touch. */
export interface LambdaCall {
  req: SandboxRequest;
  /** The path's captures, percent-decoded: the function name (or tagged ARN), then e.g. a statement id. */
  params: string[];
  world: World;
  store: FunctionStore;
  invoker: Invoker;
  queue: AsyncQueue;
}

/** One operation of Lambda's REST API: where it lives and what it answers. */
export interface LambdaOperation {
  method: string;
  path: RegExp;
  /** The ARN a role's call is authorised against (`lambda:<Operation>` on it); `*` when there is none. */
  resource?: (call: LambdaCall) => string;
  run(call: LambdaCall): Promise<SandboxResponse> | SandboxResponse;
}

export const NO_CONTENT: SandboxResponse = Object.freeze({ status: 204, headers: {}, body: '' });

/** The function a call's path names; `resource` for operations on one function. */
export function functionResource({ req, params: [param] }: LambdaCall): string {
  if (param === undefined) return '*';
  if (param.startsWith('arn:')) return param;
  return functionArn(req.region, parseFunctionRef(param, null).name);
}

/** The function the path names, as the caller qualified it (`name:qualifier` or `?Qualifier=`). */
export function targetOf(call: LambdaCall): FunctionRef {
  return parseFunctionRef(call.params[0]!, call.req.query.get('Qualifier'));
}

/**
 * The `$LATEST` function a reference names; any other qualifier names a version the sandbox does not
 * have. `suffixLatest` puts `:$LATEST` in the not-found message, as Invoke's does.
 */
export function existingFunction(call: LambdaCall, ref: FunctionRef = targetOf(call), suffixLatest = false): FunctionRecord {
  const qualified = ref.qualifier !== undefined && ref.qualifier !== LATEST;
  const suffix = qualified || suffixLatest ? `:${ref.qualifier ?? LATEST}` : '';
  const record = qualified ? undefined : call.store.get(call.req.region, ref.name);
  if (!record) throw notFound(`Function not found: ${functionArn(call.req.region, ref.name)}${suffix}`);
  return record;
}

/** `FunctionConfiguration` of a record; `brief` is ListFunctions' subset. */
export function configOf(record: FunctionRecord, brief = false): Record<string, unknown> {
  return configurationOf(record, runtimeVersionArn(record.region, record.runtime), brief);
}

export function jsonBody(req: SandboxRequest): Record<string, unknown> {
  if (!req.body.length) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.toString('utf8'));
  } catch (error) {
    throw new AwsError('InvalidRequestContentException', `Could not parse request body into json: ${(error as Error).message}`, 400, { lowercaseMessage: true });
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AwsError('InvalidRequestContentException', 'Could not parse request body into json: the body is not a JSON object', 400, { lowercaseMessage: true });
  }
  return parsed as Record<string, unknown>;
}
