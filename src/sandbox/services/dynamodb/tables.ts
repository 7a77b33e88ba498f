import { AwsError } from '../../aws-error.js';
import { completion, dynaliteDb, inTransition, readTable, withTableLock, writeTable, type DynaliteStore, type IndexRecord, type KeyElement, type TableRecord } from './dynalite-store.js';
import { isRecord, validationError, type DynamoRequest } from './requests.js';

/** What the sandbox does to a table request around dynalite: answer it itself, or change it first. */
export type TableStep = { answer: Record<string, unknown> } | { request: DynamoRequest };

const notFound = (name: string) => new AwsError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`, 400);

/** UpdateTable fields dynalite acts on; with none of them left, the sandbox answers the call itself. */
const DYNALITE_UPDATE_FIELDS = ['ProvisionedThroughput', 'BillingMode', 'StreamSpecification', 'SSESpecification', 'GlobalSecondaryIndexUpdates'];

/**
 * UpdateTable, for what dynalite does not do: creating or deleting a global secondary index, and
 * taking `DeletionProtectionEnabled` out of what dynalite sees (the caller keeps the flag once the
 * whole call has gone through). What is left goes on to dynalite.
 */
export async function updateTable(request: DynamoRequest, store: DynaliteStore, delayMs: number): Promise<TableStep> {
  const name = String(request.TableName ?? '');
  const updates = Array.isArray(request.GlobalSecondaryIndexUpdates) ? (request.GlobalSecondaryIndexUpdates as unknown[]).filter(isRecord) : [];
  const indexChanges = updates.filter((u) => u.Create !== undefined || u.Delete !== undefined);
  const protection = request.DeletionProtectionEnabled;
  if (typeof protection !== 'boolean' && indexChanges.length === 0) return { request };
  if (indexChanges.length > 1) throw new AwsError('LimitExceededException', 'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table', 400);

  const change = indexChanges[0];
  const table = await withTableLock(store, name, async () => {
    const current = await readTable(store, name);
    if (!current) throw notFound(name);
    if (isRecord(change?.Create)) createIndex(current, change.Create, request.AttributeDefinitions);
    if (isRecord(change?.Delete)) deleteIndex(current, change.Delete);
    if (change) await writeTable(store, current);
    return current;
  });
  if (isRecord(change?.Create)) void settleCreatedIndex(store, name, String(change.Create.IndexName), delayMs);
  if (isRecord(change?.Delete)) void settleDeletedIndex(store, name, String(change.Delete.IndexName), delayMs);

  const rest: DynamoRequest = { ...request, GlobalSecondaryIndexUpdates: updates.filter((u) => !indexChanges.includes(u)) };
  delete rest.DeletionProtectionEnabled;
  if ((rest.GlobalSecondaryIndexUpdates as unknown[]).length === 0) delete rest.GlobalSecondaryIndexUpdates;
  const dynaliteHasWork = DYNALITE_UPDATE_FIELDS.some((field) => rest[field] !== undefined);
  return dynaliteHasWork ? { request: rest } : { answer: { TableDescription: table } };
}

const INDEX_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

/** Adds a global secondary index, CREATING, as UpdateTable's `Create` asks (checked as DynamoDB checks it). */
function createIndex(table: TableRecord, create: Record<string, unknown>, definitions: unknown): void {
  const name = create.IndexName;
  if (typeof name !== 'string' || !INDEX_NAME.test(name)) {
    throw validationError(`1 validation error detected: Value '${String(name)}' at 'globalSecondaryIndexUpdates.1.member.create.indexName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+`);
  }
  const keySchema = Array.isArray(create.KeySchema) ? (create.KeySchema as KeyElement[]) : [];
  if (keySchema.length < 1 || keySchema.length > 2 || keySchema[0]?.KeyType !== 'HASH' || (keySchema[1] && keySchema[1].KeyType !== 'RANGE')) {
    throw validationError('One or more parameter values were invalid: Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  }
  const projection = isRecord(create.Projection) ? create.Projection : {};
  if (!['ALL', 'KEYS_ONLY', 'INCLUDE'].includes(String(projection.ProjectionType))) {
    throw validationError(`One or more parameter values were invalid: Unknown ProjectionType: ${String(projection.ProjectionType ?? null)}`);
  }
  if ([...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])].some((index) => index.IndexName === name)) {
    throw validationError(`One or more parameter values were invalid: Index already exists: ${name}`);
  }
  // The request's definitions add to the table's; every key attribute must be defined.
  const merged = new Map(table.AttributeDefinitions.map((d) => [d.AttributeName, d]));
  for (const definition of Array.isArray(definitions) ? definitions : []) {
    if (isRecord(definition) && typeof definition.AttributeName === 'string') merged.set(definition.AttributeName, definition as TableRecord['AttributeDefinitions'][number]);
  }
  const undefinedKeys = keySchema.map((k) => k.AttributeName).filter((key) => !merged.has(key));
  if (undefinedKeys.length > 0) {
    throw validationError(`One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [${undefinedKeys.join(', ')}], AttributeDefinitions: [${[...merged.keys()].join(', ')}]`);
  }
  // On-demand tables take no throughput for an index; provisioned ones need it.
  const onDemand = table.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST';
  const throughput = isRecord(create.ProvisionedThroughput) ? create.ProvisionedThroughput : undefined;
  if (!onDemand && !throughput) {
    throw validationError(`One or more parameter values were invalid: ProvisionedThroughput must be specified for index: ${name}`);
  }
  table.AttributeDefinitions = [...merged.values()];
  const index: IndexRecord = {
    IndexName: name,
    KeySchema: keySchema.map(({ AttributeName, KeyType }) => ({ AttributeName, KeyType })),
    Projection: projection as IndexRecord['Projection'],
    IndexStatus: 'CREATING',
    Backfilling: false,
    ProvisionedThroughput: { ReadCapacityUnits: onDemand ? 0 : throughput!.ReadCapacityUnits, WriteCapacityUnits: onDemand ? 0 : throughput!.WriteCapacityUnits, NumberOfDecreasesToday: 0 },
    IndexSizeBytes: 0,
    ItemCount: 0,
    IndexArn: `${table.TableArn}/index/${name}`,
  };
  table.GlobalSecondaryIndexes = [...(table.GlobalSecondaryIndexes ?? []), index];
  table.TableStatus = 'UPDATING';
}

function deleteIndex(table: TableRecord, remove: Record<string, unknown>): void {
  const index = table.GlobalSecondaryIndexes?.find((i) => i.IndexName === remove.IndexName);
  if (!index) throw new AwsError('ResourceNotFoundException', `Requested resource not found: Index: ${String(remove.IndexName)} not found`, 400);
  index.IndexStatus = 'DELETING';
  table.TableStatus = 'UPDATING';
}

/**
 * Backfills a new index from the items already in the table (items written meanwhile are indexed by
 * dynalite itself, as the index is in the table), then, after the table delay, makes it ACTIVE.
 */
async function settleCreatedIndex(store: DynaliteStore, tableName: string, indexName: string, delayMs: number): Promise<void> {
  try {
    const table = await readTable(store, tableName);
    const index = table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === indexName);
    if (!table || !index) return;
    const onlyNewIndex: TableRecord = { ...table, GlobalSecondaryIndexes: [index], LocalSecondaryIndexes: [] };
    for await (const item of store.getItemDb(tableName).createValueStream()) {
      await completion((done) => dynaliteDb.updateIndexes(store, onlyNewIndex, null, item, done));
    }
    await settle(store, tableName, delayMs, (current) => {
      const created = current.GlobalSecondaryIndexes?.find((i) => i.IndexName === indexName);
      if (created) created.IndexStatus = 'ACTIVE';
    });
  } catch (error) {
    console.error(`[sandbox] dynamodb: building index ${indexName} of ${tableName} failed:`, error);
  }
}

async function settleDeletedIndex(store: DynaliteStore, tableName: string, indexName: string, delayMs: number): Promise<void> {
  try {
    await settle(store, tableName, delayMs, (current) => {
      current.GlobalSecondaryIndexes = current.GlobalSecondaryIndexes?.filter((i) => i.IndexName !== indexName);
      if (current.GlobalSecondaryIndexes?.length === 0) delete current.GlobalSecondaryIndexes;
    });
    await completion((done) => store.deleteIndexDb('global', tableName, indexName, done));
  } catch (error) {
    console.error(`[sandbox] dynamodb: deleting index ${indexName} of ${tableName} failed:`, error);
  }
}

/** After the table delay (`tableDelayMs`), applies the end of an update and makes the table ACTIVE again. */
async function settle(store: DynaliteStore, tableName: string, delayMs: number, finish: (table: TableRecord) => void): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  await withTableLock(store, tableName, async () => {
    const current = await readTable(store, tableName);
    if (!current) return;
    finish(current);
    if (!current.GlobalSecondaryIndexes?.some((i) => i.IndexStatus === 'CREATING' || i.IndexStatus === 'DELETING')) current.TableStatus = 'ACTIVE';
    await writeTable(store, current);
  });
}

/**
 * dynalite finishes a table's CREATING, UPDATING or DELETING, and the sandbox an index's, with a timer
 * (`tableDelayMs`). A store closed before the timer fired (the sandbox stopped, an in-process `--local`
 * command ended, an idle region's store was closed) would keep the table or index in that state
 * forever: finish every such transition when the store opens, as AWS would have finished it meanwhile.
 * An index being created is backfilled again (writing an index entry twice is harmless), as the
 * interrupted backfill may not have reached every item.
 */
export async function finishInterruptedTransitions(store: DynaliteStore): Promise<void> {
  const pending: TableRecord[] = [];
  for await (const table of store.tableDb.createValueStream()) if (inTransition(table)) pending.push(table);
  for (const table of pending) {
    if (table.TableStatus === 'DELETING') {
      await completion((done) => store.tableDb.del(table.TableName, done));
      continue;
    }
    for (const index of table.GlobalSecondaryIndexes ?? []) {
      if (index.IndexStatus === 'CREATING') await settleCreatedIndex(store, table.TableName, index.IndexName, 0);
      if (index.IndexStatus === 'DELETING') await settleDeletedIndex(store, table.TableName, index.IndexName, 0);
    }
    await settle(store, table.TableName, 0, () => {});
  }
}
