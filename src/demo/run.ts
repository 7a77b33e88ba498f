import { functionErrorOf } from '../lab/invocations.js';
import { randomBytes } from 'node:crypto';
import type { Item } from '../aws/services.js';
import { buildPlainPutZip } from '../deploy/zip.js';
import { LabError } from '../errors.js';
import type { LabContext } from '../lab/context.js';
import { LAB_TAG } from '../lab/names.js';
import { s3PutEvent } from '../lab/probe.js';
import { removeDemoFunction } from '../steps/demo-function.js';
import { createRecorded } from '../steps/ownership.js';
import type { Change } from '../steps/step.js';
import type { DemoUpload, Scenario } from './scenarios.js';
import { compareSequencers } from './sequencer.js';

type Ctx = Pick<LabContext, 'names' | 'lambda' | 'dynamodb' | 'logs' | 'state' | 'clock' | 'timeoutMs' | 'dryRun' | 'awsCli'>;

export interface DeliveryOutcome {
  event: string;
  note: string;
  objectKey: string;
  sequencer: string;
  /**
   * The function wrote this delivery's upload: the key's item holds it afterwards. Told by the table,
   * not by the function's reply, so any handler that writes the item works (one that returns nothing too).
   */
  written: boolean;
  /** Which upload's metadata the key's item holds after this delivery. */
  holds: string | null;
}

export interface WriterOutcome {
  function: string;
  /** The key the deliveries compete for. */
  objectKey: string;
  keptNewest: boolean;
  holds: string | null;
  deliveries: DeliveryOutcome[];
  item: Item | null;
}

export interface DemoResult {
  demo: Scenario['demo'];
  title: string;
  table: string;
  newest: string;
  /**
   * The main key's uploads in the order their events arrive, each with its sequencer, that sequencer
   * right-padded to the longest one's length (how S3 says to compare them), and whether it is later
   * than the one before.
   */
  sequencers: { event: string; sequencer: string; padded: string; laterThanPrevious: boolean | null }[];
  plainPutItem: WriterOutcome;
  conditionalWrite: WriterOutcome;
  /** What the demo removed when it ended: its function, its log group, its items. */
  removed: Change[];
}

const DEMO_KEY_PREFIX = 'incoming/upload-lab-demo-';

/** The demo's plain-PutItem function: named after the lab's, within Lambda's 64 characters. */
export const demoFunctionName = (labFunction: string) => `${labFunction.slice(0, 64 - '-plain-put'.length)}-plain-put`;

/**
 * Runs a scenario on the learner's lab, for real: deploys the lesson's plain-PutItem handler as a
 * second function (recorded first, so teardown removes it if the demo is interrupted), then invokes
 * it and the lab's own function (the conditional write) with the same S3 events, in the same order,
 * each on a key of its own, and reads the item after every delivery. Direct invocations with chosen
 * sequencers make the order certain, which real uploads (whose delivery order is the point) cannot.
 * Everything the demo made is removed at the end, whatever happens.
 */
export async function runDemo(ctx: Ctx, scenario: Scenario): Promise<DemoResult> {
  const lab = await ctx.lambda.getFunction(ctx.names.function);
  if (!lab || !(await ctx.dynamodb.describeTable(ctx.names.table))) {
    throw new LabError('LabMissing', `The demo runs on your lab, and its ${lab ? `table ${ctx.names.table}` : `function ${ctx.names.function}`} does not exist.`, 'Build the lab first with upload-lab setup (or upload-lab learn), using the same options.', 'user');
  }
  // What an interrupted demo left (its function, its items) goes first.
  await cleanUp(ctx, ctx.state.uploads.filter((u) => u.itemOnly && u.key.startsWith(DEMO_KEY_PREFIX)).map((u) => u.key));
  const id = randomBytes(4).toString('hex');
  const keys = new Set<string>();
  const keyOf = (writer: string) => (key: DemoUpload['key']) => {
    const objectKey = `${DEMO_KEY_PREFIX}${id}-${writer}${key === 'other' ? '-other-key' : ''}.txt`;
    // Recorded before any item exists under it: teardown removes it if the demo is interrupted.
    if (!keys.has(objectKey)) ctx.state.recordUpload({ bucket: ctx.names.bucket, key: objectKey, table: ctx.names.table, itemOnly: true });
    keys.add(objectKey);
    return objectKey;
  };
  let result: Omit<DemoResult, 'removed'>;
  try {
    const plainFunction = await deployPlainPut(ctx, lab.role);
    const plainPutItem = await deliverAll(ctx, scenario, plainFunction, keyOf('plain-put'));
    const conditionalWrite = await deliverAll(ctx, scenario, ctx.names.function, keyOf('conditional'));
    result = { demo: scenario.demo, title: scenario.title, table: ctx.names.table, newest: scenario.newest.label, sequencers: sequencerOrder(scenario), plainPutItem, conditionalWrite };
  } catch (error) {
    await cleanUp(ctx, [...keys]);
    throw error;
  }
  return { ...result, removed: await cleanUp(ctx, [...keys]) };
}

async function deployPlainPut(ctx: Ctx, roleArn: string): Promise<string> {
  const name = demoFunctionName(ctx.names.function);
  const zip = await buildPlainPutZip();
  // The lab's role: it may PutItem on the table, which is all this function does.
  await createRecorded(ctx.state, 'demoFunction', name, () =>
    ctx.lambda.createFunction({ name, roleArn, zip: zip.zip, handler: zip.handler, runtime: zip.runtime, environment: { TABLE_NAME: ctx.names.table }, tags: { [LAB_TAG]: 'true' } }),
  );
  await ctx.lambda.waitActive(name, ctx.timeoutMs);
  return name;
}

async function deliverAll(ctx: Ctx, scenario: Scenario, functionName: string, keyOf: (key: DemoUpload['key']) => string): Promise<WriterOutcome> {
  const { bucket, region, table } = ctx.names;
  const deliveries: DeliveryOutcome[] = [];
  for (const { upload, note } of scenario.deliveries) {
    const objectKey = keyOf(upload.key);
    const event = s3PutEvent({ bucket, key: objectKey, region, now: ctx.clock.now(), object: { size: upload.size, eTag: upload.eTag, sequencer: upload.sequencer } });
    const answer = await ctx.lambda.invoke(functionName, JSON.stringify(event));
    if (answer.functionError) {
      throw new LabError('DemoInvokeFailed', `Function ${functionName} failed on ${upload.label}'s event: ${functionErrorOf(answer.payload)}`, 'Run upload-lab verify with the same options to see what is wrong with the lab.', 'aws');
    }
    const item = await ctx.dynamodb.getItem(table, { bucket, object_key: objectKey });
    const holds = uploadIn(scenario, item);
    deliveries.push({ event: upload.label, note, objectKey, sequencer: upload.sequencer, written: holds === upload.label, holds });
  }
  const objectKey = keyOf('main');
  const item = await ctx.dynamodb.getItem(table, { bucket, object_key: objectKey });
  const holds = uploadIn(scenario, item);
  return { function: functionName, objectKey, keptNewest: holds === scenario.newest.label, holds, deliveries, item: item ?? null };
}

/** Which of the scenario's uploads an item holds, told by its sequencer and ETag. */
function uploadIn(scenario: Scenario, item: Item | undefined): string | null {
  if (!item) return null;
  return scenario.deliveries.find(({ upload }) => upload.sequencer === item.sequencer && upload.eTag === item.etag)?.upload.label ?? 'something else';
}

/** The main key's distinct uploads in arrival order, each compared with the one before (padded, as S3 says). */
function sequencerOrder(scenario: Scenario): DemoResult['sequencers'] {
  const uploads = [...new Set(scenario.deliveries.map((d) => d.upload).filter((u) => u.key === 'main'))];
  const width = Math.max(...uploads.map((u) => u.sequencer.length));
  return uploads.map((u, i) => ({
    event: u.label,
    sequencer: u.sequencer,
    padded: u.sequencer.padEnd(width, '0'),
    laterThanPrevious: i === 0 ? null : compareSequencers(u.sequencer, uploads[i - 1]!.sequencer) > 0,
  }));
}

async function cleanUp(ctx: Ctx, keys: string[]): Promise<Change[]> {
  const removed: Change[] = [];
  for (const objectKey of keys) {
    await ctx.dynamodb.deleteItem(ctx.names.table, { bucket: ctx.names.bucket, object_key: objectKey });
    ctx.state.forgetUpload({ bucket: ctx.names.bucket, key: objectKey });
    removed.push({ action: 'remove', resource: `item ${ctx.names.bucket}/${objectKey} in ${ctx.names.table}` });
  }
  return [...(await removeDemoFunction(ctx)), ...removed];
}
