import { randomUUID } from 'node:crypto';
import {
  DEFAULT_MAX_EVENT_BYTES,
  EventStore,
  EventTooLarge,
  InvalidPosition,
  UpcasterRegistry,
  WrongExpectedRevision,
  type AppendResult,
  type EventFilter,
  type EventMetadata,
  type ExpectedRevision,
  type NewEvent,
  type Position,
  type RecordedEvent,
  type Subscription,
} from '@app/eventstore';

/**
 * The behaviour every event-store adapter must share, checked through the `EventStore` facade.
 * The production database is never reset between runs, so every test writes to categories
 * and streams unique to this run and reads the log from the head it found when it started.
 */

const RUN = randomUUID().replace(/-/g, '').slice(0, 10);
let sequence = 0;
/** A category no other test (nor an earlier run against the same database) has used. */
const freshCategory = (name: string): string => `${name}${RUN}n${++sequence}`;

const metadata = (overrides: Partial<EventMetadata> = {}): EventMetadata => ({
  workspaceId: 'ws-contract',
  actor: 'contract-test',
  correlationId: randomUUID(),
  causationId: null,
  occurredAt: '2026-01-02T03:04:05.000Z',
  schemaVersion: 1,
  ...overrides,
});

const newEvent = (type: string, data: unknown = {}, extra: Partial<NewEvent> = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: metadata(),
  ...extra,
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Resolves with the first `count` events, or rejects after `timeoutMs`. */
async function take(
  iterator: AsyncIterator<RecordedEvent>,
  count: number,
  timeoutMs = 5000,
): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    const remaining = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out with ${out.length} of ${count} events`)),
        Math.max(remaining, 1),
      );
    });
    try {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next.done) break;
      out.push(next.value);
    } finally {
      clearTimeout(timer);
    }
  }
  return out;
}

/** What the next call to `next()` gives within `ms`: an event, 'done', or 'nothing'. */
async function peek(
  iterator: AsyncIterator<RecordedEvent>,
  ms: number,
): Promise<RecordedEvent | 'done' | 'nothing'> {
  let timer: NodeJS.Timeout | undefined;
  const quiet = new Promise<'nothing'>((resolve) => {
    timer = setTimeout(() => resolve('nothing'), ms);
  });
  const result = await Promise.race([
    iterator.next().then((r) => (r.done ? ('done' as const) : r.value)),
    quiet,
  ]);
  clearTimeout(timer);
  return result;
}

const ids = (events: readonly RecordedEvent[]): string[] => events.map((e) => e.id);
const idsOfNew = (events: readonly NewEvent[]): string[] => events.map((e) => e.id ?? '');

async function expectWrongRevision(
  append: Promise<AppendResult>,
  stream: string,
  expected: ExpectedRevision,
  actual: number | 'no_stream',
): Promise<void> {
  const error: unknown = await append.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevision);
  expect(error).toMatchObject({ stream, expected, actual });
}

export function describeEventStoreContract(
  name: string,
  makeStore: () => Promise<EventStore>,
): void {
  describe(`event store contract: ${name}`, () => {
    let store: EventStore;
    /** The log's head before the test wrote anything: reads start here, not at the origin. */
    let start: Position | undefined;

    beforeEach(async () => {
      store = await makeStore();
      start = (await store.headPosition()) ?? undefined;
    });

    afterEach(async () => {
      await store.close();
    });

    /** Appends `count` events to `stream`, one append each, and returns what was stored. */
    async function seed(stream: string, types: readonly string[]): Promise<RecordedEvent[]> {
      for (const type of types) await store.appendToStream(stream, [newEvent(type)]);
      return store.readStream(stream);
    }

    describe('append and read back', () => {
      it('stores the envelope as given and stamps stream, revision, position and time', async () => {
        // given
        const stream = `${freshCategory('member')}-1`;
        const sent = newEvent(
          'MemberDiscovered',
          { name: 'Ada', roles: ['owner'], nested: { n: 1 } },
          {
            metadata: metadata({ causationId: 'cause-1', extraField: 'kept' }),
          },
        );
        const before = Date.now();

        // when
        const result = await store.appendToStream(stream, [sent], {
          expectedRevision: 'no_stream',
        });

        // then
        const [stored] = await store.readStream(stream);
        expect(stored).toEqual({
          id: sent.id,
          type: 'MemberDiscovered',
          data: { name: 'Ada', roles: ['owner'], nested: { n: 1 } },
          metadata: sent.metadata,
          stream,
          revision: 0,
          position: result.position,
          recordedAt: expect.any(String),
        });
        expect(typeof stored.position).toBe('string');
        if (start !== undefined) expect(store.comparePositions(stored.position, start)).toBe(1);
        expect(stored.recordedAt).toBe(new Date(stored.recordedAt).toISOString());
        expect(Date.parse(stored.recordedAt)).toBeGreaterThanOrEqual(before - 60_000);
        expect(Date.parse(stored.recordedAt)).toBeLessThanOrEqual(Date.now() + 60_000);
      });

      it('numbers revisions from 0 without gaps and returns the last one as nextRevision', async () => {
        // given
        const stream = `${freshCategory('member')}-1`;

        // when
        const first = await store.appendToStream(stream, [
          newEvent('A'),
          newEvent('B'),
          newEvent('C'),
        ]);
        const second = await store.appendToStream(stream, [newEvent('D'), newEvent('E')], {
          expectedRevision: 2,
        });

        // then
        const events = await store.readStream(stream);
        expect(events.map((e) => [e.type, e.revision])).toEqual([
          ['A', 0],
          ['B', 1],
          ['C', 2],
          ['D', 3],
          ['E', 4],
        ]);
        expect(first.nextRevision).toBe(2);
        expect(second.nextRevision).toBe(4);
        expect(first.position).toBe(events[2].position);
        expect(second.position).toBe(events[4].position);
      });

      it('gives positions that strictly increase in append order, across streams', async () => {
        // given
        const category = freshCategory('member');
        const order: string[] = [];

        // when
        for (let i = 0; i < 6; i++) {
          const batch = [newEvent('Tick', { i }), newEvent('Tock', { i })];
          await store.appendToStream(`${category}-${i % 3}`, batch);
          order.push(...idsOfNew(batch));
        }

        // then
        const all = await collect(
          store.readAll({ after: start, filter: { categories: [category] } }),
        );
        expect(ids(all)).toEqual(order);
        for (let i = 1; i < all.length; i++) {
          expect(store.comparePositions(all[i].position, all[i - 1].position)).toBe(1);
          expect(store.comparePositions(all[i - 1].position, all[i].position)).toBe(-1);
          expect(store.comparePositions(all[i].position, all[i].position)).toBe(0);
        }
        const head = await store.headPosition();
        expect(head).not.toBeNull();
        expect(store.isAtOrAfter(head, all[all.length - 1].position)).toBe(true);
      });

      it('reads a stream that does not exist as empty', async () => {
        expect(await store.readStream(`${freshCategory('member')}-missing`)).toEqual([]);
      });
    });

    describe('expected revision', () => {
      it("'no_stream' succeeds on a new stream and fails on an existing one", async () => {
        // given
        const stream = `${freshCategory('member')}-1`;
        await store.appendToStream(stream, [newEvent('A')], { expectedRevision: 'no_stream' });

        // when / then
        await expectWrongRevision(
          store.appendToStream(stream, [newEvent('B')], { expectedRevision: 'no_stream' }),
          stream,
          'no_stream',
          0,
        );
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A']);
      });

      it("'stream_exists' fails on a new stream and succeeds on an existing one", async () => {
        // given
        const stream = `${freshCategory('member')}-1`;

        // when / then
        await expectWrongRevision(
          store.appendToStream(stream, [newEvent('A')], { expectedRevision: 'stream_exists' }),
          stream,
          'stream_exists',
          'no_stream',
        );
        expect(await store.readStream(stream)).toEqual([]);

        await store.appendToStream(stream, [newEvent('A')]);
        const result = await store.appendToStream(stream, [newEvent('B')], {
          expectedRevision: 'stream_exists',
        });
        expect(result.nextRevision).toBe(1);
      });

      it("'any' appends whatever the stream's state", async () => {
        // given
        const stream = `${freshCategory('member')}-1`;

        // when
        const first = await store.appendToStream(stream, [newEvent('A')], {
          expectedRevision: 'any',
        });
        const second = await store.appendToStream(stream, [newEvent('B')], {
          expectedRevision: 'any',
        });
        const third = await store.appendToStream(stream, [newEvent('C')]);

        // then
        expect([first.nextRevision, second.nextRevision, third.nextRevision]).toEqual([0, 1, 2]);
      });

      it('a revision succeeds when it is the last one and fails when stale or ahead', async () => {
        // given
        const stream = `${freshCategory('member')}-1`;
        await store.appendToStream(stream, [newEvent('A'), newEvent('B')]);

        // when / then
        await expectWrongRevision(
          store.appendToStream(stream, [newEvent('Stale')], { expectedRevision: 0 }),
          stream,
          0,
          1,
        );
        await expectWrongRevision(
          store.appendToStream(stream, [newEvent('Ahead')], { expectedRevision: 2 }),
          stream,
          2,
          1,
        );
        const ok = await store.appendToStream(stream, [newEvent('C')], { expectedRevision: 1 });
        expect(ok.nextRevision).toBe(2);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it("a revision on a stream that does not exist fails with actual 'no_stream'", async () => {
        const stream = `${freshCategory('member')}-1`;
        await expectWrongRevision(
          store.appendToStream(stream, [newEvent('A')], { expectedRevision: 0 }),
          stream,
          0,
          'no_stream',
        );
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('a failed multi-event append leaves nothing behind, in the stream or in the log', async () => {
        // given
        const category = freshCategory('member');
        const stream = `${category}-1`;
        await store.appendToStream(stream, [newEvent('A')]);

        // when
        await expectWrongRevision(
          store.appendToStream(stream, [newEvent('X'), newEvent('Y'), newEvent('Z')], {
            expectedRevision: 'no_stream',
          }),
          stream,
          'no_stream',
          0,
        );

        // then
        const log = await collect(
          store.readAll({ after: start, filter: { categories: [category] } }),
        );
        expect(log.map((e) => e.type)).toEqual(['A']);
      });

      it('of two concurrent appends expecting the same revision, exactly one wins', async () => {
        // given
        const stream = `${freshCategory('member')}-1`;
        await store.appendToStream(stream, [newEvent('A')]);
        const left = [newEvent('Left1'), newEvent('Left2')];
        const right = [newEvent('Right1'), newEvent('Right2')];

        // when
        const outcomes = await Promise.allSettled([
          store.appendToStream(stream, left, { expectedRevision: 0 }),
          store.appendToStream(stream, right, { expectedRevision: 0 }),
        ]);

        // then
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o) => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevision);
        expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ expected: 0, actual: 2 });
        const winner = outcomes[0].status === 'fulfilled' ? left : right;
        expect(ids(await store.readStream(stream)).slice(1)).toEqual(idsOfNew(winner));
      });
    });

    describe('idempotent append', () => {
      it('a retry with the same ids writes nothing and returns the first result', async () => {
        // given
        const stream = `${freshCategory('member')}-1`;
        const batch = [newEvent('A'), newEvent('B')];
        const first = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });

        // when
        const retry = await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });

        // then
        expect(retry).toEqual(first);
        expect(ids(await store.readStream(stream))).toEqual(idsOfNew(batch));
      });

      it('a retry still succeeds after the stream has moved on', async () => {
        // given
        const stream = `${freshCategory('member')}-1`;
        await store.appendToStream(stream, [newEvent('A')]);
        const batch = [newEvent('B'), newEvent('C')];
        const first = await store.appendToStream(stream, batch, { expectedRevision: 0 });
        await store.appendToStream(stream, [newEvent('D')], { expectedRevision: 2 });

        // when
        const retry = await store.appendToStream(stream, batch, { expectedRevision: 0 });

        // then
        expect(retry).toEqual(first);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
      });

      it("a retry with 'any' writes nothing", async () => {
        // given
        const stream = `${freshCategory('member')}-1`;
        await store.appendToStream(stream, [newEvent('A')]);
        const batch = [newEvent('B'), newEvent('C')];
        const first = await store.appendToStream(stream, batch, { expectedRevision: 'any' });

        // when
        const retry = await store.appendToStream(stream, batch, { expectedRevision: 'any' });

        // then
        expect(retry).toEqual(first);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('a batch that only partly matches what is stored there conflicts and writes nothing', async () => {
        // given
        const stream = `${freshCategory('member')}-1`;
        const batch = [newEvent('A'), newEvent('B')];
        await store.appendToStream(stream, batch, { expectedRevision: 'no_stream' });

        // when
        const partial = [batch[0], newEvent('New')];

        // then
        await expectWrongRevision(
          store.appendToStream(stream, partial, { expectedRevision: 'no_stream' }),
          stream,
          'no_stream',
          1,
        );
        expect(ids(await store.readStream(stream))).toEqual(idsOfNew(batch));
      });
    });

    describe('reading a stream', () => {
      it('reads forwards and backwards, from a revision, up to maxCount', async () => {
        // given
        const stream = `${freshCategory('member')}-1`;
        await seed(stream, ['E0', 'E1', 'E2', 'E3', 'E4']);
        const types = (events: RecordedEvent[]) => events.map((e) => e.type);

        // when / then
        expect(types(await store.readStream(stream))).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);
        expect(types(await store.readStream(stream, { direction: 'backwards' }))).toEqual([
          'E4',
          'E3',
          'E2',
          'E1',
          'E0',
        ]);
        expect(types(await store.readStream(stream, { fromRevision: 2 }))).toEqual([
          'E2',
          'E3',
          'E4',
        ]);
        expect(
          types(await store.readStream(stream, { fromRevision: 2, direction: 'backwards' })),
        ).toEqual(['E2', 'E1', 'E0']);
        expect(types(await store.readStream(stream, { fromRevision: 1, maxCount: 2 }))).toEqual([
          'E1',
          'E2',
        ]);
        expect(
          types(await store.readStream(stream, { direction: 'backwards', maxCount: 1 })),
        ).toEqual(['E4']);
        expect(await store.readStream(stream, { fromRevision: 5 })).toEqual([]);
      });

      it('does not mix in events of streams whose name starts the same', async () => {
        // given
        const category = freshCategory('member');
        await store.appendToStream(`${category}-1`, [newEvent('Mine')]);
        await store.appendToStream(`${category}-10`, [newEvent('Other')]);

        // when
        const events = await store.readStream(`${category}-1`);

        // then
        expect(events.map((e) => e.type)).toEqual(['Mine']);
      });
    });

    describe('reading the log', () => {
      /** Two categories, three streams, two types, interleaved; returns them in append order. */
      async function seedLog() {
        const members = freshCategory('member');
        const identities = freshCategory('identity');
        const plan: [string, string][] = [
          [`${members}-a`, 'MemberDiscovered'],
          [`${identities}-x`, 'IdentityProvisioned'],
          [`${members}-b`, 'MemberDiscovered'],
          [`${members}-a`, 'MemberMatched'],
          [`${identities}-x`, 'IdentityDeprovisioned'],
          [`${members}-b`, 'MemberMatched'],
          [`${members}-a`, 'MemberRemoved'],
        ];
        const appended: RecordedEvent[] = [];
        for (const [stream, type] of plan) {
          const sent = newEvent(type);
          const { position, nextRevision } = await store.appendToStream(stream, [sent]);
          appended.push({
            ...sent,
            id: sent.id ?? '',
            stream,
            revision: nextRevision,
            position,
            recordedAt: '',
          });
        }
        return { members, identities, appended };
      }

      it('filters by category, by event type, by stream, and by all of them at once', async () => {
        // given
        const { members, identities, appended } = await seedLog();
        const read = (filter: EventFilter) =>
          collect(store.readAll({ after: start, filter })).then(ids);
        const where = (test: (e: RecordedEvent) => boolean) => ids(appended.filter(test));

        // when / then
        expect(await read({ categories: [members] })).toEqual(
          where((e) => e.stream.startsWith(`${members}-`)),
        );
        expect(await read({ categories: [members, identities] })).toEqual(ids(appended));
        expect(await read({ eventTypes: ['MemberMatched'] })).toEqual(
          where((e) => e.type === 'MemberMatched' && e.stream.startsWith(members)),
        );
        expect(await read({ streams: [`${members}-b`, `${identities}-x`] })).toEqual(
          where((e) => e.stream === `${members}-b` || e.stream === `${identities}-x`),
        );
        expect(
          await read({ categories: [members], eventTypes: ['MemberDiscovered', 'MemberRemoved'] }),
        ).toEqual(where((e) => e.stream.startsWith(members) && e.type !== 'MemberMatched'));
        expect(await read({ categories: [identities], eventTypes: ['MemberMatched'] })).toEqual([]);
      });

      it('reads forwards and backwards, after an exclusive position, up to maxCount', async () => {
        // given
        const { members, identities, appended } = await seedLog();
        const filter = { categories: [members, identities] };
        const third = appended[2].position;

        // when / then
        const forwards = await collect(store.readAll({ after: start, filter }));
        expect(ids(forwards)).toEqual(ids(appended));
        expect(forwards.map((e) => [e.position, e.revision])).toEqual(
          appended.map((e) => [e.position, e.revision]),
        );

        const backwards = await collect(store.readAll({ direction: 'backwards', filter }));
        expect(ids(backwards)).toEqual(ids(appended).reverse());

        const afterThird = await collect(store.readAll({ after: third, filter }));
        expect(ids(afterThird)).toEqual(ids(appended.slice(3)));

        const two = await collect(store.readAll({ after: third, maxCount: 2, filter }));
        expect(ids(two)).toEqual(ids(appended.slice(3, 5)));

        const lastTwo = await collect(
          store.readAll({ direction: 'backwards', maxCount: 2, filter }),
        );
        expect(ids(lastTwo)).toEqual(ids(appended.slice(-2)).reverse());
      });

      it('reads after EVERY position of the log exactly the events that follow it, and subscribes likewise', async () => {
        // given: a log of several streams, with one multi-event append among single ones
        const { members, identities } = await seedLog();
        await store.appendToStream(`${members}-c`, [
          newEvent('X1'),
          newEvent('X2'),
          newEvent('X3'),
        ]);
        const filter = { categories: [members, identities] };
        const log = await collect(store.readAll({ after: start, filter }));
        expect(log.length).toBe(10);

        for (let i = 0; i < log.length; i++) {
          // when: reading after the i-th event's position
          const read = await collect(store.readAll({ after: log[i].position, filter }));
          // then: exactly the events after it, none repeated, none skipped
          expect(ids(read)).toEqual(ids(log.slice(i + 1)));

          // and a subscription after it delivers the same, starting with the very next event
          const rest = log.slice(i + 1);
          const subscription = store.subscribe({ after: log[i].position, filter });
          const events = subscription[Symbol.asyncIterator]();
          try {
            expect(ids(await take(events, rest.length))).toEqual(ids(rest));
            expect(await peek(events, 50)).toBe('nothing');
          } finally {
            await subscription.close();
          }
        }
      });

      it('gives back its own positions from their text, and refuses what is no position of it', async () => {
        // given
        const { appended } = await seedLog();
        const position = appended[3].position;

        // when / then: the wire form (the string itself) parses back to an equal position
        const parsed = store.parsePosition(`${position}`);
        expect(parsed).toBe(position);
        expect(ids(await collect(store.readAll({ after: parsed, maxCount: 1 })))).toEqual(
          ids(await collect(store.readAll({ after: position, maxCount: 1 }))),
        );
        for (const text of ['', 'abc', '-1', '1.5', ' 1', '1:2:3', `${position}x`]) {
          expect(() => store.parsePosition(text)).toThrow(InvalidPosition);
        }
        // backwards reads start at the end: an `after` there would be meaningless
        await expect(
          collect(store.readAll({ after: position, direction: 'backwards' })),
        ).rejects.toThrow(RangeError);
      });

      it('without a filter, yields every event appended, in order, among any others', async () => {
        // given
        const { appended } = await seedLog();

        // when
        const all = await collect(store.readAll({ after: start }));

        // then
        const mine = new Set(ids(appended));
        expect(ids(all.filter((e) => mine.has(e.id)))).toEqual(ids(appended));
        for (let i = 1; i < all.length; i++) {
          expect(store.comparePositions(all[i].position, all[i - 1].position)).toBe(1);
        }
        expect(all.some((e) => e.type.startsWith('$'))).toBe(false);
      });
    });

    describe('subscriptions', () => {
      let subscriptions: Subscription[] = [];
      const open = (options: Parameters<EventStore['subscribe']>[0]) => {
        const subscription = store.subscribe(options);
        subscriptions.push(subscription);
        return { subscription, events: subscription[Symbol.asyncIterator]() };
      };

      afterEach(async () => {
        await Promise.all(subscriptions.map((s) => s.close()));
        subscriptions = [];
      });

      it('catches up from the checkpoint, then delivers live appends', async () => {
        // given
        const category = freshCategory('member');
        const stream = `${category}-1`;
        const old = await seed(stream, ['Old1', 'Old2', 'Old3']);
        const { events } = open({
          after: start,
          filter: { categories: [category] },
          batchSize: 2,
        });

        // when
        const caughtUp = await take(events, 3);
        await store.appendToStream(stream, [newEvent('Live1'), newEvent('Live2')]);
        const live = await take(events, 2);

        // then
        expect(ids(caughtUp)).toEqual(ids(old));
        expect(live.map((e) => e.type)).toEqual(['Live1', 'Live2']);
        expect(store.comparePositions(live[0].position, caughtUp[2].position)).toBe(1);
      });

      it('delivers strictly after the checkpoint, and only what the filter selects', async () => {
        // given
        const category = freshCategory('member');
        await seed(`${category}-1`, ['A', 'Skip', 'B', 'Skip', 'C']);
        const [first] = await store.readStream(`${category}-1`, { maxCount: 1 });

        // when
        const { events } = open({
          after: first.position,
          filter: { categories: [category], eventTypes: ['A', 'B', 'C'] },
        });

        // then
        expect((await take(events, 2)).map((e) => e.type)).toEqual(['B', 'C']);
      });

      it('resumes from a stored checkpoint with no event lost and none repeated', async () => {
        // given
        const category = freshCategory('member');
        const filter = { categories: [category] };
        const written = await seed(`${category}-1`, ['E0', 'E1', 'E2', 'E3']);
        const firstRun = open({ after: start, filter });
        const delivered = await take(firstRun.events, 2);
        const checkpoint = delivered[1].position;
        await firstRun.subscription.close();
        await store.appendToStream(`${category}-2`, [newEvent('E4')]);

        // when
        const secondRun = open({ after: checkpoint, filter });
        const rest = await take(secondRun.events, 3);

        // then
        expect([...ids(delivered), ...ids(rest)]).toEqual([
          ...ids(written),
          ...ids(await store.readStream(`${category}-2`)),
        ]);
        expect(await peek(secondRun.events, 300)).toBe('nothing');
      });

      it('close() ends a waiting iteration promptly and nothing is delivered after it', async () => {
        // given
        const category = freshCategory('member');
        await seed(`${category}-1`, ['A']);
        const { subscription, events } = open({
          after: start,
          filter: { categories: [category] },
        });
        await take(events, 1);
        const waiting = events.next();

        // when
        const closedAt = Date.now();
        await subscription.close();
        const result = await waiting;
        await store.appendToStream(`${category}-1`, [newEvent('AfterClose')]);

        // then
        expect(result.done).toBe(true);
        expect(Date.now() - closedAt).toBeLessThan(1000);
        expect(await peek(events, 300)).toBe('done');
      });
    });

    describe('size limit', () => {
      it('refuses an event over 1 MiB with EventTooLarge and appends nothing', async () => {
        // given
        const stream = `${freshCategory('member')}-1`;
        const big = newEvent('Big', { blob: 'x'.repeat(DEFAULT_MAX_EVENT_BYTES) });

        // when
        const error: unknown = await store.appendToStream(stream, [newEvent('Small'), big]).then(
          () => null,
          (e: unknown) => e,
        );

        // then
        expect(error).toBeInstanceOf(EventTooLarge);
        expect(error).toMatchObject({ eventType: 'Big', limitBytes: 1024 * 1024 });
        expect((error as EventTooLarge).sizeBytes).toBeGreaterThan(1024 * 1024);
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('accepts an event of a few hundred KiB', async () => {
        const stream = `${freshCategory('member')}-1`;
        const blob = 'y'.repeat(300 * 1024);
        await store.appendToStream(stream, [newEvent('Medium', { blob })]);
        const [stored] = await store.readStream(stream);
        expect(stored.data).toEqual({ blob });
      });
    });

    describe('upcasting', () => {
      const upcasters = () =>
        new UpcasterRegistry([
          {
            eventType: 'MemberNamed',
            fromVersion: 1,
            upcast: (data) => {
              const { name } = data as { name: string };
              const [first, last] = name.split(' ');
              return { firstName: first, lastName: last };
            },
          },
        ]);

      it('reads an old schema version as the current one, and leaves the stored event as it was', async () => {
        // given: an event written at schema version 1
        const category = freshCategory('member');
        const stream = `${category}-1`;
        await store.appendToStream(stream, [newEvent('MemberNamed', { name: 'Ada Lovelace' })]);
        const upcasting = new EventStore(store.adapter, { upcasters: upcasters() });

        // when
        const [fromStream] = await upcasting.readStream(stream);
        const [fromLog] = await collect(
          upcasting.readAll({ after: start, filter: { categories: [category] } }),
        );
        const subscription = upcasting.subscribe({
          after: start,
          filter: { categories: [category] },
        });
        const [fromSubscription] = await take(subscription[Symbol.asyncIterator](), 1);
        await subscription.close();

        // then
        for (const event of [fromStream, fromLog, fromSubscription]) {
          expect(event.data).toEqual({ firstName: 'Ada', lastName: 'Lovelace' });
          expect(event.metadata.schemaVersion).toBe(2);
        }
        const [stored] = await store.adapter.readStream(stream);
        expect(stored.data).toEqual({ name: 'Ada Lovelace' });
        expect(stored.metadata.schemaVersion).toBe(1);
      });
    });
  });
}
