import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { CommandBus } from '@nestjs/cqrs';
import { type Decider, WrongState } from '@app/domain';
import {
  EventStore,
  PartialAppend,
  type EventStoreAdapter,
  type ExpectedRevision,
  type NewEvent,
} from '@app/eventstore';
import { SqliteEventStoreAdapter } from '@app/eventstore/sqlite';
import { AppConfigModule } from './app-config';
import { CommandExecutor, DecideCommand } from './command-executor';
import { PersistenceModule } from './persistence.module';

type CounterEvent = { type: 'Incremented'; data: { by: number } };
type CounterCommand = { type: 'Increment'; by: number; max: number };
const counter: Decider<CounterCommand, CounterEvent, number> = {
  initialState: 0,
  evolve: (n, e) => n + e.data.by,
  decide: (c, n) => {
    if (n + c.by > c.max) throw new WrongState(`would exceed ${c.max}`, { state: String(n) });
    return [{ type: 'Incremented', data: { by: c.by } }];
  },
};
const ctx = { workspaceId: 'w', actor: 'test' };

describe('CommandExecutor (CommandBus, real SQLite)', () => {
  let dir: string;
  let moduleRef: TestingModule;
  let executor: CommandExecutor;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'executor-'));
    process.env.DATA_DIR = dir;
    moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule, PersistenceModule],
    }).compile();
    await moduleRef.init();
    executor = moduleRef.get(CommandExecutor);
  });

  afterEach(async () => {
    await moduleRef.close();
    delete process.env.DATA_DIR;
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a command, when executed, then it travels through the CommandBus and its event is appended', async () => {
    const seen: unknown[] = [];
    moduleRef.get(CommandBus).subscribe((c) => seen.push(c));
    const result = await executor.execute(
      'counter-1',
      counter,
      { type: 'Increment', by: 2, max: 10 },
      ctx,
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(DecideCommand);
    expect(result).toMatchObject({ previous: 0, state: 2, appended: 1 });
    const [event] = await moduleRef.get(EventStore).readStream('counter-1');
    expect(event).toMatchObject({
      type: 'Incremented',
      revision: 0,
      metadata: { workspaceId: 'w', actor: 'test' },
    });
  });

  it('given concurrent commands on one stream, when both run, then each is decided on the state the other left', async () => {
    const results = await Promise.allSettled([
      executor.execute('counter-1', counter, { type: 'Increment', by: 3, max: 5 }, ctx),
      executor.execute('counter-1', counter, { type: 'Increment', by: 3, max: 5 }, ctx),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(WrongState);
    expect(await moduleRef.get(EventStore).readStream('counter-1')).toHaveLength(1);
  });

  it('given many streams, when executed together, then each gets its own events in one go', async () => {
    const results = await executor.executeMany(counter, [
      { stream: 'counter-a', command: { type: 'Increment', by: 1, max: 9 }, ctx },
      { stream: 'counter-b', command: { type: 'Increment', by: 4, max: 9 }, ctx },
    ]);
    expect(results.map((r) => r.state)).toEqual([1, 4]);
    expect(await moduleRef.get(EventStore).headPosition()).toBe('2');
  });
});

/** What the import's deciders are like: deciding on a state that already has the outcome decides nothing. */
type ObserveCommand = { type: 'Observe'; value: string };
type ObservedEvent = { type: 'Observed'; data: { value: string } };
const observer: Decider<ObserveCommand, ObservedEvent, string | null> = {
  initialState: null,
  evolve: (_, e) => e.data.value,
  decide: (c, s) => (s === c.value ? [] : [{ type: 'Observed', data: { value: c.value } }]),
};

/**
 * SQLite as EventStoreDB appends several streams: one by one, no transaction across them
 * (no `appendToStreams`). `beforeAppend` lets a test break in before a stream is written.
 */
function oneByOne(
  inner: SqliteEventStoreAdapter,
  beforeAppend: (stream: string) => Promise<void>,
): EventStoreAdapter {
  return {
    kind: inner.kind,
    appendToStream: async (
      stream: string,
      events: readonly NewEvent[],
      options?: { expectedRevision?: ExpectedRevision },
    ) => {
      await beforeAppend(stream);
      return inner.appendToStream(stream, events, options);
    },
    readStream: (stream, options) => inner.readStream(stream, options),
    readAll: (options) => inner.readAll(options),
    subscribe: (options) => inner.subscribe(options),
    headPosition: () => inner.headPosition(),
    comparePositions: (a, b) => inner.comparePositions(a, b),
    parsePosition: (text) => inner.parsePosition(text),
    close: () => inner.close(),
  };
}

describe('CommandExecutor.executeMany on a store without multi-stream transactions (real SQLite)', () => {
  let dir: string;
  let moduleRef: TestingModule;
  let executor: CommandExecutor;
  let inner: SqliteEventStoreAdapter;
  let breakIn: (stream: string) => Promise<void>;
  const batch = ['a', 'b', 'c'].map((id) => ({
    stream: `thing-${id}`,
    command: { type: 'Observe' as const, value: `seen-${id}` },
    ctx,
  }));
  const types = async (stream: string) =>
    (await moduleRef.get(EventStore).readStream(stream)).map((e) => e.data);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'executor-many-'));
    process.env.DATA_DIR = dir;
    inner = new SqliteEventStoreAdapter({ file: join(dir, 'events.sqlite') });
    breakIn = async () => undefined;
    moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule, PersistenceModule],
    })
      .overrideProvider(EventStore)
      .useValue(new EventStore(oneByOne(inner, (stream) => breakIn(stream))))
      .compile();
    await moduleRef.init();
    executor = moduleRef.get(CommandExecutor);
  });

  afterEach(async () => {
    await moduleRef.close();
    delete process.env.DATA_DIR;
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a batch that stopped after its first stream (a crash), when the same batch runs again, then it converges: no duplicate, every stream in its decided state', async () => {
    // given: the connection drops before the second stream is written
    breakIn = async (stream) => {
      if (stream === 'thing-b') throw new Error('connection lost');
    };
    const stopped = await executor.executeMany(observer, batch).then(
      () => null,
      (e: unknown) => e,
    );
    expect(stopped).toBeInstanceOf(PartialAppend);
    expect(stopped).toMatchObject({ written: [expect.anything()], total: 3 });
    expect(await types('thing-a')).toEqual([{ value: 'seen-a' }]);
    expect(await types('thing-b')).toEqual([]);

    // when
    breakIn = async () => undefined;
    const results = await executor.executeMany(observer, batch);

    // then
    expect(results.map((r) => [r.previous, r.state, r.appended])).toEqual([
      ['seen-a', 'seen-a', 0],
      [null, 'seen-b', 1],
      [null, 'seen-c', 1],
    ]);
    for (const id of ['a', 'b', 'c']) {
      expect(await types(`thing-${id}`)).toEqual([{ value: `seen-${id}` }]);
    }
  });

  it('given another writer on the second stream mid-batch, when executed, then the first stream stays recorded as appended and the rest are decided again', async () => {
    // given: someone else writes thing-b just before our batch reaches it
    let raced = false;
    breakIn = async (stream) => {
      if (stream !== 'thing-b' || raced) return;
      raced = true;
      await inner.appendToStream(
        stream,
        [
          {
            type: 'Observed',
            data: { value: 'seen-b' },
            metadata: {
              workspaceId: 'w',
              actor: 'other',
              correlationId: 'c',
              causationId: null,
              occurredAt: new Date().toISOString(),
              schemaVersion: 1,
            },
          },
        ],
        { expectedRevision: 'no_stream' },
      );
    };

    // when
    const results = await executor.executeMany(observer, batch);

    // then: thing-a was written by this batch and says so; thing-b already had the outcome
    expect(results.map((r) => [r.previous, r.state, r.appended])).toEqual([
      [null, 'seen-a', 1],
      ['seen-b', 'seen-b', 0],
      [null, 'seen-c', 1],
    ]);
    expect(results[0].append).not.toBeNull();
    for (const id of ['a', 'b', 'c']) {
      expect(await types(`thing-${id}`)).toEqual([{ value: `seen-${id}` }]);
    }
  });
});
