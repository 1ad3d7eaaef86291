import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { automationTaskStream } from '@app/domain';
import {
  EventStore,
  type AppendResult,
  type EventStoreAdapter,
  type ExpectedRevision,
  type NewEvent,
} from '@app/eventstore';
import { SqliteEventStoreAdapter } from '@app/eventstore/sqlite';
import { AppConfigModule, PersistenceModule } from '@app/infrastructure';
import { TaskRecorder } from './task-recorder';

/**
 * SQLite behaving as EventStoreDB does once its de-duplication cache has forgotten an id: an
 * `'any'` append is written again whatever its ids. Only a retry with the same expected
 * revision is still recognised (the port's promise on both servers).
 */
class ForgetfulAdapter extends SqliteEventStoreAdapter {
  override appendToStream(
    stream: string,
    events: readonly NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    if ((options.expectedRevision ?? 'any') !== 'any') {
      return super.appendToStream(stream, events, options);
    }
    return super.appendToStream(
      stream,
      events.map((e) => ({ ...e, id: randomUUID() })),
      options,
    );
  }
}

describe('TaskRecorder (real SQLite, ids forgotten as EventStoreDB forgets them)', () => {
  let dir: string;
  let moduleRef: TestingModule;
  let tasks: TaskRecorder;
  let events: EventStore;
  const ctx = { workspaceId: 'w', actor: 'admin' };
  const failure = { kind: 'transient', message: 'timeout', evidence: [] };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tasks-'));
    process.env.DATA_DIR = dir;
    const adapter: EventStoreAdapter = new ForgetfulAdapter({ file: join(dir, 'events.sqlite') });
    moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule, PersistenceModule],
      providers: [TaskRecorder],
    })
      .overrideProvider(EventStore)
      .useValue(new EventStore(adapter))
      .compile();
    await moduleRef.init();
    tasks = moduleRef.get(TaskRecorder);
    events = moduleRef.get(EventStore);
  });

  afterEach(async () => {
    await moduleRef.close();
    delete process.env.DATA_DIR;
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a task that ran and ended, when every step is replayed after a crash, then nothing is recorded twice', async () => {
    // given
    const taskId = randomUUID();
    const task = {
      taskId,
      integrationId: 'i1',
      kind: 'syncing_users' as const,
      trigger: 'web_app' as const,
    };
    await tasks.queued(ctx, task);
    await tasks.started(ctx, taskId, 1);
    await tasks.retrying(ctx, taskId, 1, failure, new Date('2026-01-01T00:00:00Z'));
    await tasks.started(ctx, taskId, 2);
    await tasks.progressed(ctx, taskId, 5, 10);
    await tasks.completed(ctx, taskId, { outcome: 'removed' });
    const before = await events.readStream(automationTaskStream(taskId));

    // when: a replay of the whole saga, and a late second ending
    await tasks.queued(ctx, task);
    await tasks.started(ctx, taskId, 1);
    await tasks.retrying(ctx, taskId, 1, failure, new Date('2026-01-01T00:00:00Z'));
    await tasks.started(ctx, taskId, 2);
    await tasks.progressed(ctx, taskId, 5, 10);
    await tasks.completed(ctx, taskId, { outcome: 'removed' });
    await tasks.notCompleted(ctx, taskId, 2, failure);

    // then
    const after = await events.readStream(automationTaskStream(taskId));
    expect(after.map((e) => e.id)).toEqual(before.map((e) => e.id));
    expect(after.map((e) => e.type)).toEqual([
      'AutomationTaskQueued',
      'AutomationTaskStarted',
      'AutomationTaskRetrying',
      'AutomationTaskStarted',
      'AutomationTaskProgressed',
      'AutomationTaskCompleted',
    ]);
    expect(await tasks.state(taskId)).toEqual({ queued: true, attempts: 2, finished: 'completed' });
  });

  it('given a running task, when two endings race, then exactly one is recorded', async () => {
    // given
    const taskId = randomUUID();
    await tasks.queued(ctx, {
      taskId,
      integrationId: 'i1',
      kind: 'removing_users',
      trigger: 'web_app',
    });
    await tasks.started(ctx, taskId, 1);

    // when
    await Promise.all([
      tasks.completed(ctx, taskId, { outcome: 'removed' }),
      tasks.notCompleted(ctx, taskId, 1, failure),
    ]);

    // then
    const types = (await events.readStream(automationTaskStream(taskId))).map((e) => e.type);
    expect(
      types.filter((t) => t === 'AutomationTaskCompleted' || t === 'AutomationTaskNotCompleted'),
    ).toHaveLength(1);
  });
});
