/**
 * What both adapters share: validation of names, documents and queries, and the cursor
 * format. Keeping it in one place is what makes the adapters answer every query alike.
 *
 * Semantics (MongoDB's, which the sqlite adapter reproduces):
 * - Values keep their JSON type: `1`, `'1'` and `true` are three different values.
 * - `null` matches both an explicit null and a missing field.
 * - A range only matches values of its bounds' type (numbers or strings); bounds of mixed
 *   types match nothing.
 * - Sort order across types: null/missing < numbers < strings < objects < arrays < booleans
 *   (false < true); strings compare by their UTF-8 bytes.
 * - The `id` tie-breaker takes the direction of the last sort key, so that a one-field sort
 *   is served by a single (field, id) index in either direction.
 * - Indexed fields are meant to hold scalars; arrays are not matched element-wise.
 */
import { createHash } from 'node:crypto';
import {
  InvalidCursor,
  UnindexedQuery,
  UnknownField,
  type CollectionSpec,
  type IndexKeys,
  type Condition,
  type Document,
  type DocumentChange,
  type FindOptions,
  type Json,
  type RangeCondition,
  type Scalar,
  type SortKey,
  type Where,
} from '../read-model-store.port';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;
/** Both adapters keep projection checkpoints under this name, so no collection may take it. */
export const CHECKPOINTS = 'checkpoints';

/** A checkpoint holds an event store's position as text: never empty, never absurdly long. */
export function checkCheckpointPosition(name: string, position: string): void {
  if (typeof position !== 'string' || position === '' || position.length > 100) {
    throw new RangeError(`checkpoint ${name}: position must be an event store position (text)`);
  }
}
export const ID = 'id';

const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export function checkCollectionName(name: string): void {
  if (
    typeof name !== 'string' ||
    !COLLECTION_NAME.test(name) ||
    name === CHECKPOINTS ||
    name.startsWith('system.')
  ) {
    throw new TypeError(
      `invalid collection name "${String(name)}": letters, digits, "_", "." and "-", starting with a letter; "${CHECKPOINTS}" is reserved`,
    );
  }
}

function checkFieldPath(collection: string, field: unknown, what: string): string {
  if (typeof field !== 'string' || !FIELD_PATH.test(field) || field.split('.')[0] === '_id') {
    throw new TypeError(
      `collection ${collection}: invalid ${what} "${String(field)}" (dotted identifiers only)`,
    );
  }
  return field;
}

/** What a collection declares, as both adapters keep and compare it. */
export interface CollectionShape {
  /** Every field of every index, without `id`. */
  fields: ReadonlySet<string>;
  /** Each index's keys without the implied trailing `id`. */
  indexes: readonly IndexKeys[];
  search: readonly string[];
  /** Declared with key lists: each query must be served by an index. */
  planned: boolean;
}

/** A spec, checked and put in the form the adapters store. */
export function shapeOf(spec: CollectionSpec): CollectionShape {
  checkCollectionName(spec.name);
  if (!Array.isArray(spec.indexes)) {
    throw new TypeError(`collection ${spec.name}: indexes is an array`);
  }
  const fields = new Set<string>();
  const indexes = new Map<string, string[]>();
  let planned = false;
  for (const entry of spec.indexes) {
    planned ||= Array.isArray(entry);
    const keys = (Array.isArray(entry) ? entry : [entry]).map((field: unknown) =>
      checkFieldPath(spec.name, field, 'indexed field'),
    );
    // id ends every index already; keys after it could never order anything.
    const cut = keys.indexOf(ID);
    const own = cut === -1 ? keys : keys.slice(0, cut);
    if (new Set(own).size !== own.length) {
      throw new TypeError(`collection ${spec.name}: index [${own.join(', ')}] repeats a field`);
    }
    for (const field of own) fields.add(field);
    if (own.length > 0) indexes.set(own.join(','), own);
  }
  const search = [
    ...new Set(
      (spec.search ?? []).map((field: unknown) => checkFieldPath(spec.name, field, 'search field')),
    ),
  ];
  return {
    fields,
    indexes: [...indexes.values()].sort((a, b) => a.join(',').localeCompare(b.join(','))),
    search,
    planned,
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a document to write; returns it with `id` as its first key. */
export function checkDocument<T extends Document>(collection: string, doc: T): T {
  if (!isPlainObject(doc) || typeof doc.id !== 'string' || doc.id.length === 0) {
    throw new TypeError(`collection ${collection}: a document needs a non-empty string id`);
  }
  if ('_id' in doc) throw new TypeError(`collection ${collection}: "_id" is reserved`);
  for (const key in doc) {
    if (key === ID) return doc;
    break;
  }
  // Keeps documents identical across adapters: MongoDB returns `_id`, mapped to id, first.
  const { id, ...rest } = doc;
  return { id, ...rest } as T;
}

/**
 * The changes of a `writeMany`, each document checked like an upsert's, before any is
 * written. One change per id keeps them commutative, so an adapter may apply them in any
 * order (mongodb: an unordered bulk write).
 */
export function checkChanges<T extends Document>(
  collection: string,
  changes: readonly DocumentChange<T>[],
): DocumentChange<T>[] {
  if (!Array.isArray(changes))
    throw new TypeError(`collection ${collection}: changes must be an array`);
  const seen = new Set<string>();
  return changes.map(({ id, doc }) => {
    if (typeof id !== 'string' || id.length === 0) {
      throw new TypeError(`collection ${collection}: a change needs a non-empty string id`);
    }
    if (seen.has(id)) throw new TypeError(`collection ${collection}: id "${id}" changes twice`);
    seen.add(id);
    if (doc === null) return { id, doc: null };
    const checked = checkDocument(collection, doc);
    if (checked.id !== id) {
      throw new TypeError(`collection ${collection}: change of "${id}" carries id "${checked.id}"`);
    }
    return { id, doc: checked };
  });
}

/**
 * The fields a patch sets, as JSON would store them (undefined dropped). Keys with "." or
 * a leading "$" are refused because MongoDB's `$set` would read them as paths or operators.
 */
export function checkPatch(collection: string, id: string, fields: object): Record<string, Json> {
  if (!isPlainObject(fields)) throw new TypeError(`collection ${collection}: a patch is an object`);
  const json = JSON.parse(JSON.stringify(fields)) as Record<string, Json>;
  for (const key of Object.keys(json)) {
    if (key.includes('.') || key.startsWith('$') || key === '_id') {
      throw new TypeError(`collection ${collection}: cannot patch field "${key}"`);
    }
  }
  if (ID in json) {
    if (json[ID] !== id) throw new TypeError(`collection ${collection}: a patch cannot change id`);
    delete json[ID];
  }
  return json;
}

/** The value at a dotted path as the indexes see it: missing (or under a non-object) is null. */
export function valueAt(doc: unknown, path: string): Json {
  let current: unknown = doc;
  for (const segment of path.split('.')) {
    if (!isPlainObject(current)) return null;
    current = current[segment];
  }
  return current === undefined ? null : (current as Json);
}

/** The rank of a value's type in the cross-type sort order. */
export function typeRank(value: Json): number {
  if (value === null) return 0;
  switch (typeof value) {
    case 'number':
      return 1;
    case 'string':
      return 2;
    case 'boolean':
      return 5;
    default:
      return Array.isArray(value) ? 4 : 3;
  }
}

export type FieldCondition =
  | { kind: 'eq'; field: string; value: Scalar }
  | { kind: 'in'; field: string; values: Scalar[] }
  | { kind: 'range'; field: string; bounds: RangeCondition }
  | { kind: 'never' };

export interface NormalizedSortKey {
  field: string;
  desc: boolean;
}

export interface CursorPosition {
  /** The last row's values of every sort key but the final `id`. */
  values: Json[];
  id: string;
}

export interface NormalizedFind {
  conditions: FieldCondition[];
  /** Folded search terms, each non-empty; all must match. */
  terms: string[];
  /** Always ends with `id`. */
  sort: NormalizedSortKey[];
  limit: number;
  after: CursorPosition | null;
  fingerprint: string;
}

/** Every field a query names, so that an adapter can refresh its declared fields first. */
export function namedFields(where?: Where, sort?: readonly SortKey[]): string[] {
  return [...Object.keys(where ?? {}), ...(sort ?? []).map((k) => k.field)];
}

function checkField(collection: string, field: string, known: ReadonlySet<string>): void {
  if (field !== ID && !known.has(field)) throw new UnknownField(collection, field);
}

function isScalar(value: unknown): value is Scalar {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function isBound(value: unknown): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

const RANGE_KEYS = ['gt', 'gte', 'lt', 'lte'] as const;

function normalizeCondition(
  collection: string,
  field: string,
  condition: Condition,
): FieldCondition {
  const never = { kind: 'never' } as const;
  if (isScalar(condition)) {
    // ids are strings; anything else would be coerced by SQLite's column affinity.
    if (field === ID && typeof condition !== 'string') return never;
    return { kind: 'eq', field, value: condition };
  }
  const invalid = () =>
    new TypeError(
      `collection ${collection}: invalid condition on "${field}": ${JSON.stringify(condition)}`,
    );
  if (!isPlainObject(condition)) throw invalid();
  const keys = Object.keys(condition);
  if (keys.length === 1 && keys[0] === 'in') {
    const values: unknown = condition.in;
    if (!Array.isArray(values) || !values.every(isScalar)) throw invalid();
    const kept = field === ID ? values.filter((v) => typeof v === 'string') : values;
    return kept.length === 0 ? never : { kind: 'in', field, values: [...new Set(kept)] };
  }
  const range = condition as RangeCondition;
  if (keys.length === 0 || !keys.every((k) => (RANGE_KEYS as readonly string[]).includes(k))) {
    throw invalid();
  }
  const bounds: RangeCondition = {};
  const types = new Set<string>();
  for (const key of RANGE_KEYS) {
    const bound = range[key];
    if (bound === undefined) continue;
    if (!isBound(bound)) throw invalid();
    bounds[key] = bound;
    types.add(typeof bound);
  }
  if (types.size === 0) throw invalid();
  if (types.size > 1 || (field === ID && !types.has('string'))) return never;
  return { kind: 'range', field, bounds };
}

export function normalizeWhere(
  collection: string,
  where: Where | undefined,
  known: ReadonlySet<string>,
): FieldCondition[] {
  if (where === undefined) return [];
  if (!isPlainObject(where)) throw new TypeError(`collection ${collection}: where is an object`);
  const conditions: FieldCondition[] = [];
  for (const field of Object.keys(where).sort()) {
    const condition = where[field];
    // Lets callers pass optional filters straight through (`{ tab: query.tab }`).
    if (condition === undefined) continue;
    checkField(collection, field, known);
    conditions.push(normalizeCondition(collection, field, condition));
  }
  return conditions;
}

function normalizeSort(
  collection: string,
  sort: readonly SortKey[] | undefined,
  known: ReadonlySet<string>,
): NormalizedSortKey[] {
  const keys: NormalizedSortKey[] = [];
  const seen = new Set<string>();
  for (const key of sort ?? []) {
    checkField(collection, key.field, known);
    if (key.direction !== undefined && key.direction !== 'asc' && key.direction !== 'desc') {
      throw new TypeError(`collection ${collection}: invalid sort direction "${key.direction}"`);
    }
    if (seen.has(key.field)) continue;
    seen.add(key.field);
    keys.push({ field: key.field, desc: key.direction === 'desc' });
    // id is unique: any key after it could never decide an order.
    if (key.field === ID) return keys;
  }
  keys.push({ field: ID, desc: keys.length > 0 && keys[keys.length - 1].desc });
  return keys;
}

function normalizeLimit(collection: string, limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`collection ${collection}: limit must be a positive integer`);
  }
  return Math.min(limit, MAX_LIMIT);
}

export function normalizeFind(
  collection: string,
  options: FindOptions,
  known: ReadonlySet<string>,
): NormalizedFind {
  const conditions = normalizeWhere(collection, options.where, known);
  const sort = normalizeSort(collection, options.sort, known);
  const limit = normalizeLimit(collection, options.limit);
  const terms = searchTerms(collection, options.search);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([collection, conditions, sort, ...(terms.length > 0 ? [terms] : [])]))
    .digest('base64url')
    .slice(0, 16);
  const after =
    options.cursor === undefined
      ? null
      : decodeCursor(options.cursor, fingerprint, sort.length - 1);
  return { conditions, sort, limit, after, fingerprint, terms };
}

interface CursorPayload {
  q: string;
  v: Json[];
  id: string;
}

export function encodeCursor(query: NormalizedFind, last: Document): string {
  const payload: CursorPayload = {
    q: query.fingerprint,
    v: query.sort.slice(0, -1).map((key) => valueAt(last, key.field)),
    id: last.id,
  };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function isJson(value: unknown): value is Json {
  if (isScalar(value)) return true;
  if (Array.isArray(value)) return value.every(isJson);
  return isPlainObject(value) && Object.values(value).every(isJson);
}

function decodeCursor(cursor: string, fingerprint: string, values: number): CursorPosition {
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new InvalidCursor();
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor();
  }
  if (
    !isPlainObject(payload) ||
    payload.q !== fingerprint ||
    typeof payload.id !== 'string' ||
    !Array.isArray(payload.v) ||
    payload.v.length !== values ||
    !payload.v.every(isJson)
  ) {
    throw new InvalidCursor();
  }
  return { values: payload.v, id: payload.id };
}

/** Found documents in the order of the requested ids; missing ones left out, repeats once. */
export function inRequestedOrder<T extends Document>(ids: readonly string[], found: T[]): T[] {
  const byId = new Map(found.map((doc) => [doc.id, doc]));
  const result: T[] = [];
  for (const id of new Set(ids)) {
    const doc = byId.get(id);
    if (doc !== undefined) result.push(doc);
  }
  return result;
}

// ---- which index serves a query ----

function describeQuery(
  conditions: readonly FieldCondition[],
  sort: readonly NormalizedSortKey[] | null,
): string {
  const where = conditions
    .map((c) => (c.kind === 'never' ? 'never' : `${c.field} ${c.kind}`))
    .join(', ');
  const order =
    sort === null
      ? 'count'
      : `sort ${sort.map((k) => `${k.field} ${k.desc ? 'desc' : 'asc'}`).join(', ')}`;
  return `{ where: [${where}], ${order} }`;
}

/**
 * Whether `keys` (then `id`) serves the query: the equality and `in` conditions bind its
 * first keys, at most one range binds the next, and (for a find) the sort goes on with the
 * keys after the equality ones, all in one direction, ending with `id`. `in` is served by one
 * ordered run per value, merged.
 */
function serves(
  keys: IndexKeys,
  conditions: readonly FieldCondition[],
  sort: readonly NormalizedSortKey[] | null,
): boolean {
  const index = [...keys, ID];
  const byField = new Map<string, FieldCondition>();
  for (const c of conditions) if (c.kind !== 'never') byField.set(c.field, c);
  let position = 0;
  let bound = 0;
  while (position < index.length) {
    const c = byField.get(index[position]);
    if (c === undefined || c.kind === 'range') break;
    position += 1;
    bound += 1;
  }
  const range = byField.get(index[position]);
  if (range?.kind === 'range') bound += 1;
  if (bound !== byField.size) return false;
  if (sort === null) return true;
  if (sort.some((k) => k.desc !== sort[0].desc)) return false;
  const rest = index.slice(position);
  // The sort ends with id, so it is served when it is exactly the index's remaining keys:
  // a range binds the first of them and leaves the order to the rest.
  return sort.length === rest.length && sort.every((k, i) => k.field === rest[i]);
}

/** The index that serves a query, `[]` for the primary key, or null. */
export function servingIndex(
  shape: Pick<CollectionShape, 'indexes'>,
  conditions: readonly FieldCondition[],
  sort: readonly NormalizedSortKey[] | null,
): IndexKeys | null {
  if (conditions.some((c) => c.kind === 'never')) return [];
  // An id equality finds one row whatever else is asked.
  if (conditions.some((c) => c.kind === 'eq' && c.field === ID)) return [];
  // Counting everything reads the smallest index once: the only way to count it.
  if (sort === null && conditions.length === 0) return [];
  if (serves([], conditions, sort)) return [];
  return shape.indexes.find((keys) => serves(keys, conditions, sort)) ?? null;
}

/** Throws `UnindexedQuery` when a planned collection has no index for the query. */
export function assertServed(
  collection: string,
  shape: CollectionShape,
  conditions: readonly FieldCondition[],
  sort: readonly NormalizedSortKey[] | null,
): void {
  if (!shape.planned) return;
  if (servingIndex(shape, conditions, sort) === null) {
    throw new UnindexedQuery(collection, describeQuery(conditions, sort));
  }
}

// ---- text search: one folding and one tokenisation for both adapters ----

/** Terms shorter than this match word prefixes; longer ones match anywhere. */
export const CONTAINS_FROM = 3;
const MARKS = /\p{M}/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/** Case and accents aside: NFKD, combining marks dropped, lower case. */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

/** Characters, not UTF-16 units: "é" folds to one, an emoji is one. */
export function lengthOf(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

export function searchTerms(collection: string, search: unknown): string[] {
  if (search === undefined) return [];
  if (!Array.isArray(search) || !search.every((t) => typeof t === 'string')) {
    throw new TypeError(`collection ${collection}: search is a list of strings`);
  }
  return [...new Set(search.map(fold).filter((t) => t.length > 0))];
}

/** The folded text of each search field of a document (a non-string field reads as empty). */
export function searchTexts(doc: unknown, fields: readonly string[]): string[] {
  return fields.map((field) => {
    const value = valueAt(doc, field);
    return typeof value === 'string' ? fold(value) : '';
  });
}

/** The one- and two-character prefixes of every word of the texts. */
export function wordPrefixes(texts: readonly string[]): string[] {
  const prefixes = new Set<string>();
  for (const text of texts) {
    for (const [word] of text.matchAll(WORD)) {
      const chars = [...word];
      prefixes.add(chars[0]);
      if (chars.length > 1) prefixes.add(chars[0] + chars[1]);
    }
  }
  return [...prefixes];
}

/** Every run of three characters of the text. */
export function trigrams(text: string): string[] {
  const chars = [...text];
  const grams = new Set<string>();
  for (let i = 0; i + CONTAINS_FROM <= chars.length; i++) {
    grams.add(chars.slice(i, i + CONTAINS_FROM).join(''));
  }
  return [...grams];
}

/** Whether a short term can be a word prefix at all (one holding a space or a dot cannot). */
export function isWordPrefix(term: string): boolean {
  return new RegExp(`^${WORD.source}$`, 'u').test(term);
}
