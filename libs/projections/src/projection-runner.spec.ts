import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore, type EventStore, type NewEvent } from '@app/eventstore';
import { createReadModelStore, type ReadModelStore } from '@app/readmodels';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { streamsProjection, type StreamSummary } from './core/streams.projection';
import { verifyProjections } from './verify';

const meta = {
  workspaceId: 'w',
  actor: 'test',
  correlationId: 'c',
  causationId: null,
  occurredAt: new Date().toISOString(),
  schemaVersion: 1,
};
const ev = (type: string, data: unknown = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: meta,
});

describe('ProjectionRunner (real SQLite stores)', () => {
  let dir: string;
  let events: EventStore;
  let readModels: ReadModelStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'runner-'));
    events = createEventStore({ dataDir: dir });
    readModels = await createReadModelStore({ dataDir: dir });
  });

  afterEach(async () => {
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given events in the log, when caught up, then the read model and checkpoint reflect them', async () => {
    await events.appendToStream('order-1', [ev('A'), ev('B')]);
    await events.appendToStream('order-2', [ev('A')]);
    const runner = new ProjectionRunner(events, readModels, [streamsProjection]);
    expect(await runner.catchUp(streamsProjection)).toBe(3);
    const doc = await readModels.collection<StreamSummary>('streams').get('order-1');
    expect(doc).toMatchObject({
      category: 'order',
      eventCount: 2,
      lastRevision: 1,
      lastEventType: 'B',
    });
    expect((await runner.status())[0]).toMatchObject({
      checkpoint: await events.headPosition(),
      eventsBehind: 0,
      msBehind: 0,
    });
  });

  it('given a running projection, when events are appended, then it applies them live and waitFor resolves', async () => {
    const runner = new ProjectionRunner(events, readModels, [streamsProjection]);
    await runner.start();
    const { position } = await events.appendToStream('order-9', [ev('A'), ev('A'), ev('A')]);
    await runner.waitFor(position, 5000);
    expect((await readModels.collection<StreamSummary>('streams').get('order-9'))?.eventCount).toBe(
      3,
    );
    await runner.stop();
  });

  it('given a handler that throws, when caught up, then nothing of the batch is kept and the checkpoint stays', async () => {
    await events.appendToStream('order-1', [ev('A'), ev('Boom')]);
    const failing: Projection = {
      ...streamsProjection,
      name: 'failing',
      collections: [{ name: 'failing_streams', indexes: [] }],
      handle(event, ctx) {
        if (event.type === 'Boom') throw new Error('boom');
        ctx.put('failing_streams', { id: event.stream });
      },
    };
    const runner = new ProjectionRunner(events, readModels, [failing]);
    await expect(runner.catchUp(failing)).rejects.toThrow('boom');
    expect(await readModels.collection('failing_streams').count()).toBe(0);
    expect(await readModels.getCheckpoint('projection:failing')).toBeNull();
  });

  it('given a projection whose version changed, when started, then it is rebuilt from scratch', async () => {
    await events.appendToStream('order-1', [ev('A')]);
    const v1 = new ProjectionRunner(events, readModels, [streamsProjection]);
    await v1.catchUp(streamsProjection);
    await readModels.collection('streams').upsert({ id: 'stale', category: 'x' });
    const v2 = new ProjectionRunner(events, readModels, [
      { ...streamsProjection, version: streamsProjection.version + 1 },
    ]);
    await v2.start();
    await v2.waitFor(await events.headPosition());
    await v2.stop();
    expect(await readModels.collection('streams').get('stale')).toBeNull();
    expect(await readModels.collection('streams').count()).toBe(1);
  });

  it('given a tampered read model, when verified, then the differing id is reported', async () => {
    await events.appendToStream('order-1', [ev('A')]);
    await events.appendToStream('order-2', [ev('A')]);
    const runner = new ProjectionRunner(events, readModels, [streamsProjection]);
    await runner.catchUp(streamsProjection);
    await readModels.collection<StreamSummary>('streams').patch('order-2', { eventCount: 99 });
    const scratch = await createReadModelStore({ dataDir: dir, file: 'scratch.sqlite' });
    const [result] = await verifyProjections(events, readModels, scratch, [streamsProjection]);
    await scratch.close();
    expect(result.differences).toEqual([
      { projection: 'streams', collection: 'streams', id: 'order-2', kind: 'different' },
    ]);
  });

  it('given two runners on the same stores, when both catch up, then no event is counted twice', async () => {
    await events.appendToStream(
      'order-1',
      Array.from({ length: 50 }, () => ev('A')),
    );
    const a = new ProjectionRunner(events, readModels, [streamsProjection], { batchSize: 7 });
    const b = new ProjectionRunner(events, readModels, [streamsProjection], { batchSize: 5 });
    await Promise.all([a.catchUp(streamsProjection), b.catchUp(streamsProjection)]);
    expect((await readModels.collection<StreamSummary>('streams').get('order-1'))?.eventCount).toBe(
      50,
    );
  });
});
