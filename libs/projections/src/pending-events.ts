import type { EventFilter, EventStore } from '@app/eventstore';

/**
 * Whether a reader with this checkpoint still has a matching event at or before `position`
 * to handle. Filtered readers never see unrelated events, so "checkpoint < position" alone
 * would wait forever on an event that is not theirs.
 */
export async function hasPendingEvents(
  events: EventStore,
  filter: EventFilter,
  checkpoint: number,
  position: number,
): Promise<boolean> {
  if (checkpoint >= position) return false;
  for await (const e of events.readAll({ fromPosition: checkpoint + 1, filter, maxCount: 1 })) {
    return e.position <= position;
  }
  return false;
}
