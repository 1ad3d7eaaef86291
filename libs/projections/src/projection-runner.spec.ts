import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEventStore,
  EventStore,
  InvalidPosition,
  type EventStoreAdapter,
  type NewEvent,
  type Position,
  type RecordedEvent,
  type Subscription,
} from '@app/eventstore';
import { SqliteEventStoreAdapter } from '@app/eventstore/sqlite';
import { createReadModelStore, type ReadModelStore } from '@app/readmodels';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { streamsProjection, type StreamSummary } from './core/streams.projection';
import { DurableConsumerRunner } from './durable-consumer';
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

  it('given events not yet applied, when lag is counted with a cap, then it reads no further than the cap', async () => {
    await events.appendToStream('order-1', [ev('A'), ev('B'), ev('C'), ev('D')]);
    const runner = new ProjectionRunner(events, readModels, [streamsProjection]);
    expect(await runner.eventsBehind(10)).toEqual([{ name: 'streams', eventsBehind: 4 }]);
    expect(await runner.eventsBehind(2)).toEqual([{ name: 'streams', eventsBehind: 2 }]);
    expect(await runner.eventsBehind(0)).toEqual([{ name: 'streams', eventsBehind: 0 }]);
    await runner.catchUp(streamsProjection);
    expect(await runner.eventsBehind(10)).toEqual([{ name: 'streams', eventsBehind: 0 }]);
  });

  it('given a durable consumer behind the log, when its queue is counted, then only its own unhandled events count', async () => {
    await events.appendToStream('order-1', [ev('Wanted'), ev('Other'), ev('Wanted')]);
    const handled: string[] = [];
    const runner = new DurableConsumerRunner(events, readModels, {
      name: 'wanted',
      filter: { eventTypes: ['Wanted'] },
      handle: async (e) => void handled.push(e.type),
    });
    expect(await runner.pending(100)).toBe(2);
    runner.start();
    await runner.waitFor(await events.headPosition(), 5000);
    await runner.stop();
    expect(await runner.pending(100)).toBe(0);
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

/**
 * SQLite with positions spelled as EventStoreDB's are: byte offsets, far apart, where only the
 * start of a record is a position. Anything that added to a position, or parsed a
 * position outside the store, would read from the middle of a record and be refused.
 */
const STRIDE = 512;
class ByteOffsetAdapter implements EventStoreAdapter {
  readonly kind = 'eventstoredb' as const;
  readonly refused: string[] = [];
  constructor(private readonly inner: SqliteEventStoreAdapter) {}

  private out(position: Position): Position {
    return String(Number(position) * STRIDE) as Position;
  }
  private in(position: string): Position {
    const offset = /^[0-9]+$/.test(position) ? Number(position) : NaN;
    if (!(offset > 0 && offset % STRIDE === 0)) {
      this.refused.push(position);
      throw new InvalidPosition(position, 'eventstoredb', 'the start of a record');
    }
    return String(offset / STRIDE) as Position;
  }
  private event = (e: RecordedEvent): RecordedEvent => ({ ...e, position: this.out(e.position) });

  async appendToStream(...args: Parameters<EventStoreAdapter['appendToStream']>) {
    const result = await this.inner.appendToStream(...args);
    return { ...result, position: this.out(result.position) };
  }
  async readStream(...args: Parameters<EventStoreAdapter['readStream']>) {
    return (await this.inner.readStream(...args)).map(this.event);
  }
  async *readAll(options: Parameters<EventStoreAdapter['readAll']>[0] = {}) {
    const after = options.after === undefined ? undefined : this.in(options.after);
    for await (const e of this.inner.readAll({ ...options, after })) yield this.event(e);
  }
  subscribe(options: Parameters<EventStoreAdapter['subscribe']>[0] = {}): Subscription {
    const after = options.after === undefined ? undefined : this.in(options.after);
    const inner = this.inner.subscribe({ ...options, after });
    const event = this.event;
    return {
      close: () => inner.close(),
      async *[Symbol.asyncIterator]() {
        for await (const e of inner) yield event(e);
      },
    };
  }
  async headPosition() {
    const head = await this.inner.headPosition();
    return head === null ? null : this.out(head);
  }
  comparePositions(a: Position, b: Position): number {
    return Math.sign(Number(this.in(a)) - Number(this.in(b)));
  }
  parsePosition(text: string): Position {
    this.in(text);
    return text as Position;
  }
  close() {
    return this.inner.close();
  }
}

describe('projections and consumers over positions that are byte offsets (real SQLite)', () => {
  let dir: string;
  let adapter: ByteOffsetAdapter;
  let events: EventStore;
  let readModels: ReadModelStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'offsets-'));
    adapter = new ByteOffsetAdapter(new SqliteEventStoreAdapter({ file: join(dir, 'e.sqlite') }));
    events = new EventStore(adapter);
    readModels = await createReadModelStore({ dataDir: dir });
  });

  afterEach(async () => {
    await readModels.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given events before and after a start, when projected live, waited for, verified and consumed, then every event counts once and no position was made up', async () => {
    // given
    await events.appendToStream('order-1', [ev('A'), ev('B')]);
    const runner = new ProjectionRunner(events, readModels, [streamsProjection], { batchSize: 2 });
    const seen: string[] = [];
    const consumer = new DurableConsumerRunner(events, readModels, {
      name: 'collector',
      filter: { categories: ['order'] },
      concurrency: 2,
      handle: async (e) => void seen.push(e.id),
    });

    // when
    await runner.start();
    consumer.start();
    await events.appendToStream('order-2', [ev('A')]);
    const { position } = await events.appendToStream('order-1', [ev('C'), ev('D'), ev('E')]);
    await runner.waitFor(position, 5000);
    await consumer.waitFor(position, 5000);
    await runner.stop();
    await consumer.stop();
    // and a restart catches up from the stored checkpoints with nothing left to do
    const again = new ProjectionRunner(events, readModels, [streamsProjection]);
    const appliedAgain = await again.catchUp(streamsProjection);

    // then
    expect(position).toBe(String(6 * STRIDE));
    expect(appliedAgain).toBe(0);
    expect((await readModels.collection<StreamSummary>('streams').get('order-1'))?.eventCount).toBe(
      5,
    );
    expect(new Set(seen).size).toBe(6);
    expect(seen).toHaveLength(6);
    expect(await consumer.checkpoint()).toBe(position);
    expect((await runner.status())[0]).toMatchObject({
      checkpoint: position,
      headPosition: position,
      eventsBehind: 0,
    });
    const scratch = await createReadModelStore({ dataDir: dir, file: 'scratch.sqlite' });
    const [verified] = await verifyProjections(events, readModels, scratch, [streamsProjection]);
    await scratch.close();
    expect(verified).toMatchObject({ checkpoint: position, differences: [], stable: true });
    expect(adapter.refused).toEqual([]);
  });

  it('given an empty log, when waited for and verified, then nothing is pending and the checkpoint is null', async () => {
    const runner = new ProjectionRunner(events, readModels, [streamsProjection]);
    expect(await events.headPosition()).toBeNull();
    await runner.waitFor(await events.headPosition(), 1000);
    expect(await runner.catchUp(streamsProjection)).toBe(0);
    expect((await runner.status())[0]).toMatchObject({ checkpoint: null, headPosition: null });
  });
});
