import { AwsError } from '../../aws-error.js';
import { readTable, type DynaliteStore } from './dynalite-store.js';

export type DynamoRequest = Record<string, unknown>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const validationError = (message: string) => new AwsError('ValidationException', message, 400);

const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/([a-zA-Z0-9_.-]{3,255})$/;

/**
 * DynamoDB takes a table's ARN wherever it takes its name (`TableName`, `RequestItems` keys); dynalite
 * takes names only, so ARNs become names before it sees the request (and before authorisation, which
 * builds the ARN from the name).
 */
export function withTableNames(request: DynamoRequest): DynamoRequest {
  const nameOf = (value: string) => TABLE_ARN.exec(value)?.[1] ?? value;
  const tables = isRecord(request.RequestItems) ? Object.keys(request.RequestItems) : [];
  const renames = (typeof request.TableName === 'string' && nameOf(request.TableName) !== request.TableName) || tables.some((table) => nameOf(table) !== table);
  // The same object when no ARN is given (nearly always): the caller then forwards the body as it came.
  if (!renames) return request;
  const named = { ...request };
  if (typeof named.TableName === 'string') named.TableName = nameOf(named.TableName);
  if (isRecord(named.RequestItems)) {
    named.RequestItems = Object.fromEntries(Object.entries(named.RequestItems).map(([table, items]) => [nameOf(table), items]));
  }
  return named;
}

/** AWS's wording for one or more broken constraints, all in one message. */
function constraintError(violations: string[]): AwsError {
  const count = violations.length === 1 ? '1 validation error detected' : `${violations.length} validation errors detected`;
  return validationError(`${count}: ${violations.join('; ')}`);
}

/** The KeyType enum violations of the index key schemas a CreateTable or UpdateTable names. */
function keyTypeViolations(operation: string, request: DynamoRequest): string[] {
  const schemas: [string, unknown][] = [];
  const indexes = (list: unknown, path: string, pick: (entry: Record<string, unknown>) => unknown) => {
    if (!Array.isArray(list)) return;
    list.forEach((entry, i) => {
      if (isRecord(entry)) schemas.push([`${path}.${i + 1}.member`, pick(entry)]);
    });
  };
  if (operation === 'CreateTable') {
    indexes(request.GlobalSecondaryIndexes, 'globalSecondaryIndexes', (index) => index.KeySchema);
    indexes(request.LocalSecondaryIndexes, 'localSecondaryIndexes', (index) => index.KeySchema);
  }
  if (operation === 'UpdateTable') {
    indexes(request.GlobalSecondaryIndexUpdates, 'globalSecondaryIndexUpdates', (update) => (isRecord(update.Create) ? update.Create.KeySchema : undefined));
  }
  const violations: string[] = [];
  for (const [path, schema] of schemas) {
    if (!Array.isArray(schema)) continue;
    const member = path.startsWith('globalSecondaryIndexUpdates') ? `${path}.create` : path;
    schema.forEach((element, j) => {
      const keyType = isRecord(element) ? element.KeyType : undefined;
      if (typeof keyType === 'string' && keyType !== 'HASH' && keyType !== 'RANGE') {
        violations.push(`Value '${keyType}' at '${member}.keySchema.${j + 1}.member.keyType' failed to satisfy constraint: Member must satisfy enum value set: [HASH, RANGE]`);
      }
    });
  }
  return violations;
}

/**
 * Checks DynamoDB makes that dynalite does not, in DynamoDB's order: an index KeySchema's KeyType
 * outside its enum is reported before anything else about the indexes; DeleteItem returns only the old
 * item (NONE or ALL_OLD).
 */
export function checkRequest(operation: string, request: DynamoRequest): void {
  const violations = keyTypeViolations(operation, request);
  if (violations.length > 0) throw constraintError(violations);
  if (operation === 'DeleteItem' && request.ReturnValues !== undefined && request.ReturnValues !== 'NONE' && request.ReturnValues !== 'ALL_OLD') {
    throw validationError('Return values set to invalid value');
  }
}

function emptyKeyValue(value: unknown): 'string' | 'binary' | undefined {
  if (!isRecord(value)) return undefined;
  if (value.S === '') return 'string';
  if (value.B === '') return 'binary';
  return undefined;
}

/** The items a write puts whole: PutItem's, and BatchWriteItem's PutRequests. */
function itemsPut(operation: string, request: DynamoRequest): [string, Record<string, unknown>][] {
  if (operation === 'PutItem' && typeof request.TableName === 'string' && isRecord(request.Item)) return [[request.TableName, request.Item]];
  if (operation !== 'BatchWriteItem' || !isRecord(request.RequestItems)) return [];
  return Object.entries(request.RequestItems).flatMap(([table, writes]) =>
    (Array.isArray(writes) ? writes : []).flatMap((write: unknown) =>
      isRecord(write) && isRecord(write.PutRequest) && isRecord(write.PutRequest.Item) ? [[table, write.PutRequest.Item] as [string, Record<string, unknown>]] : [],
    ),
  );
}

/**
 * The values an UpdateItem sets attributes to directly (`SET a = :v`, `#n = :v`, or AttributeUpdates'
 * PUT), by attribute name: enough to see an index key set to an empty value.
 */
function valuesSet(request: DynamoRequest): Record<string, unknown> {
  const set: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  if (isRecord(request.AttributeUpdates)) {
    for (const [name, update] of Object.entries(request.AttributeUpdates)) {
      if (isRecord(update) && (update.Action ?? 'PUT') === 'PUT') set[name] = update.Value;
    }
  }
  const names = isRecord(request.ExpressionAttributeNames) ? request.ExpressionAttributeNames : {};
  const values = isRecord(request.ExpressionAttributeValues) ? request.ExpressionAttributeValues : {};
  const clause = /\bSET\b(.*?)(?=\b(?:REMOVE|ADD|DELETE)\b|$)/is.exec(String(request.UpdateExpression ?? ''))?.[1] ?? '';
  for (const [, path, placeholder] of clause.matchAll(/(#?[\w]+)\s*=\s*(:[\w]+)\s*(?:,|$)/g)) {
    const name = path!.startsWith('#') ? names[path!] : path;
    if (typeof name === 'string' && Object.hasOwn(values, placeholder!)) set[name] = values[placeholder!];
  }
  return set;
}

/**
 * Since 2020 DynamoDB takes empty strings and binaries, except as key values, of the table or of an
 * index; dynalite refuses them for table keys only. Only writes that hold an empty value cost a read
 * of the table's indexes.
 */
export async function checkIndexKeyValues(operation: string, request: DynamoRequest, store: DynaliteStore): Promise<void> {
  const writes = itemsPut(operation, request).map(([table, item]) => ({ table, item, update: false }));
  if (operation === 'UpdateItem' && typeof request.TableName === 'string') writes.push({ table: request.TableName, item: valuesSet(request), update: true });
  for (const { table: tableName, item, update } of writes) {
    if (!Object.values(item).some((value) => emptyKeyValue(value) !== undefined)) continue;
    const table = await readTable(store, tableName);
    if (!table) continue;
    const tableKeys = new Set(table.KeySchema.map((k) => k.AttributeName));
    for (const index of [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])]) {
      for (const { AttributeName } of index.KeySchema) {
        const empty = tableKeys.has(AttributeName) ? undefined : emptyKeyValue(item[AttributeName]);
        if (empty) {
          const what = update
            ? 'The update expression attempted to update a secondary index key to a value that is not supported.'
            : 'A value specified for a secondary index key is not supported.';
          throw validationError(
            `One or more parameter values are not valid. ${what} The AttributeValue for a key attribute cannot contain an empty ${empty} value. IndexName: ${index.IndexName}, IndexKey: ${AttributeName}`,
          );
        }
      }
    }
  }
}
