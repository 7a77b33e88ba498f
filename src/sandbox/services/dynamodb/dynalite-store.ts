import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import dynalite from 'dynalite';

/** A key schema element, attribute definition and index as dynalite keeps them in its table records. */
export interface KeyElement {
  AttributeName: string;
  KeyType: string;
}

export interface IndexRecord {
  IndexName: string;
  KeySchema: KeyElement[];
  Projection: { ProjectionType?: string; NonKeyAttributes?: string[] };
  IndexStatus?: string;
  [field: string]: unknown;
}

/** A table as dynalite stores it: the CreateTable request plus its own fields, returned as the description. */
export interface TableRecord {
  TableName: string;
  TableArn: string;
  TableStatus: string;
  KeySchema: KeyElement[];
  AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
  GlobalSecondaryIndexes?: IndexRecord[];
  LocalSecondaryIndexes?: IndexRecord[];
  BillingModeSummary?: { BillingMode?: string };
  [field: string]: unknown;
}

type Callback<T = void> = (error: Error | null | undefined, value?: T) => void;

interface SubDb<T> {
  get(key: string, callback: Callback<T>): void;
  put(key: string, value: T, callback: Callback): void;
  del(key: string, callback: Callback): void;
  createValueStream(options?: object): AsyncIterable<T>;
}

/** The methods of an abstract-level database every write goes through, with their options last. */
interface LevelWrites {
  _put(key: unknown, value: unknown, options: object): Promise<void>;
  _del(key: unknown, options: object): Promise<void>;
  _batch(operations: unknown[], options: object): Promise<void>;
}

function syncWrites(db: LevelWrites): void {
  const level = Object.getPrototypeOf(db) as LevelWrites;
  db._put = (key, value, options) => level._put.call(db, key, value, { ...options, sync: true });
  db._del = (key, options) => level._del.call(db, key, { ...options, sync: true });
  db._batch = (operations, options) => level._batch.call(db, operations, { ...options, sync: true });
}

/** The parts of dynalite's store (its `db` module's `create`) the sandbox reaches into. */
export interface DynaliteStore {
  /** Its LevelDB (classic-level). */
  db: LevelWrites;
  tableDb: SubDb<TableRecord> & { lock(key: string, run: (release: <A extends unknown[]>(done: (...args: A) => void) => (...args: A) => void) => void): void };
  getItemDb(table: string): SubDb<Record<string, unknown>>;
  deleteIndexDb(type: 'global' | 'local', table: string, index: string, callback: Callback): void;
}

interface DynaliteDbModule {
  create(options: object): DynaliteStore;
  updateIndexes(store: DynaliteStore, table: TableRecord, existingItem: unknown, item: unknown, callback: Callback): void;
}

const require = createRequire(import.meta.url);

/** dynalite's own `db` module: the same instance dynalite requires, as Node caches modules by path. */
export const dynaliteDb = require('dynalite/db') as DynaliteDbModule;

export interface Dynalite {
  server: Server;
  store: DynaliteStore;
}

/**
 * Starts dynalite and hands back its store as well as its server. dynalite keeps the store to itself,
 * and the sandbox needs it for what dynalite does not do (index updates, deletion protection), so its
 * `db.create` is wrapped for the duration of the call to catch the store it builds.
 *
 * The store's LevelDB writes are made synchronous (fsync'ed before they complete), so an answered
 * PutItem is on disk, not only in the OS's cache: it survives a power cut, not only a kill -9.
 * LevelDB does not sync by default and dynalite has no option for it: `sync` is set on each write of
 * the database (the methods abstract-level calls for put, del and batch). Its cost, one fsync per
 * write, is in `npm run bench` (1000 PutItem on dynalite alone, with and without it).
 */
export function startDynalite(options: object): Dynalite {
  const create = dynaliteDb.create;
  let store: DynaliteStore | undefined;
  dynaliteDb.create = (storeOptions) => {
    store = create(storeOptions);
    syncWrites(store.db);
    return store;
  };
  try {
    const server = dynalite(options);
    if (!store) throw new Error('dynalite did not build its store through db.create');
    return { server, store };
  } finally {
    dynaliteDb.create = create;
  }
}

/** Reads a table record, or undefined when there is none. */
export function readTable(store: DynaliteStore, name: string): Promise<TableRecord | undefined> {
  return new Promise((resolve, reject) =>
    store.tableDb.get(name, (error, table) => {
      if (error && error.name !== 'NotFoundError' && !/not ?found/i.test(error.message)) reject(error);
      else resolve(error || !table?.TableStatus ? undefined : table);
    }),
  );
}

/** Runs `run` under dynalite's own per-table lock, so no dynalite operation on the table interleaves. */
export function withTableLock<T>(store: DynaliteStore, name: string, run: () => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) =>
    store.tableDb.lock(name, (release) => {
      const done = release((error: unknown, result?: T) => (error ? reject(error) : resolve(result as T)));
      run().then((result) => done(null, result), (error: unknown) => done(error));
    }),
  );
}

export function writeTable(store: DynaliteStore, table: TableRecord): Promise<void> {
  return completion((done) => store.tableDb.put(table.TableName, table, done));
}

/** A dynalite callback as a promise. */
export function completion(run: (done: Callback) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(error) : resolve())));
}

const TRANSITIONAL = ['CREATING', 'UPDATING', 'DELETING'];

/** Whether a table (or one of its indexes) is between states. */
export function inTransition(table: TableRecord): boolean {
  return TRANSITIONAL.includes(table.TableStatus) || (table.GlobalSecondaryIndexes ?? []).some((i) => TRANSITIONAL.includes(i.IndexStatus ?? ''));
}

/**
 * Waits until a table's transition has finished (ACTIVE with every index ACTIVE, or gone). The timers
 * that finish it run in this process, so a short poll sees the end; after `giveUpMs` the caller goes
 * on and the table simply looks as it would on AWS, still busy.
 */
export async function untilSettled(store: DynaliteStore, name: string, giveUpMs = 10_000): Promise<void> {
  const deadline = Date.now() + giveUpMs;
  for (;;) {
    const table = await readTable(store, name);
    if (!table || !inTransition(table) || Date.now() > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
