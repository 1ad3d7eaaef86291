import { randomUUID } from 'node:crypto';
import type {
  AppendResult,
  EventStoreAdapter,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamWrite,
  SubscribeOptions,
  Subscription,
} from './event-store.port';
import { EventTooLarge, InvalidEvent, PartialAppend } from './errors';
import { UpcasterRegistry } from './upcasting';
import type { PersonalDataCipher } from './personal-data';

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STREAM = /^[A-Za-z][A-Za-z0-9]*-[^\s]+$/;

export interface EventStoreOptions {
  maxEventBytes?: number;
  upcasters?: UpcasterRegistry;
  /**
   * Encrypts the personal fields of events as they are appended and decrypts them as they are
   * read, so that everything above the store sees plaintext (or `erased-<id>`) without knowing.
   */
  personalData?: PersonalDataCipher;
}

/**
 * What the application talks to: one adapter plus the rules every adapter shares
 * (envelope checks, the size limit, upcasting on read).
 */
export class EventStore {
  readonly maxEventBytes: number;
  readonly upcasters: UpcasterRegistry;
  readonly personalData: PersonalDataCipher | null;

  constructor(
    readonly adapter: EventStoreAdapter,
    options: EventStoreOptions = {},
  ) {
    this.maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.upcasters = options.upcasters ?? new UpcasterRegistry();
    this.personalData = options.personalData ?? null;
  }

  get kind(): EventStoreAdapter['kind'] {
    return this.adapter.kind;
  }

  async appendToStream(
    stream: string,
    events: readonly NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    if (!STREAM.test(stream))
      throw new InvalidEvent('stream', `must be <category>-<id>, got "${stream}"`);
    if (events.length === 0) throw new InvalidEvent('events', 'must not be empty');
    const checked = this.sealing(() => events.map((e) => this.seal(stream, this.check(e))));
    return this.adapter.appendToStream(stream, checked, options);
  }

  /**
   * Several streams in one go: one transaction on SQLite, NOT on EventStoreDB (it has no
   * multi-stream transaction), where the streams are appended one by one in order, each with
   * its own expected revision. A failure there can leave some streams written and the rest
   * not; callers re-run and decide each stream again from what it holds (the expected revision
   * turns a stale decision into a conflict, never a duplicate). A failure after the first
   * stream throws `PartialAppend`, which says which streams were written.
   */
  async appendToStreams(writes: readonly StreamWrite[]): Promise<AppendResult[]> {
    const checked = this.sealing(() =>
      writes.map((w) => {
        if (!STREAM.test(w.stream))
          throw new InvalidEvent('stream', `must be <category>-<id>, got "${w.stream}"`);
        if (w.events.length === 0) throw new InvalidEvent('events', 'must not be empty');
        return { ...w, events: w.events.map((e) => this.seal(w.stream, this.check(e))) };
      }),
    );
    if (this.adapter.appendToStreams) return this.adapter.appendToStreams(checked);
    const results: AppendResult[] = [];
    for (const w of checked) {
      try {
        results.push(
          await this.adapter.appendToStream(w.stream, w.events, {
            expectedRevision: w.expectedRevision,
          }),
        );
      } catch (error) {
        // Nothing written yet: the plain error. Else the caller must know what stays written.
        if (results.length === 0) throw error;
        throw new PartialAppend(results, checked.length, error);
      }
    }
    return results;
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const events = await this.adapter.readStream(stream, options);
    return events.map((e) => this.read(e));
  }

  async *readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    for await (const e of this.adapter.readAll(options)) yield this.read(e);
  }

  subscribe(options?: SubscribeOptions): Subscription {
    const inner = this.adapter.subscribe(options);
    const read = (e: RecordedEvent): RecordedEvent => this.read(e);
    return {
      close: () => inner.close(),
      async *[Symbol.asyncIterator]() {
        for await (const e of inner) yield read(e);
      },
    };
  }

  /** Decrypted first: upcasters, like everything above the store, see plaintext. */
  private read(event: RecordedEvent): RecordedEvent {
    return this.upcasters.apply(this.personalData ? this.personalData.open(event) : event);
  }

  private sealing<T>(fn: () => T): T {
    return this.personalData?.batch ? this.personalData.batch(fn) : fn();
  }

  private seal(stream: string, event: NewEvent): NewEvent {
    return this.personalData ? this.personalData.seal(stream, event) : event;
  }

  /** Position of the last event in the log; null when the log is empty. */
  headPosition(): Promise<Position | null> {
    return this.adapter.headPosition();
  }

  /** Negative, zero or positive as `a` is before, at or after `b` in the log. */
  comparePositions(a: Position, b: Position): number {
    return this.adapter.comparePositions(a, b);
  }

  /** Whether `a` is at or after `b`; a null `b` (an empty log, no checkpoint) is before everything. */
  isAtOrAfter(a: Position | null, b: Position | null): boolean {
    if (b === null) return true;
    if (a === null) return false;
    return this.adapter.comparePositions(a, b) >= 0;
  }

  /** Text from the wire (CLI, API, a stored checkpoint) back into a position of this store. */
  parsePosition(text: string): Position {
    return this.adapter.parsePosition(text);
  }

  async close(): Promise<void> {
    await this.adapter.close();
    this.personalData?.close();
  }

  private check(event: NewEvent): NewEvent {
    if (!event.type || typeof event.type !== 'string')
      throw new InvalidEvent('type', 'is required');
    if (event.id !== undefined && !UUID.test(event.id)) {
      throw new InvalidEvent('id', `must be a uuid, got "${event.id}"`);
    }
    const m = event.metadata;
    if (!m || typeof m !== 'object') throw new InvalidEvent('metadata', 'is required');
    for (const field of ['workspaceId', 'actor', 'correlationId', 'occurredAt'] as const) {
      if (typeof m[field] !== 'string' || m[field] === '') {
        throw new InvalidEvent(`metadata.${field}`, 'is required');
      }
    }
    if (!Number.isInteger(m.schemaVersion) || m.schemaVersion < 1) {
      throw new InvalidEvent('metadata.schemaVersion', 'must be a positive integer');
    }
    const size =
      Buffer.byteLength(JSON.stringify(event.data ?? null)) + Buffer.byteLength(JSON.stringify(m));
    if (size > this.maxEventBytes) throw new EventTooLarge(event.type, size, this.maxEventBytes);
    return event.id ? event : { ...event, id: randomUUID() };
  }
}
