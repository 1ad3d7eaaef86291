import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
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
  StoredJson,
  ReadModelStore,
  ReadModelTransaction,
  Where,
} from '../read-model-store.port';
import type { LeaseStore } from '../lease.port';
import { Mutex, TransactionScope, TxToken } from '../internal/concurrency';
import { NoTextIndex } from '../read-model-store.port';
import { UnknownCollection } from '../internal/errors';
import { SqliteLeases } from './sqlite-leases';
import {
  CHECKPOINTS,
  CONTAINS_FROM,
  checkCheckpointPosition,
  ID,
  assertServed,
  checkChanges,
  checkCollectionName,
  checkDocument,
  checkPatch,
  encodeCursor,
  inRequestedOrder,
  isWordPrefix,
  lengthOf,
  namedFields,
  normalizeFind,
  normalizeWhere,
  searchTexts,
  servingIndex,
  shapeOf,
  wordPrefixes,
  type CollectionShape,
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
 * The reader maps the file instead of copying pages through read(): dashboards walking a tab
 * of 10,000 members touch more pages than its cache holds (measured: a page of 50 in about
 * two thirds of the time). Address space, not memory: the OS keeps and drops the pages.
 */
const READER_MMAP_BYTES = 256 * 2 ** 20;
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

/** `#` cannot be in a collection name, so these never meet another collection's tables. */
function textTableOf(collection: string): string {
  return quote(`rm_${collection}#text`);
}

function prefixTableOf(collection: string): string {
  return quote(`rm_${collection}#prefix`);
}

function indexNameOf(collection: string, keys: readonly string[]): string {
  return quote(`rm_${collection}:${keys.join(',')}`);
}

/** A term as an FTS5 phrase: quoted, so that no character of it is query syntax. */
function phrase(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** The shape kept in the meta table; older files hold a plain list of one-field indexes. */
function parseShape(stored: string): CollectionShape {
  const parsed = JSON.parse(stored) as
    string[] | { indexes: string[][]; search: string[]; planned: boolean };
  if (Array.isArray(parsed)) {
    return { fields: new Set(parsed), indexes: parsed.map((f) => [f]), search: [], planned: false };
  }
  return {
    fields: new Set(parsed.indexes.flat()),
    indexes: parsed.indexes,
    search: parsed.search,
    planned: parsed.planned,
  };
}

function storedShape(shape: CollectionShape): string {
  return JSON.stringify({
    indexes: shape.indexes,
    search: shape.search,
    planned: shape.planned,
  });
}

/** What a collection declared before, with what a spec adds (indexes are only ever added). */
function mergedShape(before: CollectionShape | null, spec: CollectionShape): CollectionShape {
  if (before === null) return spec;
  const indexes = new Map(before.indexes.map((keys) => [keys.join(','), keys] as const));
  for (const keys of spec.indexes) indexes.set(keys.join(','), keys);
  const all = [...indexes.values()].sort((a, b) => a.join(',').localeCompare(b.join(',')));
  return {
    fields: new Set(all.flat()),
    indexes: all,
    search: spec.search.length > 0 ? spec.search : before.search,
    planned: before.planned || spec.planned,
  };
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

/**
 * Matches this many or more in the trigram index make a term common: walking the query's
 * index in order and checking each row's text then finds a page sooner than sorting every
 * match (measured on 10,000 members: a term in every email, 8.6 ms sorted, well under 1 ms
 * walked; a rare one, 0.5 ms sorted, tens of ms walked).
 */
const COMMON_TERM_MATCHES = 1000;
/**
 * Searches whose commonness a collection remembers, and for how long (a process that only
 * reads never analyses, and terms grow common as documents come).
 */
const COMMON_TERMS_KEPT = 1000;
const COMMON_TERMS_MS = 60_000;

/**
 * Rows whose search fields match every term. A term of 3 characters or more: rare ones
 * through the trigram index (a phrase of trigrams is a substring of one field), common ones
 * (`common`) by a look at the row's folded texts (the text index's content table, by rowid)
 * while the query's own index is walked. A shorter term: the prefix table. False when a
 * short term can be no word's prefix, so nothing matches.
 */
function searchSql(
  collection: string,
  fields: number,
  terms: readonly string[],
  common: boolean,
  sql: Sql,
): boolean {
  const long = terms.filter((t) => lengthOf(t) >= CONTAINS_FROM);
  const short = terms.filter((t) => lengthOf(t) < CONTAINS_FROM);
  if (!short.every(isWordPrefix)) return false;
  if (long.length > 0 && common) {
    const content = quote(`rm_${collection}#text_content`);
    const columns = Array.from({ length: fields }, (_, i) => `c${i}`);
    const each = long.map(() => `(${columns.map((c) => `instr(${c}, ?) > 0`).join(' OR ')})`);
    sql.clauses.push(`EXISTS (SELECT 1 FROM ${content} WHERE id = rid AND ${each.join(' AND ')})`);
    for (const term of long) sql.params.push(...columns.map(() => term));
  } else if (long.length > 0) {
    const text = textTableOf(collection);
    sql.clauses.push(`rid IN (SELECT rowid FROM ${text} WHERE ${text} MATCH ?)`);
    sql.params.push(matchOf(long));
  }
  for (const term of short) {
    sql.clauses.push(`rid IN (SELECT rid FROM ${prefixTableOf(collection)} WHERE p = ?)`);
    sql.params.push(term);
  }
  return true;
}

function matchOf(terms: readonly string[]): string {
  return terms.map(phrase).join(' AND ');
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
  prefixInsert: string;
  prefixDelete: string;
}

function tableSql(collection: string): TableSql {
  const table = tableOf(collection);
  const prefixes = prefixTableOf(collection);
  return {
    get: `SELECT doc FROM ${table} WHERE id = ?`,
    getMany: `SELECT doc FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`,
    upsert: `INSERT INTO ${table} (id, doc) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc RETURNING rid`,
    update: `UPDATE ${table} SET doc = ? WHERE id = ? RETURNING rid`,
    delete: `DELETE FROM ${table} WHERE id = ? RETURNING rid`,
    scan: `SELECT id, doc FROM ${table} WHERE id > ? ORDER BY id LIMIT ${SCAN_PAGE}`,
    prefixInsert: `INSERT OR IGNORE INTO ${prefixes} (p, rid) VALUES (?, ?)`,
    prefixDelete: `DELETE FROM ${prefixes} WHERE p = ? AND rid = ?`,
  };
}

/** The text index's SQL, which depends on how many search fields there are. */
function textSql(collection: string, fields: number) {
  const text = textTableOf(collection);
  const columns = Array.from({ length: fields }, (_, i) => `c${i}`);
  return {
    read: `SELECT ${columns.join(', ')} FROM ${text} WHERE rowid = ?`,
    insert: `INSERT INTO ${text} (rowid, ${columns.join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')})`,
    delete: `DELETE FROM ${text} WHERE rowid = ?`,
  };
}

/**
 * Everything that touches the database. All of it is synchronous; the store wraps it in the
 * async port and decides which connection and which lock each call uses.
 */
class Engine {
  /** What each collection known to exist declared; misses go back to the meta table. */
  private readonly shapes = new Map<string, CollectionShape>();
  private readonly sqlOf = new Map<string, TableSql>();
  private readonly unanalysedWrites = new Map<string, number>();
  private readonly analysisInterval = new Map<string, number>();
  /** By collection: whether a search's long terms are common (see `isCommon`). */
  private readonly commonTerms = new Map<string, Map<string, { common: boolean; at: number }>>();
  /** The schema the cached shapes were read under; another process's change invalidates them. */
  private schemaVersion = -1;
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

  /**
   * Writes keep the text index in step with the documents; a writer that missed another
   * process declaring one would not. A changed schema version sends every shape back to the
   * meta table (a pragma read, once per write or transaction).
   */
  checkSchema(): void {
    const version = this.writer.pragma('schema_version', { simple: true }) as number;
    if (version === this.schemaVersion) return;
    this.schemaVersion = version;
    this.shapes.clear();
  }

  private loadShape(db: Db, collection: string): CollectionShape | null {
    const row = this.statements(db)
      .get(`SELECT fields FROM ${META} WHERE name = ?`)
      .get(collection) as { fields: string } | undefined;
    if (row === undefined) {
      this.shapes.delete(collection);
      return null;
    }
    const shape = parseShape(row.fields);
    this.shapes.set(collection, shape);
    return shape;
  }

  shapeOf(db: Db, collection: string): CollectionShape | null {
    return this.shapes.get(collection) ?? this.loadShape(db, collection);
  }

  /** The declared shape, re-read when the query names a field we do not know (another process may have added it). */
  shapeFor(db: Db, collection: string, named: string[]): CollectionShape | null {
    const known = this.shapeOf(db, collection);
    if (known === null || named.every((f) => f === ID || known.fields.has(f))) return known;
    return this.loadShape(db, collection);
  }

  /** Refuses an unserved query of a planned collection, after a second look at the meta table. */
  private assertServed(
    db: Db,
    collection: string,
    shape: CollectionShape,
    conditions: FieldCondition[],
    sort: NormalizedFind['sort'] | null,
  ): void {
    if (!shape.planned || servingIndex(shape, conditions, sort) !== null) return;
    assertServed(collection, this.loadShape(db, collection) ?? shape, conditions, sort);
  }

  forget(collection: string): void {
    this.shapes.delete(collection);
    this.commonTerms.delete(collection);
  }

  requireTable(collection: string): CollectionShape {
    const shape = this.shapeOf(this.writer, collection);
    if (shape === null) throw new UnknownCollection(collection);
    return shape;
  }

  /** Runs a read; a collection that does not exist (or was just dropped elsewhere) reads as empty. */
  read<R>(db: Db, collection: string, empty: R, query: () => R): R {
    if (this.shapeOf(db, collection) === null) return empty;
    try {
      return query();
    } catch (error) {
      if (!isMissingTable(error)) throw error;
      this.forget(collection);
      return empty;
    }
  }

  /** Runs a write, turning a table dropped by another process into UnknownCollection. */
  write<R>(collection: string, statement: (shape: CollectionShape) => R, rows = 1): R {
    const shape = this.requireTable(collection);
    this.unanalysedWrites.set(collection, (this.unanalysedWrites.get(collection) ?? 0) + rows);
    try {
      return statement(shape);
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
    this.commonTerms.delete(collection);
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

  /**
   * Puts a row's folded search texts in the text index and its word prefixes in the prefix
   * table, or takes them out (`doc` null). Unchanged texts are left alone: most writes of a
   * document change its state, not its name.
   */
  private indexText(collection: string, shape: CollectionShape, rid: number, doc: Document | null) {
    if (shape.search.length === 0) return;
    const text = textSql(collection, shape.search.length);
    const sql = this.sql(collection);
    const row = this.writes.get(text.read).raw().get(rid) as string[] | undefined;
    const texts = doc === null ? null : searchTexts(doc, shape.search);
    if (row !== undefined && texts !== null && row.every((t, i) => t === texts[i])) return;
    if (row !== undefined) {
      this.writes.get(text.delete).run(rid);
      for (const p of wordPrefixes(row)) this.writes.get(sql.prefixDelete).run(p, rid);
    }
    if (texts === null) return;
    this.writes.get(text.insert).run(rid, ...texts);
    for (const p of wordPrefixes(texts)) this.writes.get(sql.prefixInsert).run(p, rid);
  }

  /** Statements that must move together, in a transaction unless one is running. */
  private atomically<R>(work: () => R): R {
    return this.writer.inTransaction ? work() : this.writer.transaction(work).immediate();
  }

  upsert(collection: string, doc: Document): void {
    const checked = checkDocument(collection, doc);
    const json = JSON.stringify(checked);
    this.write(collection, (shape) => {
      const upsert = () => {
        const { rid } = this.writes.get(this.sql(collection).upsert).get(checked.id, json) as {
          rid: number;
        };
        this.indexText(collection, shape, rid, checked);
      };
      if (shape.search.length === 0) upsert();
      else this.atomically(upsert);
    });
  }

  patch(collection: string, id: string, fields: object): boolean {
    const changes = checkPatch(collection, id, fields);
    // Outside a transaction the read and the write still need one, against other processes.
    return this.write(collection, (shape) =>
      this.atomically(() => {
        const row = this.writes.get(this.sql(collection).get).get(id) as
          { doc: string } | undefined;
        if (row === undefined) return false;
        const merged = { ...(JSON.parse(row.doc) as Document), ...changes };
        const { rid } = this.writes
          .get(this.sql(collection).update)
          .get(JSON.stringify(merged), id) as { rid: number };
        this.indexText(collection, shape, rid, merged);
        return true;
      }),
    );
  }

  writeMany(collection: string, changes: readonly DocumentChange[]): void {
    const checked = checkChanges(collection, changes);
    if (checked.length === 0) return;
    const sql = this.sql(collection);
    // Outside a transaction the changes still land together.
    this.write(
      collection,
      (shape) =>
        this.atomically(() => {
          for (const { id, doc } of checked) {
            if (doc === null) {
              const row = this.writes.get(sql.delete).get(id) as { rid: number } | undefined;
              if (row !== undefined) this.indexText(collection, shape, row.rid, null);
            } else {
              const { rid } = this.writes.get(sql.upsert).get(id, JSON.stringify(doc)) as {
                rid: number;
              };
              this.indexText(collection, shape, rid, doc);
            }
          }
        }),
      checked.length,
    );
  }

  delete(collection: string, id: string): boolean {
    return this.write(collection, (shape) =>
      this.atomically(() => {
        const row = this.writes.get(this.sql(collection).delete).get(id) as
          { rid: number } | undefined;
        if (row === undefined) return false;
        this.indexText(collection, shape, row.rid, null);
        return true;
      }),
    );
  }

  /** The SQL of a find, as it is run (also what a test explains). */
  findSql(
    db: Db,
    collection: string,
    shape: CollectionShape,
    query: NormalizedFind,
  ): { text: string; params: SqlValue[] } | null {
    const sql: Sql = { clauses: [], params: [] };
    for (const condition of query.conditions) conditionSql(condition, sql);
    if (query.terms.length > 0) {
      const fields = shape.search.length;
      const common = this.isCommon(db, collection, query.terms);
      if (!searchSql(collection, fields, query.terms, common, sql)) return null;
    }
    keysetSql(query, sql);
    const order = query.sort
      .map((k) => `${columnOf(k.field)} ${k.desc ? 'DESC' : 'ASC'}`)
      .join(', ');
    return {
      text: `SELECT id, doc FROM ${tableOf(collection)}${whereClause(sql)} ORDER BY ${order} LIMIT ?`,
      params: [...sql.params, query.limit + 1],
    };
  }

  /**
   * Whether the long terms together match at least `COMMON_TERM_MATCHES` rows (a bounded look),
   * remembered for a minute or until the collection is next analysed: each page of a walk would
   * otherwise look again. A stale answer only picks the slower of two plans; both give the same rows.
   */
  private isCommon(db: Db, collection: string, terms: readonly string[]): boolean {
    const long = terms.filter((t) => lengthOf(t) >= CONTAINS_FROM);
    if (long.length === 0) return false;
    const match = matchOf(long);
    const now = Date.now();
    const known = this.commonTerms.get(collection)?.get(match);
    if (known !== undefined && now - known.at < COMMON_TERMS_MS) return known.common;
    const text = textTableOf(collection);
    const { n } = this.statements(db)
      .get(
        `SELECT count(*) AS n FROM (SELECT rowid FROM ${text} WHERE ${text} MATCH ? LIMIT ${COMMON_TERM_MATCHES})`,
      )
      .get(match) as { n: number };
    const common = n >= COMMON_TERM_MATCHES;
    let kept = this.commonTerms.get(collection);
    if (kept === undefined || kept.size >= COMMON_TERMS_KEPT) {
      kept = new Map();
      this.commonTerms.set(collection, kept);
    }
    kept.set(match, { common, at: now });
    return common;
  }

  countSql(collection: string, conditions: FieldCondition[]): { text: string; params: SqlValue[] } {
    const sql: Sql = { clauses: [], params: [] };
    for (const condition of conditions) conditionSql(condition, sql);
    return {
      text: `SELECT count(*) AS n FROM ${tableOf(collection)}${whereClause(sql)}`,
      params: sql.params,
    };
  }

  /** The checked query of a find, or null when the collection does not exist. */
  planFind(
    db: Db,
    collection: string,
    options: FindOptions,
  ): { shape: CollectionShape; query: NormalizedFind } | null {
    const shape = this.shapeFor(db, collection, namedFields(options.where, options.sort));
    if (shape === null) return null;
    const query = normalizeFind(collection, options, shape.fields);
    if (query.terms.length > 0 && shape.search.length === 0) throw new NoTextIndex(collection);
    this.assertServed(db, collection, shape, query.conditions, query.sort);
    return { shape, query };
  }

  planCount(db: Db, collection: string, where: Where | undefined): FieldCondition[] | null {
    const shape = this.shapeFor(db, collection, namedFields(where));
    if (shape === null) return null;
    const conditions = normalizeWhere(collection, where, shape.fields);
    this.assertServed(db, collection, shape, conditions, null);
    return conditions;
  }

  find<T extends Document>(db: Db, collection: string, options: FindOptions): Page<T> {
    const page = this.findJson(db, collection, options);
    return {
      items: page.items.map((row) => JSON.parse(row.json) as T),
      nextCursor: page.nextCursor,
    };
  }

  /** The page's rows as stored; only the last is parsed, for the cursor. */
  findJson(db: Db, collection: string, options: FindOptions): Page<StoredJson> {
    const planned = this.planFind(db, collection, options);
    if (planned === null) return { items: [], nextCursor: null };
    const { shape, query } = planned;
    return this.read(db, collection, { items: [], nextCursor: null }, () => {
      const sql = this.findSql(db, collection, shape, query);
      if (sql === null) return { items: [], nextCursor: null };
      const rows = this.statements(db)
        .get(sql.text)
        .all(...sql.params) as { id: string; doc: string }[];
      const more = rows.length > query.limit;
      const items: StoredJson[] = [];
      const n = more ? query.limit : rows.length;
      for (let i = 0; i < n; i++) items.push({ id: rows[i].id, json: rows[i].doc });
      return {
        items,
        nextCursor: more
          ? encodeCursor(query, JSON.parse(items[items.length - 1].json) as Document)
          : null,
      };
    });
  }

  count(db: Db, collection: string, where: Where | undefined): number {
    const conditions = this.planCount(db, collection, where);
    if (conditions === null) return 0;
    return this.read(db, collection, 0, () => {
      const sql = this.countSql(collection, conditions);
      return (
        this.statements(db)
          .get(sql.text)
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

  /**
   * Index fields are stored generated columns: SQLite computes them from the document once per
   * write, and reads take them from the row or the index. A stored column cannot be added to
   * a table, so a new field (or a table of an older layout, with virtual columns) rebuilds it,
   * keeping each row's rowid so that the text index still points at it.
   */
  private layTable(collection: string, fields: ReadonlySet<string>): void {
    const table = tableOf(collection);
    const columns = new Map(
      (this.writer.pragma(`table_xinfo(${table})`) as { name: string; hidden: number }[]).map(
        (c) => [c.name, c.hidden] as const,
      ),
    );
    const current =
      columns.has('rid') && [...fields].every((field) => columns.get(`f:${field}`) === 3);
    if (current) return;
    const all = new Set(fields);
    for (const name of columns.keys()) if (name.startsWith('f:')) all.add(name.slice(2));
    const create = (name: string) =>
      `CREATE TABLE ${name} (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL` +
      [...all]
        .sort()
        .map((field) => `, ${columnOf(field)} GENERATED ALWAYS AS (${keyExpression(field)}) STORED`)
        .join('') +
      ')';
    if (columns.size === 0) {
      this.writer.exec(create(table));
      return;
    }
    const next = quote(`rm_${collection}#next`);
    this.writer.exec(
      `DROP TABLE IF EXISTS ${next}; ${create(next)};` +
        `INSERT INTO ${next} (rid, id, doc) SELECT rowid, id, doc FROM ${table};` +
        `DROP TABLE ${table}; ALTER TABLE ${next} RENAME TO ${quote(`rm_${collection}`)};`,
    );
  }

  /** Creates the text index and the prefix table, filled from the documents, when the search fields change. */
  private layText(collection: string, before: readonly string[], shape: CollectionShape): void {
    const text = textTableOf(collection);
    const prefixes = prefixTableOf(collection);
    const exists =
      this.writer
        .prepare(`SELECT 1 FROM sqlite_schema WHERE name = ?`)
        .get(`rm_${collection}#text`) !== undefined;
    if (exists && before.join(',') === shape.search.join(',')) return;
    this.writer.exec(`DROP TABLE IF EXISTS ${text}; DROP TABLE IF EXISTS ${prefixes};`);
    if (shape.search.length === 0) return;
    const columns = shape.search.map((_, i) => `c${i}`).join(', ');
    this.writer.exec(
      `CREATE VIRTUAL TABLE ${text} USING fts5(${columns}, tokenize = 'trigram');` +
        `CREATE TABLE ${prefixes} (p TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (p, rid)) WITHOUT ROWID;`,
    );
    const insert = this.writer.prepare(textSql(collection, shape.search.length).insert);
    const prefix = this.writer.prepare(tableSql(collection).prefixInsert);
    const page = this.writer.prepare(
      `SELECT rid, doc FROM ${tableOf(collection)} WHERE rid > ? ORDER BY rid LIMIT ${SCAN_PAGE}`,
    );
    // Pages, since a connection cannot write while it iterates.
    for (let after = 0; ;) {
      const rows = page.all(after) as { rid: number; doc: string }[];
      for (const row of rows) {
        const texts = searchTexts(JSON.parse(row.doc), shape.search);
        insert.run(row.rid, ...texts);
        for (const p of wordPrefixes(texts)) prefix.run(p, row.rid);
      }
      if (rows.length < SCAN_PAGE) return;
      after = rows[rows.length - 1].rid;
    }
  }

  ensureCollection(spec: CollectionSpec): void {
    const declared = shapeOf(spec);
    const before = this.loadShape(this.writer, spec.name);
    const shape = this.writer
      .transaction(() => {
        const stored = this.loadShape(this.writer, spec.name);
        const shape = mergedShape(stored, declared);
        this.layTable(spec.name, shape.fields);
        for (const keys of shape.indexes) {
          this.writer.exec(
            `CREATE INDEX IF NOT EXISTS ${indexNameOf(spec.name, keys)} ON ${tableOf(spec.name)} (${[...keys, ID].map(columnOf).join(', ')})`,
          );
        }
        this.layText(spec.name, stored?.search ?? [], shape);
        this.writes
          .get(
            `INSERT INTO ${META} (name, fields) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET fields = excluded.fields`,
          )
          .run(spec.name, storedShape(shape));
        return shape;
      })
      .immediate();
    const added = shape.indexes.length !== (before?.indexes.length ?? 0);
    this.shapes.set(spec.name, shape);
    // Statements of a rebuilt table are prepared again on their next run; ours we drop.
    this.writes.clear();
    this.reads.clear();
    if (added) this.analyse(spec.name);
  }

  dropCollection(name: string): void {
    checkCollectionName(name);
    this.writer
      .transaction(() => {
        this.writer.exec(
          `DROP TABLE IF EXISTS ${tableOf(name)}; DROP TABLE IF EXISTS ${textTableOf(name)}; DROP TABLE IF EXISTS ${prefixTableOf(name)};`,
        );
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

  async findJson(options: FindOptions = {}): Promise<Page<StoredJson>> {
    return this.engine.findJson(this.db(), this.name, options);
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
 * (`rm_<name>`: rid, id, doc as JSON text) with a stored generated column per indexed field
 * and an index (keys…, id) per declared index; for a collection with search fields, an FTS5
 * trigram table (`rm_<name>#text`, by rid) and a word-prefix table (`rm_<name>#prefix`); a
 * `checkpoints` table and an `rm_collections` table of what each collection declared.
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
    if (options.file !== ':memory:' && options.file !== '') ownerOnly(options.file);
    const writer = new Database(options.file, { timeout: busyTimeout });
    writer.pragma('journal_mode = WAL');
    // Erasure rebuilds read models: the pages of the dropped ones are zeroed, not left free.
    writer.pragma('secure_delete = ON');
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
    if (reader !== writer) reader.pragma(`mmap_size = ${READER_MMAP_BYTES}`);
    this.engine = new Engine(writer, reader);
    this.leases = new SqliteLeases(writer, (operation, statement) =>
      this.exclusive(operation, statement),
    );
  }

  /** Runs a store-level write after any running transaction, outside of it. */
  exclusive<R>(operation: string, statement: () => R): Promise<R> {
    this.scope.assertOutside(operation);
    return this.mutex.run(() => {
      this.engine.checkSchema();
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

  /**
   * SQLite's plan (`EXPLAIN QUERY PLAN` detail lines) for the statement that `find`, `count`
   * or `get` would run on a collection, built by the same code: how tests hold each read to
   * its index.
   */
  queryPlan(
    name: string,
    query:
      | { find: FindOptions }
      | { count: Where | undefined }
      | { get: string }
      | { getMany: readonly string[] },
  ): string[] {
    const { reader } = this.engine;
    let sql: { text: string; params: SqlValue[] } | null;
    if ('get' in query || 'getMany' in query) {
      if (this.engine.shapeOf(reader, name) === null) throw new UnknownCollection(name);
      sql =
        'get' in query
          ? { text: this.engine.sql(name).get, params: [query.get] }
          : { text: this.engine.sql(name).getMany, params: [JSON.stringify(query.getMany)] };
    } else if ('find' in query) {
      const planned = this.engine.planFind(reader, name, query.find);
      if (planned === null) throw new UnknownCollection(name);
      sql = this.engine.findSql(reader, name, planned.shape, planned.query);
    } else {
      const conditions = this.engine.planCount(reader, name, query.count);
      if (conditions === null) throw new UnknownCollection(name);
      sql = this.engine.countSql(name, conditions);
    }
    if (sql === null) return [];
    const rows = reader.prepare(`EXPLAIN QUERY PLAN ${sql.text}`).all(...sql.params) as {
      detail: string;
    }[];
    return rows.map((row) => row.detail);
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
        this.engine.checkSchema();
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

/**
 * The database and its -wal/-shm files, for their owner only: created 0600 before SQLite
 * opens the file (SQLite gives the -wal and -shm the main file's mode), and any older one
 * tightened.
 */
function ownerOnly(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path)) chmodSync(path, 0o600);
  }
}
