import type { AppendResult, ExpectedRevision } from './event-store.port';

/** The stream is not at the revision the writer expected; nothing was appended. */
export class WrongExpectedRevision extends Error {
  override readonly name = 'WrongExpectedRevision';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or 'no_stream'. */
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${stream}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

export class EventTooLarge extends Error {
  override readonly name = 'EventTooLarge';
  constructor(
    readonly eventType: string,
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(`event ${eventType} is ${sizeBytes} bytes; the limit is ${limitBytes} bytes`);
  }
}

export class InvalidEvent extends Error {
  override readonly name = 'InvalidEvent';
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`invalid event: ${field} ${reason}`);
  }
}

/** Text that is not a position of this event store (another adapter's, or no position at all). */
export class InvalidPosition extends Error {
  override readonly name = 'InvalidPosition';
  constructor(
    readonly text: string,
    readonly store: 'sqlite' | 'eventstoredb',
    expected: string,
  ) {
    super(`"${text}" is not a position of the ${store} event store (${expected})`);
  }
}

/**
 * A multi-stream append without a transaction (EventStoreDB) stopped part-way: the first
 * `written.length` streams were appended (their results are here), the rest were not, and
 * `cause` says why. Deciding the unwritten streams again converges; the written ones stay.
 */
export class PartialAppend extends Error {
  override readonly name = 'PartialAppend';
  constructor(
    readonly written: readonly AppendResult[],
    readonly total: number,
    override readonly cause: unknown,
  ) {
    super(
      `${written.length} of ${total} streams appended before: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}
