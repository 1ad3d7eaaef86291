import type { RecordedEvent } from '@app/eventstore';
import type { Projection } from '@app/projections';
import type { Document } from '@app/readmodels';

/** One event of one automation task, as the log recorded it (a copy: read models are disposable). */
export interface TaskEventDoc extends Document {
  /** The event's id. */
  id: string;
  workspaceId: string;
  taskId: string;
  /** 1, 2, 3… in log order within the task: the page order (positions are opaque, not sortable). */
  seq: number;
  position: string;
  type: string;
  stream: string;
  revision: number;
  data: unknown;
  occurredAt: string;
  recordedAt: string;
  actor: string;
  correlationId: string;
  causationId: string | null;
}

interface TaskEventCounterDoc extends Document {
  count: number;
}

export const TASK_EVENTS = 'task_events';
export const TASK_EVENT_COUNTERS = 'task_event_counters';

/**
 * Which task an event belongs to: the task whose id it carries (`data.taskId`), else the task
 * of the event that caused it (`causationId`), transitively. Not the correlation: one request
 * (an apply, a bulk action) can start many tasks, which share it.
 */
export function carriedTaskId(event: RecordedEvent): string | null {
  const data = event.data as { taskId?: unknown } | null;
  return data && typeof data === 'object' && typeof data.taskId === 'string' ? data.taskId : null;
}

export const taskEventsProjection: Projection = {
  name: 'task-events',
  version: 1,
  collections: [
    // A task's events in order, within its workspace.
    { name: TASK_EVENTS, indexes: [['workspaceId', 'taskId', 'seq']] },
    { name: TASK_EVENT_COUNTERS, indexes: [] },
  ],
  filter: {},
  async handle(event, ctx) {
    let taskId = carriedTaskId(event);
    if (taskId === null) {
      const cause = event.metadata.causationId;
      if (!cause) return;
      // Only the causes that belong to a task are kept, so this is one lookup by id.
      const parent = await ctx.get<TaskEventDoc>(TASK_EVENTS, cause);
      if (!parent) return;
      taskId = parent.taskId;
    }
    const counter = await ctx.get<TaskEventCounterDoc>(TASK_EVENT_COUNTERS, taskId);
    const seq = (counter?.count ?? 0) + 1;
    ctx.put<TaskEventCounterDoc>(TASK_EVENT_COUNTERS, { id: taskId, count: seq });
    ctx.put<TaskEventDoc>(TASK_EVENTS, {
      id: event.id,
      workspaceId: event.metadata.workspaceId,
      taskId,
      seq,
      position: event.position,
      type: event.type,
      stream: event.stream,
      revision: event.revision,
      data: event.data,
      occurredAt: event.metadata.occurredAt,
      recordedAt: event.recordedAt,
      actor: event.metadata.actor,
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
    });
  },
};
