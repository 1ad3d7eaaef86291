import type {
  AutomationTaskEvent,
  TaskFailure,
  TaskKind,
  TaskStatus,
  TaskTrigger,
} from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import type { Projection } from '@app/projections';
import type { Document } from '@app/readmodels';

export interface AutomationTaskDoc extends Document {
  workspaceId: string;
  integrationId: string;
  kind: TaskKind;
  trigger: TaskTrigger;
  actor: string;
  status: TaskStatus;
  attempts: number;
  progress: { done: number; total: number } | null;
  summary: Record<string, unknown> | null;
  error: TaskFailure | null;
  retryAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const AUTOMATION_TASKS = 'automation_tasks';

export const automationTasksProjection: Projection = {
  name: 'automation-tasks',
  version: 1,
  collections: [
    {
      name: AUTOMATION_TASKS,
      // The task list, newest first, by workspace and optionally integration and status.
      indexes: [
        ['workspaceId', 'createdAt'],
        ['workspaceId', 'integrationId', 'createdAt'],
        ['workspaceId', 'status', 'createdAt'],
        ['workspaceId', 'integrationId', 'status', 'createdAt'],
        'kind',
      ],
    },
  ],
  filter: { categories: ['automationTask'] },
  async handle(recorded: RecordedEvent, ctx) {
    const event = recorded as unknown as AutomationTaskEvent;
    const at = recorded.metadata.occurredAt;
    if (event.type === 'AutomationTaskQueued') {
      ctx.put<AutomationTaskDoc>(AUTOMATION_TASKS, {
        id: event.data.taskId,
        workspaceId: recorded.metadata.workspaceId,
        integrationId: event.data.integrationId,
        kind: event.data.kind,
        trigger: event.data.trigger,
        actor: event.data.requestedBy,
        status: 'queued',
        attempts: 0,
        progress: null,
        summary: null,
        error: null,
        retryAt: null,
        createdAt: at,
        updatedAt: at,
      });
      return;
    }
    const current = await ctx.get<AutomationTaskDoc>(AUTOMATION_TASKS, event.data.taskId);
    if (!current) return;
    const next: AutomationTaskDoc = { ...current, updatedAt: at };
    switch (event.type) {
      case 'AutomationTaskStarted':
        Object.assign(next, { status: 'running', attempts: event.data.attempt, retryAt: null });
        break;
      case 'AutomationTaskProgressed':
        next.progress = { done: event.data.done, total: event.data.total };
        break;
      case 'AutomationTaskRetrying':
        Object.assign(next, {
          status: 'retrying',
          error: event.data.failure,
          retryAt: event.data.retryAt,
        });
        break;
      case 'AutomationTaskCompleted':
        Object.assign(next, {
          status: 'completed',
          summary: event.data.summary,
          error: null,
          retryAt: null,
        });
        break;
      case 'AutomationTaskNotCompleted':
        Object.assign(next, {
          status: 'not_completed',
          attempts: event.data.attempts,
          // A check that stopped short of departures still recorded what it saw.
          summary: event.data.failure.summary ?? current.summary,
          error: event.data.failure,
          retryAt: null,
        });
        break;
    }
    ctx.put<AutomationTaskDoc>(AUTOMATION_TASKS, next);
  },
};
