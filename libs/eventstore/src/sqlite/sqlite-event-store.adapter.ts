import { randomUUID } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { InvalidEvent, InvalidPosition, WrongExpectedRevision } from '../errors';
import {
  streamCategory,
  type AppendResult,
  type EventFilter,
  type EventMetadata,
  type EventStoreAdapter,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamWrite,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';
import { AppendSignal } from './append-signal';
import { COLUMNS, SCHEMA, SCHEMA_VERSION, type EventRow } from './schema';

export interface SqliteEventStoreOptions {
  /** Path of the database file; its directory is created if missing. */
  file: string;
  /** How often a caught-up subscription looks for appends made by other processes. */
  pollIntervalMs?: number;
  /** Rows fetched per query by `readAll` (memory stays bounded by one page). */
  pageSize?: number;
  /** How long a writer waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

type Statement = Database.Statement<unknown[], unknown>;

const NO_STREAM = -1;
const MAX_POSITION = Number.MAX_SAFE_INTEGER;

/**
 * The embedded event store: one SQLite file in WAL mode, so readers (subscriptions, other
 * processes) never block the writer.
 *
 * Appends run in one `BEGIN IMMEDIATE` transaction each: the write lock is taken before the
 * stream's head is read, so the expected-revision check cannot race with another process.
 */
export class SqliteEventStoreAdapter implements EventStoreAdapter {
  readonly kind = 'sqlite' as const;
  readonly file: string;

  private readonly db: Database.Database;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly signal = new AppendSignal();
  private readonly subscriptions = new Set<SqliteSubscription>();
  private readonly readStatements = new Map<string, Statement>();

  private readonly insertEvent: Statement;
  private readonly streamHead: Statement;
  private readonly revisionOfId: Statement;
  private readonly eventsFromRevision: Statement;
  private readonly lastPosition: Statement;
  private readonly streamForwards: Statement;
  private readonly streamBackwards: Statement;
  private readonly appendManyTx: Database.Transaction<
    (writes: readonly StreamWrite[]) => AppendResult[]
  >;
  private readonly appendTx: Database.Transaction<
    (stream: string, events: readonly NewEvent[], expected: ExpectedRevision) => AppendResult
  >;

  constructor(options: SqliteEventStoreOptions) {
    this.file = options.file;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.pageSize = options.pageSize ?? 1000;
    if (this.file !== ':memory:') {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      ownerOnly(this.file);
    }
    this.db = new Database(this.file, { timeout: options.busyTimeoutMs ?? 5000 });
    this.db.pragma('journal_mode = WAL');
    // Erasure: a page freed here is zeroed, never left holding what it held.
    this.db.pragma('secure_delete = ON');
    // In WAL mode NORMAL only syncs at checkpoints: a power cut may lose the last commits but
    // never corrupts the file, and a process crash loses nothing.
    this.db.pragma('synchronous = NORMAL');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `${this.file} has event-store schema v${version}; this build knows v${SCHEMA_VERSION}`,
      );
    }
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);

    this.insertEvent = this.db.prepare(
      `INSERT INTO events (id, stream, category, revision, type, data, metadata, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.streamHead = this.db
      .prepare('SELECT revision FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1')
      .pluck();
    this.revisionOfId = this.db
      .prepare('SELECT revision FROM events WHERE stream = ? AND id = ?')
      .pluck();
    this.eventsFromRevision = this.db
      .prepare(
        'SELECT id, position FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?',
      )
      .raw();
    this.lastPosition = this.db.prepare('SELECT MAX(position) FROM events').pluck();
    this.streamForwards = this.statement(
      `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    );
    this.streamBackwards = this.statement(
      `SELECT ${COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
    );
    this.appendManyTx = this.db.transaction((writes: readonly StreamWrite[]) =>
      writes.map((w) => this.appendInTransaction(w.stream, w.events, w.expectedRevision ?? 'any')),
    );
    this.appendTx = this.db.transaction((stream, events, expected) =>
      this.appendInTransaction(stream, events, expected),
    );
  }

  async appendToStream(
    stream: string,
    events: readonly NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    checkExpected(expected);
    if (events.length === 0) throw new InvalidEvent('events', 'must not be empty');
    let result: AppendResult;
    try {
      result = this.appendTx.immediate(stream, events, expected);
    } catch (error) {
      throw this.explainConstraint(error, stream);
    }
    this.signal.notify();
    return result;
  }

  async appendToStreams(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    if (writes.length === 0) return [];
    for (const w of writes) {
      checkExpected(w.expectedRevision ?? 'any');
      if (w.events.length === 0) throw new InvalidEvent('events', 'must not be empty');
    }
    let results: AppendResult[];
    try {
      results = this.appendManyTx.immediate(writes);
    } catch (error) {
      throw this.explainConstraint(error, writes.map((w) => w.stream).join(', '));
    }
    this.signal.notify();
    return results;
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const from = options.fromRevision ?? (backwards ? MAX_POSITION : 0);
    const statement = backwards ? this.streamBackwards : this.streamForwards;
    const rows = statement.all(stream, from, options.maxCount ?? -1) as EventRow[];
    return rows.map(toRecordedEvent);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    if (backwards && options.after !== undefined) {
      throw new RangeError('readAll: `after` applies to forwards reads only');
    }
    // Exclusive bounds both ways: forwards `position > from`, backwards `position < from`.
    let from = backwards ? MAX_POSITION : options.after === undefined ? 0 : rowId(options.after);
    let remaining = options.maxCount ?? Infinity;
    const page = this.pageQuery(backwards, options.filter);
    while (remaining > 0) {
      const limit = Math.min(this.pageSize, remaining);
      const rows = page(from, limit);
      for (const row of rows) yield toRecordedEvent(row);
      if (rows.length < limit) return;
      remaining -= rows.length;
      from = rows[rows.length - 1][0];
      await nextTurn();
    }
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    const subscription = new SqliteSubscription(
      this.pageQuery(false, options.filter),
      options.after === undefined ? 0 : rowId(options.after),
      options.batchSize ?? this.pageSize,
      this.signal,
      this.pollIntervalMs,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<Position | null> {
    const last = this.lastPosition.get() as number | null;
    return last === null ? null : toPosition(last);
  }

  comparePositions(a: Position, b: Position): number {
    return Math.sign(rowId(a) - rowId(b));
  }

  parsePosition(text: string): Position {
    rowId(text);
    return text as Position;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    if (this.db.open) this.db.close();
  }

  private appendInTransaction(
    stream: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
  ): AppendResult {
    const actual = (this.streamHead.get(stream) as number | undefined) ?? NO_STREAM;
    if (expected === 'any' || expected === 'stream_exists') {
      if (expected === 'stream_exists' && actual === NO_STREAM) {
        throw new WrongExpectedRevision(stream, expected, 'no_stream');
      }
      // Only a retry can put the batch's first id in the stream already; looking it up is one
      // index probe, and it is skipped for a new stream.
      const first = events[0].id;
      const at =
        actual === NO_STREAM || first === undefined
          ? undefined
          : (this.revisionOfId.get(stream, first) as number | undefined);
      if (at !== undefined) return this.retried(stream, events, at, expected, actual);
    } else {
      const expectedHead = expected === 'no_stream' ? NO_STREAM : expected;
      if (expectedHead !== actual) {
        return this.retried(stream, events, expectedHead + 1, expected, actual);
      }
    }

    const category = streamCategory(stream);
    const recordedAt = new Date().toISOString();
    let revision = actual;
    let position = 0;
    for (const event of events) {
      revision += 1;
      const { lastInsertRowid } = this.insertEvent.run(
        event.id ?? randomUUID(),
        stream,
        category,
        revision,
        event.type,
        JSON.stringify(event.data ?? null),
        JSON.stringify(event.metadata),
        recordedAt,
      );
      position = Number(lastInsertRowid);
    }
    return { nextRevision: revision, position: toPosition(position) };
  }

  /**
   * The expected revision did not match, or the batch's first id is already in the stream.
   * If the whole batch sits in the stream from `fromRevision` on, it is a retry of an append
   * that succeeded: return what that append returned, whatever the stream's head is now (as
   * EventStoreDB does). Anything else, including a batch that only partly overlaps, conflicts.
   */
  private retried(
    stream: string,
    events: readonly NewEvent[],
    fromRevision: number,
    expected: ExpectedRevision,
    actual: number,
  ): AppendResult {
    const stored =
      fromRevision < 0 || fromRevision > actual
        ? []
        : (this.eventsFromRevision.all(stream, fromRevision, events.length) as [string, number][]);
    const isRetry =
      stored.length === events.length && stored.every(([id], i) => id === events[i].id);
    if (!isRetry) {
      throw new WrongExpectedRevision(
        stream,
        expected,
        actual === NO_STREAM ? 'no_stream' : actual,
      );
    }
    return {
      nextRevision: fromRevision + events.length - 1,
      position: toPosition(stored[stored.length - 1][1]),
    };
  }

  /** A batch that repeats an id, or reuses one of the stream's ids at a new revision. */
  private explainConstraint(error: unknown, stream: string): unknown {
    // By code, not `instanceof`: the native addon keeps the SqliteError class of the first
    // copy of better-sqlite3 loaded in the process (Jest loads one per test file).
    const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
    if (
      code === 'SQLITE_CONSTRAINT_UNIQUE' &&
      typeof message === 'string' &&
      message.includes('events.id')
    ) {
      return new InvalidEvent('id', `is already used by another event of stream ${stream}`);
    }
    return error;
  }

  /**
   * One page of the log strictly after (forwards) or before (backwards) a row id, in position
   * order, with the filter applied in SQL.
   */
  private pageQuery(
    backwards: boolean,
    filter: EventFilter = {},
  ): (from: number, limit: number) => EventRow[] {
    const conditions = [backwards ? 'position < ?' : 'position > ?'];
    const params: string[] = [];
    const anyOf = (column: string, values: readonly string[] | undefined) => {
      if (values === undefined) return;
      // An empty list matches nothing, as `IN ()` would.
      conditions.push(
        values.length === 0 ? '0' : `${column} IN (${values.map(() => '?').join(', ')})`,
      );
      params.push(...values);
    };
    anyOf('category', filter.categories);
    anyOf('type', filter.eventTypes);
    anyOf('stream', filter.streams);
    const statement = this.statement(
      `SELECT ${COLUMNS} FROM events WHERE ${conditions.join(' AND ')}
       ORDER BY position ${backwards ? 'DESC' : ''} LIMIT ?`,
    );
    return (from, limit) => statement.all(from, ...params, limit) as EventRow[];
  }

  /** Statements are cached by their text: filters of the same shape share one. */
  private statement(sql: string): Statement {
    let statement = this.readStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql).raw();
      this.readStatements.set(sql, statement);
    }
    return statement;
  }
}

/**
 * better-sqlite3 is synchronous: without this, replaying a long log would run in one turn of
 * the event loop and starve everything else in the process (HTTP requests, timers) until done.
 */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row[1],
    type: row[4],
    data: JSON.parse(row[5]) as unknown,
    metadata: JSON.parse(row[6]) as EventMetadata,
    stream: row[2],
    revision: row[3],
    position: toPosition(row[0]),
    recordedAt: row[7],
  };
}

/**
 * Catch-up, then live. The iterator reads one page at a time and only when the consumer has
 * taken the previous one, so a slow consumer holds at most one page. Once caught up it sleeps
 * until this adapter commits an append, the poll interval elapses (appends from other
 * processes), or `close()` is called.
 */
class SqliteSubscription implements Subscription {
  private closed = false;
  private sleeping: { abort: () => void } | null = null;

  constructor(
    private readonly page: (from: number, limit: number) => EventRow[],
    private checkpoint: number,
    private readonly batchSize: number,
    private readonly signal: AppendSignal,
    private readonly pollIntervalMs: number,
    private readonly onClose: () => void,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    try {
      while (!this.closed) {
        const rows = this.page(this.checkpoint, this.batchSize);
        for (const row of rows) {
          if (this.closed) return;
          this.checkpoint = row[0];
          yield toRecordedEvent(row);
        }
        if (this.closed) return;
        if (rows.length < this.batchSize) await this.sleep();
        else await nextTurn();
      }
    } finally {
      this.finish();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.sleeping?.abort();
    this.finish();
  }

  private async sleep(): Promise<void> {
    const wait = this.signal.wait(this.pollIntervalMs);
    this.sleeping = wait;
    await wait.done;
    this.sleeping = null;
  }

  private finish(): void {
    this.closed = true;
    this.onClose();
  }
}

/** This adapter's positions are the events' row ids, written in decimal. */
function toPosition(rowid: number): Position {
  return String(rowid) as Position;
}

/** The row id inside one of this adapter's positions; anything else is refused. */
function rowId(position: string): number {
  const id = /^[1-9][0-9]{0,15}$/.test(position) ? Number(position) : NaN;
  if (!Number.isSafeInteger(id)) {
    throw new InvalidPosition(position, 'sqlite', 'a row id: a positive decimal integer');
  }
  return id;
}

function checkExpected(expected: ExpectedRevision): void {
  if (typeof expected === 'number' && !(Number.isInteger(expected) && expected >= 0)) {
    throw new InvalidEvent('expectedRevision', `must be a revision (integer ≥ 0), got ${expected}`);
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
