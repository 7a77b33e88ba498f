import { tableArn } from '../../aws-rules/arns.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { AwsError } from '../aws-error.js';
import { authorize, isRestricted } from '../enforce.js';
import { ACCOUNT_ID, type SandboxRequest, type SandboxResponse } from '../http.js';
import type { Service, World } from '../world.js';
import { startDynalite, untilSettled, type Dynalite } from './dynamodb/dynalite-store.js';
import { checkIndexKeyValues, checkRequest, isRecord, withTableNames, type DynamoRequest } from './dynamodb/requests.js';
import { DeletionProtection } from './dynamodb/deletion-protection.js';
import { finishInterruptedTransitions, updateTable } from './dynamodb/tables.js';

/**
 * DynamoDB is dynalite, embedded: its request listener gets our already-read request replayed as a
 * stream, and its answer is captured. One dynalite store per region, as tables are regional (see RegionStores).
 */
export function createDynamoDbService(world: World): Service {
  const protection = new DeletionProtection(world.state);
  const stores = new RegionStores((region) => {
    // dynalite reads the region and account for its ARNs from the environment, once, at creation.
    const started = withEnv({ AWS_REGION: region, AWS_ACCOUNT_ID: ACCOUNT_ID }, () =>
      startDynalite({
        path: join(world.options.dataDir, 'dynamodb', region),
        createTableMs: world.options.tableDelayMs,
        deleteTableMs: world.options.tableDelayMs,
        updateTableMs: world.options.tableDelayMs,
      }),
    );
    // dynalite only closes its LevelDB when its own server closes, which needs it to have listened:
    // give it a private socket nobody connects to, so close() releases the database cleanly.
    started.server.listen(socketPath());
    return started;
  });

  return {
    async handle(received) {
      const operation = operationOf(received);
      const parsed = parseJsonObject(received.body);
      // A table's ARN stands for its name everywhere: dynalite (and authorisation) see the name.
      const request = parsed && withTableNames(parsed);
      const req = request !== parsed ? { ...received, body: Buffer.from(JSON.stringify(request)) } : received;
      if (isRestricted(world, req.caller)) {
        const tables = tablesOf(request);
        const resources = tables.length ? tables.map((t) => tableArn(req.region, ACCOUNT_ID, t)) : ['*'];
        for (const resource of resources) authorize(world, req, `dynamodb:${operation}`, resource);
        // Tags given to CreateTable are a second action, as on AWS.
        if (operation === 'CreateTable' && Array.isArray(request?.Tags) && request.Tags.length > 0) authorize(world, req, 'dynamodb:TagResource', resources[0]!);
      }
      if (request) checkRequest(operation, request);
      return stores.use(req.region, async (dynalite) => {
        const answer = await answerWith(dynalite, req, request, operation);
        // With no table delay the table is usable once CreateTable/UpdateTable/DeleteTable has answered
        // (the answer still says CREATING, as AWS's does): dynalite and the index builder finish the
        // transition on a timer, and a client writing at once would otherwise race it.
        const table = request?.TableName;
        if (world.options.tableDelayMs === 0 && answer.status === 200 && typeof table === 'string' && TRANSITIONS.has(operation)) {
          await untilSettled(dynalite.store, table);
        }
        return answer;
      });
    },
    close: () => stores.closeAll(),
  };

  async function answerWith({ server, store }: Dynalite, req: SandboxRequest, request: DynamoRequest | undefined, operation: string): Promise<SandboxResponse> {
    const listener = server.listeners('request')[0] as RequestListener;
    const call = async (target: string, payload: DynamoRequest) =>
      replay(listener, { ...req, headers: { ...req.headers, 'x-amz-target': `DynamoDB_20120810.${target}` }, body: Buffer.from(JSON.stringify(payload)) });
    // DeletionProtectionEnabled is kept beside dynalite, once the whole UpdateTable has gone through.
    const keepProtectionOf = (update: DynamoRequest) => {
      if (typeof update.DeletionProtectionEnabled === 'boolean') protection.set(req.region, String(update.TableName), update.DeletionProtectionEnabled);
    };
    const describe = (answer: SandboxResponse) => alignWithAws(operation, req.body, answer, (table) => protection.has(req.region, table));
    let forwarded = request;
    if (request) {
      await checkIndexKeyValues(operation, request, store);
      if (operation === 'DeleteTable') protection.checkDeletion(req.region, String(request.TableName));
      if (operation === 'UpdateTable') {
        const step = await updateTable(request, store, world.options.tableDelayMs);
        if ('answer' in step) {
          keepProtectionOf(request);
          return describe(jsonAnswer(step.answer));
        }
        forwarded = step.request;
      }
      // dynalite would keep CreateTable's Tags in the table's description; DynamoDB keeps them as the table's tags.
      if (operation === 'CreateTable' && request.Tags !== undefined) forwarded = { ...request, Tags: undefined };
    }
    const answered = forwarded === request ? await replay(listener, req) : await call(operation, forwarded!);
    if (answered.status === 200 && request) {
      if (operation === 'CreateTable') protection.set(req.region, String(request.TableName), request.DeletionProtectionEnabled === true);
      if (operation === 'DeleteTable') protection.set(req.region, String(request.TableName), false);
      if (operation === 'UpdateTable') keepProtectionOf(request);
    }
    const answer = describe(answered);
    if (operation === 'CreateTable' && answer.status === 200 && Array.isArray(request?.Tags) && request.Tags.length > 0) {
      const tagged = await call('TagResource', { ResourceArn: tableArn(req.region, ACCOUNT_ID, String(request.TableName)), Tags: request.Tags });
      if (tagged.status !== 200) return tagged;
    }
    return withOldItemOnConditionFailure(listener, req, answer);
  }
}

/** The operations that start a table transition (CREATING, UPDATING, DELETING). */
const TRANSITIONS = new Set(['CreateTable', 'UpdateTable', 'DeleteTable']);

/** Regions whose LevelDB stays open at once; each holds a socket and a few file descriptors. */
export const MAX_OPEN_DYNAMODB_STORES = 4;

/**
 * One dynalite store per region, opened on first use. At most MAX_OPEN_DYNAMODB_STORES stay open:
 * the least recently used idle one is closed (and reopened, with its data, when next asked for), so
 * requests across many regions never exhaust file descriptors.
 */
class RegionStores {
  /** Insertion order is recency: a store used is moved to the end. */
  private readonly open = new Map<string, { dynalite: Dynalite; settled: Promise<void>; busy: number }>();
  private readonly closing = new Map<string, Promise<void>>();

  constructor(private readonly create: (region: string) => Dynalite) {}

  async use<T>(region: string, run: (dynalite: Dynalite) => Promise<T>): Promise<T> {
    // LevelDB allows one opener: a store being closed must finish closing before it is opened again.
    await this.closing.get(region);
    const entry = this.open.get(region) ?? this.opened(region);
    this.open.delete(region);
    this.open.set(region, entry);
    entry.busy++;
    try {
      await entry.settled;
      return await run(entry.dynalite);
    } finally {
      entry.busy--;
      this.closeIdle();
    }
  }

  private opened(region: string): { dynalite: Dynalite; settled: Promise<void>; busy: number } {
    const dynalite = this.create(region);
    return { dynalite, settled: finishInterruptedTransitions(dynalite.store), busy: 0 };
  }

  async closeAll(): Promise<void> {
    const servers = [...this.open.values()].map((e) => e.dynalite.server);
    this.open.clear();
    await Promise.all([...servers.map(closeServer), ...this.closing.values()]);
  }

  private closeIdle(): void {
    for (const [region, entry] of this.open) {
      if (this.open.size <= MAX_OPEN_DYNAMODB_STORES) return;
      if (entry.busy > 0) continue;
      this.open.delete(region);
      const closed = closeServer(entry.dynalite.server).finally(() => {
        if (this.closing.get(region) === closed) this.closing.delete(region);
      });
      this.closing.set(region, closed);
    }
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * dynalite takes any JSON for a body and reads fields off it, so `[[…]]` would be a valid ListTables;
 * DynamoDB wants an object. Unparseable JSON (undefined here) is left to dynalite, which answers as
 * DynamoDB does.
 */
function parseJsonObject(body: Buffer): DynamoRequest | undefined {
  if (body.length === 0) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(data)) throw new AwsError('SerializationException', 'Start of structure or map found where not expected.', 400);
  return data;
}

/** An answer the sandbox gives in dynalite's stead, shaped as dynalite's own. */
function jsonAnswer(body: Record<string, unknown>): SandboxResponse {
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(body) };
}

function socketPath(): string {
  const name = `upload-lab-dynalite-${process.pid}-${randomBytes(4).toString('hex')}`;
  return process.platform === 'win32' ? `\\\\.\\pipe\\${name}` : join(tmpdir(), `${name}.sock`);
}

function operationOf(req: SandboxRequest): string {
  return String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
}

/** The tables a request touches, for authorisation. Malformed bodies touch none: dynalite answers them. */
function tablesOf(record: DynamoRequest | undefined): string[] {
  if (!record) return [];
  const names = new Set<string>();
  if (typeof record.TableName === 'string') names.add(record.TableName);
  if (record.RequestItems && typeof record.RequestItems === 'object') {
    for (const name of Object.keys(record.RequestItems)) names.add(name);
  }
  if (Array.isArray(record.TransactItems)) {
    for (const item of record.TransactItems as Record<string, { TableName?: unknown }>[]) {
      for (const op of Object.values(item ?? {})) if (typeof op?.TableName === 'string') names.add(op.TableName);
    }
  }
  return [...names];
}

/**
 * Where dynalite's answer differs from what DynamoDB answers today in ways clients read, patch it:
 * table descriptions lack `DeletionProtectionEnabled` (added in 2023; the sandbox keeps it beside
 * dynalite, see DeletionProtection), and CreateTable on an existing table comes back without a message.
 */
function alignWithAws(operation: string, requestBody: Buffer, answer: SandboxResponse, isProtected: (table: string) => boolean): SandboxResponse {
  if (!['CreateTable', 'DescribeTable', 'DeleteTable', 'UpdateTable'].includes(operation) || typeof answer.body !== 'string') return answer;
  let body: Record<string, Record<string, unknown> | string | undefined>;
  try {
    body = JSON.parse(answer.body) as typeof body;
  } catch {
    return answer;
  }
  const description = body.TableDescription ?? body.Table;
  if (description && typeof description === 'object') description.DeletionProtectionEnabled = isProtected(String(description.TableName));
  if (operation === 'CreateTable' && String(body.__type).endsWith('#ResourceInUseException') && !body.message) {
    const { TableName } = JSON.parse(requestBody.toString('utf8')) as { TableName?: string };
    body.message = `Table already exists: ${TableName}`;
  }
  return withBody(answer, JSON.stringify(body));
}

/** DynamoDB signs every answer's bytes with `x-amz-crc32`, and botocore checks it: a changed body needs a new one. */
function withBody(answer: SandboxResponse, body: string): SandboxResponse {
  return { ...answer, headers: { ...answer.headers, 'x-amz-crc32': String(crc32(body)) }, body };
}

/**
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD` (2023) postdates dynalite: when a conditional write
 * fails, read the item as it stands and return it in the error, as DynamoDB does.
 */
async function withOldItemOnConditionFailure(listener: RequestListener, req: SandboxRequest, answer: SandboxResponse): Promise<SandboxResponse> {
  if (answer.status !== 400 || !String(answer.body).includes('#ConditionalCheckFailedException')) return answer;
  const request = JSON.parse(req.body.toString('utf8')) as { TableName: string; Key?: Record<string, unknown>; Item?: Record<string, unknown>; ReturnValuesOnConditionCheckFailure?: string };
  if (request.ReturnValuesOnConditionCheckFailure !== 'ALL_OLD') return answer;
  const call = async (operation: string, payload: unknown) =>
    JSON.parse(String((await replay(listener, { ...req, headers: { ...req.headers, 'x-amz-target': `DynamoDB_20120810.${operation}` }, body: Buffer.from(JSON.stringify(payload)) })).body)) as Record<string, unknown>;
  let key = request.Key;
  if (!key && request.Item) {
    const { Table } = (await call('DescribeTable', { TableName: request.TableName })) as { Table: { KeySchema: { AttributeName: string }[] } };
    key = Object.fromEntries(Table.KeySchema.map(({ AttributeName }) => [AttributeName, request.Item![AttributeName]]));
  }
  const { Item } = await call('GetItem', { TableName: request.TableName, Key: key });
  if (!Item) return answer;
  return withBody(answer, JSON.stringify({ ...(JSON.parse(String(answer.body)) as object), Item }));
}

function replay(listener: RequestListener, req: SandboxRequest): Promise<SandboxResponse> {
  return new Promise((resolve) => {
    // One chunk, pushed when dynalite reads: lighter than Readable.from's async iteration, per request.
    const fakeReq = new Readable({
      read() {
        if (req.body.length) this.push(req.body);
        this.push(null);
      },
    }) as unknown as IncomingMessage;
    Object.assign(fakeReq, {
      method: req.method,
      url: req.rawPath + (req.query.size ? `?${req.query}` : ''),
      headers: req.headers,
    });
    const headers: Record<string, string> = {};
    const fakeRes: { statusCode: number; contentType?: string; setHeader(n: string, v: string | number): void; end(b?: string | Buffer): void } = {
      statusCode: 200,
      setHeader(name: string, value: string | number) {
        headers[name.toLowerCase()] = String(value);
      },
      end(body?: string | Buffer) {
        delete headers['content-length'];
        delete headers['transfer-encoding'];
        resolve({ status: this.statusCode, headers, body: body ?? '' });
      },
    };
    listener(fakeReq, fakeRes as unknown as ServerResponse);
  });
}

function withEnv<T>(vars: Record<string, string>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
