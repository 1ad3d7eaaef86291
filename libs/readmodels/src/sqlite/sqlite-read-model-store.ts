import Database from 'better-sqlite3';
import type {
  Checkpoint,
  Collection,
  CollectionSpec,
  Document,
  DocumentChange,
  FindOptions,
  Json,
  Page,
  ReadModelStore,
  ReadModelTransaction,
  Where,
} from '../read-model-store.port';
import type { LeaseStore } from '../lease.port';
import { Mutex, TransactionScope, TxToken } from '../internal/concurrency';
import { UnknownCollection } from '../internal/errors';
import { SqliteLeases } from './sqlite-leases';
import {
  CHECKPOINTS,
  checkCheckpointPosition,
  ID,
  checkChanges,
  checkCollectionName,
  checkDocument,
  checkPatch,
  declaredFields,
  encodeCursor,
  inRequestedOrder,
  namedFields,
  normalizeFind,
  normalizeWhere,
  type FieldCondition,
  type NormalizedFind,
} from '../internal/query';

export interface SqliteReadModelStoreOptions {
  /** The database file; `:memory:` works but then reads outside a transaction see its writes. */
  file: string;
  /** How long to wait for another process's write lock (default 5 s). */
  busyTimeoutMs?: number;
}

type Db = Database.Database;
type SqlValue = string | number | Buffer;

/** Collection names start with a letter, so no collection's table can be named like this. */
const META = 'rm__collections';
const SCAN_PAGE = 500;
const STATEMENT_CACHE = 500;
/** Per connection, negative meaning KiB: SQLite's 2 MiB default thrashes on random reads of a rebuild. */
const CACHE_KIB = -32768;
/** Queries outside transactions are page-sized: a smaller cache keeps a process's memory in bounds. */
const READER_CACHE_KIB = -8192;
/**
 * Without statistics SQLite takes any equality as selective and sorts every match instead of
 * walking the sort index (measured: 170 ms against 14 ms for a 1,000-row page of 100k
 * documents). So a collection is re-analysed whenever its writes since the last analysis
 * reach a threshold that doubles each time; sampling keeps one ANALYZE to a few ms.
 */
const ANALYSIS_ROWS = 10_000;
const FIRST_ANALYSIS_AFTER = 1_000;
const MAX_ANALYSIS_INTERVAL = 1_000_000;
/**
 * JSON null and a missing field index as -Infinity, which no JSON number can be: every
 * indexed value is then non-NULL and compares in one total order, so equality on null and
 * keyset comparisons are plain index range scans. SQLite's own order of storage classes
 * (numbers < text < blob) gives the rest of MongoDB's cross-type order, with booleans,
 * objects and arrays mapped to blobs whose first byte ranks them.
 */
const NULL_KEY = -Infinity;
const NULL_KEY_SQL = '-9e999';
const FALSE_KEY = Buffer.from([4]);
const TRUE_KEY = Buffer.from([5]);

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

function tableOf(collection: string): string {
  return quote(`rm_${collection}`);
}

function columnOf(field: string): string {
  return field === ID ? ID : quote(`f:${field}`);
}

/** Field paths are validated identifiers, so they can sit inside the JSON path literal. */
function keyExpression(field: string): string {
  const path = `'$.${field}'`;
  return (
    `CASE json_type(doc, ${path}) WHEN 'true' THEN X'05' WHEN 'false' THEN X'04' ` +
    `WHEN 'object' THEN CAST(X'02' || json_extract(doc, ${path}) AS BLOB) ` +
    `WHEN 'array' THEN CAST(X'03' || json_extract(doc, ${path}) AS BLOB) ` +
    `ELSE coalesce(json_extract(doc, ${path}), ${NULL_KEY_SQL}) END`
  );
}

/** A JSON value as its generated column holds it. */
function keyOf(value: Json): SqlValue {
  if (value === null) return NULL_KEY;
  switch (typeof value) {
    case 'number':
    case 'string':
      return value;
    case 'boolean':
      return value ? TRUE_KEY : FALSE_KEY;
    default:
      return Buffer.concat([
        Buffer.from([Array.isArray(value) ? 3 : 2]),
        Buffer.from(JSON.stringify(value)),
      ]);
  }
}

/** The lowest and the highest key of each bound type, so a range stays within its type. */
const TYPE_FLOOR = { number: `> ${NULL_KEY_SQL}`, string: ">= ''" } as const;
const TYPE_CEILING = { number: "< ''", string: "< X''" } as const;
const RANGE_OPERATORS = [
  ['gt', '>'],
  ['gte', '>='],
  ['lt', '<'],
  ['lte', '<='],
] as const;

interface Sql {
  clauses: string[];
  params: SqlValue[];
}

function conditionSql(condition: FieldCondition, sql: Sql): void {
  if (condition.kind === 'never') {
    sql.clauses.push('0');
    return;
  }
  const column = columnOf(condition.field);
  switch (condition.kind) {
    case 'eq':
      sql.clauses.push(`${column} = ?`);
      sql.params.push(keyOf(condition.value));
      return;
    case 'in':
      sql.clauses.push(`${column} IN (${condition.values.map(() => '?').join(', ')})`);
      sql.params.push(...condition.values.map(keyOf));
      return;
    case 'range': {
      const { bounds } = condition;
      for (const [key, op] of RANGE_OPERATORS) {
        const bound = bounds[key];
        if (bound === undefined) continue;
        sql.clauses.push(`${column} ${op} ?`);
        sql.params.push(bound);
      }
      if (condition.field === ID) return;
      const lower = bounds.gt ?? bounds.gte;
      const upper = bounds.lt ?? bounds.lte;
      const type = typeof (lower ?? upper) === 'number' ? 'number' : 'string';
      if (lower === undefined) sql.clauses.push(`${column} ${TYPE_FLOOR[type]}`);
      if (upper === undefined) sql.clauses.push(`${column} ${TYPE_CEILING[type]}`);
      return;
    }
  }
}

/** Rows strictly after the cursor position in the query's order. */
function keysetSql(query: NormalizedFind, sql: Sql): void {
  if (query.after === null) return;
  const keys = query.sort;
  const values: SqlValue[] = [...query.after.values.map(keyOf), query.after.id];
  const columns = keys.map((k) => columnOf(k.field));
  if (keys.every((k) => k.desc === keys[0].desc)) {
    // A row value comparison is a single index range, in either direction.
    const op = keys[0].desc ? '<' : '>';
    sql.clauses.push(`(${columns.join(', ')}) ${op} (${columns.map(() => '?').join(', ')})`);
    sql.params.push(...values);
    return;
  }
  const branches: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const parts = columns.slice(0, i).map((c) => `${c} = ?`);
    parts.push(`${columns[i]} ${keys[i].desc ? '<' : '>'} ?`);
    branches.push(`(${parts.join(' AND ')})`);
    sql.params.push(...values.slice(0, i + 1));
  }
  sql.clauses.push(`(${branches.join(' OR ')})`);
}

function whereClause(sql: Sql): string {
  return sql.clauses.length === 0 ? '' : ` WHERE ${sql.clauses.join(' AND ')}`;
}

function isMissingTable(error: unknown): boolean {
  return error instanceof Error && /no such table/.test(error.message);
}

/** Prepared statements of one connection, by SQL text. */
class Statements {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(readonly db: Db) {}

  get(sql: string): Database.Statement {
    let statement = this.cache.get(sql);
    if (statement === undefined) {
      if (this.cache.size >= STATEMENT_CACHE) this.cache.clear();
      statement = this.db.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }

  clear(): void {
    this.cache.clear();
  }
}

/** The table's SQL, built once per collection. */
interface TableSql {
  get: string;
  getMany: string;
  upsert: string;
  update: string;
  delete: string;
  scan: string;
}

function tableSql(collection: string): TableSql {
  const table = tableOf(collection);
  return {
    get: `SELECT doc FROM ${table} WHERE id = ?`,
    getMany: `SELECT doc FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`,
    upsert: `INSERT INTO ${table} (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc`,
    update: `UPDATE ${table} SET doc = ? WHERE id = ?`,
    delete: `DELETE FROM ${table} WHERE id = ?`,
    scan: `SELECT id, doc FROM ${table} WHERE id > ? ORDER BY id LIMIT ${SCAN_PAGE}`,
  };
}

/**
 * Everything that touches the database. All of it is synchronous; the store wraps it in the
 * async port and decides which connection and which lock each call uses.
 */
class Engine {
  /** Declared fields of each collection known to exist; misses go back to the meta table. */
  private readonly fields = new Map<string, Set<string>>();
  private readonly sqlOf = new Map<string, TableSql>();
  private readonly unanalysedWrites = new Map<string, number>();
  private readonly analysisInterval = new Map<string, number>();
  readonly writes: Statements;
  readonly reads: Statements;

  constructor(
    readonly writer: Db,
    readonly reader: Db,
  ) {
    this.writes = new Statements(writer);
    this.reads = reader === writer ? this.writes : new Statements(reader);
  }

  statements(db: Db): Statements {
    return db === this.writer ? this.writes : this.reads;
  }

  sql(collection: string): TableSql {
    let sql = this.sqlOf.get(collection);
    if (sql === undefined) {
      sql = tableSql(collection);
      this.sqlOf.set(collection, sql);
    }
    return sql;
  }

  private loadFields(db: Db, collection: string): Set<string> | null {
    const row = this.statements(db)
      .get(`SELECT fields FROM ${META} WHERE name = ?`)
      .get(collection) as { fields: string } | undefined;
    if (row === undefined) {
      this.fields.delete(collection);
      return null;
    }
    const fields = new Set(JSON.parse(row.fields) as string[]);
    this.fields.set(collection, fields);
    return fields;
  }

  fieldsOf(db: Db, collection: string): ReadonlySet<string> | null {
    return this.fields.get(collection) ?? this.loadFields(db, collection);
  }

  /** The declared fields, re-read when the query names one we do not know (another process may have added it). */
  fieldsFor(db: Db, collection: string, named: string[]): ReadonlySet<string> | null {
    const known = this.fieldsOf(db, collection);
    if (known === null || named.every((f) => f === ID || known.has(f))) return known;
    return this.loadFields(db, collection);
  }

  forget(collection: string): void {
    this.fields.delete(collection);
  }

  requireTable(collection: string): void {
    if (this.fieldsOf(this.writer, collection) === null) throw new UnknownCollection(collection);
  }

  /** Runs a read; a collection that does not exist (or was just dropped elsewhere) reads as empty. */
  read<R>(db: Db, collection: string, empty: R, query: () => R): R {
    if (this.fieldsOf(db, collection) === null) return empty;
    try {
      return query();
    } catch (error) {
      if (!isMissingTable(error)) throw error;
      this.forget(collection);
      return empty;
    }
  }

  /** Runs a write, turning a table dropped by another process into UnknownCollection. */
  write<R>(collection: string, statement: () => R, rows = 1): R {
    this.requireTable(collection);
    this.unanalysedWrites.set(collection, (this.unanalysedWrites.get(collection) ?? 0) + rows);
    try {
      return statement();
    } catch (error) {
      if (!isMissingTable(error)) throw error;
      this.forget(collection);
      throw new UnknownCollection(collection);
    }
  }

  /** Call with the writer outside any transaction. */
  analyseGrownCollections(): void {
    for (const [collection, writes] of this.unanalysedWrites) {
      const interval = this.analysisInterval.get(collection) ?? FIRST_ANALYSIS_AFTER;
      if (writes < interval) continue;
      this.analyse(collection);
      this.analysisInterval.set(collection, Math.min(interval * 2, MAX_ANALYSIS_INTERVAL));
    }
  }

  /** Best effort: it runs after a commit, which must not be reported as failed because of it. */
  private analyse(collection: string): void {
    this.unanalysedWrites.delete(collection);
    try {
      this.writer.exec(`ANALYZE ${tableOf(collection)}`);
    } catch {
      // A busy database or a table dropped meanwhile: the next threshold tries again.
    }
  }

  get<T extends Document>(db: Db, collection: string, id: string): T | null {
    return this.read(db, collection, null, () => {
      const row = this.statements(db).get(this.sql(collection).get).get(id) as
        { doc: string } | undefined;
      return row === undefined ? null : (JSON.parse(row.doc) as T);
    });
  }

  getMany<T extends Document>(db: Db, collection: string, ids: readonly string[]): T[] {
    if (ids.length === 0) return [];
    return this.read(db, collection, [], () => {
      const rows = this.statements(db)
        .get(this.sql(collection).getMany)
        .all(JSON.stringify(ids)) as { doc: string }[];
      return inRequestedOrder(
        ids,
        rows.map((row) => JSON.parse(row.doc) as T),
      );
    });
  }

  upsert(collection: string, doc: Document): void {
    const checked = checkDocument(collection, doc);
    const json = JSON.stringify(checked);
    this.write(collection, () =>
      this.writes.get(this.sql(collection).upsert).run(checked.id, json),
    );
  }

  patch(collection: string, id: string, fields: object): boolean {
    const changes = checkPatch(collection, id, fields);
    const merge = (): boolean => {
      const row = this.writes.get(this.sql(collection).get).get(id) as { doc: string } | undefined;
      if (row === undefined) return false;
      const merged = { ...(JSON.parse(row.doc) as Document), ...changes };
      this.writes.get(this.sql(collection).update).run(JSON.stringify(merged), id);
      return true;
    };
    // Outside a transaction the read and the write still need one, against other processes.
    return this.write(collection, () =>
      this.writer.inTransaction ? merge() : this.writer.transaction(merge).immediate(),
    );
  }

  writeMany(collection: string, changes: readonly DocumentChange[]): void {
    const checked = checkChanges(collection, changes);
    if (checked.length === 0) return;
    const sql = this.sql(collection);
    const apply = (): void => {
      for (const { id, doc } of checked) {
        if (doc === null) this.writes.get(sql.delete).run(id);
        else this.writes.get(sql.upsert).run(id, JSON.stringify(doc));
      }
    };
    // Outside a transaction the changes still land together.
    this.write(
      collection,
      () => (this.writer.inTransaction ? apply() : this.writer.transaction(apply).immediate()),
      checked.length,
    );
  }

  delete(collection: string, id: string): boolean {
    return this.write(
      collection,
      () => this.writes.get(this.sql(collection).delete).run(id).changes > 0,
    );
  }

  find<T extends Document>(db: Db, collection: string, options: FindOptions): Page<T> {
    const known = this.fieldsFor(db, collection, namedFields(options.where, options.sort));
    if (known === null) return { items: [], nextCursor: null };
    const query = normalizeFind(collection, options, known);
    return this.read(db, collection, { items: [], nextCursor: null }, () => {
      const sql: Sql = { clauses: [], params: [] };
      for (const condition of query.conditions) conditionSql(condition, sql);
      keysetSql(query, sql);
      const order = query.sort
        .map((k) => `${columnOf(k.field)} ${k.desc ? 'DESC' : 'ASC'}`)
        .join(', ');
      const text = `SELECT doc FROM ${tableOf(collection)}${whereClause(sql)} ORDER BY ${order} LIMIT ?`;
      const rows = this.statements(db)
        .get(text)
        .all(...sql.params, query.limit + 1) as { doc: string }[];
      const more = rows.length > query.limit;
      const items = (more ? rows.slice(0, query.limit) : rows).map(
        (row) => JSON.parse(row.doc) as T,
      );
      return {
        items,
        nextCursor: more ? encodeCursor(query, items[items.length - 1]) : null,
      };
    });
  }

  count(db: Db, collection: string, where: Where | undefined): number {
    const known = this.fieldsFor(db, collection, namedFields(where));
    if (known === null) return 0;
    const conditions = normalizeWhere(collection, where, known);
    return this.read(db, collection, 0, () => {
      const sql: Sql = { clauses: [], params: [] };
      for (const condition of conditions) conditionSql(condition, sql);
      const text = `SELECT count(*) AS n FROM ${tableOf(collection)}${whereClause(sql)}`;
      return (
        this.statements(db)
          .get(text)
          .get(...sql.params) as { n: number }
      ).n;
    });
  }

  scanPage(db: Db, collection: string, afterId: string): { id: string; doc: string }[] {
    return this.read(
      db,
      collection,
      [],
      () =>
        this.statements(db).get(this.sql(collection).scan).all(afterId) as {
          id: string;
          doc: string;
        }[],
    );
  }

  ensureCollection(spec: CollectionSpec): void {
    const fields = declaredFields(spec);
    const table = tableOf(spec.name);
    const before = this.fieldsOf(this.writer, spec.name);
    const known = this.writer
      .transaction(() => {
        this.writer.exec(
          `CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY NOT NULL, doc TEXT NOT NULL)`,
        );
        const columns = new Set(
          (this.writer.pragma(`table_xinfo(${table})`) as { name: string }[]).map((c) => c.name),
        );
        const declared = new Set(this.loadFields(this.writer, spec.name) ?? []);
        for (const field of fields) {
          // Virtual columns cost nothing to add to a filled table; the index is built once.
          if (!columns.has(`f:${field}`)) {
            this.writer.exec(
              `ALTER TABLE ${table} ADD COLUMN ${columnOf(field)} GENERATED ALWAYS AS (${keyExpression(field)}) VIRTUAL`,
            );
          }
          this.writer.exec(
            `CREATE INDEX IF NOT EXISTS ${quote(`rm_${spec.name}:${field}`)} ON ${table} (${columnOf(field)}, id)`,
          );
          declared.add(field);
        }
        this.writes
          .get(
            `INSERT INTO ${META} (name, fields) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET fields = excluded.fields`,
          )
          .run(spec.name, JSON.stringify([...declared].sort()));
        return declared;
      })
      .immediate();
    const added = [...known].some((field) => !(before?.has(field) ?? false));
    this.fields.set(spec.name, known);
    if (added) this.analyse(spec.name);
  }

  dropCollection(name: string): void {
    checkCollectionName(name);
    this.writer
      .transaction(() => {
        this.writer.exec(`DROP TABLE IF EXISTS ${tableOf(name)}`);
        this.writes.get(`DELETE FROM ${META} WHERE name = ?`).run(name);
      })
      .immediate();
    this.forget(name);
    // Statements of the dropped table would fail on their next run, and a new table may differ.
    this.writes.clear();
    this.reads.clear();
  }

  listCollections(): string[] {
    return (
      this.reads.get(`SELECT name FROM ${META} ORDER BY name`).all() as { name: string }[]
    ).map((row) => row.name);
  }

  getCheckpoint(name: string, db: Db = this.reader): Checkpoint | null {
    const row = this.statements(db)
      .get(`SELECT position, updated_at AS updatedAt FROM ${CHECKPOINTS} WHERE name = ?`)
      .get(name) as { position: string | number; updatedAt: string } | undefined;
    // String(): files made before positions were opaque keep the column's INTEGER affinity.
    return row === undefined
      ? null
      : { name, position: String(row.position), updatedAt: row.updatedAt };
  }

  setCheckpoint(name: string, position: string): void {
    checkCheckpointPosition(name, position);
    this.writes
      .get(
        `INSERT INTO ${CHECKPOINTS} (name, position, updated_at) VALUES (?, ?, ?) ` +
          `ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
      )
      .run(name, position, new Date().toISOString());
  }

  deleteCheckpoint(name: string): void {
    this.writes.get(`DELETE FROM ${CHECKPOINTS} WHERE name = ?`).run(name);
  }
}

class SqliteCollection<T extends Document> implements Collection<T> {
  constructor(
    private readonly store: SqliteReadModelStore,
    private readonly engine: Engine,
    readonly name: string,
    /** null for the store's own handles, which read committed data only. */
    private readonly tx: TxToken | null,
  ) {}

  private db(): Db {
    if (this.tx === null) return this.engine.reader;
    this.tx.assertActive();
    return this.engine.writer;
  }

  private write<R>(operation: string, statement: () => R): Promise<R> {
    if (this.tx !== null) {
      this.tx.assertActive();
      return Promise.resolve(statement());
    }
    return this.store.exclusive(`${this.name}.${operation}`, statement);
  }

  async get(id: string): Promise<T | null> {
    return this.engine.get<T>(this.db(), this.name, id);
  }

  async getMany(ids: readonly string[]): Promise<T[]> {
    return this.engine.getMany<T>(this.db(), this.name, ids);
  }

  async upsert(doc: T): Promise<void> {
    await this.write('upsert', () => this.engine.upsert(this.name, doc));
  }

  async patch(id: string, fields: Partial<T>): Promise<boolean> {
    return this.write('patch', () => this.engine.patch(this.name, id, fields));
  }

  async delete(id: string): Promise<boolean> {
    return this.write('delete', () => this.engine.delete(this.name, id));
  }

  async writeMany(changes: readonly DocumentChange<T>[]): Promise<void> {
    await this.write('writeMany', () => this.engine.writeMany(this.name, changes));
  }

  async find(options: FindOptions = {}): Promise<Page<T>> {
    return this.engine.find<T>(this.db(), this.name, options);
  }

  async count(where?: Where): Promise<number> {
    return this.engine.count(this.db(), this.name, where);
  }

  async *scan(): AsyncIterable<T> {
    // Pages by id rather than holding an iterator open: an open iterator would keep the
    // connection busy across the awaits of the consumer.
    let after = '';
    for (;;) {
      const rows = this.engine.scanPage(this.db(), this.name, after);
      for (const row of rows) yield JSON.parse(row.doc) as T;
      if (rows.length < SCAN_PAGE) return;
      after = rows[rows.length - 1].id;
    }
  }
}

class SqliteTransaction implements ReadModelTransaction {
  private readonly handles = new Map<string, SqliteCollection<Document>>();

  constructor(
    private readonly store: SqliteReadModelStore,
    private readonly engine: Engine,
    private readonly token: TxToken,
  ) {}

  collection<T extends Document = Document>(name: string): Collection<T> {
    this.token.assertActive();
    let handle = this.handles.get(name);
    if (handle === undefined) {
      checkCollectionName(name);
      handle = new SqliteCollection(this.store, this.engine, name, this.token);
      this.handles.set(name, handle);
    }
    return handle as unknown as Collection<T>;
  }

  async getCheckpoint(name: string): Promise<Checkpoint | null> {
    this.token.assertActive();
    return this.engine.getCheckpoint(name, this.engine.writer);
  }

  async setCheckpoint(name: string, position: string): Promise<void> {
    this.token.assertActive();
    this.engine.setCheckpoint(name, position);
  }

  async deleteCheckpoint(name: string): Promise<void> {
    this.token.assertActive();
    this.engine.deleteCheckpoint(name);
  }
}

/**
 * The embedded read-model store: one SQLite file in WAL mode, one table per collection
 * (`rm_<name>`: id, doc as JSON text) with a virtual generated column and a (column, id)
 * index per declared field, a `checkpoints` table and an `rm_collections` table of declared
 * fields.
 *
 * Two connections: writes and transactions go through the writer, one transaction at a
 * time (an async mutex, since `work` awaits between its synchronous statements), and a
 * store-level write waits for a running transaction instead of landing inside it. Reads
 * outside a transaction go through a read-only connection, so they never wait and never
 * see a transaction's uncommitted writes.
 */
export class SqliteReadModelStore implements ReadModelStore {
  readonly kind = 'sqlite' as const;
  readonly leases: LeaseStore;
  private readonly engine: Engine;
  private readonly mutex = new Mutex();
  private readonly scope = new TransactionScope();
  private readonly handles = new Map<string, SqliteCollection<Document>>();

  constructor(options: SqliteReadModelStoreOptions) {
    const busyTimeout = options.busyTimeoutMs ?? 5000;
    const writer = new Database(options.file, { timeout: busyTimeout });
    writer.pragma('journal_mode = WAL');
    // In WAL mode NORMAL loses no committed transaction on a process crash (only on power loss).
    writer.pragma('synchronous = NORMAL');
    writer.pragma(`cache_size = ${CACHE_KIB}`);
    writer.pragma(`analysis_limit = ${ANALYSIS_ROWS}`);
    writer.exec(
      `CREATE TABLE IF NOT EXISTS ${CHECKPOINTS} (name TEXT PRIMARY KEY NOT NULL, position TEXT NOT NULL, updated_at TEXT NOT NULL);` +
        `CREATE TABLE IF NOT EXISTS ${META} (name TEXT PRIMARY KEY NOT NULL, fields TEXT NOT NULL);`,
    );
    const reader =
      options.file === ':memory:' || options.file === ''
        ? writer
        : new Database(options.file, { readonly: true, fileMustExist: true, timeout: busyTimeout });
    reader.pragma(`cache_size = ${READER_CACHE_KIB}`);
    this.engine = new Engine(writer, reader);
    this.leases = new SqliteLeases(writer, (operation, statement) =>
      this.exclusive(operation, statement),
    );
  }

  /** Runs a store-level write after any running transaction, outside of it. */
  exclusive<R>(operation: string, statement: () => R): Promise<R> {
    this.scope.assertOutside(operation);
    return this.mutex.run(() => {
      const result = statement();
      this.engine.analyseGrownCollections();
      return result;
    });
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    await this.exclusive('ensureCollection', () => this.engine.ensureCollection(spec));
  }

  collection<T extends Document = Document>(name: string): Collection<T> {
    let handle = this.handles.get(name);
    if (handle === undefined) {
      checkCollectionName(name);
      handle = new SqliteCollection(this, this.engine, name, null);
      this.handles.set(name, handle);
    }
    return handle as unknown as Collection<T>;
  }

  async dropCollection(name: string): Promise<void> {
    await this.exclusive('dropCollection', () => this.engine.dropCollection(name));
  }

  async listCollections(): Promise<string[]> {
    return this.engine.listCollections();
  }

  async getCheckpoint(name: string): Promise<Checkpoint | null> {
    return this.engine.getCheckpoint(name);
  }

  async transaction<R>(work: (tx: ReadModelTransaction) => Promise<R>): Promise<R> {
    this.scope.assertOutside('transaction');
    return this.mutex.run(async () => {
      const { writer, writes } = this.engine;
      const token = new TxToken();
      writes.get('BEGIN IMMEDIATE').run();
      try {
        const result = await this.scope.run(token, () =>
          work(new SqliteTransaction(this, this.engine, token)),
        );
        token.active = false;
        writes.get('COMMIT').run();
        this.engine.analyseGrownCollections();
        return result;
      } catch (error) {
        token.active = false;
        if (writer.inTransaction) writes.get('ROLLBACK').run();
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.mutex.run(() => {
      const { writer, reader } = this.engine;
      if (reader !== writer && reader.open) reader.close();
      if (writer.open) {
        writer.pragma('optimize');
        writer.close();
      }
    });
  }
}
