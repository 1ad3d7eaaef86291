import {
  MongoClient,
  MongoServerError,
  type AnyBulkWriteOperation,
  type ClientSession,
  type Collection as MongoCollection,
  type Db,
  type Document as BsonDocument,
  type Filter,
} from 'mongodb';
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
  TransactionLimits,
  Where,
} from '../read-model-store.port';
import type { LeaseStore } from '../lease.port';
import { Mutex, TransactionScope, TxToken } from '../internal/concurrency';
import { NoTextIndex } from '../read-model-store.port';
import { UnknownCollection } from '../internal/errors';
import { LEASES, MongoLeases } from './mongo-leases';
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
  trigrams,
  typeRank,
  wordPrefixes,
  type CollectionShape,
  type FieldCondition,
  type NormalizedFind,
} from '../internal/query';

export interface MongoReadModelStoreOptions {
  url: string;
  /** Defaults to the database named in the URL, else `readmodels`. */
  database?: string;
}

const NAMESPACE_NOT_FOUND = 26;
const NAMESPACE_EXISTS = 48;
/**
 * Our indexes are named after their keys (`rm:integrationId,tab,name`); their names tell a
 * restarted process the declared indexes. A compound one marks the collection planned.
 */
const INDEX_PREFIX = 'rm:';
/** The multikey index of the n-grams, named after the search fields. */
const SEARCH_INDEX_PREFIX = 'rm#search:';
/** The folded texts and their n-grams, kept beside a searchable document and never returned. */
const GRAMS = '_rmGrams';
const TEXTS = '_rmText';
const SCAN_BATCH = 500;
/**
 * A projection batch is split into transactions that stay well inside what the server
 * allows (MongoDB manual, "Production Considerations" of transactions): a transaction must
 * finish within `transactionLifetimeLimitSeconds` (60 s by default) or the server aborts it,
 * and each oplog entry it writes must fit the 16 MB BSON limit (one entry per transaction
 * before 4.2; since then several, but an uncommitted transaction that outgrows the cache
 * still aborts). Half of each leaves room for the commit and for BSON's overhead over JSON.
 */
const TRANSACTION_LIMITS: TransactionLimits = { maxBytes: 8 * 1024 * 1024, maxMs: 30_000 };
/** `$type` aliases by rank (see `typeRank`); rank 0 is null, which `{ f: null }` matches with missing. */
const TYPES_BY_RANK = [null, 'number', 'string', 'object', 'array', 'bool'] as const;

interface StoredDocument {
  _id: string;
  [field: string]: unknown;
}

interface StoredCheckpoint {
  _id: string;
  /** An event store position, opaque; numbers in documents written before it was. */
  position: string | number;
  updatedAt: string;
}

function pathOf(field: string): string {
  return field === ID ? '_id' : field;
}

function isServerError(error: unknown, code: number): boolean {
  return error instanceof MongoServerError && error.code === code;
}

function databaseOf(url: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/.exec(url);
  return match === null ? undefined : decodeURIComponent(match[1]);
}

/**
 * A searchable document's folded texts and their n-grams: `t:` and every trigram (contains,
 * checked against the texts), `p:` and the one- and two-character prefix of every word.
 */
function searchFields(doc: unknown, search: readonly string[]): Record<string, string[]> {
  if (search.length === 0) return {};
  const texts = searchTexts(doc, search);
  const grams = new Set<string>();
  for (const text of texts) for (const gram of trigrams(text)) grams.add(`t:${gram}`);
  for (const prefix of wordPrefixes(texts)) grams.add(`p:${prefix}`);
  return { [TEXTS]: texts, [GRAMS]: [...grams] };
}

function toStored(doc: Document, search: readonly string[] = []): StoredDocument {
  // A JSON round trip stores what the sqlite adapter stores: dates as strings, no undefined.
  const { id, ...rest } = JSON.parse(JSON.stringify(doc)) as Document;
  return { _id: id, ...rest, ...searchFields(rest, search) };
}

function fromStored<T extends Document>(stored: StoredDocument): T {
  const { _id, [GRAMS]: _grams, [TEXTS]: _texts, ...rest } = stored;
  return { id: _id, ...rest } as T;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The conditions of a search, or null when a short term can be no word's prefix. */
function searchFilters(terms: readonly string[]): Filter<StoredDocument>[] | null {
  const filters: Filter<StoredDocument>[] = [];
  for (const term of terms) {
    if (lengthOf(term) >= CONTAINS_FROM) {
      filters.push({ [GRAMS]: { $all: trigrams(term).map((g) => `t:${g}`) } });
      // Trigrams in any order are not a substring: the texts say whether one is there.
      filters.push({ [TEXTS]: { $regex: escapeRegex(term) } });
    } else if (isWordPrefix(term)) {
      filters.push({ [GRAMS]: { $eq: `p:${term}` } });
    } else {
      return null;
    }
  }
  return filters;
}

function conditionFilter(condition: FieldCondition): Filter<StoredDocument> {
  if (condition.kind === 'never') return { _id: { $in: [] } };
  const path = pathOf(condition.field);
  switch (condition.kind) {
    case 'eq':
      return { [path]: { $eq: condition.value } };
    case 'in':
      return { [path]: { $in: condition.values } };
    case 'range': {
      const { gt, gte, lt, lte } = condition.bounds;
      const range: BsonDocument = {};
      if (gt !== undefined) range.$gt = gt;
      if (gte !== undefined) range.$gte = gte;
      if (lt !== undefined) range.$lt = lt;
      if (lte !== undefined) range.$lte = lte;
      return { [path]: range };
    }
  }
}

/**
 * Values strictly after `value` in the sort order of `path`. MongoDB's comparison operators
 * only match values of the operand's type, so the types ranked after (or before) it are
 * added with `$type`; null is matched with `{ path: null }`, which also matches missing.
 */
function afterFilter(path: string, value: Json, desc: boolean): Filter<StoredDocument> | null {
  const rank = typeRank(value);
  const branches: Filter<StoredDocument>[] = [];
  if (value !== null) branches.push({ [path]: { [desc ? '$lt' : '$gt']: value } });
  const types = TYPES_BY_RANK.filter((type, r) => type !== null && (desc ? r < rank : r > rank));
  if (types.length > 0) branches.push({ [path]: { $type: types } });
  if (desc && rank > 0) branches.push({ [path]: null });
  if (branches.length === 0) return null;
  return branches.length === 1 ? branches[0] : { $or: branches };
}

/** Rows strictly after the cursor position: the same expansion as a keyset comparison. */
function keysetFilter(query: NormalizedFind): Filter<StoredDocument> | null {
  if (query.after === null) return null;
  const values: Json[] = [...query.after.values, query.after.id];
  const branches: Filter<StoredDocument>[] = [];
  for (let i = 0; i < query.sort.length; i++) {
    const after = afterFilter(pathOf(query.sort[i].field), values[i], query.sort[i].desc);
    if (after === null) continue;
    const equal = query.sort
      .slice(0, i)
      .map((key, j): Filter<StoredDocument> => ({ [pathOf(key.field)]: { $eq: values[j] } }));
    branches.push(equal.length === 0 ? after : { $and: [...equal, after] });
  }
  return branches.length === 1 ? branches[0] : { $or: branches };
}

function filterOf(conditions: FieldCondition[], keyset: Filter<StoredDocument> | null = null) {
  const parts = conditions.map(conditionFilter);
  if (keyset !== null) parts.push(keyset);
  if (parts.length === 0) return {};
  return parts.length === 1 ? parts[0] : { $and: parts };
}

class MongoReadModelCollection<T extends Document> implements Collection<T> {
  constructor(
    private readonly store: MongoReadModelStore,
    readonly name: string,
    /** Both null for the store's own handles, which write outside any transaction. */
    private readonly session: ClientSession | null,
    private readonly tx: TxToken | null,
  ) {}

  private get collection(): MongoCollection<StoredDocument> {
    return this.store.db.collection<StoredDocument>(this.name);
  }

  private options(): { session?: ClientSession } {
    this.tx?.assertActive();
    return this.session === null ? {} : { session: this.session };
  }

  private async beforeWrite(operation: string): Promise<{ session?: ClientSession }> {
    if (this.tx === null) this.store.assertOutsideTransaction(`${this.name}.${operation}`);
    const options = this.options();
    // A write would otherwise create the collection implicitly, without its indexes.
    if ((await this.store.shapeOf(this.name)) === null) throw new UnknownCollection(this.name);
    return options;
  }

  async get(id: string): Promise<T | null> {
    const found = await this.collection.findOne({ _id: { $eq: id } }, this.options());
    return found === null ? null : fromStored<T>(found);
  }

  async getMany(ids: readonly string[]): Promise<T[]> {
    if (ids.length === 0) return [];
    const found = await this.collection
      .find({ _id: { $in: [...new Set(ids)] } }, this.options())
      .toArray();
    return inRequestedOrder(ids, found.map(fromStored<T>));
  }

  async upsert(doc: T): Promise<void> {
    const checked = checkDocument(this.name, doc);
    const options = await this.beforeWrite('upsert');
    const stored = toStored(checked, (await this.store.shapeOf(this.name))?.search ?? []);
    await this.collection.replaceOne({ _id: { $eq: stored._id } }, stored, {
      ...options,
      upsert: true,
    });
  }

  async patch(id: string, fields: Partial<T>): Promise<boolean> {
    const changes = checkPatch(this.name, id, fields);
    const options = await this.beforeWrite('patch');
    if (Object.keys(changes).length === 0) {
      return (await this.collection.countDocuments({ _id: { $eq: id } }, options)) > 0;
    }
    const search = (await this.store.shapeOf(this.name))?.search ?? [];
    if (search.some((field) => field.split('.')[0] in changes)) {
      const after = await this.collection.findOneAndUpdate(
        { _id: { $eq: id } },
        { $set: changes },
        { ...options, returnDocument: 'after' },
      );
      if (after === null) return false;
      await this.collection.updateOne(
        { _id: { $eq: id } },
        { $set: searchFields(fromStored(after), search) },
        options,
      );
      return true;
    }
    const result = await this.collection.updateOne(
      { _id: { $eq: id } },
      { $set: changes },
      options,
    );
    return result.matchedCount > 0;
  }

  async delete(id: string): Promise<boolean> {
    const options = await this.beforeWrite('delete');
    const result = await this.collection.deleteOne({ _id: { $eq: id } }, options);
    return result.deletedCount > 0;
  }

  async find(options: FindOptions = {}): Promise<Page<T>> {
    const shape = await this.store.shapeFor(this.name, namedFields(options.where, options.sort));
    if (shape === null) return { items: [], nextCursor: null };
    const query = normalizeFind(this.name, options, shape.fields);
    if (query.terms.length > 0 && shape.search.length === 0) throw new NoTextIndex(this.name);
    await this.store.assertServed(this.name, shape, query.conditions, query.sort);
    const search = searchFilters(query.terms);
    if (search === null) return { items: [], nextCursor: null };
    const sort: Record<string, 1 | -1> = {};
    for (const key of query.sort) sort[pathOf(key.field)] = key.desc ? -1 : 1;
    const filter = filterOf(query.conditions, keysetFilter(query));
    const rows = await this.collection
      .find(search.length === 0 ? filter : { $and: [filter, ...search] }, {
        ...this.options(),
        sort,
        limit: query.limit + 1,
      })
      .toArray();
    const more = rows.length > query.limit;
    const items = (more ? rows.slice(0, query.limit) : rows).map(fromStored<T>);
    return { items, nextCursor: more ? encodeCursor(query, items[items.length - 1]) : null };
  }

  async findJson(options: FindOptions = {}): Promise<Page<StoredJson>> {
    const page = await this.find(options);
    return {
      items: page.items.map((doc) => ({ id: doc.id, json: JSON.stringify(doc) })),
      nextCursor: page.nextCursor,
    };
  }

  async count(where?: Where): Promise<number> {
    const shape = await this.store.shapeFor(this.name, namedFields(where));
    if (shape === null) return 0;
    const conditions = normalizeWhere(this.name, where, shape.fields);
    await this.store.assertServed(this.name, shape, conditions, null);
    return this.collection.countDocuments(filterOf(conditions), this.options());
  }

  /**
   * One `bulkWrite` round trip (mongodb driver 7, src/collection.ts: `bulkWrite` builds one
   * bulk operation and the driver splits it only where the server's `maxWriteBatchSize` or
   * `maxBsonObjectSize` from `hello` require, src/bulk/common.ts). Unordered is safe because
   * `checkChanges` allows one change per id, so no change depends on another; it also lets
   * the server continue past a failed operation, whose error still fails the whole call (and
   * so the transaction). Inside a transaction the session is passed explicitly: the driver
   * runs an operation without it outside the transaction (src/sessions.ts, withTransaction).
   */
  async writeMany(changes: readonly DocumentChange<T>[]): Promise<void> {
    const checked = checkChanges(this.name, changes);
    const options = await this.beforeWrite('writeMany');
    if (checked.length === 0) return;
    const operations = checked.map(({ id, doc }): AnyBulkWriteOperation<StoredDocument> =>
      doc === null
        ? { deleteOne: { filter: { _id: { $eq: id } } } }
        : {
            replaceOne: { filter: { _id: { $eq: id } }, replacement: toStored(doc), upsert: true },
          },
    );
    await this.collection.bulkWrite(operations, { ...options, ordered: false });
  }

  async *scan(): AsyncIterable<T> {
    const cursor = this.collection.find(
      {},
      { ...this.options(), sort: { _id: 1 }, batchSize: SCAN_BATCH },
    );
    try {
      for await (const stored of cursor) yield fromStored<T>(stored);
    } finally {
      await cursor.close();
    }
  }
}

class MongoTransaction implements ReadModelTransaction {
  private readonly handles = new Map<string, MongoReadModelCollection<Document>>();

  constructor(
    private readonly store: MongoReadModelStore,
    private readonly session: ClientSession,
    private readonly token: TxToken,
  ) {}

  collection<T extends Document = Document>(name: string): Collection<T> {
    this.token.assertActive();
    let handle = this.handles.get(name);
    if (handle === undefined) {
      checkCollectionName(name);
      handle = new MongoReadModelCollection(this.store, name, this.session, this.token);
      this.handles.set(name, handle);
    }
    return handle as unknown as Collection<T>;
  }

  /**
   * Read in the transaction's session, so under its snapshot read concern: a checkpoint
   * another writer committed after this transaction's snapshot is not seen here, and if that
   * writer also moves it, this transaction's write conflicts and `withTransaction` re-runs
   * the work from a fresh snapshot. A read outside the session would mix two points in time.
   */
  async getCheckpoint(name: string): Promise<Checkpoint | null> {
    this.token.assertActive();
    const found = await this.store.checkpoints.findOne(
      { _id: { $eq: name } },
      { session: this.session },
    );
    return found === null
      ? null
      : { name, position: String(found.position), updatedAt: found.updatedAt };
  }

  async setCheckpoint(name: string, position: string): Promise<void> {
    this.token.assertActive();
    checkCheckpointPosition(name, position);
    await this.store.checkpoints.updateOne(
      { _id: { $eq: name } },
      { $set: { position, updatedAt: new Date().toISOString() } },
      { upsert: true, session: this.session },
    );
  }

  async deleteCheckpoint(name: string): Promise<void> {
    this.token.assertActive();
    await this.store.checkpoints.deleteOne({ _id: { $eq: name } }, { session: this.session });
  }
}

/**
 * The production read-model store: a MongoDB collection per read-model collection with
 * `_id` = id, a compound (keys…, _id) index per declared index (named `rm:<keys>`, which is
 * how a restarted process learns the declared indexes), for search fields an n-gram array
 * with a multikey index, and a `checkpoints` collection.
 *
 * `transaction()` needs a replica set (a single-node one is enough, as in
 * docker-compose.yml): MongoDB has no multi-document transactions on a standalone server.
 * It uses `withTransaction`, which re-runs `work` on a transient error (a write conflict, a
 * primary step-down), so `work` must not have effects outside `tx`. Transactions of one
 * store run one at a time, like the sqlite adapter's.
 *
 * From outside docker-compose's network the URL needs `directConnection=true`: the set lists
 * its member as `mongo:27017`, and with `replicaSet` alone the driver connects to the listed
 * members. With it, the driver keeps to the given host (mongodb driver 7,
 * src/sdam/topology.ts `topologyTypeFromOptions`: directConnection → Single) and still checks
 * that server's set name against `replicaSet` (src/sdam/topology_description.ts), so
 * transactions work as on the set.
 */
export class MongoReadModelStore implements ReadModelStore {
  readonly kind = 'mongodb' as const;
  readonly transactionLimits = TRANSACTION_LIMITS;
  readonly leases: LeaseStore;
  readonly client: MongoClient;
  readonly db: Db;
  readonly checkpoints: MongoCollection<StoredCheckpoint>;
  private readonly shapes = new Map<string, CollectionShape>();
  /** Collections this process declared planned (one-key lists alone leave no trace in names). */
  private readonly planned = new Set<string>();
  private readonly handles = new Map<string, MongoReadModelCollection<Document>>();
  private readonly mutex = new Mutex();
  private readonly scope = new TransactionScope();
  private checkpointsCreated: Promise<void> | null = null;

  constructor(options: MongoReadModelStoreOptions) {
    this.client = new MongoClient(options.url);
    this.db = this.client.db(options.database ?? databaseOf(options.url) ?? 'readmodels');
    this.checkpoints = this.db.collection<StoredCheckpoint>(CHECKPOINTS);
    this.leases = new MongoLeases(this.db);
  }

  /** Optional (operations connect on demand); lets a start fail early on a bad URL. */
  async connect(): Promise<void> {
    await this.client.connect();
  }

  /** Creating it up front keeps a first transaction from creating a collection implicitly. */
  private createCheckpoints(): Promise<void> {
    this.checkpointsCreated ??= this.db
      .createCollection(CHECKPOINTS)
      .then(
        () => undefined,
        (error: unknown) => {
          if (!isServerError(error, NAMESPACE_EXISTS)) throw error;
        },
      )
      .catch((error: unknown) => {
        this.checkpointsCreated = null;
        throw error;
      });
    return this.checkpointsCreated;
  }

  assertOutsideTransaction(operation: string): void {
    this.scope.assertOutside(operation);
  }

  private async loadShape(name: string): Promise<CollectionShape | null> {
    try {
      const names = (await this.db.collection(name).listIndexes().toArray()).map((index) =>
        String(index.name),
      );
      const indexes = names
        .filter((indexName) => indexName.startsWith(INDEX_PREFIX))
        .map((indexName) => indexName.slice(INDEX_PREFIX.length).split(','));
      const search = names.find((indexName) => indexName.startsWith(SEARCH_INDEX_PREFIX));
      const shape: CollectionShape = {
        fields: new Set(indexes.flat()),
        indexes,
        search: search === undefined ? [] : search.slice(SEARCH_INDEX_PREFIX.length).split(','),
        planned: this.planned.has(name) || indexes.some((keys) => keys.length > 1),
      };
      this.shapes.set(name, shape);
      return shape;
    } catch (error) {
      if (!isServerError(error, NAMESPACE_NOT_FOUND)) throw error;
      this.shapes.delete(name);
      return null;
    }
  }

  /** The declared shape, or null when the collection does not exist. */
  async shapeOf(name: string): Promise<CollectionShape | null> {
    return this.shapes.get(name) ?? this.loadShape(name);
  }

  /** Re-reads the indexes when a query names a field we do not know (another process may have added it). */
  async shapeFor(name: string, named: string[]): Promise<CollectionShape | null> {
    const known = await this.shapeOf(name);
    if (known === null || named.every((f) => f === ID || known.fields.has(f))) return known;
    return this.loadShape(name);
  }

  /** Refuses an unserved query of a planned collection, after a second look at its indexes. */
  async assertServed(
    name: string,
    shape: CollectionShape,
    conditions: FieldCondition[],
    sort: NormalizedFind['sort'] | null,
  ): Promise<void> {
    if (!shape.planned || servingIndex(shape, conditions, sort) !== null) return;
    assertServed(name, (await this.loadShape(name)) ?? shape, conditions, sort);
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    const shape = shapeOf(spec);
    this.scope.assertOutside('ensureCollection');
    try {
      await this.db.createCollection(spec.name);
    } catch (error) {
      if (!isServerError(error, NAMESPACE_EXISTS)) throw error;
    }
    if (shape.planned) this.planned.add(spec.name);
    const collection = this.db.collection<StoredDocument>(spec.name);
    if (shape.indexes.length > 0) {
      // The same name and keys again is a no-op, so this is idempotent. The keys are in the
      // declared order, then _id: the order of the query's equality fields, then its sort.
      await collection.createIndexes(
        shape.indexes.map((keys) => ({
          key: Object.fromEntries([...keys.map((k) => [k, 1] as const), ['_id', 1] as const]),
          name: `${INDEX_PREFIX}${keys.join(',')}`,
        })),
      );
    }
    if (shape.search.length > 0) await this.ensureSearch(collection, shape.search);
    await this.loadShape(spec.name);
  }

  /** The n-gram index; new or changed search fields recompute every document's n-grams. */
  private async ensureSearch(
    collection: MongoCollection<StoredDocument>,
    search: readonly string[],
  ): Promise<void> {
    const name = `${SEARCH_INDEX_PREFIX}${search.join(',')}`;
    const existing = (await collection.listIndexes().toArray())
      .map((index) => String(index.name))
      .filter((indexName) => indexName.startsWith(SEARCH_INDEX_PREFIX));
    if (existing.includes(name)) return;
    for (const old of existing) await collection.dropIndex(old);
    for await (const stored of collection.find({}, { batchSize: SCAN_BATCH })) {
      await collection.updateOne(
        { _id: { $eq: stored._id } },
        { $set: searchFields(fromStored(stored), search) },
      );
    }
    await collection.createIndex({ [GRAMS]: 1 }, { name });
  }

  collection<T extends Document = Document>(name: string): Collection<T> {
    let handle = this.handles.get(name);
    if (handle === undefined) {
      checkCollectionName(name);
      handle = new MongoReadModelCollection(this, name, null, null);
      this.handles.set(name, handle);
    }
    return handle as unknown as Collection<T>;
  }

  async dropCollection(name: string): Promise<void> {
    checkCollectionName(name);
    this.scope.assertOutside('dropCollection');
    await this.db.dropCollection(name);
    this.shapes.delete(name);
  }

  async listCollections(): Promise<string[]> {
    const collections = await this.db.listCollections({}, { nameOnly: true }).toArray();
    return collections
      .map((c) => c.name)
      .filter((name) => name !== CHECKPOINTS && name !== LEASES && !name.startsWith('system.'))
      .sort();
  }

  async getCheckpoint(name: string): Promise<Checkpoint | null> {
    const found = await this.checkpoints.findOne({ _id: { $eq: name } });
    return found === null
      ? null
      : { name, position: String(found.position), updatedAt: found.updatedAt };
  }

  async transaction<R>(work: (tx: ReadModelTransaction) => Promise<R>): Promise<R> {
    this.scope.assertOutside('transaction');
    await this.createCheckpoints();
    return this.mutex.run(async () => {
      const session = this.client.startSession();
      try {
        return await session.withTransaction(
          async () => {
            const token = new TxToken();
            try {
              return await this.scope.run(token, () =>
                work(new MongoTransaction(this, session, token)),
              );
            } finally {
              token.active = false;
            }
          },
          { readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' } },
        );
      } finally {
        await session.endSession();
      }
    });
  }

  async close(): Promise<void> {
    await this.mutex.run(() => this.client.close());
  }
}
