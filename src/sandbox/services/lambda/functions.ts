import { functionLogGroup } from '../../../aws-rules/arns.js';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyStatement } from '../../../policy/types.js';
import { AwsError } from '../../aws-error.js';
import { writeFileAtomic } from '../../../common/atomic-file.js';
import { dictionary } from '../../dictionary.js';
import { RECORDS, type StateDb } from '../../state-db.js';
import { functionArn, LATEST } from './names.js';

/** A function as the sandbox keeps it (one `$LATEST`, no published versions). */
export interface FunctionRecord {
  name: string;
  region: string;
  runtime: string;
  role: string;
  handler: string;
  description: string;
  timeout: number;
  memorySize: number;
  /** X-Ray tracing mode; absent (PassThrough) in records from before it was kept. */
  tracingMode?: 'Active' | 'PassThrough';
  /** `/tmp` size in MB; absent (512) in records from before it was kept. */
  ephemeralStorageSize?: number;
  architectures: string[];
  /** Absent when the function was created without `Environment`: AWS then omits the key. */
  environment?: Record<string, string>;
  codeSha256: string;
  codeSize: number;
  lastModified: string;
  revisionId: string;
  state: 'Pending' | 'Active';
  /** Absent until the function first becomes Active. */
  lastUpdateStatus?: 'InProgress' | 'Successful';
  /** Epoch ms when the pending creation or in-progress update completes. */
  settlesAt?: number;
  /** New with every change of code or configuration: warm environments of another one are retired. */
  deployment: string;
  tags: Record<string, string>;
  statements: PolicyStatement[];
}


/** `2025-11-25T02:26:54.571+0000`, Lambda's LastModified format. */
export function lambdaTimestamp(ms = Date.now()): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** `CodeSha256` is base64; files are named by the hex digest, which is safe in paths. */
export function codeDigests(zip: Buffer): { base64: string; hex: string } {
  const hash = createHash('sha256').update(zip).digest();
  return { base64: hash.toString('base64'), hex: hash.toString('hex') };
}

export function hexOfSha(base64: string): string {
  return Buffer.from(base64, 'base64').toString('hex');
}

/**
 * Every function of every region, one record each in the sandbox's state database, with their code
 * zips on disk (one file per code hash, shared by functions with the same code). State transitions
 * (Pending to Active, InProgress to Successful) are computed from timestamps when a function is read,
 * so they survive restarts and need no timers.
 *
 * A record and its code change in an order a crash cannot break: a new zip is on disk (fsync'ed)
 * before the record naming it is saved, and a zip goes only after the record that named it is
 * saved without it. A crash in between leaves an unused zip, removed at the next start; never a
 * function without code.
 */
export class FunctionStore {
  private readonly functions = new Map<string, FunctionRecord>();
  private readonly codeDir: string;

  constructor(private readonly state: StateDb, dataDir: string, private readonly updateMs: () => number) {
    // Tag keys such as `__proto__` are valid: keys without a prototype (see dictionary.ts).
    for (const [id, record] of state.take<FunctionRecord>(RECORDS.lambdaFunctions)) this.functions.set(id, { ...record, tags: dictionary(record.tags) });
    this.codeDir = join(dataDir, 'lambda', 'code');
    this.removeUnusedCode();
  }

  get(region: string, name: string): FunctionRecord | undefined {
    const record = this.functions.get(key(region, name));
    if (record) this.settle(record);
    return record;
  }

  list(region: string): FunctionRecord[] {
    return [...this.functions.values()]
      .filter((f) => f.region === region)
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((f) => (this.settle(f), f));
  }

  create(record: Omit<FunctionRecord, 'lastModified' | 'revisionId' | 'state' | 'settlesAt' | 'deployment'>): FunctionRecord {
    const created: FunctionRecord = {
      ...record,
      lastModified: lambdaTimestamp(),
      revisionId: randomUUID(),
      state: 'Pending',
      settlesAt: Date.now() + this.updateMs(),
      deployment: randomUUID(),
    };
    this.functions.set(key(record.region, record.name), created);
    this.save(created);
    return created;
  }

  /**
   * Applies a change of code or configuration: Lambda then reports the update InProgress for a while,
   * and refuses another one until it completes.
   */
  update(record: FunctionRecord, change: (r: FunctionRecord) => void): FunctionRecord {
    assertNotBusy(record);
    change(record);
    record.lastModified = lambdaTimestamp();
    record.revisionId = randomUUID();
    record.lastUpdateStatus = 'InProgress';
    record.settlesAt = Date.now() + this.updateMs();
    record.deployment = randomUUID();
    this.save(record);
    return record;
  }

  /** A change that is not a deployment (resource policy): a new RevisionId, nothing else. */
  touch(record: FunctionRecord, change: (r: FunctionRecord) => void): void {
    change(record);
    record.revisionId = randomUUID();
    this.save(record);
  }

  /** Tags change neither the revision nor the deployment. */
  retag(record: FunctionRecord, change: (tags: Record<string, string>) => void): void {
    change(record.tags);
    this.save(record);
  }

  delete(record: FunctionRecord): void {
    this.functions.delete(key(record.region, record.name));
    this.state.del(RECORDS.lambdaFunctions + key(record.region, record.name));
    this.dropCodeIfUnused(record.codeSha256);
  }

  /** Puts a zip on disk (if no function has that code yet); call before saving a record that names it. */
  saveCode(zip: Buffer): { sha256: string; size: number } {
    const digests = codeDigests(zip);
    const file = this.codeFile(digests.hex);
    if (!existsSync(file)) writeFileAtomic(file, zip);
    return { sha256: digests.base64, size: zip.length };
  }

  codeFile(hex: string): string {
    return join(this.codeDir, `${hex}.zip`);
  }

  readCode(sha256: string): Buffer {
    return this.readCodeHex(hexOfSha(sha256));
  }

  readCodeHex(hex: string): Buffer {
    return readFileSync(this.codeFile(hex));
  }

  usesCode(hex: string): boolean {
    return [...this.functions.values()].some((f) => hexOfSha(f.codeSha256) === hex);
  }

  /**
   * Called after a code update or a delete: a zip no function uses any more goes, once the change
   * is saved. Whether it is still unused is asked then, as a function created meanwhile may share it.
   */
  dropCodeIfUnused(sha256: string): void {
    this.state.afterCommit(() => {
      if (!this.usesCode(hexOfSha(sha256))) rmSync(this.codeFile(hexOfSha(sha256)), { force: true });
    });
  }

  private save(record: FunctionRecord): void {
    this.state.put(RECORDS.lambdaFunctions + key(record.region, record.name), record);
  }

  /** Zips no saved function names: left by a crash between writing a zip and saving its function, or the reverse for a delete. */
  private removeUnusedCode(): void {
    if (!existsSync(this.codeDir)) return;
    for (const file of readdirSync(this.codeDir)) {
      const hex = /^([0-9a-f]{64})\.zip$/.exec(file)?.[1];
      if (!hex || !this.usesCode(hex)) rmSync(join(this.codeDir, file), { force: true });
    }
  }

  private settle(record: FunctionRecord): void {
    if (record.settlesAt === undefined || Date.now() < record.settlesAt) return;
    record.state = 'Active';
    record.lastUpdateStatus = 'Successful';
    record.revisionId = randomUUID();
    delete record.settlesAt;
    this.save(record);
  }
}

function key(region: string, name: string): string {
  return `${region}/${name}`;
}

export function notFound(message: string): AwsError {
  return new AwsError('ResourceNotFoundException', message, 404);
}

export function conflict(message: string): AwsError {
  return new AwsError('ResourceConflictException', message, 409, { lowercaseMessage: true });
}

/** What Lambda answers when a change or an invocation arrives before the function is ready for it. */
export function assertNotBusy(record: FunctionRecord): void {
  if (record.state === 'Pending') {
    throw conflict('The operation cannot be performed at this time. The function is currently in the following state: Pending');
  }
  if (record.lastUpdateStatus === 'InProgress') {
    throw conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${functionArn(record.region, record.name)}`);
  }
}

export function assertRevision(record: FunctionRecord, revisionId: unknown): void {
  if (revisionId !== undefined && revisionId !== null && revisionId !== record.revisionId) {
    throw new AwsError(
      'PreconditionFailedException',
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      412,
      { lowercaseMessage: true },
    );
  }
}

/** `FunctionConfiguration` as GetFunctionConfiguration answers it; `brief` is ListFunctions' subset (no state fields). */
export function configurationOf(record: FunctionRecord, runtimeVersionArn: string, brief = false): Record<string, unknown> {
  const config: Record<string, unknown> = {
    FunctionName: record.name,
    FunctionArn: functionArn(record.region, record.name),
    Runtime: record.runtime,
    Role: record.role,
    Handler: record.handler,
    CodeSize: record.codeSize,
    Description: record.description,
    Timeout: record.timeout,
    MemorySize: record.memorySize,
    LastModified: record.lastModified,
    CodeSha256: record.codeSha256,
    Version: LATEST,
    ...(record.environment ? { Environment: { Variables: { ...record.environment } } } : {}),
    TracingConfig: { Mode: record.tracingMode ?? 'PassThrough' },
    RevisionId: record.revisionId,
    PackageType: 'Zip',
    Architectures: [...record.architectures],
    EphemeralStorage: { Size: record.ephemeralStorageSize ?? 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    RuntimeVersionConfig: { RuntimeVersionArn: runtimeVersionArn },
    LoggingConfig: { LogFormat: 'Text', LogGroup: functionLogGroup(record.name) },
  };
  if (brief) return config;
  config.State = record.state;
  if (record.state === 'Pending') {
    config.StateReason = 'The function is being created.';
    config.StateReasonCode = 'Creating';
  }
  if (record.lastUpdateStatus) config.LastUpdateStatus = record.lastUpdateStatus;
  if (record.lastUpdateStatus === 'InProgress') {
    // Lambda says "being created" for updates too (recorded in lambda.update_function_configuration.response).
    config.LastUpdateStatusReason = 'The function is being created.';
    config.LastUpdateStatusReasonCode = 'Creating';
  }
  return config;
}
