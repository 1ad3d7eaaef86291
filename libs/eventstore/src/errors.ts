import type { ExpectedRevision } from './event-store.port';

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
