import type { EventFilter, EventStore } from '@app/eventstore';

export interface EventsArgs {
  from?: number;
  category?: string;
  type?: string;
  stream?: string;
  limit?: number;
}

/** The log as JSON lines, oldest first, for engineers replaying what happened. */
export async function eventsCommand(
  events: EventStore,
  args: EventsArgs,
  out: (line: string) => void,
): Promise<number> {
  const filter: EventFilter = {
    ...(args.category ? { categories: [args.category] } : {}),
    ...(args.type ? { eventTypes: [args.type] } : {}),
    ...(args.stream ? { streams: [args.stream] } : {}),
  };
  for await (const e of events.readAll({ fromPosition: args.from, maxCount: args.limit, filter })) {
    out(
      JSON.stringify({
        position: e.position,
        stream: e.stream,
        revision: e.revision,
        type: e.type,
        data: e.data,
        metadata: e.metadata,
        recordedAt: e.recordedAt,
      }),
    );
  }
  return 0;
}
