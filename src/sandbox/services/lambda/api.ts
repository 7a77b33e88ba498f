import { rmSync } from 'node:fs';
import { AwsError } from '../../aws-error.js';
import { authorize } from '../../enforce.js';
import { ACCOUNT_ID, header, type SandboxRequest, type SandboxResponse } from '../../http.js';
import { restJsonResponse } from '../../protocols/rest-json.js';
import type { World } from '../../world.js';
import { assertUnzippable, runtimeDir } from './code.js';
import { assertNotBusy, assertRevision, configurationOf, conflict, hexOfSha, notFound, type FunctionRecord, type FunctionStore } from './functions.js';
import type { Invoker } from './invoke.js';
import { logTail } from './log-format.js';
import { constraint, functionArn, functionNameProblem, LATEST, parseFunctionRef, validationError, type FunctionRef } from './names.js';
import { policyOf, removeStatement, statementFor } from './permissions.js';
import { runtimeVersionArn } from './runtimes.js';
import { checkRoleAssumable, checkRuntime, FieldCheck, HANDLER_PATTERN, invalidParameter, readEnvironment, ROLE_PATTERN, ROLE_PATTERN_TEXT } from './validation.js';

/** Path of the sandbox's stand-in for the presigned S3 URL GetFunction returns as `Code.Location`. */
export const CODE_DOWNLOAD_PREFIX = '/_upload-lab/lambda-code/';
/** Invoke's synchronous payload limit. */
const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;

type Route = { method: string; path: RegExp; action: string; run: (req: SandboxRequest, params: string[]) => Promise<SandboxResponse> | SandboxResponse };

/** Lambda's REST JSON API (`/2015-03-31/functions/...`, `/2017-03-31/tags/...`). */
export function lambdaApi(world: World, store: FunctionStore, invoker: Invoker): (req: SandboxRequest) => Promise<SandboxResponse> {
  const config = (r: FunctionRecord, brief = false) => configurationOf(r, runtimeVersionArn(r.region, r.runtime), brief);

  /** The `$LATEST` function a path names; any other qualifier names a version the sandbox does not have. */
  const target = (req: SandboxRequest, raw: string): FunctionRef => parseFunctionRef(raw, req.query.get('Qualifier'));
  const existing = (req: SandboxRequest, ref: FunctionRef, suffixLatest = false): FunctionRecord => {
    const qualified = ref.qualifier !== undefined && ref.qualifier !== LATEST;
    const suffix = qualified || suffixLatest ? `:${ref.qualifier ?? LATEST}` : '';
    const record = qualified ? undefined : store.get(req.region, ref.name);
    if (!record) throw notFound(`Function not found: ${functionArn(req.region, ref.name)}${suffix}`);
    return record;
  };

  const routes: Route[] = [
    { method: 'POST', path: /^\/2015-03-31\/functions\/?$/, action: 'CreateFunction', run: (req) => createFunction(req) },
    {
      method: 'GET',
      path: /^\/2015-03-31\/functions\/?$/,
      action: 'ListFunctions',
      run: (req) => {
        const maxItems = Number(req.query.get('MaxItems') ?? 50);
        if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 10000) {
          throw validationError([constraint(req.query.get('MaxItems'), 'maxItems', 'Member must have value between 1 and 10000')]);
        }
        const all = store.list(req.region);
        const marker = req.query.get('Marker');
        const from = marker ? all.findIndex((f) => f.name === Buffer.from(marker, 'base64url').toString('utf8')) : 0;
        if (from < 0) throw invalidParameter('Invalid marker');
        const page = all.slice(from, from + maxItems);
        const next = all[from + maxItems];
        return restJsonResponse({ Functions: page.map((f) => config(f, true)), ...(next ? { NextMarker: Buffer.from(next.name).toString('base64url') } : {}) });
      },
    },
    {
      method: 'GET',
      path: /^\/2015-03-31\/functions\/([^/]+)\/?$/,
      action: 'GetFunction',
      run: (req, [name]) => {
        const record = existing(req, target(req, name!));
        const hex = hexOfSha(record.codeSha256);
        const scope = `sandbox/${new Date().toISOString().slice(0, 10).replaceAll('-', '')}/${record.region}/lambda/aws4_request`;
        return restJsonResponse({
          Configuration: config(record),
          Code: { RepositoryType: 'S3', Location: `${world.endpoint}${CODE_DOWNLOAD_PREFIX}${hex}.zip?X-Amz-Credential=${encodeURIComponent(scope)}` },
          ...(Object.keys(record.tags).length ? { Tags: { ...record.tags } } : {}),
        });
      },
    },
    {
      method: 'DELETE',
      path: /^\/2015-03-31\/functions\/([^/]+)\/?$/,
      action: 'DeleteFunction',
      run: (req, [name]) => {
        const ref = target(req, name!);
        if (ref.qualifier === LATEST) throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
        const record = existing(req, ref);
        store.delete(record);
        invoker.retire(record);
        rmSync(runtimeDir(world.options.dataDir, record.region, record.name), { recursive: true, force: true });
        return { status: 204, headers: {}, body: '' };
      },
    },
    { method: 'GET', path: /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/, action: 'GetFunctionConfiguration', run: (req, [name]) => restJsonResponse(config(existing(req, target(req, name!)))) },
    { method: 'PUT', path: /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/, action: 'UpdateFunctionConfiguration', run: (req, [name]) => updateConfiguration(req, existing(req, target(req, name!))) },
    { method: 'PUT', path: /^\/2015-03-31\/functions\/([^/]+)\/code\/?$/, action: 'UpdateFunctionCode', run: (req, [name]) => updateCode(req, existing(req, target(req, name!))) },
    { method: 'POST', path: /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/, action: 'InvokeFunction', run: (req, [name]) => invoke(req, existing(req, target(req, name!), true)) },
    {
      method: 'POST',
      path: /^\/2015-03-31\/functions\/([^/]+)\/policy\/?$/,
      action: 'AddPermission',
      run: (req, [name]) => {
        const record = existing(req, target(req, name!));
        const body = jsonBody(req);
        assertRevision(record, body.RevisionId);
        const statement = statementFor(record, body);
        store.touch(record, (r) => r.statements.push(statement));
        return restJsonResponse({ Statement: JSON.stringify(statement) }, 201);
      },
    },
    {
      method: 'GET',
      path: /^\/2015-03-31\/functions\/([^/]+)\/policy\/?$/,
      action: 'GetPolicy',
      run: (req, [name]) => {
        const record = store.get(req.region, target(req, name!).name);
        const policy = record && policyOf(record);
        if (!policy) throw notFound('The resource you requested does not exist.');
        return restJsonResponse({ Policy: JSON.stringify(policy), RevisionId: record.revisionId });
      },
    },
    {
      method: 'DELETE',
      path: /^\/2015-03-31\/functions\/([^/]+)\/policy\/([^/]+)\/?$/,
      action: 'RemovePermission',
      run: (req, [name, sid]) => {
        const ref = target(req, name!);
        const record = store.get(req.region, ref.name);
        const remove = removeStatement(record, req.region, ref.name, sid!);
        assertRevision(record!, req.query.get('RevisionId') ?? undefined);
        store.touch(record!, remove);
        return { status: 204, headers: {}, body: '' };
      },
    },
    { method: 'GET', path: /^\/2017-03-31\/tags\/([^/]+)\/?$/, action: 'ListTags', run: (_req, [arn]) => restJsonResponse({ Tags: { ...taggable(arn!).tags } }) },
    {
      method: 'POST',
      path: /^\/2017-03-31\/tags\/([^/]+)\/?$/,
      action: 'TagResource',
      run: (req, [arn]) => {
        const record = taggable(arn!);
        const check = new FieldCheck(jsonBody(req));
        check.require('Tags', 'tags');
        const tags = check.stringMap('Tags');
        check.done();
        store.retag(record, (current) => Object.assign(current, tags));
        return { status: 204, headers: {}, body: '' };
      },
    },
    {
      method: 'DELETE',
      path: /^\/2017-03-31\/tags\/([^/]+)\/?$/,
      action: 'UntagResource',
      run: (req, [arn]) => {
        const record = taggable(arn!);
        const keys = req.query.getAll('tagKeys');
        if (!keys.length) throw validationError([`Value null at 'tagKeys' failed to satisfy constraint: Member must not be null`]);
        store.retag(record, (current) => keys.forEach((k) => delete current[k]));
        return { status: 204, headers: {}, body: '' };
      },
    },
  ];

  function taggable(arn: string): FunctionRecord {
    const match = /^arn:aws:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_]+)$/.exec(arn);
    if (!match) throw validationError([constraint(arn, 'resource', 'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:[a-zA-Z0-9-_]+)')]);
    const record = match[2] === ACCOUNT_ID ? store.get(match[1]!, match[3]!) : undefined;
    if (!record) throw notFound(`Function not found: ${arn}`);
    return record;
  }

  function createFunction(req: SandboxRequest): SandboxResponse {
    const body = jsonBody(req);
    const check = new FieldCheck(body);
    check.require('FunctionName', 'functionName');
    check.require('Role', 'role');
    check.require('Code', 'code');
    const rawName = check.string('FunctionName', 'functionName');
    const { role, runtime, handler, description, timeout, memorySize } = readConfigurationFields(check);
    const tags = check.stringMap('Tags');
    const nameProblem = rawName === undefined ? undefined : functionNameProblem(rawName);
    check.done();
    if (nameProblem) throw validationError([nameProblem]);
    checkRuntime(runtime);
    const architectures = readArchitectures(body.Architectures);
    const environment = readEnvironment(body.Environment);
    if (body.PackageType === 'Image') throw invalidParameter('The sandbox runs Zip functions only: container images (PackageType Image) are not supported.');
    if (!runtime || !handler) throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
    const zip = zipFileOf(body.Code);
    const name = parseFunctionRef(rawName!, null).name;
    authorize(world, req, 'lambda:CreateFunction', functionArn(req.region, name));
    if (store.get(req.region, name)) throw conflict(`Function already exist: ${name}`);
    checkRoleAssumable(world, role!);
    const code = store.saveCode(zip);
    const record = store.create({
      name,
      region: req.region,
      runtime,
      role: role!,
      handler,
      description: description ?? '',
      timeout: timeout ?? 3,
      memorySize: memorySize ?? 128,
      architectures,
      ...(environment ? { environment } : {}),
      codeSha256: code.sha256,
      codeSize: code.size,
      tags: tags ?? {},
      statements: [],
    });
    return restJsonResponse(config(record), 201);
  }

  function updateConfiguration(req: SandboxRequest, record: FunctionRecord): SandboxResponse {
    const body = jsonBody(req);
    const check = new FieldCheck(body);
    const { role, runtime, handler, description, timeout, memorySize } = readConfigurationFields(check);
    check.done();
    checkRuntime(runtime);
    const environment = readEnvironment(body.Environment);
    assertRevision(record, body.RevisionId);
    assertNotBusy(record);
    if (role !== undefined && role !== record.role) checkRoleAssumable(world, role);
    store.update(record, (r) => {
      if (role !== undefined) r.role = role;
      if (runtime !== undefined) r.runtime = runtime;
      if (handler !== undefined) r.handler = handler;
      if (description !== undefined) r.description = description;
      if (timeout !== undefined) r.timeout = timeout;
      if (memorySize !== undefined) r.memorySize = memorySize;
      if (environment !== undefined) r.environment = environment;
    });
    invoker.retire(record, record.deployment);
    return restJsonResponse(config(record));
  }

  function updateCode(req: SandboxRequest, record: FunctionRecord): SandboxResponse {
    const body = jsonBody(req);
    const zip = zipFileOf(body);
    const architectures = body.Architectures === undefined ? undefined : readArchitectures(body.Architectures);
    assertRevision(record, body.RevisionId);
    assertNotBusy(record);
    if (body.DryRun === true) return restJsonResponse(config(record));
    const previous = record.codeSha256;
    const code = store.saveCode(zip);
    store.update(record, (r) => {
      r.codeSha256 = code.sha256;
      r.codeSize = code.size;
      if (architectures) r.architectures = architectures;
    });
    store.dropCodeIfUnused(previous);
    invoker.retire(record, record.deployment);
    return restJsonResponse(config(record));
  }

  async function invoke(req: SandboxRequest, record: FunctionRecord): Promise<SandboxResponse> {
    const type = header(req, 'x-amz-invocation-type') ?? 'RequestResponse';
    if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
      throw validationError([constraint(type, 'invocationType', 'Member must satisfy enum value set: [Event, RequestResponse, DryRun]')]);
    }
    if (type !== 'Event' && req.body.length > MAX_SYNC_PAYLOAD) {
      throw new AwsError('RequestTooLargeException', `Request must be smaller than ${MAX_SYNC_PAYLOAD} bytes for the InvokeFunction operation`, 413, { lowercaseMessage: true });
    }
    const payload = req.body.length ? req.body.toString('utf8') : '{}';
    try {
      JSON.parse(payload);
    } catch (error) {
      throw new AwsError('InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${(error as Error).message}`, 400, { lowercaseMessage: true });
    }
    if (type === 'Event') {
      invoker.invokeAsync(record.region, record.name, payload);
      return { status: 202, headers: {}, body: '' };
    }
    if (record.state === 'Pending') assertNotBusy(record);
    if (type === 'DryRun') return { status: 204, headers: {}, body: '' };
    const result = await invoker.invoke(record, payload);
    const headers: Record<string, string> = { 'x-amz-executed-version': LATEST };
    if (result.functionError) headers['x-amz-function-error'] = result.functionError;
    if (header(req, 'x-amz-log-type') === 'Tail') headers['x-amz-log-result'] = logTail(result.log);
    return { status: 200, headers: { 'content-type': 'application/json', ...headers }, body: result.payload };
  }

  return async (req) => {
    if (req.method === 'GET' && req.rawPath.startsWith(CODE_DOWNLOAD_PREFIX)) return downloadCode(req.rawPath.slice(CODE_DOWNLOAD_PREFIX.length));
    for (const route of routes) {
      if (route.method !== req.method) continue;
      const match = route.path.exec(req.rawPath);
      if (!match) continue;
      const params = match.slice(1).map(decodePathParameter);
      authorize(world, req, `lambda:${route.action}`, resourceOf(req, route.action, params[0]));
      return route.run(req, params);
    }
    throw new AwsError('UnknownOperationException', `Unknown operation: ${req.method} ${req.rawPath}`, 404);
  };

  /** Only the code of an existing function is served, as a presigned URL stops working once the function is gone. */
  function downloadCode(file: string): SandboxResponse {
    const hex = /^([0-9a-f]{64})\.zip$/.exec(file)?.[1];
    if (!hex || !store.usesCode(hex)) throw notFound('The resource you requested does not exist.');
    return { status: 200, headers: { 'content-type': 'application/zip' }, body: store.readCodeHex(hex) };
  }
}

/** The configuration fields CreateFunction and UpdateFunctionConfiguration share, with Lambda's limits. */
function readConfigurationFields(check: FieldCheck) {
  return {
    role: check.string('Role', 'role', { pattern: ROLE_PATTERN, patternText: ROLE_PATTERN_TEXT }),
    runtime: check.string('Runtime', 'runtime'),
    handler: check.string('Handler', 'handler', { max: 128, pattern: HANDLER_PATTERN, patternText: '[^\\s]+' }),
    description: check.string('Description', 'description', { max: 256 }),
    timeout: check.integer('Timeout', 'timeout', 1, 900),
    memorySize: check.integer('MemorySize', 'memorySize', 128, 10240),
  };
}

/** A broken percent-escape in a path is the client's fault, as AWS answers it: not a crash. */
function decodePathParameter(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AwsError('ValidationException', `1 validation error detected: Value '${raw}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`, 400);
  }
}

/** The ARN a role's call is authorised against (ListFunctions has none: `*`). */
function resourceOf(req: SandboxRequest, action: string, param: string | undefined): string {
  if (action === 'ListFunctions' || action === 'CreateFunction' || param === undefined) return '*';
  if (param.startsWith('arn:')) return param;
  return functionArn(req.region, parseFunctionRef(param, null).name);
}

function jsonBody(req: SandboxRequest): Record<string, unknown> {
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

/** `Code.ZipFile` (or UpdateFunctionCode's `ZipFile`): base64 in JSON. The sandbox has no S3 code source. */
function zipFileOf(code: unknown): Buffer {
  const source = (code ?? {}) as Record<string, unknown>;
  if (source.S3Bucket !== undefined || source.ImageUri !== undefined) {
    throw invalidParameter('The sandbox accepts code as ZipFile only (no S3Bucket/S3Key or ImageUri): upload the zip bytes.');
  }
  if (typeof source.ZipFile !== 'string' || !source.ZipFile) throw invalidParameter('Please provide a source for function code.');
  const zip = Buffer.from(source.ZipFile, 'base64');
  assertUnzippable(zip);
  return zip;
}

function readArchitectures(value: unknown): string[] {
  if (value === undefined || value === null) return ['x86_64'];
  if (!Array.isArray(value) || value.length !== 1 || !['x86_64', 'arm64'].includes(value[0] as string)) {
    throw validationError([constraint(JSON.stringify(value), 'architectures', 'Member must have length less than or equal to 1, Member must satisfy enum value set: [x86_64, arm64]')]);
  }
  return [value[0] as string];
}
