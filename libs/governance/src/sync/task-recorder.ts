import { Injectable } from '@nestjs/common';
import {
  type AutomationTaskEvent,
  automationTaskStream,
  deterministicId,
  type TaskFailure,
  type TaskKind,
  type TaskTrigger,
} from '@app/domain';
import { EventStore } from '@app/eventstore';
import { type CommandContext, metadataFor, toDomainEvent } from '@app/infrastructure';

export interface TaskProgressState {
  queued: boolean;
  attempts: number;
  finished: 'completed' | 'not_completed' | null;
}

/**
 * Records an automation task's life on its own stream. Every step has a deterministic id, so
 * a step replayed after a crash is not recorded twice.
 */
@Injectable()
export class TaskRecorder {
  constructor(private readonly events: EventStore) {}

  async state(taskId: string): Promise<TaskProgressState> {
    const state: TaskProgressState = { queued: false, attempts: 0, finished: null };
    for (const e of await this.events.readStream(automationTaskStream(taskId))) {
      const event = toDomainEvent(e) as AutomationTaskEvent;
      if (event.type === 'AutomationTaskQueued') state.queued = true;
      if (event.type === 'AutomationTaskStarted')
        state.attempts = Math.max(state.attempts, event.data.attempt);
      if (event.type === 'AutomationTaskCompleted') state.finished = 'completed';
      if (event.type === 'AutomationTaskNotCompleted') state.finished = 'not_completed';
    }
    return state;
  }

  queued(
    ctx: CommandContext,
    task: { taskId: string; integrationId: string; kind: TaskKind; trigger: TaskTrigger },
  ): Promise<void> {
    return this.record(ctx, task.taskId, 'queued', {
      type: 'AutomationTaskQueued',
      data: { ...task, requestedBy: ctx.actor },
    });
  }

  started(ctx: CommandContext, taskId: string, attempt: number): Promise<void> {
    return this.record(ctx, taskId, `started:${attempt}`, {
      type: 'AutomationTaskStarted',
      data: { taskId, attempt },
    });
  }

  progressed(ctx: CommandContext, taskId: string, done: number, total: number): Promise<void> {
    return this.record(ctx, taskId, `progress:${done}:${total}:${Date.now()}`, {
      type: 'AutomationTaskProgressed',
      data: { taskId, done, total },
    });
  }

  retrying(
    ctx: CommandContext,
    taskId: string,
    attempt: number,
    failure: TaskFailure,
    retryAt: Date,
  ): Promise<void> {
    return this.record(ctx, taskId, `retrying:${attempt}`, {
      type: 'AutomationTaskRetrying',
      data: { taskId, attempt, failure, retryAt: retryAt.toISOString() },
    });
  }

  completed(ctx: CommandContext, taskId: string, summary: Record<string, unknown>): Promise<void> {
    return this.record(ctx, taskId, 'finished', {
      type: 'AutomationTaskCompleted',
      data: { taskId, summary },
    });
  }

  notCompleted(
    ctx: CommandContext,
    taskId: string,
    attempts: number,
    failure: TaskFailure,
  ): Promise<void> {
    return this.record(ctx, taskId, 'finished', {
      type: 'AutomationTaskNotCompleted',
      data: { taskId, attempts, failure },
    });
  }

  private async record(
    ctx: CommandContext,
    taskId: string,
    step: string,
    event: AutomationTaskEvent,
  ): Promise<void> {
    await this.events.appendToStream(
      automationTaskStream(taskId),
      [
        {
          id: deterministicId('task', taskId, step),
          type: event.type,
          data: event.data,
          metadata: metadataFor(ctx),
        },
      ],
      { expectedRevision: 'any' },
    );
  }
}
