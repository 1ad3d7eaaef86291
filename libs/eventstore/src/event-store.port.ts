/**
 * The event store port. Every adapter (sqlite, eventstoredb) implements `EventStoreAdapter`;
 * the rest of the code talks to `EventStore` (event-store.ts), which adds what is common to
 * every adapter: size limits, envelope checks and upcasting on read.
 */

/** `'any'`, `'no_stream'`, `'stream_exists'`, or the revision of the stream's last event. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export type Direction = 'forwards' | 'backwards';

declare const positionBrand: unique symbol;

/**
 * Where an event sits in the whole log, as the adapter that recorded it spells it (SQLite: the
 * decimal row id; EventStoreDB: `commit:prepare`). Opaque on purpose: an EventStoreDB position
 * is a byte offset, so adding to one lands in the middle of a record, not on the next event. The
 * brand makes any such sum a plain string that no method of the port accepts. Order positions with
 * `comparePositions`, turn text from the wire back into one with `parsePosition`, and read or
 * subscribe `after` one; only the adapter that made a position looks inside it.
 */
export type Position = string & { readonly [positionBrand]: 'Position' };

export interface EventMetadata {
  workspaceId: string;
  /** Who caused it: an API key's name, `pinterest` for drift, `scim`, `system`… */
  actor: string;
  correlationId: string;
  causationId: string | null;
  /** ISO-8601 time at which the fact happened (not when it was stored). */
  occurredAt: string;
  schemaVersion: number;
  [extra: string]: unknown;
}

export interface NewEvent<TType extends string = string, TData = unknown> {
  /** A uuid. Deterministic ids make retries idempotent; omitted → a random uuid. */
  id?: string;
  type: TType;
  data: TData;
  metadata: EventMetadata;
}

export interface RecordedEvent<TType extends string = string, TData = unknown> {
  id: string;
  type: TType;
  data: TData;
  metadata: EventMetadata;
  stream: string;
  /** 0-based revision of the event inside its stream. */
  revision: number;
  /** Global position in the whole log; strictly increasing in append order (`comparePositions`). */
  position: Position;
  /** ISO-8601 time at which the store recorded the event. */
  recordedAt: string;
}

export interface AppendResult {
  /** Revision of the last event now in the stream: the expectedRevision for the next append. */
  nextRevision: number;
  /** Global position of the last event of this append (of the existing one on an idempotent retry). */
  position: Position;
}

export interface EventFilter {
  /** Stream categories: the part of the stream name before the first `-` (`member`, `identity`). */
  categories?: readonly string[];
  eventTypes?: readonly string[];
  streams?: readonly string[];
}

export interface ReadStreamOptions {
  fromRevision?: number;
  direction?: Direction;
  maxCount?: number;
}

export interface ReadAllOptions {
  /**
   * Exclusive: only events strictly after this position (forwards reads only). Absent: from
   * the start. Backwards reads always start at the end of the log.
   */
  after?: Position;
  direction?: Direction;
  maxCount?: number;
  filter?: EventFilter;
}

export interface SubscribeOptions {
  /** A checkpoint: delivers events strictly after this position. Absent: from the start. */
  after?: Position;
  filter?: EventFilter;
  /** How many events to fetch per read while catching up. */
  batchSize?: number;
}

/**
 * A catch-up subscription: an async iterable that yields every matching event after the
 * checkpoint, then waits for new ones. It only reads the next batch when the consumer asks for
 * more (back-pressure). `close()` ends the iteration.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

/** One stream's part of a multi-stream append. */
export interface StreamWrite {
  stream: string;
  events: readonly NewEvent[];
  expectedRevision?: ExpectedRevision;
}

export interface EventStoreAdapter {
  readonly kind: 'sqlite' | 'eventstoredb';
  appendToStream(
    stream: string,
    events: readonly NewEvent[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;
  /**
   * Appends to several streams at once, each with its own expected revision (a bulk import's
   * fast path). SQLite does it in one transaction (all or nothing); EventStoreDB has no
   * multi-stream transaction, so there (and for any adapter without this method) the streams
   * are appended one by one in order and a failure can leave the first ones written and the
   * rest not. Callers must converge when re-run: decide each stream again from what it holds.
   */
  appendToStreams?(writes: readonly StreamWrite[]): Promise<AppendResult[]>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribe(options?: SubscribeOptions): Subscription;
  /** Position of the last event in the log; null when the log is empty. */
  headPosition(): Promise<Position | null>;
  /** Negative, zero or positive as `a` is before, at or after `b` in the log. */
  comparePositions(a: Position, b: Position): number;
  /**
   * Text from the wire (a CLI argument, a stored checkpoint) back into a position. Throws
   * `InvalidPosition` unless it is how this adapter spells a position.
   */
  parsePosition(text: string): Position;
  close(): Promise<void>;
}

export function streamCategory(stream: string): string {
  const dash = stream.indexOf('-');
  return dash === -1 ? stream : stream.slice(0, dash);
}
