import { Inject, Injectable } from '@nestjs/common';
import { READ_MODEL_STORE } from '@app/infrastructure';
import type { ReadModelStore } from '@app/readmodels';
import type { Caller } from '../access/access.service';
import { IntegrationsService } from '../integrations/integrations.service';
import { TASK_EVENTS, type TaskEventDoc } from './task-events.projection';

export interface TaskEventView {
  /** Opaque: as the event store spells it; use it with `cli events --from`. */
  position: string;
  id: string;
  type: string;
  stream: string;
  revision: number;
  occurredAt: string;
  recordedAt: string;
  actor: string;
  correlationId: string;
  causationId: string | null;
  data: unknown;
}

/** GET /api/automation-tasks/:id/events: the task's own events and what they caused, in log order. */
@Injectable()
export class TaskEventsQuery {
  constructor(
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly integrations: IntegrationsService,
  ) {}

  async page(
    caller: Caller,
    taskId: string,
    query: { cursor?: string; limit: number },
  ): Promise<{ taskId: string; items: TaskEventView[]; nextCursor: string | null }> {
    // Another workspace's task is not found, like every other read.
    await this.integrations.task(caller, taskId);
    const page = await this.readModels.collection<TaskEventDoc>(TASK_EVENTS).find({
      where: { workspaceId: caller.workspaceId, taskId },
      sort: [{ field: 'seq' }],
      limit: query.limit,
      cursor: query.cursor,
    });
    return { taskId, items: page.items.map(viewOf), nextCursor: page.nextCursor };
  }
}

function viewOf(doc: TaskEventDoc): TaskEventView {
  return {
    position: doc.position,
    id: doc.id,
    type: doc.type,
    stream: doc.stream,
    revision: doc.revision,
    occurredAt: doc.occurredAt,
    recordedAt: doc.recordedAt,
    actor: doc.actor,
    correlationId: doc.correlationId,
    causationId: doc.causationId,
    data: doc.data,
  };
}
