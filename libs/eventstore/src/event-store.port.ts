/**
 * The event store port. Every adapter (sqlite, eventstoredb) implements `EventStoreAdapter`;
 * the rest of the code talks to `EventStore` (event-store.ts), which adds what is common to
 * every adapter: size limits, envelope checks and upcasting on read.
 */

/** `'any'`, `'no_stream'`, `'stream_exists'`, or the revision of the stream's last event. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export type Direction = 'forwards' | 'backwards';

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
  /** Global position in the whole log; strictly increasing in append order, > 0. */
  position: number;
  /** ISO-8601 time at which the store recorded the event. */
  recordedAt: string;
}

export interface AppendResult {
  /** Revision of the last event now in the stream: the expectedRevision for the next append. */
  nextRevision: number;
  /** Global position of the last event of this append (of the existing one on an idempotent retry). */
  position: number;
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
  /** Inclusive. Forwards defaults to the start, backwards to the end. */
  fromPosition?: number;
  direction?: Direction;
  maxCount?: number;
  filter?: EventFilter;
}

export interface SubscribeOptions {
  /** A checkpoint: delivers events strictly after this position. 0 (default) = from the start. */
  fromPosition?: number;
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
   * Appends to several streams at once, all or nothing, each with its own expected revision
   * (a bulk import's fast path). Optional: without it the store appends stream by stream.
   */
  appendToStreams?(writes: readonly StreamWrite[]): Promise<AppendResult[]>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribe(options?: SubscribeOptions): Subscription;
  /** Position of the last event in the log (0 when empty). */
  headPosition(): Promise<number>;
  close(): Promise<void>;
}

export function streamCategory(stream: string): string {
  const dash = stream.indexOf('-');
  return dash === -1 ? stream : stream.slice(0, dash);
}
