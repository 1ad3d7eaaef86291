/**
 * The read-model store port: collections of JSON documents keyed by `id`. Adapters: sqlite
 * (default) and mongodb. Queries may only filter and sort on `id` and on the fields a
 * collection declares as indexed, so that every adapter can answer them from an index.
 *
 * A collection that declares its indexes as key lists is *planned*: each of its queries must
 * be served by one of them (see `UnindexedQuery`), so that no read of it can fall back to a
 * scan as the collection grows.
 */

import type { LeaseStore } from './lease.port';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Document {
  id: string;
  [field: string]: unknown;
}

/** An index's keys in order: the query's equality fields, then its sort; `id` is implied last. */
export type IndexKeys = readonly string[];

export interface CollectionSpec {
  name: string;
  /**
   * The indexes (dotted paths allowed, e.g. `identity.id`). A bare field is a one-field
   * index and only makes the field usable in `where` and `sort`; a key list (`['integrationId',
   * 'tab', 'name']`) is a compound index and makes the collection planned: a `find` or `count`
   * that none of its indexes serves is refused with `UnindexedQuery`.
   */
  indexes: readonly (string | IndexKeys)[];
  /**
   * Fields whose text `find({ search })` matches. Each adapter keeps a text index of them,
   * written with the document (folded: NFKD, marks stripped, lower case).
   */
  search?: readonly string[];
}

export type Scalar = string | number | boolean | null;

export interface RangeCondition {
  gt?: string | number;
  gte?: string | number;
  lt?: string | number;
  lte?: string | number;
}

/** Equality (`{ tab: 'unmatched' }`), membership (`{ tab: { in: [...] } }`), or a range. */
export type Condition = Scalar | { in: readonly Scalar[] } | RangeCondition;

export type Where = Record<string, Condition>;

export interface SortKey {
  field: string;
  direction?: 'asc' | 'desc';
}

export interface FindOptions {
  where?: Where;
  /**
   * Terms that must all match the collection's `search` fields, case and accents aside: a
   * term of 3 characters or more matches where a field contains it; a shorter one, where a
   * word of a field (a run of letters and digits) starts with it. Empty terms are ignored.
   */
  search?: readonly string[];
  /** `id` is always added last as a tie-breaker so that cursors are stable. */
  sort?: readonly SortKey[];
  limit?: number;
  /** Opaque; the `nextCursor` of the previous page with the same where/sort. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A document as the store holds it: its id and its JSON text, not parsed. */
export interface StoredJson {
  id: string;
  json: string;
}

export interface Collection<T extends Document = Document> {
  readonly name: string;
  get(id: string): Promise<T | null>;
  getMany(ids: readonly string[]): Promise<T[]>;
  /** Replaces the whole document. */
  upsert(doc: T): Promise<void>;
  /** Shallow-merges the given fields into an existing document; false when there is none. */
  patch(id: string, fields: Partial<T>): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  find(options?: FindOptions): Promise<Page<T>>;
  /**
   * `find`'s page as JSON texts (`JSON.stringify` of the document, key order kept), for reads
   * that pass documents on or cache what they build from them: parsing is theirs to skip.
   */
  findJson(options?: FindOptions): Promise<Page<StoredJson>>;
  count(where?: Where): Promise<number>;
  /** Streams every document in id order (for digests and comparisons). */
  scan(): AsyncIterable<T>;
  /**
   * Applies many changes in one go (mongodb: one `bulkWrite` round trip): `doc` replaces the
   * document `id`, null deletes it. Each id may appear once, so the changes commute and their
   * order does not matter. Every document is checked before any is written. Inside a
   * transaction they commit or roll back with it; outside one, sqlite applies them in one
   * transaction of their own, while mongodb does not (a server error can leave some applied).
   */
  writeMany(changes: readonly DocumentChange<T>[]): Promise<void>;
}

/** One change of `Collection.writeMany`: the whole new document, or null to delete it. */
export interface DocumentChange<T extends Document = Document> {
  id: string;
  doc: T | null;
}

/**
 * A projection's or a saga's checkpoint: the global position of the last event it applied, as
 * the event store spells it (opaque here; only the event store parses or orders it). No
 * checkpoint means nothing applied yet.
 */
export interface Checkpoint {
  name: string;
  position: string;
  updatedAt: string;
}

/**
 * What one transaction of the store can hold before the server refuses it. Absent: no limit
 * worth splitting a batch for (sqlite).
 */
export interface TransactionLimits {
  /** Bytes of documents written (measured as JSON) per transaction. */
  maxBytes: number;
  /** Milliseconds from the transaction's start to its last write. */
  maxMs: number;
}

export interface ReadModelStore {
  readonly kind: 'sqlite' | 'mongodb';
  readonly transactionLimits?: TransactionLimits;
  /** Leases kept in the same store (who runs the projections and sagas). */
  readonly leases: LeaseStore;
  /** Creates the collection and its indexes if missing (idempotent). */
  ensureCollection(spec: CollectionSpec): Promise<void>;
  collection<T extends Document = Document>(name: string): Collection<T>;
  dropCollection(name: string): Promise<void>;
  listCollections(): Promise<string[]>;
  getCheckpoint(name: string): Promise<Checkpoint | null>;
  /**
   * Runs `work` so that all its writes through `tx` and the checkpoint move together:
   * a crash leaves either all of them or none (sqlite: one transaction; mongodb: a
   * transaction on a replica set).
   */
  transaction<R>(work: (tx: ReadModelTransaction) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}

export interface ReadModelTransaction {
  collection<T extends Document = Document>(name: string): Collection<T>;
  /** The checkpoint as this transaction sees it (mongodb: read in its session and snapshot). */
  getCheckpoint(name: string): Promise<Checkpoint | null>;
  setCheckpoint(name: string, position: string): Promise<void>;
  deleteCheckpoint(name: string): Promise<void>;
}

export class UnknownField extends Error {
  override readonly name = 'UnknownField';
  constructor(
    readonly collection: string,
    readonly field: string,
  ) {
    super(`collection ${collection}: "${field}" is not an indexed field`);
  }
}

/**
 * A query that no declared index of a planned collection serves: it would read rows that it
 * does not return. Served means: the equality (and `in`) conditions bind the index's first
 * keys, at most one range binds the next, the sort continues with the keys after the equality
 * ones in one direction, and then comes `id`.
 */
export class UnindexedQuery extends Error {
  override readonly name = 'UnindexedQuery';
  constructor(
    readonly collection: string,
    readonly query: string,
  ) {
    super(`collection ${collection}: no declared index serves ${query}`);
  }
}

/** `find({ search })` on a collection that declares no `search` fields. */
export class NoTextIndex extends Error {
  override readonly name = 'NoTextIndex';
  constructor(readonly collection: string) {
    super(`collection ${collection}: no search fields are declared`);
  }
}

export class InvalidCursor extends Error {
  override readonly name = 'InvalidCursor';
  constructor() {
    super('cursor is not valid for this query');
  }
}
