import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  EventStore,
  InvalidEvent,
  WrongExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from '@app/eventstore';
import { SqliteEventStoreAdapter } from '@app/eventstore/sqlite';
import { describeEventStoreContract } from './event-store.contract';

const dir = mkdtempSync(join(tmpdir(), 'event-store-contract-'));
let files = 0;
const freshFile = () => join(dir, `events-${++files}.sqlite`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEventStoreContract('sqlite', async () => {
  return new EventStore(new SqliteEventStoreAdapter({ file: freshFile(), pollIntervalMs: 50 }));
});

const event = (type: string): NewEvent => ({
  id: randomUUID(),
  type,
  data: { type },
  metadata: {
    workspaceId: 'ws',
    actor: 'test',
    correlationId: randomUUID(),
    causationId: null,
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  },
});

/** What only the embedded adapter promises: several handles on one file, as several processes. */
describe('sqlite adapter: two handles on one file', () => {
  let file: string;
  let writer: EventStore;
  let reader: EventStore;

  beforeEach(() => {
    file = freshFile();
    writer = new EventStore(new SqliteEventStoreAdapter({ file, pollIntervalMs: 50 }));
    reader = new EventStore(new SqliteEventStoreAdapter({ file, pollIntervalMs: 50 }));
  });

  afterEach(async () => {
    await writer.close();
    await reader.close();
  });

  it("a subscription sees another handle's appends by polling", async () => {
    // given
    const subscription = reader.subscribe({ filter: { categories: ['member'] } });
    const events = subscription[Symbol.asyncIterator]();
    const first = events.next();

    // when
    await writer.appendToStream('member-1', [event('Appended')]);

    // then
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      first,
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), 2000);
      }),
    ]);
    clearTimeout(timer);
    expect(result).not.toBe('timeout');
    expect((result as IteratorResult<RecordedEvent>).value.type).toBe('Appended');
    await subscription.close();
  });

  it('the expected revision holds across handles', async () => {
    // given
    await writer.appendToStream('member-1', [event('A')]);

    // when
    await reader.appendToStream('member-1', [event('FromReader')], { expectedRevision: 0 });

    // then
    await expect(
      writer.appendToStream('member-1', [event('FromWriter')], { expectedRevision: 0 }),
    ).rejects.toMatchObject({ constructor: WrongExpectedRevision, expected: 0, actual: 1 });
    expect((await writer.readStream('member-1')).map((e) => e.type)).toEqual(['A', 'FromReader']);
  });

  it('keeps the log across a reopen', async () => {
    // given
    await writer.appendToStream('member-1', [event('A'), event('B')]);
    await writer.close();

    // when
    writer = new EventStore(new SqliteEventStoreAdapter({ file }));

    // then
    expect((await writer.readStream('member-1')).map((e) => [e.type, e.revision])).toEqual([
      ['A', 0],
      ['B', 1],
    ]);
    expect(await writer.headPosition()).toBe('2');
  });
});

/**
 * Where the embedded adapter is stricter than EventStoreDB (which would store the duplicate):
 * an id appears at most once in a stream.
 */
describe('sqlite adapter: ids unique per stream', () => {
  let store: EventStore;

  beforeEach(() => {
    store = new EventStore(new SqliteEventStoreAdapter({ file: freshFile() }));
  });

  afterEach(() => store.close());

  it('refuses a new append that reuses an id already in the stream, and writes none of it', async () => {
    // given
    const old = event('A');
    await store.appendToStream('member-1', [old, event('B')]);

    // when
    const append = store.appendToStream('member-1', [event('C'), old], { expectedRevision: 1 });

    // then
    await expect(append).rejects.toBeInstanceOf(InvalidEvent);
    expect((await store.readStream('member-1')).map((e) => e.type)).toEqual(['A', 'B']);
  });

  it('refuses a batch that repeats an id', async () => {
    const twice = event('A');
    await expect(store.appendToStream('member-1', [twice, twice])).rejects.toBeInstanceOf(
      InvalidEvent,
    );
    expect(await store.readStream('member-1')).toEqual([]);
  });

  it('lets the same id appear in two different streams', async () => {
    const shared = event('A');
    await store.appendToStream('member-1', [shared]);
    await store.appendToStream('member-2', [shared]);
    expect((await store.readStream('member-2')).map((e) => e.id)).toEqual([shared.id]);
  });
});

/** The bulk path a check uses: several streams in one transaction. */
describe('sqlite adapter: appendToStreams', () => {
  let store: EventStore;

  beforeEach(() => {
    store = new EventStore(new SqliteEventStoreAdapter({ file: freshFile() }));
  });

  afterEach(() => store.close());

  it('given new streams, when appended together, then each gets revision 0 and positions follow the order', async () => {
    const results = await store.appendToStreams([
      { stream: 'member-a', events: [event('A')], expectedRevision: 'no_stream' },
      { stream: 'member-b', events: [event('B'), event('C')], expectedRevision: 'no_stream' },
    ]);
    expect(results).toEqual([
      { nextRevision: 0, position: '1' },
      { nextRevision: 1, position: '3' },
    ]);
    expect((await store.readStream('member-b')).map((e) => e.type)).toEqual(['B', 'C']);
  });

  it('given one write whose expected revision is stale, when appended together, then nothing is written', async () => {
    await store.appendToStream('member-b', [event('B')]);
    await expect(
      store.appendToStreams([
        { stream: 'member-a', events: [event('A')], expectedRevision: 'no_stream' },
        { stream: 'member-b', events: [event('B2')], expectedRevision: 'no_stream' },
      ]),
    ).rejects.toBeInstanceOf(WrongExpectedRevision);
    expect(await store.readStream('member-a')).toEqual([]);
    expect(await store.headPosition()).toBe('1');
  });

  it('given the same writes again with the same ids, when retried, then nothing is duplicated', async () => {
    const writes = [
      { stream: 'member-a', events: [event('A')], expectedRevision: 'no_stream' as const },
    ];
    const first = await store.appendToStreams(writes);
    expect(await store.appendToStreams(writes)).toEqual(first);
    expect(await store.headPosition()).toBe('1');
  });
});
