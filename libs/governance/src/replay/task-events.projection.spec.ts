import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore, type EventStore, type NewEvent } from '@app/eventstore';
import { ProjectionRunner } from '@app/projections';
import { createReadModelStore, type ReadModelStore } from '@app/readmodels';
import { TASK_EVENTS, type TaskEventDoc, taskEventsProjection } from './task-events.projection';

const event = (
  type: string,
  data: Record<string, unknown>,
  causationId: string | null = null,
  correlationId = 'one-request',
): NewEvent & { id: string } => ({
  id: randomUUID(),
  type,
  data,
  metadata: {
    workspaceId: 'w1',
    actor: 'admin',
    correlationId,
    causationId,
    occurredAt: '2026-12-06T10:00:00.000Z',
    schemaVersion: 1,
  },
});

describe('task-events projection (real SQLite stores)', () => {
  let dir: string;
  let events: EventStore;
  let readModels: ReadModelStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'task-events-'));
    events = createEventStore({ dataDir: dir });
    readModels = await createReadModelStore({ dataDir: dir });
  });
  afterEach(async () => {
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const eventsOf = async (taskId: string): Promise<TaskEventDoc[]> =>
    (
      await readModels.collection<TaskEventDoc>(TASK_EVENTS).find({
        where: { workspaceId: 'w1', taskId },
        sort: [{ field: 'seq' }],
        limit: 500,
      })
    ).items;

  it('given one request that starts two tasks, when projected, then each task holds the events carrying its id and, transitively, what they caused, and nothing of the other', async () => {
    // Given one request (one correlation) that starts tasks A and B
    const applied = event('SomethingApplied', {});
    const requestA = event('RemovalRequested', { taskId: 'A' }, applied.id);
    const requestB = event('RemovalRequested', { taskId: 'B' }, applied.id);
    const seen = event('MemberObserved', { memberId: 'm1' }, requestA.id); // caused by A
    const matched = event('MemberMatched', { memberId: 'm1' }, seen.id); // caused by that, in turn
    const otherTask = event('InviteRequested', { taskId: 'C' }, seen.id); // carries its own task
    const removedB = event('MemberRemoved', { taskId: 'B' }, requestB.id);
    const unrelated = event('MemberObserved', { memberId: 'm9' }, null);
    await events.appendToStream('report-1', [applied]);
    await events.appendToStream('member-1', [requestA, seen, matched, otherTask]);
    await events.appendToStream('member-2', [requestB, removedB]);
    await events.appendToStream('member-9', [unrelated]);

    // When the projection catches up
    await new ProjectionRunner(events, readModels, [taskEventsProjection]).catchUp(
      taskEventsProjection,
    );

    // Then
    expect((await eventsOf('A')).map((e) => [e.seq, e.id])).toEqual([
      [1, requestA.id],
      [2, seen.id],
      [3, matched.id],
    ]);
    expect((await eventsOf('B')).map((e) => e.id)).toEqual([requestB.id, removedB.id]);
    expect((await eventsOf('C')).map((e) => e.id)).toEqual([otherTask.id]);
    expect(await readModels.collection(TASK_EVENTS).get(applied.id)).toBeNull();
    expect(await readModels.collection(TASK_EVENTS).get(unrelated.id)).toBeNull();
    const [first] = await eventsOf('A');
    expect(first).toMatchObject({
      stream: 'member-1',
      revision: 0,
      type: 'RemovalRequested',
      data: { taskId: 'A' },
      actor: 'admin',
      correlationId: 'one-request',
      causationId: applied.id,
      position: String(await positionOf(events, requestA.id)),
    });
  });
});

async function positionOf(events: EventStore, id: string): Promise<string> {
  for await (const e of events.readAll()) if (e.id === id) return e.position;
  throw new Error(`no event ${id}`);
}
