import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type Filter,
  type JSONType,
  type Position as EsdbPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
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
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';

export interface EventStoreDbOptions {
  /** A connection string, e.g. `esdb://localhost:2113?tls=false`. */
  url: string;
  /** Longest wait between two attempts to re-open a dropped subscription. */
  maxResubscribeDelayMs?: number;
}

/**
 * EventStoreDB / KurrentDB through `@eventstore/db-client`. A thin mapping:
 *
 * - Revisions are EventStoreDB's stream revisions (0-based, contiguous), as numbers.
 * - A global position is the event's `commit:prepare` pair of log positions, written in
 *   decimal. They are byte offsets into the transaction file: strictly increasing in log order
 *   but NOT contiguous, so `commit + 1` is the middle of a record and the server refuses to read
 *   from it. Positions are compared (commit, then prepare) and read or subscribed `after`, and
 *   both halves are kept so a checkpoint resumes exactly where the event was, also for events
 *   written by an explicit transaction of another client (whose prepare precedes its commit).
 * - Idempotent appends are the server's: same ids at the same place → the original result.
 * - System events (`$`-prefixed types) and system streams are never returned.
 */
export class EventStoreDbAdapter implements EventStoreAdapter {
  readonly kind = 'eventstoredb' as const;

  private readonly client: EventStoreDBClient;
  private readonly maxResubscribeDelayMs: number;
  private readonly subscriptions = new Set<EsdbSubscription>();

  constructor(options: EventStoreDbOptions) {
    this.client = EventStoreDBClient.connectionString(options.url);
    this.maxResubscribeDelayMs = options.maxResubscribeDelayMs ?? 5000;
  }

  async appendToStream(
    stream: string,
    events: readonly NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) throw new InvalidEvent('events', 'must not be empty');
    let nextRevision: number;
    let reported: EsdbPosition | undefined;
    try {
      const result = await this.client.appendToStream(
        stream,
        events.map((e) =>
          jsonEvent({
            id: e.id ?? randomUUID(),
            type: e.type,
            data: e.data as JSONType,
            metadata: e.metadata,
          }),
        ),
        { expectedRevision: toExpectedRevision(expected) },
      );
      nextRevision = Number(result.nextExpectedRevision);
      reported = result.position;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const actual = error.actualVersion;
        throw new WrongExpectedRevision(
          stream,
          expected,
          actual === NO_STREAM ? 'no_stream' : Number(actual),
        );
      }
      throw error;
    }
    // A one-event write's position is that event's. For several events, and for an idempotent
    // retry (the server may report no position), read the last event back, so the result is the
    // position a subscription will deliver it at.
    if (events.length === 1 && reported && reported.commit > 0n) {
      return { nextRevision, position: toPosition(reported) };
    }
    const [last] = await this.readStream(stream, { fromRevision: nextRevision, maxCount: 1 });
    if (!last) throw new Error(`stream ${stream}: revision ${nextRevision} not found after append`);
    return { nextRevision, position: last.position };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    if (options.maxCount === 0) return [];
    const backwards = options.direction === 'backwards';
    const read = this.client.readStream(stream, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision:
        options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? END : START,
      maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
    });
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of read) {
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  /**
   * The 6.x client has no server-side filter on reads of `$all` (only on subscriptions), so the
   * filter is applied here while the server streams the log. Use `subscribe` to replay a
   * sparse category from the start of a long log.
   *
   * `after` is exclusive and the client's `fromPosition` is inclusive for a forwards read of
   * `$all`: EventStore-Client-NodeJS packages/test/src/streams/readAll.test.ts ("from
   * position") reads `maxCount: 1` from an event's own position and gets that same event back.
   * So the read starts AT `after` (a position the server gave us, so the start of a record)
   * and skips the event found there, never at a computed `after + 1`.
   */
  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let remaining = options.maxCount ?? Infinity;
    if (remaining <= 0) return;
    const matches = matcher(options.filter);
    const backwards = options.direction === 'backwards';
    if (backwards && options.after !== undefined) {
      throw new RangeError('readAll: `after` applies to forwards reads only');
    }
    const after = options.after === undefined ? undefined : logPosition(options.after);

    const read = this.client.readAll({
      fromPosition: backwards ? END : after === undefined ? START : after,
      direction: backwards ? BACKWARDS : FORWARDS,
    });
    try {
      for await (const resolved of read) {
        const event = toRecordedEvent(resolved);
        if (!event || !matches(event)) continue;
        if (after !== undefined && compareLog(logPosition(event.position), after) <= 0) continue;
        yield event;
        remaining -= 1;
        if (remaining <= 0) break;
      }
    } finally {
      // A consumer that stops early must not leave the gRPC read streaming into a buffer.
      await read.cancel().catch(() => undefined);
    }
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    const subscription = new EsdbSubscription(
      this.client,
      options.after === undefined ? null : logPosition(options.after),
      options.filter,
      this.maxResubscribeDelayMs,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<Position | null> {
    for await (const event of this.readAll({ direction: 'backwards', maxCount: 1 })) {
      return event.position;
    }
    return null;
  }

  comparePositions(a: Position, b: Position): number {
    return compareLog(logPosition(a), logPosition(b));
  }

  parsePosition(text: string): Position {
    logPosition(text);
    return text as Position;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.client.dispose();
  }
}

/**
 * A catch-up subscription to `$all`, filtered on the server, that re-opens itself from the last
 * event it delivered when the connection drops. The client's subscription is a Node stream:
 * iterating it with `for await` pauses the gRPC stream while the consumer is busy.
 */
class EsdbSubscription implements Subscription {
  private closed = false;
  private current: AllStreamSubscription | null = null;
  private wakeUp: (() => void) | null = null;

  constructor(
    private readonly client: EventStoreDBClient,
    private checkpoint: EsdbPosition | null,
    private readonly filter: EventFilter | undefined,
    private readonly maxDelayMs: number,
    private readonly onClose: () => void,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    const matches = matcher(this.filter);
    let delayMs = 100;
    try {
      while (!this.closed) {
        // A subscription's `fromPosition` is exclusive (KurrentDB-Client-NodeJS
        // docs/api/subscriptions.md: "The positions provided to the subscriptions are exclusive.
        // You will only receive the next event after the subscribed position"), which is our
        // `after`; the position check below holds the promise even if a server differed.
        const subscription = this.client.subscribeToAll({
          fromPosition: this.checkpoint ?? START,
          filter: serverFilter(this.filter),
        });
        this.current = subscription;
        try {
          for await (const resolved of subscription) {
            if (this.closed) return;
            const event = toRecordedEvent(resolved);
            // The server's filter is a superset (one kind of filter, prefixes); the position
            // check guards the "strictly after the checkpoint" promise on a re-subscription.
            if (!event || !matches(event)) continue;
            const at = logPosition(event.position);
            if (this.checkpoint && compareLog(at, this.checkpoint) <= 0) continue;
            this.checkpoint = at;
            delayMs = 100;
            yield event;
          }
        } catch (error) {
          if (this.closed) return;
          // Dropped connection or server restart: wait, then resume from the checkpoint.
          console.warn(`eventstoredb subscription dropped, resuming: ${String(error)}`);
        } finally {
          this.current = null;
          await subscription.unsubscribe().catch(() => undefined);
        }
        if (this.closed) return;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delayMs);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = null;
        delayMs = Math.min(delayMs * 2, this.maxDelayMs);
      }
    } finally {
      this.finish();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeUp?.();
    await this.current?.unsubscribe().catch(() => undefined);
    this.finish();
  }

  private finish(): void {
    this.closed = true;
    this.onClose();
  }
}

function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      if (!Number.isInteger(expected) || expected < 0) {
        throw new InvalidEvent(
          'expectedRevision',
          `must be a revision (integer ≥ 0), got ${expected}`,
        );
      }
      return BigInt(expected);
  }
}

/** This adapter's spelling of a position: the server's commit and prepare log positions. */
function toPosition(position: EsdbPosition): Position {
  return `${position.commit}:${position.prepare}` as Position;
}

/** The log positions inside one of this adapter's positions; anything else is refused. */
function logPosition(position: string): EsdbPosition {
  const match = /^(0|[1-9][0-9]{0,19}):(0|[1-9][0-9]{0,19})$/.exec(position);
  if (!match) {
    throw new InvalidPosition(position, 'eventstoredb', '"commit:prepare", two decimal integers');
  }
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}

function compareLog(a: EsdbPosition, b: EsdbPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

function isSystem(type: string, stream: string): boolean {
  return type.startsWith('$') || stream.startsWith('$');
}

function toRecordedEvent(resolved: ResolvedEvent): RecordedEvent | null {
  const event = resolved.event;
  if (!event || isSystem(event.type, event.streamId)) return null;
  const position = event.position;
  if (position === undefined) {
    throw new Error('the EventStoreDB server returns no event positions (it must be ≥ 22.6)');
  }
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: event.metadata as EventMetadata,
    stream: event.streamId,
    revision: Number(event.revision),
    position: toPosition(position),
    recordedAt: event.created.toISOString(),
  };
}

/** Exact semantics of `EventFilter` (every given criterion must hold), checked client-side. */
function matcher(filter: EventFilter | undefined): (event: RecordedEvent) => boolean {
  if (!filter) return () => true;
  const categories = filter.categories && new Set(filter.categories);
  const types = filter.eventTypes && new Set(filter.eventTypes);
  const streams = filter.streams && new Set(filter.streams);
  return (event) =>
    (!categories || categories.has(streamCategory(event.stream))) &&
    (!types || types.has(event.type)) &&
    (!streams || streams.has(event.stream));
}

/**
 * The server takes one filter, on event type or on stream name. Pick the most selective one it
 * can express; `matcher` then applies the whole filter.
 */
function serverFilter(filter: EventFilter | undefined): Filter {
  if (filter?.eventTypes && filter.eventTypes.length > 0) {
    return eventTypeFilter({ regex: exactly(filter.eventTypes) });
  }
  if (filter?.streams && filter.streams.length > 0) {
    return streamNameFilter({ regex: exactly(filter.streams) });
  }
  if (filter?.categories && filter.categories.length > 0) {
    return streamNameFilter({ prefixes: filter.categories.map((c) => `${c}-`) });
  }
  return excludeSystemEvents();
}

function exactly(values: readonly string[]): string {
  return `^(?:${values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;
}
