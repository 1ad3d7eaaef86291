import type { EventFilter, EventStore } from '@app/eventstore';

export interface EventsArgs {
  /**
   * Exclusive: print the events after this position, as an earlier line's `position` printed
   * it (SQLite: a row id; EventStoreDB: `commit:prepare`). Never a computed one.
   */
  from?: string;
  category?: string;
  type?: string;
  stream?: string;
  /** Only the events of this workspace (their metadata's `workspaceId`). */
  workspace?: string;
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
  // Parsed by the store that made it: a position of another store, or made up, is refused.
  const after = args.from === undefined ? undefined : events.parsePosition(args.from);
  // The workspace is metadata, not a store filter: the limit then counts what is printed.
  const maxCount = args.workspace === undefined ? args.limit : undefined;
  let printed = 0;
  if (args.limit === 0) return 0;
  for await (const e of events.readAll({ after, maxCount, filter })) {
    if (args.workspace !== undefined && e.metadata.workspaceId !== args.workspace) continue;
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
    printed += 1;
    if (args.limit !== undefined && printed >= args.limit) break;
  }
  return 0;
}
