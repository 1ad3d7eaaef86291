import type { EventFilter, EventStore, Position } from '@app/eventstore';
import type { ReadModelStore } from '@app/readmodels';

/**
 * A reader's checkpoint as a position of this event store; null when it has applied nothing.
 * The read-model store keeps it as text: only the event store turns it back into a position.
 */
export async function readCheckpoint(
  events: EventStore,
  readModels: ReadModelStore,
  name: string,
): Promise<Position | null> {
  const stored = await readModels.getCheckpoint(name);
  return stored === null ? null : events.parsePosition(stored.position);
}

/**
 * Whether a reader with this checkpoint still has a matching event at or before `position`
 * to handle. Filtered readers never see unrelated events, so "checkpoint < position" alone
 * would wait forever on an event that is not theirs. A null position (an empty log) has
 * nothing to wait for.
 */
export async function hasPendingEvents(
  events: EventStore,
  filter: EventFilter,
  checkpoint: Position | null,
  position: Position | null,
): Promise<boolean> {
  if (position === null || events.isAtOrAfter(checkpoint, position)) return false;
  // The adapter's read: positions are all this needs, so nothing is decrypted or upcast.
  const read = events.adapter.readAll({ after: checkpoint ?? undefined, filter, maxCount: 1 });
  for await (const e of read) {
    return events.comparePositions(e.position, position) <= 0;
  }
  return false;
}

/** Matching events after `checkpoint`, counted up to `cap` (0 reads nothing). */
export async function countAfter(
  events: EventStore,
  filter: EventFilter,
  checkpoint: Position | null,
  cap: number,
): Promise<number> {
  if (cap <= 0) return 0;
  let count = 0;
  // Counted from the adapter: a count needs no event opened (decrypted, upcast).
  const read = events.adapter.readAll({ after: checkpoint ?? undefined, filter, maxCount: cap });
  for await (const _ of read) count += 1;
  return count;
}
