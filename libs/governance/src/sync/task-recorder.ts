import { Injectable } from '@nestjs/common';
import {
  type AutomationTaskCommand,
  automationTaskDecider,
  automationTaskStream,
  deterministicId,
  type SnapshotRef,
  type TaskFailure,
  type TaskKind,
  type TaskTrigger,
} from '@app/domain';
import { type CommandContext, CommandExecutor } from '@app/infrastructure';

export interface TaskProgressState {
  queued: boolean;
  attempts: number;
  finished: 'completed' | 'not_completed' | null;
}

/**
 * Records an automation task's life on its own stream, through the task's decider and the
 * command executor: each step is decided on what the stream holds and appended with the
 * expected revision. A step replayed after a crash is a no-op because the decider sees it
 * already happened (EventStoreDB would only de-duplicate its event id on a retry with the same
 * expected revision). The deterministic ids only make a retried append of the same decision
 * return its first result.
 */
@Injectable()
export class TaskRecorder {
  constructor(private readonly commands: CommandExecutor) {}

  async state(taskId: string): Promise<TaskProgressState> {
    const { state } = await this.commands.load(automationTaskStream(taskId), automationTaskDecider);
    return { queued: state.queued, attempts: state.attempts, finished: state.finished };
  }

  queued(
    ctx: CommandContext,
    task: { taskId: string; integrationId: string; kind: TaskKind; trigger: TaskTrigger },
  ): Promise<void> {
    return this.record(ctx, task.taskId, 'queued', {
      type: 'QueueTask',
      ...task,
      requestedBy: ctx.actor,
    });
  }

  started(ctx: CommandContext, taskId: string, attempt: number): Promise<void> {
    return this.record(ctx, taskId, `started:${attempt}`, {
      type: 'StartAttempt',
      taskId,
      attempt,
    });
  }

  progressed(ctx: CommandContext, taskId: string, done: number, total: number): Promise<void> {
    return this.record(ctx, taskId, `progress:${done}:${total}`, {
      type: 'RecordProgress',
      taskId,
      done,
      total,
    });
  }

  retrying(
    ctx: CommandContext,
    taskId: string,
    attempt: number,
    failure: TaskFailure,
    retryAt: Date,
    snapshot?: SnapshotRef,
  ): Promise<void> {
    return this.record(ctx, taskId, `retrying:${attempt}`, {
      type: 'RecordRetry',
      taskId,
      attempt,
      failure,
      retryAt: retryAt.toISOString(),
      snapshot,
    });
  }

  /** `snapshot`: what a check read and imported (kept in the SnapshotStore). */
  completed(
    ctx: CommandContext,
    taskId: string,
    summary: Record<string, unknown>,
    snapshot?: SnapshotRef,
  ): Promise<void> {
    return this.record(ctx, taskId, 'finished', {
      type: 'CompleteTask',
      taskId,
      summary,
      snapshot,
    });
  }

  notCompleted(
    ctx: CommandContext,
    taskId: string,
    attempts: number,
    failure: TaskFailure,
    snapshot?: SnapshotRef,
  ): Promise<void> {
    return this.record(ctx, taskId, 'finished', {
      type: 'MarkNotCompleted',
      taskId,
      attempts,
      failure,
      snapshot,
    });
  }

  private async record(
    ctx: CommandContext,
    taskId: string,
    step: string,
    command: AutomationTaskCommand,
  ): Promise<void> {
    await this.commands.execute(automationTaskStream(taskId), automationTaskDecider, command, ctx, {
      // Progress reports race each other (fire-and-forget): retry conflicts a few more times.
      retries: command.type === 'RecordProgress' ? 5 : 3,
      eventId: (_event, index, revision) =>
        deterministicId('task', taskId, step, String(revision), String(index)),
    });
  }
}
