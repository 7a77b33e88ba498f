/**
 * `npm run bench`: the figures the issues set targets for, measured on this machine. Speed lives here,
 * never in a timed test. Each figure prints with its target; nothing here fails a build.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AddPermissionCommand, CreateFunctionCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionActiveV2, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import dynalite from 'dynalite';
import { createClients, type AwsClients } from '../src/aws/clients.js';
import { buildHandlerZip } from '../src/deploy/zip.js';
import { LAB_RUNTIMES, type LabRuntime } from '../src/lab/runtimes.js';
import { startSandbox } from '../src/sandbox/server.js';
import { startDynalite } from '../src/sandbox/services/dynamodb/dynalite-store.js';
import { formatFigure, median, percentile, timed, type Figure } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'src', 'cli.js');
const credentials = { accessKeyId: 'AKIABENCH0000000000', secretAccessKey: 'bench-secret' };
const figures: Figure[] = [];

function report(figure: Figure): void {
  figures.push(figure);
  console.log(formatFigure(figure));
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'upload-lab-bench-'));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function helpStartTime(): Promise<void> {
  const runs = (args: string[]) =>
    Array.from({ length: 11 }, () => {
      const start = performance.now();
      execFileSync(process.execPath, args, { stdio: 'ignore' });
      return performance.now() - start;
    }).slice(1); // the first run warms the file cache
  const help = median(runs([cli, '--help']));
  const bare = median(runs(['-e', '']));
  report({ name: '`upload-lab --help` start time (median of 10)', value: help, unit: 'ms', target: '< 120 ms' });
  report({ name: '  of which bare `node -e ""` start (median of 10)', value: bare, unit: 'ms' });
}

async function sandboxColdStart(): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const dataDir = scratch();
    const port = await freePort();
    const start = performance.now();
    const child = spawn(process.execPath, [cli, 'sandbox', '--port', String(port), '--data-dir', dataDir], { stdio: 'ignore' });
    for (;;) {
      try {
        const answer = await fetch(`http://127.0.0.1:${port}/`, {
          method: 'POST',
          headers: {
            authorization: 'AWS4-HMAC-SHA256 Credential=AKIABENCH/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0',
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'Action=GetCallerIdentity&Version=2011-06-15',
        });
        if (answer.ok) break;
      } catch {
        await sleep(2);
      }
    }
    times.push(performance.now() - start);
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
  report({ name: 'sandbox cold start: process start -> first answer (median of 5)', value: median(times), unit: 'ms', target: '< 200 ms' });
}

/** Resident memory of a process, from /proc (Linux): what a process costs the machine while it waits. */
function residentMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) / 1024;
}

/** Starts a process, waits until `ready` says so, lets it settle, and reads its resident memory. */
async function idleResidentMb(args: string[], ready: () => Promise<boolean>): Promise<number> {
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  try {
    while (!(await ready().catch(() => false))) await sleep(5);
    await sleep(1000); // let start-up garbage be collected and the server settle
    return residentMb(child.pid!);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

/**
 * A sandbox nobody has called yet should cost little (issue 11): its services load on first use. Node
 * itself, idle, is printed for scale: most of a node process's resident memory is the node binary's own
 * pages, which no JavaScript can shed.
 */
async function sandboxAtRest(): Promise<void> {
  if (process.platform !== 'linux') throw new Error('resident memory is read from /proc (Linux only)');
  const sandboxes: number[] = [];
  for (let i = 0; i < 3; i++) {
    const dataDir = scratch();
    const port = await freePort();
    const health = async () => (await fetch(`http://127.0.0.1:${port}/_upload-lab/health`)).ok;
    sandboxes.push(await idleResidentMb([cli, 'sandbox', '--port', String(port), '--data-dir', dataDir], health));
    rmSync(dataDir, { recursive: true, force: true });
  }
  // Node starts in tens of milliseconds; the settling second covers it.
  const node = await idleResidentMb(['-e', 'setInterval(() => {}, 1e6)'], async () => true);
  // The floor for any ES-module server: Node's ESM loader and the built-ins the idle sandbox loads,
  // compiled from the node binary, and nothing of the sandbox's own.
  const builtins = ['node:crypto', 'node:fs', 'node:fs/promises', 'node:http', 'node:net', 'node:os', 'node:path'];
  const floor = await idleResidentMb(['--input-type=module', '-e', `${builtins.map((b) => `import '${b}';`).join(' ')} setInterval(() => {}, 1e6);`], async () => true);
  report({ name: '`upload-lab sandbox` idle resident memory, before any call (median of 3)', value: median(sandboxes), unit: 'MB', target: '<= 45 MB' });
  report({ name: '  for scale: an idle `node -e` process', value: node, unit: 'MB' });
  report({ name: '  for scale: an idle ES module importing only the built-ins the idle sandbox loads', value: floor, unit: 'MB' });
}

const table = (name: string) =>
  new CreateTableCommand({
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'bucket', AttributeType: 'S' }, { AttributeName: 'object_key', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'bucket', KeyType: 'HASH' }, { AttributeName: 'object_key', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
  });

async function putItems(db: DynamoDBClient, count: number, prefix: string): Promise<number> {
  const [, ms] = await timed(async () => {
    for (let i = 0; i < count; i++) {
      await db.send(new PutItemCommand({ TableName: 'bench', Item: { bucket: { S: 'b' }, object_key: { S: `${prefix}-${i}` }, size: { N: String(i) } } }));
    }
  });
  return ms;
}

async function directDynalite(durable: boolean): Promise<{ client: DynamoDBClient; close(): Promise<void> }> {
  const dir = scratch();
  const options = { path: join(dir, 'db'), createTableMs: 0 };
  const server = durable ? startDynalite(options).server : dynalite(options);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const client = new DynamoDBClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`, credentials });
  await client.send(table('bench'));
  return {
    client,
    async close() {
      client.destroy();
      await new Promise((r) => server.close(() => r(undefined)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The same 1000 PutItem calls, the same SDK client, against dynalite on its own and through the
 * sandbox's router. dynalite alone runs both ways: with LevelDB's default unsynced writes, and with
 * the synced writes the sandbox uses (so the router's overhead compares like with like).
 */
async function routerOverhead(): Promise<void> {
  const unsynced = await directDynalite(false);
  const direct = await directDynalite(true);
  const directDb = direct.client;

  const dataDir = scratch();
  const sandbox = await startSandbox({ dataDir, port: 0 });
  const clients = createClients({ region: 'us-east-1', endpoint: sandbox.endpoint, credentials });
  await clients.dynamodb.send(table('bench'));

  // Warm every path, then alternate many short rounds, so drift in the machine's load (an fsync's
  // latency on a shared virtual disk swings severalfold within seconds) hits all three alike.
  await putItems(unsynced.client, 100, 'warm');
  await putItems(directDb, 100, 'warm');
  await putItems(clients.dynamodb, 100, 'warm');
  const ROUNDS = 12;
  const PER_ROUND = 250;
  const unsyncedRounds: number[] = [];
  const directRounds: number[] = [];
  const routedRounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    unsyncedRounds.push(await putItems(unsynced.client, PER_ROUND, `r${round}`));
    directRounds.push(await putItems(directDb, PER_ROUND, `r${round}`));
    routedRounds.push(await putItems(clients.dynamodb, PER_ROUND, `r${round}`));
  }
  const per1000 = (rounds: number[]) => (median(rounds) * 1000) / PER_ROUND;
  const d = per1000(directRounds);
  const r = per1000(routedRounds);
  const how = `per 1000 (median of ${ROUNDS} alternated rounds of ${PER_ROUND})`;
  report({ name: `PutItem, dynalite alone, LevelDB default (unsynced) writes, ${how}`, value: per1000(unsyncedRounds), unit: 'ms' });
  report({ name: `PutItem, dynalite alone, synced writes, ${how}`, value: d, unit: 'ms' });
  report({ name: `PutItem, through the sandbox router, ${how}`, value: r, unit: 'ms' });
  report({ name: '  router overhead over dynalite alone', value: ((r - d) / d) * 100, unit: '%', target: '< 20 %' });

  await clients.s3.send(new CreateBucketCommand({ Bucket: 'bench-bucket' }));
  const body = Buffer.alloc(1024, 0x61);
  const [, s3ms] = await timed(async () => {
    for (let i = 0; i < 1000; i++) await clients.s3.send(new PutObjectCommand({ Bucket: 'bench-bucket', Key: `objects/${i}.bin`, Body: body }));
  });
  report({ name: '1000 PutObject (1 KiB) through the sandbox router', value: s3ms, unit: 'ms' });

  await sandbox.close();
  await unsynced.close();
  await direct.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/** The lab's pipeline as a learner would build it: bucket -> notification -> function -> table. */
async function buildPipeline(clients: AwsClients, labRuntime: LabRuntime = 'nodejs22.x'): Promise<void> {
  await clients.dynamodb.send(new CreateTableCommand({ ...table('upload_metadata').input }));
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
  const role = await clients.iam.send(new CreateRoleCommand({ RoleName: 'bench-role', AssumeRolePolicyDocument: JSON.stringify(trust) }));
  await clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: 'bench-role',
      PolicyName: 'lab',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: 'arn:aws:dynamodb:us-east-1:000000000000:table/upload_metadata' },
          { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
        ],
      }),
    }),
  );
  const { zip, handler, runtime } = await buildHandlerZip(labRuntime);
  await clients.lambda.send(
    new CreateFunctionCommand({ FunctionName: 'bench-fn', Role: role.Role!.Arn!, Runtime: runtime, Handler: handler, Code: { ZipFile: zip }, Environment: { Variables: { TABLE_NAME: 'upload_metadata' } } }),
  );
  await waitUntilFunctionActiveV2({ client: clients.lambda, maxWaitTime: 30 }, { FunctionName: 'bench-fn' });
  await clients.lambda.send(
    new AddPermissionCommand({ FunctionName: 'bench-fn', StatementId: 's3', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::bench-pipeline' }),
  );
  await clients.s3.send(new CreateBucketCommand({ Bucket: 'bench-pipeline' }));
  await clients.s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: 'bench-pipeline',
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          { LambdaFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench-fn', Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } } },
        ],
      },
    }),
  );
}

async function waitForItem(clients: AwsClients, key: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Item } = await clients.dynamodb.send(new GetItemCommand({ TableName: 'upload_metadata', Key: { bucket: { S: 'bench-pipeline' }, object_key: { S: key } } }));
    if (Item) return;
    if (Date.now() > deadline) throw new Error(`item ${key} did not appear`);
    await sleep(1);
  }
}

async function pipeline(): Promise<void> {
  const dataDir = scratch();
  const sandbox = await startSandbox({ dataDir, port: 0 });
  const clients = createClients({ region: 'us-east-1', endpoint: sandbox.endpoint, credentials });
  await buildPipeline(clients);
  await clients.s3.send(new PutObjectCommand({ Bucket: 'bench-pipeline', Key: 'incoming/warm-up.txt', Body: 'warm' }));
  await waitForItem(clients, 'incoming/warm-up.txt');

  const latencies: number[] = [];
  for (let i = 0; i < 100; i++) {
    const key = `incoming/latency-${i}.txt`;
    const [, ms] = await timed(async () => {
      await clients.s3.send(new PutObjectCommand({ Bucket: 'bench-pipeline', Key: key, Body: `upload ${i}` }));
      await waitForItem(clients, key);
    });
    latencies.push(ms);
  }
  latencies.sort((a, b) => a - b);
  report({ name: 'upload -> item latency, warm function, p50 (100 uploads)', value: percentile(latencies, 50), unit: 'ms', target: '< 50 ms' });
  report({ name: 'upload -> item latency, warm function, p95 (100 uploads)', value: percentile(latencies, 95), unit: 'ms' });

  const total = 500;
  const before = (await clients.dynamodb.send(new ScanCommand({ TableName: 'upload_metadata', Select: 'COUNT' }))).Count ?? 0;
  const [, ms] = await timed(async () => {
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const i = next++;
        await clients.s3.send(new PutObjectCommand({ Bucket: 'bench-pipeline', Key: `incoming/burst-${i}.txt`, Body: `burst ${i}` }));
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    // Every upload's event is in Lambda's queue once its PutObject is answered: wait until the queue
    // has run dry, then count the items. Polling with COUNT scans instead took the sandbox's own
    // thread (each scan reads the whole table) from the work being measured.
    const expected = before + total;
    await sandbox.whenAsyncIdle();
    const count = (await clients.dynamodb.send(new ScanCommand({ TableName: 'upload_metadata', Select: 'COUNT' }))).Count ?? 0;
    if (count !== expected) throw new Error(`the queue ran dry with ${count - before} of ${total} items saved`);
  });
  report({ name: `pipeline throughput: ${total} uploads, 16 in flight, until every item exists`, value: total / (ms / 1000), unit: 'uploads/s', target: '>= 200 uploads/s' });
  await sandbox.close();
  rmSync(dataDir, { recursive: true, force: true });
}

/**
 * The lab's own handler in each runtime `setup --runtime` deploys, side by side: a cold start (the
 * first upload after a configuration change, which retires the warm environments: a new process, the
 * SDK or boto3 imported) and warm uploads, each timed from PutObject until the item exists.
 */
async function runtimes(): Promise<void> {
  for (const runtime of LAB_RUNTIMES) {
    const dataDir = scratch();
    const sandbox = await startSandbox({ dataDir, port: 0, functionUpdateMs: 0 });
    const clients = createClients({ region: 'us-east-1', endpoint: sandbox.endpoint, credentials });
    await buildPipeline(clients, runtime);
    const upload = async (key: string) => {
      const [, ms] = await timed(async () => {
        await clients.s3.send(new PutObjectCommand({ Bucket: 'bench-pipeline', Key: key, Body: key }));
        await waitForItem(clients, key);
      });
      return ms;
    };
    const cold: number[] = [];
    for (let i = 0; i < 5; i++) {
      await clients.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'bench-fn', Description: `cold ${i}` }));
      await waitUntilFunctionUpdatedV2({ client: clients.lambda, maxWaitTime: 30 }, { FunctionName: 'bench-fn' });
      cold.push(await upload(`incoming/cold-${i}.txt`));
    }
    report({ name: `${runtime}: upload -> item, cold start (new environment), median of 5`, value: median(cold), unit: 'ms' });
    const warm: number[] = [];
    for (let i = 0; i < 50; i++) warm.push(await upload(`incoming/warm-${i}.txt`));
    warm.sort((a, b) => a - b);
    report({ name: `${runtime}: upload -> item, warm function, p50 (50 uploads)`, value: percentile(warm, 50), unit: 'ms' });
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function localCycle(): Promise<void> {
  const home = scratch();
  const env = { ...process.env, UPLOAD_LAB_HOME: home, NO_COLOR: '1' };
  const step = (args: string[]) =>
    timed(async () => {
      execFileSync(process.execPath, [cli, ...args, '--local', '--yes'], { env, stdio: 'ignore' });
    }).then(([, ms]) => ms);
  const setup = await step(['setup']);
  const verify = await step(['verify']);
  const teardown = await step(['teardown']);
  report({ name: 'setup --local (wall)', value: setup / 1000, unit: 's' });
  report({ name: 'verify --local (wall)', value: verify / 1000, unit: 's' });
  report({ name: 'teardown --local (wall)', value: teardown / 1000, unit: 's' });
  report({ name: 'setup + verify + teardown --local (wall)', value: (setup + verify + teardown) / 1000, unit: 's', target: '< 3 s' });
  rmSync(home, { recursive: true, force: true });
}

/** Streams `size` bytes to the sandbox in 1 MiB chunks (the client never holds the body), resolving with the status and the time to the answer. */
function sendLargeBody(port: number, path: string, size: number): Promise<{ status: number; ms: number }> {
  const chunk = Buffer.alloc(1024 * 1024, '<a>');
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'PUT', path, headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIABENCH/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0', 'content-length': size } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - start }));
      },
    );
    // The sandbox may answer (and stop reading) before the whole body is sent.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** The sandbox's memory at rest and while a 60 MiB body arrives, in its own process (issue 7: a 60 MiB XML body took 2.3 GB and 21 s). */
async function memoryUnderLargeBodies(): Promise<void> {
  const dataDir = scratch();
  const port = await freePort();
  const child = spawn(process.execPath, [cli, 'sandbox', '--port', String(port), '--data-dir', dataDir], { stdio: 'ignore' });
  try {
    for (;;) {
      const up = await fetch(`http://127.0.0.1:${port}/_upload-lab/health`).then((r) => r.ok, () => false);
      if (up) break;
      await sleep(10);
    }
    await sleep(500);
    report({ name: 'sandbox RSS before the large bodies (after its first calls)', value: residentMb(child.pid!), unit: 'MB' });
    const bucket = await sendLargeBody(port, '/bench-memory', 0);
    if (bucket.status !== 200) throw new Error(`CreateBucket answered ${bucket.status}`);
    const size = 60 * 1024 * 1024;
    for (const [what, path] of [['60 MiB XML body (PutBucketTagging)', '/bench-memory?tagging'], ['60 MiB object (PutObject)', '/bench-memory/big.bin']] as const) {
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, residentMb(child.pid!))), 5);
      const { status, ms } = await sendLargeBody(port, path, size);
      clearInterval(sampler);
      peak = Math.max(peak, residentMb(child.pid!));
      report({ name: `${what}: answered ${status} after`, value: ms, unit: 'ms', target: what.includes('XML') ? 'refused at once (was 21 s)' : undefined });
      report({ name: `  sandbox peak RSS while receiving it`, value: peak, unit: 'MB', target: what.includes('XML') ? 'no growth (was 2.3 GB)' : undefined });
      await sleep(500);
      report({ name: '  sandbox RSS 0.5 s after', value: residentMb(child.pid!), unit: 'MB' });
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const sections: [string, () => Promise<void>][] = [
  ['CLI start', helpStartTime],
  ['Sandbox cold start', sandboxColdStart],
  ['Sandbox at rest', sandboxAtRest],
  ['Router overhead', routerOverhead],
  ['S3 -> Lambda -> DynamoDB pipeline', pipeline],
  ['Lambda runtimes: Node.js and Python', runtimes],
  ['Local lab cycle', localCycle],
  ['Sandbox memory under large bodies', memoryUnderLargeBodies],
];

const only = process.argv.slice(2);
for (const [name, run] of sections) {
  if (only.length && !only.some((o) => name.toLowerCase().includes(o.toLowerCase()))) continue;
  console.log(`\n## ${name}`);
  try {
    await run();
  } catch (error) {
    console.log(`  could not measure: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
