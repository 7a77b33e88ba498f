import { rmSync } from 'node:fs';
import { dictionary } from '../../dictionary.js';
import { authorize, mayCall } from '../../enforce.js';
import { restJsonResponse } from '../../protocols/rest-json.js';
import { assertUnzippable, runtimeDir } from './code.js';
import { assertNotBusy, assertRevision, conflict, hexOfSha } from './functions.js';
import { CODE_DOWNLOAD_PREFIX, constraint, functionArn, functionNameProblem, LATEST, parseFunctionRef, validationError } from './names.js';
import { configOf, existingFunction, functionResource, jsonBody, NO_CONTENT, targetOf, type LambdaCall, type LambdaOperation } from './operation.js';
import { checkRoleAssumable, checkRuntime, FieldCheck, HANDLER_PATTERN, invalidParameter, readEnvironment, ROLE_PATTERN, ROLE_PATTERN_TEXT } from './validation.js';

const FUNCTIONS = /^\/2015-03-31\/functions\/?$/;
const FUNCTION = /^\/2015-03-31\/functions\/([^/]+)\/?$/;
const CONFIGURATION = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/;

/** Creating, reading, listing, changing and deleting functions. */
export const functionOperations: Record<string, LambdaOperation> = {
  CreateFunction: { method: 'POST', path: FUNCTIONS, run: createFunction },
  ListFunctions: { method: 'GET', path: FUNCTIONS, run: listFunctions },
  GetFunction: { method: 'GET', path: FUNCTION, resource: functionResource, run: getFunction },
  DeleteFunction: { method: 'DELETE', path: FUNCTION, resource: functionResource, run: deleteFunction },
  GetFunctionConfiguration: { method: 'GET', path: CONFIGURATION, resource: functionResource, run: (call) => restJsonResponse(configOf(existingFunction(call))) },
  UpdateFunctionConfiguration: { method: 'PUT', path: CONFIGURATION, resource: functionResource, run: updateConfiguration },
  UpdateFunctionCode: { method: 'PUT', path: /^\/2015-03-31\/functions\/([^/]+)\/code\/?$/, resource: functionResource, run: updateCode },
};

function createFunction({ req, world, store, invoker }: LambdaCall) {
  const body = jsonBody(req);
  const check = new FieldCheck(body);
  check.require('FunctionName', 'functionName');
  check.require('Role', 'role');
  check.require('Code', 'code');
  const rawName = check.string('FunctionName', 'functionName');
  const { role, runtime, handler, description, timeout, memorySize, tracingMode, ephemeralStorageSize } = readConfigurationFields(check);
  const tags = check.stringMap('Tags');
  const nameProblem = rawName === undefined ? undefined : functionNameProblem(rawName, 'functionName', true);
  check.done();
  if (nameProblem) throw validationError([nameProblem]);
  checkRuntime(runtime);
  const architectures = readArchitectures(body.Architectures);
  const environment = readEnvironment(body.Environment);
  if (body.PackageType === 'Image') throw invalidParameter('The sandbox runs Zip functions only: container images (PackageType Image) are not supported.');
  if (!runtime || !handler) throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
  const zip = zipFileOf(body.Code);
  const name = parseFunctionRef(rawName!, null).name;
  // The table authorises CreateFunction against `*`; the name is known only now.
  authorize(world, req, 'lambda:CreateFunction', functionArn(req.region, name));
  // As on AWS: handing the function a role needs iam:PassRole on it, and tags need lambda:TagResource.
  authorize(world, req, 'iam:PassRole', role!);
  if (tags && Object.keys(tags).length) authorize(world, req, 'lambda:TagResource', functionArn(req.region, name));
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
    tracingMode: tracingMode ?? 'PassThrough',
    ephemeralStorageSize: ephemeralStorageSize ?? 512,
    architectures,
    ...(environment ? { environment } : {}),
    codeSha256: code.sha256,
    codeSize: code.size,
    tags: dictionary(tags),
    statements: [],
  });
  invoker.announce(record);
  return restJsonResponse(configOf(record), 201);
}

function listFunctions({ req, store }: LambdaCall) {
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
  return restJsonResponse({ Functions: page.map((f) => configOf(f, true)), ...(next ? { NextMarker: Buffer.from(next.name).toString('base64url') } : {}) });
}

function getFunction(call: LambdaCall) {
  const record = existingFunction(call);
  const hex = hexOfSha(record.codeSha256);
  const scope = `sandbox/${new Date().toISOString().slice(0, 10).replaceAll('-', '')}/${record.region}/lambda/aws4_request`;
  return restJsonResponse({
    Configuration: configOf(record),
    Code: { RepositoryType: 'S3', Location: `${call.world.endpoint}${CODE_DOWNLOAD_PREFIX}${hex}.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(scope)}` },
    // Lambda leaves Tags out, silently, for a caller without lambda:ListTags.
    ...(Object.keys(record.tags).length && mayCall(call.world, call.req.caller, 'lambda:ListTags', functionArn(record.region, record.name)) ? { Tags: { ...record.tags } } : {}),
  });
}

function deleteFunction(call: LambdaCall) {
  const ref = targetOf(call);
  if (ref.qualifier === LATEST) throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
  const record = existingFunction(call, ref);
  call.store.delete(record);
  call.invoker.retire(record);
  rmSync(runtimeDir(call.world.options.dataDir, record.region, record.name), { recursive: true, force: true });
  return NO_CONTENT;
}

function updateConfiguration(call: LambdaCall) {
  const record = existingFunction(call);
  const body = jsonBody(call.req);
  const check = new FieldCheck(body);
  const { role, runtime, handler, description, timeout, memorySize, tracingMode, ephemeralStorageSize } = readConfigurationFields(check);
  check.done();
  checkRuntime(runtime);
  const environment = readEnvironment(body.Environment);
  assertRevision(record, body.RevisionId);
  assertNotBusy(record);
  // Handing the function a role, here as at creation, needs iam:PassRole on it.
  if (role !== undefined) authorize(call.world, call.req, 'iam:PassRole', role);
  if (role !== undefined && role !== record.role) checkRoleAssumable(call.world, role);
  call.store.update(record, (r) => {
    if (role !== undefined) r.role = role;
    if (runtime !== undefined) r.runtime = runtime;
    if (handler !== undefined) r.handler = handler;
    if (description !== undefined) r.description = description;
    if (timeout !== undefined) r.timeout = timeout;
    if (memorySize !== undefined) r.memorySize = memorySize;
    if (tracingMode !== undefined) r.tracingMode = tracingMode;
    if (ephemeralStorageSize !== undefined) r.ephemeralStorageSize = ephemeralStorageSize;
    if (environment !== undefined) r.environment = environment;
  });
  call.invoker.retire(record, record.deployment);
  if (runtime !== undefined) call.invoker.announce(record);
  return restJsonResponse(configOf(record));
}

function updateCode(call: LambdaCall) {
  const record = existingFunction(call);
  const body = jsonBody(call.req);
  const zip = zipFileOf(body);
  const architectures = body.Architectures === undefined ? undefined : readArchitectures(body.Architectures);
  assertRevision(record, body.RevisionId);
  assertNotBusy(record);
  if (body.DryRun === true) return restJsonResponse(configOf(record));
  const previous = record.codeSha256;
  const code = call.store.saveCode(zip);
  call.store.update(record, (r) => {
    r.codeSha256 = code.sha256;
    r.codeSize = code.size;
    if (architectures) r.architectures = architectures;
  });
  call.store.dropCodeIfUnused(previous);
  call.invoker.retire(record, record.deployment);
  call.invoker.announce(record);
  return restJsonResponse(configOf(record));
}

/**
 * The configuration fields CreateFunction and UpdateFunctionConfiguration share, with Lambda's limits
 * (TracingConfig.Mode Active | PassThrough, EphemeralStorage.Size 512-10240 MB:
 * https://docs.aws.amazon.com/lambda/latest/api/API_TracingConfig.html, .../API_EphemeralStorage.html).
 */
function readConfigurationFields(check: FieldCheck) {
  const tracing = check.within('TracingConfig', 'tracingConfig');
  const storage = check.within('EphemeralStorage', 'ephemeralStorage', [['Size', 'size']]);
  return {
    tracingMode: tracing.oneOf('Mode', 'mode', ['Active', 'PassThrough']) as 'Active' | 'PassThrough' | undefined,
    ephemeralStorageSize: storage.integer('Size', 'size', 512, 10240),
    role: check.string('Role', 'role', { pattern: ROLE_PATTERN, patternText: ROLE_PATTERN_TEXT }),
    runtime: check.string('Runtime', 'runtime'),
    handler: check.string('Handler', 'handler', { max: 128, pattern: HANDLER_PATTERN, patternText: '[^\\s]+' }),
    description: check.string('Description', 'description', { max: 256 }),
    timeout: check.integer('Timeout', 'timeout', 1, 900),
    memorySize: check.integer('MemorySize', 'memorySize', 128, 10240),
  };
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
