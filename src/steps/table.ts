import type { Item, TableInfo } from '../aws/services.js';
import { LabError } from '../errors.js';
import type { LabContext } from '../lab/context.js';
import { LAB_TAG } from '../lab/names.js';
import { messages, removalCommand } from '../report/messages.js';
import { createRecorded, removeIfOurs } from './ownership.js';
import type { Change, CheckResult, Step } from './step.js';

type Ctx = Pick<LabContext, 'names' | 'dynamodb' | 'state' | 'timeoutMs' | 'dryRun' | 'awsCli'>;

const HASH = { name: 'bucket', type: 'S' };
const RANGE = { name: 'object_key', type: 'S' };

/** What is wrong with the key schema, or undefined when it is exactly `bucket` HASH S + `object_key` RANGE S. */
export function keySchemaProblem(table: TableInfo): string | undefined {
  const hash = table.keySchema.find((k) => k.keyType === 'HASH');
  const range = table.keySchema.find((k) => k.keyType === 'RANGE');
  if (hash?.name !== HASH.name) return `its partition key is "${hash?.name}", not "${HASH.name}"`;
  if (!range) return `it has no sort key; the lab needs "${RANGE.name}"`;
  if (range.name !== RANGE.name) return `its sort key is "${range.name}", not "${RANGE.name}"`;
  if (hash.type !== 'S' || range.type !== 'S') return `its keys must both be strings (S), found ${hash.type} + ${range.type}`;
  return undefined;
}

const describeKeys = () => `${HASH.name} (HASH, S) + ${RANGE.name} (RANGE, S)`;

async function check(ctx: Ctx): Promise<CheckResult> {
  const table = await ctx.dynamodb.describeTable(ctx.names.table);
  if (!table) return { ok: false, detail: `table ${ctx.names.table} does not exist in ${ctx.names.region}` };
  const problem = keySchemaProblem(table);
  if (problem) return { ok: false, detail: `table ${ctx.names.table} exists, but ${problem}` };
  if (table.status !== 'ACTIVE') return { ok: false, detail: `table ${ctx.names.table} is ${table.status}, not ACTIVE yet` };
  return { ok: true, detail: `${ctx.names.table} is ACTIVE with key ${describeKeys()}` };
}

async function plan(ctx: Ctx): Promise<Change[]> {
  const table = await ctx.dynamodb.describeTable(ctx.names.table);
  const resource = `table ${ctx.names.table}`;
  if (!table) return [{ action: 'create', resource, reason: `key ${describeKeys()}, on-demand capacity` }];
  if (table.status === 'DELETING') return [{ action: 'create', resource, reason: `once the table of that name has finished deleting; key ${describeKeys()}` }];
  return [{ action: 'reuse', resource }];
}

async function apply(ctx: Ctx): Promise<Change[]> {
  const resource = `table ${ctx.names.table}`;
  let existing = await ctx.dynamodb.describeTable(ctx.names.table);
  // A teardown moments ago: DynamoDB takes seconds to delete a table, and refuses to create one of the
  // same name meanwhile (ResourceInUseException). Wait it out, then create.
  if (existing?.status === 'DELETING') {
    await ctx.dynamodb.waitForTableGone(ctx.names.table, ctx.timeoutMs);
    existing = undefined;
  }
  if (existing) {
    const problem = keySchemaProblem(existing);
    // A table's key schema cannot change: the learner must choose (delete it, or use another name).
    if (problem) {
      throw new LabError('TableKeyMismatch', `Table ${ctx.names.table} already exists, but ${problem}.`, `Delete it, or pass --table <another name> to let the lab create its own.`, 'user');
    }
    if (existing.status !== 'ACTIVE') await ctx.dynamodb.waitForTableActive(ctx.names.table, ctx.timeoutMs);
    return [{ action: 'reuse', resource }];
  }
  try {
    await createRecorded(ctx.state, 'table', ctx.names.table, () =>
      ctx.dynamodb.createTable({ name: ctx.names.table, hashKey: HASH.name, rangeKey: RANGE.name, tags: { [LAB_TAG]: 'true' } }),
    );
  } catch (error) {
    // Created by a concurrent run between our describe and create: it is not ours to record.
    if ((error as Error).name !== 'ResourceInUseException') throw error;
    await ctx.dynamodb.waitForTableActive(ctx.names.table, ctx.timeoutMs);
    return [{ action: 'reuse', resource }];
  }
  await ctx.dynamodb.waitForTableActive(ctx.names.table, ctx.timeoutMs);
  return [{ action: 'create', resource, reason: `key ${describeKeys()}, on-demand capacity` }];
}

async function remove(ctx: Ctx): Promise<Change[]> {
  const name = ctx.state.created('table');
  if (!name) return [];
  return removeIfOurs(ctx, 'table', `table ${name}`, {
    tags: async () => {
      const table = await ctx.dynamodb.describeTable(name);
      return table ? ((await ctx.dynamodb.tableTags(table.arn)) ?? {}) : undefined;
    },
    command: removalCommand.table(ctx.awsCli, name),
    othersInside: async () => {
      const others = await itemsNotLabs(ctx, name);
      return others.length ? messages.holdsOthers(others.length, 'item', others) : undefined;
    },
    remove: () => ctx.dynamodb.deleteTable(name),
  });
}

/**
 * The items (as bucket/key) the lab did not write: all but those of its recorded test uploads that
 * still hold the upload's ETag (a teardown has removed those already; a dry run has not). An item the
 * lab's function wrote for your own upload is yours.
 */
async function itemsNotLabs(ctx: Ctx, table: string): Promise<string[]> {
  const labs = ctx.state.uploads.filter((u) => u.table === table);
  const isLabs = (item: Item) => labs.some((u) => u.bucket === item.bucket && u.key === item.object_key && (u.etag === undefined || u.etag === item.etag));
  return (await ctx.dynamodb.scanItems(table)).filter((item) => !isLabs(item)).map((item) => `${String(item.bucket)}/${String(item.object_key)}`);
}

export const tableStep = {
  id: 'table',
  applyAfter: [],
  checkAfter: [],
  plan,
  apply,
  check,
  remove,
} satisfies Step;
