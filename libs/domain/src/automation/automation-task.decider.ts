import type { Decider } from '../shared/decider';
import type { TaskTrigger } from '../integration/integration.events';
import type { AutomationTaskEvent, SnapshotRef, TaskFailure, TaskKind } from './automation.events';

export type AutomationTaskCommand =
  | {
      type: 'QueueTask';
      taskId: string;
      integrationId: string;
      kind: TaskKind;
      trigger: TaskTrigger;
      requestedBy: string;
    }
  | { type: 'StartAttempt'; taskId: string; attempt: number }
  | { type: 'RecordProgress'; taskId: string; done: number; total: number }
  | {
      type: 'RecordRetry';
      taskId: string;
      attempt: number;
      failure: TaskFailure;
      retryAt: string;
      snapshot?: SnapshotRef;
    }
  | {
      type: 'CompleteTask';
      taskId: string;
      summary: Record<string, unknown>;
      snapshot?: SnapshotRef;
    }
  | {
      type: 'MarkNotCompleted';
      taskId: string;
      attempts: number;
      failure: TaskFailure;
      snapshot?: SnapshotRef;
    };

export interface AutomationTaskState {
  queued: boolean;
  /** The highest attempt started. */
  attempts: number;
  /** The highest attempt whose retry was recorded. */
  retried: number;
  progress: { done: number; total: number } | null;
  finished: 'completed' | 'not_completed' | null;
}

/**
 * An automation task's life: queued, attempts started, progress, retries, one ending. Each
 * step is decided on what the stream already holds, so a step replayed after a crash decides
 * nothing: a task is queued once, an attempt starts once, it ends once (the first ending
 * recorded stands), and nothing is recorded after it ended. That, with the expected revision
 * the executor appends with, is what keeps a replay from writing twice on any server, not
 * the store's memory of event ids.
 */
export const automationTaskDecider: Decider<
  AutomationTaskCommand,
  AutomationTaskEvent,
  AutomationTaskState
> = {
  initialState: { queued: false, attempts: 0, retried: 0, progress: null, finished: null },

  evolve(state, event) {
    switch (event.type) {
      case 'AutomationTaskQueued':
        return { ...state, queued: true };
      case 'AutomationTaskStarted':
        return { ...state, attempts: Math.max(state.attempts, event.data.attempt) };
      case 'AutomationTaskProgressed':
        return { ...state, progress: { done: event.data.done, total: event.data.total } };
      case 'AutomationTaskRetrying':
        return { ...state, retried: Math.max(state.retried, event.data.attempt) };
      case 'AutomationTaskCompleted':
        return { ...state, finished: state.finished ?? 'completed' };
      case 'AutomationTaskNotCompleted':
        return { ...state, finished: state.finished ?? 'not_completed' };
    }
  },

  decide(command, state) {
    if (command.type === 'QueueTask') {
      if (state.queued) return [];
      const { type: _type, ...data } = command;
      return [{ type: 'AutomationTaskQueued', data }];
    }
    // An ended task stays ended: a late or replayed step changes nothing.
    if (state.finished) return [];
    switch (command.type) {
      case 'StartAttempt':
        if (command.attempt <= state.attempts) return [];
        return [
          {
            type: 'AutomationTaskStarted',
            data: { taskId: command.taskId, attempt: command.attempt },
          },
        ];
      case 'RecordProgress':
        if (state.progress?.done === command.done && state.progress.total === command.total)
          return [];
        return [
          {
            type: 'AutomationTaskProgressed',
            data: { taskId: command.taskId, done: command.done, total: command.total },
          },
        ];
      case 'RecordRetry':
        if (command.attempt <= state.retried) return [];
        return [
          {
            type: 'AutomationTaskRetrying',
            data: {
              taskId: command.taskId,
              attempt: command.attempt,
              failure: command.failure,
              retryAt: command.retryAt,
              ...snapshotOf(command),
            },
          },
        ];
      case 'CompleteTask':
        return [
          {
            type: 'AutomationTaskCompleted',
            data: { taskId: command.taskId, summary: command.summary, ...snapshotOf(command) },
          },
        ];
      case 'MarkNotCompleted':
        return [
          {
            type: 'AutomationTaskNotCompleted',
            data: {
              taskId: command.taskId,
              attempts: command.attempts,
              failure: command.failure,
              ...snapshotOf(command),
            },
          },
        ];
    }
  },
};

/** Only a step that read a snapshot names one: the field is absent, not null, otherwise. */
function snapshotOf(command: { snapshot?: SnapshotRef }): { snapshot?: SnapshotRef } {
  return command.snapshot
    ? { snapshot: { sha256: command.snapshot.sha256, bytes: command.snapshot.bytes } }
    : {};
}
