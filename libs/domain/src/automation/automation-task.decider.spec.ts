import { fold } from '../shared/decider';
import { automationTaskDecider as d, type AutomationTaskCommand } from './automation-task.decider';
import type { AutomationTaskEvent } from './automation.events';

const taskId = 't1';
const queued: AutomationTaskEvent = {
  type: 'AutomationTaskQueued',
  data: {
    taskId,
    integrationId: 'i1',
    kind: 'syncing_users',
    trigger: 'web_app',
    requestedBy: 'admin',
  },
};
const started = (attempt: number): AutomationTaskEvent => ({
  type: 'AutomationTaskStarted',
  data: { taskId, attempt },
});
const failure = { kind: 'transient', message: 'timeout', evidence: [] };
const completed: AutomationTaskEvent = {
  type: 'AutomationTaskCompleted',
  data: { taskId, summary: { outcome: 'removed' } },
};

const when = (given: AutomationTaskEvent[], command: AutomationTaskCommand) =>
  d.decide(command, fold(d, given));

describe('automation task decider', () => {
  it('given no task, when queued, then AutomationTaskQueued', () => {
    expect(when([], { type: 'QueueTask', ...queued.data } as AutomationTaskCommand)).toEqual([
      queued,
    ]);
  });

  it('given a queued task, when queued again (a replay), then nothing', () => {
    expect(when([queued], { type: 'QueueTask', ...queued.data } as AutomationTaskCommand)).toEqual(
      [],
    );
  });

  it('given a queued task, when attempt 1 starts, then AutomationTaskStarted', () => {
    expect(when([queued], { type: 'StartAttempt', taskId, attempt: 1 })).toEqual([started(1)]);
  });

  it('given attempt 1 started and retried, when attempt 1 starts again (a replay), then nothing; attempt 2 starts', () => {
    const retrying: AutomationTaskEvent = {
      type: 'AutomationTaskRetrying',
      data: { taskId, attempt: 1, failure, retryAt: '2026-01-01T00:00:01.000Z' },
    };
    const given = [queued, started(1), retrying];
    expect(when(given, { type: 'StartAttempt', taskId, attempt: 1 })).toEqual([]);
    expect(when(given, { type: 'RecordRetry', ...retrying.data } as AutomationTaskCommand)).toEqual(
      [],
    );
    expect(when(given, { type: 'StartAttempt', taskId, attempt: 2 })).toEqual([started(2)]);
  });

  it('given progress recorded, when the same progress is recorded again, then nothing; new progress is recorded', () => {
    const given: AutomationTaskEvent[] = [
      queued,
      started(1),
      { type: 'AutomationTaskProgressed', data: { taskId, done: 5, total: 10 } },
    ];
    expect(when(given, { type: 'RecordProgress', taskId, done: 5, total: 10 })).toEqual([]);
    expect(when(given, { type: 'RecordProgress', taskId, done: 10, total: 10 })).toEqual([
      { type: 'AutomationTaskProgressed', data: { taskId, done: 10, total: 10 } },
    ]);
  });

  it('given a running task, when completed, then AutomationTaskCompleted', () => {
    expect(
      when([queued, started(1)], {
        type: 'CompleteTask',
        taskId,
        summary: { outcome: 'removed' },
      }),
    ).toEqual([completed]);
  });

  it('given a completed task, when it is completed, failed, started or progressed again, then nothing: the first ending stands', () => {
    const given = [queued, started(1), completed];
    const replays: AutomationTaskCommand[] = [
      { type: 'CompleteTask', taskId, summary: { outcome: 'absent' } },
      { type: 'MarkNotCompleted', taskId, attempts: 1, failure },
      { type: 'StartAttempt', taskId, attempt: 2 },
      { type: 'RecordProgress', taskId, done: 1, total: 1 },
      { type: 'RecordRetry', taskId, attempt: 2, failure, retryAt: '2026-01-01T00:00:00.000Z' },
    ];
    for (const command of replays) expect(when(given, command)).toEqual([]);
    expect(fold(d, given).finished).toBe('completed');
  });

  it('given a running task, when not completed, then AutomationTaskNotCompleted, and it stays not completed', () => {
    const events = when([queued, started(1)], {
      type: 'MarkNotCompleted',
      taskId,
      attempts: 1,
      failure,
    });
    expect(events).toEqual([
      { type: 'AutomationTaskNotCompleted', data: { taskId, attempts: 1, failure } },
    ]);
    expect(fold(d, [queued, started(1), ...events, completed]).finished).toBe('not_completed');
  });

  it('given a check that read a snapshot, when it ends or retries, then the ending names the kept snapshot; without one the field is absent', () => {
    const snapshot = { sha256: 'a'.repeat(64), bytes: 1234 };
    expect(
      when([queued, started(1)], { type: 'CompleteTask', taskId, summary: {}, snapshot }),
    ).toEqual([{ type: 'AutomationTaskCompleted', data: { taskId, summary: {}, snapshot } }]);
    expect(
      when([queued, started(1)], {
        type: 'MarkNotCompleted',
        taskId,
        attempts: 1,
        failure,
        snapshot,
      }),
    ).toEqual([
      { type: 'AutomationTaskNotCompleted', data: { taskId, attempts: 1, failure, snapshot } },
    ]);
    const retryAt = '2026-01-01T00:00:01.000Z';
    expect(
      when([queued, started(1)], {
        type: 'RecordRetry',
        taskId,
        attempt: 1,
        failure,
        retryAt,
        snapshot,
      }),
    ).toEqual([
      {
        type: 'AutomationTaskRetrying',
        data: { taskId, attempt: 1, failure, retryAt, snapshot },
      },
    ]);
    const [ended] = when([queued, started(1)], { type: 'CompleteTask', taskId, summary: {} });
    expect(Object.keys(ended.data)).toEqual(['taskId', 'summary']);
  });
});
