import {
  InvalidCursor,
  UnknownCollection,
  UnknownField,
  type Collection,
  type Document,
  type FindOptions,
  type Json,
  type ReadModelStore,
  type ReadModelTransaction,
  type SortKey,
  type Where,
} from '@app/readmodels';

/**
 * The behaviour every read-model store adapter must share. Expectations are written out by
 * hand, or computed by an independent in-memory oracle, never read back from the adapter.
 */
export interface StoreFixture {
  /** A store over fresh, empty storage. */
  store: ReadModelStore;
  /** Another store over the same storage, as after a restart or from a second process. */
  reopen(): Promise<ReadModelStore>;
  /** Closes every store it opened and removes the storage. */
  dispose(): Promise<void>;
}

type Doc = Document & Record<string, Json>;

const VALUES = { name: 'values', indexes: ['v', 'nested.v'] };

/** One document per kind of value, so that every condition shows what it must not match. */
const VALUE_DOCS: Doc[] = [
  { id: 'num-neg', v: -1 },
  { id: 'num-0', v: 0 },
  { id: 'num-1', v: 1 },
  { id: 'num-2', v: 2 },
  { id: 'num-2.5', v: 2.5 },
  { id: 'num-10', v: 10 },
  { id: 'str-empty', v: '' },
  { id: 'str-1', v: '1' },
  { id: 'str-10', v: '10' },
  { id: 'str-b', v: 'b' },
  { id: 'bool-false', v: false },
  { id: 'bool-true', v: true },
  { id: 'null', v: null },
  { id: 'missing' },
];

const idsOf = (docs: readonly Document[]): string[] => docs.map((d) => d.id);
const sorted = (ids: readonly string[]): string[] => [...ids].sort();
const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function seed(store: ReadModelStore, collection: string, docs: readonly Doc[]) {
  await store.transaction(async (tx) => {
    for (const doc of docs) await tx.collection(collection).upsert(doc);
  });
}

/** Every page of a query, following nextCursor. */
async function allPages(collection: Collection, options: FindOptions): Promise<Document[][]> {
  const pages: Document[][] = [];
  let cursor = options.cursor;
  for (;;) {
    const page = await collection.find({ ...options, cursor });
    pages.push(page.items);
    if (page.nextCursor === null) return pages;
    if (pages.length > 1000) throw new Error('pagination does not end');
    cursor = page.nextCursor;
  }
}

// ---- the oracle: MongoDB's cross-type order, written independently of the adapters ----

function valueAt(doc: Document, path: string): Json {
  let current: unknown = doc;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return null;
    current = (current as Record<string, unknown>)[segment];
  }
  return current === undefined ? null : (current as Json);
}

const RANK: Record<string, number> = { null: 0, number: 1, string: 2, boolean: 5 };

function compareValues(a: Json, b: Json): number {
  const ra = RANK[a === null ? 'null' : typeof a];
  const rb = RANK[b === null ? 'null' : typeof b];
  if (ra !== rb) return ra - rb;
  if (a === null || b === null) return 0;
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

function oracleOrder(docs: readonly Document[], sort: readonly SortKey[]): string[] {
  const keys = [...sort];
  if (!keys.some((k) => k.field === 'id')) {
    keys.push({ field: 'id', direction: keys.at(-1)?.direction ?? 'asc' });
  }
  return idsOf(
    [...docs].sort((x, y) => {
      for (const key of keys) {
        const c = compareValues(valueAt(x, key.field), valueAt(y, key.field));
        if (c !== 0) return key.direction === 'desc' ? -c : c;
      }
      return 0;
    }),
  );
}

export function describeReadModelStoreContract(
  name: string,
  makeStore: () => Promise<StoreFixture>,
): void {
  describe(`read-model store contract: ${name}`, () => {
    let fixture: StoreFixture;
    let store: ReadModelStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.dispose();
    });

    describe('documents', () => {
      const PEOPLE = { name: 'people', indexes: ['tab'] };
      beforeEach(() => store.ensureCollection(PEOPLE));

      it('returns an upserted document as it was written, id first', async () => {
        // given a document with every kind of JSON value, id not first
        const doc = {
          name: 'Zoë 😀',
          id: 'p1',
          tab: 'unmatched',
          score: -12.75,
          active: false,
          manager: null,
          tags: ['a', 1, true, null],
          identity: { id: 'okta-1', emails: ['z@example.com'] },
        };
        // when
        await store.collection('people').upsert(doc);
        const found = await store.collection('people').get('p1');
        // then
        expect(found).toEqual(doc);
        expect(Object.keys(found ?? {})[0]).toBe('id');
      });

      it('stores documents as JSON: undefined fields dropped, dates as ISO strings', async () => {
        // given
        const at = new Date('2026-01-02T03:04:05.000Z');
        // when
        await store.collection('people').upsert({ id: 'p1', gone: undefined, at } as Document);
        // then
        expect(await store.collection('people').get('p1')).toEqual({
          id: 'p1',
          at: '2026-01-02T03:04:05.000Z',
        });
      });

      it('replaces the whole document on upsert', async () => {
        // given
        await store.collection('people').upsert({ id: 'p1', tab: 'unmatched', old: 1 });
        // when
        await store.collection('people').upsert({ id: 'p1', tab: 'onboarded' });
        // then
        expect(await store.collection('people').get('p1')).toEqual({ id: 'p1', tab: 'onboarded' });
        expect(await store.collection('people').count()).toBe(1);
      });

      it('returns null for a missing id', async () => {
        await store.collection('people').upsert({ id: 'p1' });
        expect(await store.collection('people').get('p2')).toBeNull();
      });

      it('getMany returns the found documents in the requested order, once each', async () => {
        // given
        for (const id of ['a', 'b', 'c']) await store.collection('people').upsert({ id, n: id });
        // when
        const found = await store.collection('people').getMany(['c', 'nope', 'a', 'c']);
        // then
        expect(found).toEqual([
          { id: 'c', n: 'c' },
          { id: 'a', n: 'a' },
        ]);
        expect(await store.collection('people').getMany([])).toEqual([]);
      });

      it('patch merges shallowly: nested objects are replaced and null is kept', async () => {
        // given
        await store.collection('people').upsert({
          id: 'p1',
          tab: 'unmatched',
          identity: { id: 'x', email: 'x@example.com' },
          note: 'keep',
        });
        // when
        const patched = await store
          .collection('people')
          .patch('p1', { tab: null, identity: { id: 'y' }, added: 3 });
        // then
        expect(patched).toBe(true);
        expect(await store.collection('people').get('p1')).toEqual({
          id: 'p1',
          tab: null,
          identity: { id: 'y' },
          note: 'keep',
          added: 3,
        });
      });

      it('patch of a missing document returns false and creates nothing', async () => {
        expect(await store.collection('people').patch('ghost', { tab: 'x' })).toBe(false);
        expect(await store.collection('people').get('ghost')).toBeNull();
      });

      it('patch cannot change the id', async () => {
        await store.collection('people').upsert({ id: 'p1' });
        await expect(store.collection('people').patch('p1', { id: 'p2' })).rejects.toThrow(
          TypeError,
        );
        expect(await store.collection('people').get('p1')).toEqual({ id: 'p1' });
      });

      it('delete removes a document and reports whether there was one', async () => {
        // given
        await store.collection('people').upsert({ id: 'p1' });
        // when / then
        expect(await store.collection('people').delete('p1')).toBe(true);
        expect(await store.collection('people').delete('p1')).toBe(false);
        expect(await store.collection('people').get('p1')).toBeNull();
      });

      it('refuses a document without a string id', async () => {
        const people = store.collection('people');
        await expect(people.upsert({ id: 7 } as never)).rejects.toThrow(TypeError);
        await expect(people.upsert({ id: '' } as never)).rejects.toThrow(TypeError);
        expect(await store.collection('people').count()).toBe(0);
      });
    });

    describe('find: conditions keep JSON types apart', () => {
      beforeEach(async () => {
        await store.ensureCollection(VALUES);
        await seed(store, 'values', VALUE_DOCS);
      });

      const cases: [string, Where, string[]][] = [
        ['a number', { v: 1 }, ['num-1']],
        ['zero (not false, not null)', { v: 0 }, ['num-0']],
        ['a float', { v: 2.5 }, ['num-2.5']],
        ['a string that looks like a number', { v: '1' }, ['str-1']],
        ['the empty string', { v: '' }, ['str-empty']],
        ['true (not 1)', { v: true }, ['bool-true']],
        ['false (not 0)', { v: false }, ['bool-false']],
        ['null: explicit null and missing', { v: null }, ['missing', 'null']],
        [
          'in, across types and null',
          { v: { in: [1, '10', true, null] } },
          ['bool-true', 'missing', 'null', 'num-1', 'str-10'],
        ],
        ['in with booleans only', { v: { in: [false] } }, ['bool-false']],
        ['an empty in', { v: { in: [] } }, []],
        ['gt on numbers (no strings, booleans)', { v: { gt: 1 } }, ['num-10', 'num-2', 'num-2.5']],
        ['gte and lt on numbers', { v: { gte: 0, lt: 2 } }, ['num-0', 'num-1']],
        ['lte on numbers (no null)', { v: { lte: 0 } }, ['num-0', 'num-neg']],
        ['gt and lte on numbers', { v: { gt: 2, lte: 10 } }, ['num-10', 'num-2.5']],
        ['gt on strings (no numbers)', { v: { gt: '1' } }, ['str-10', 'str-b']],
        ['lt on strings (no null)', { v: { lt: '1' } }, ['str-empty']],
        ['gte and lte on strings', { v: { gte: '', lte: '10' } }, ['str-1', 'str-10', 'str-empty']],
        ['bounds of mixed types', { v: { gt: 0, lt: 'z' } }, []],
        ['id equality', { id: 'num-1' }, ['num-1']],
        ['id as a number never matches', { id: 5 }, []],
        ['id in', { id: { in: ['str-b', 'nope', 'null'] } }, ['null', 'str-b']],
        ['id range', { id: { gte: 'num-', lt: 'num-2' } }, ['num-0', 'num-1', 'num-10']],
        [
          'several conditions together',
          { v: { gte: 1 }, id: { lt: 'num-2' } },
          ['num-1', 'num-10'],
        ],
      ];

      it.each(cases)('%s', async (_label, where, expected) => {
        // when
        const page = await store.collection('values').find({ where, limit: 100 });
        // then
        expect(idsOf(page.items)).toEqual(expected);
        expect(page.nextCursor).toBeNull();
        expect(await store.collection('values').count(where)).toBe(expected.length);
      });

      it('ignores a condition given as undefined', async () => {
        const where = { v: undefined } as unknown as Where;
        expect(await store.collection('values').count(where)).toBe(VALUE_DOCS.length);
      });

      it('filters on dotted paths, a null parent counting as null', async () => {
        // given
        await seed(store, 'values', [
          { id: 'x-1', nested: { v: 1 } },
          { id: 'x-str', nested: { v: '1' } },
          { id: 'x-true', nested: { v: true } },
          { id: 'x-null-parent', nested: null },
          { id: 'x-empty', nested: {} },
        ]);
        // when / then
        const find = (where: Where) =>
          store
            .collection('values')
            .find({ where: { ...where, id: { gte: 'x-' } } })
            .then((p) => idsOf(p.items));
        expect(await find({ 'nested.v': 1 })).toEqual(['x-1']);
        expect(await find({ 'nested.v': '1' })).toEqual(['x-str']);
        expect(await find({ 'nested.v': true })).toEqual(['x-true']);
        expect(await find({ 'nested.v': null })).toEqual(['x-empty', 'x-null-parent']);
        expect(await find({ 'nested.v': { gte: 0 } })).toEqual(['x-1']);
      });

      it('refuses a malformed condition', async () => {
        const where = { v: { eq: 1 } } as unknown as Where;
        await expect(store.collection('values').find({ where })).rejects.toThrow(TypeError);
      });
    });

    describe('find: order', () => {
      beforeEach(async () => {
        await store.ensureCollection(VALUES);
        await seed(store, 'values', VALUE_DOCS);
      });

      const ASCENDING = [
        'missing',
        'null',
        'num-neg',
        'num-0',
        'num-1',
        'num-2',
        'num-2.5',
        'num-10',
        'str-empty',
        'str-1',
        'str-10',
        'str-b',
        'bool-false',
        'bool-true',
      ];

      it('sorts ascending across types: null/missing < numbers < strings < booleans', async () => {
        const page = await store.collection('values').find({ sort: [{ field: 'v' }] });
        expect(idsOf(page.items)).toEqual(ASCENDING);
      });

      it('sorts descending as the exact reverse, ties on id descending too', async () => {
        const page = await store
          .collection('values')
          .find({ sort: [{ field: 'v', direction: 'desc' }] });
        expect(idsOf(page.items)).toEqual([...ASCENDING].reverse());
      });

      it('sorts by id when no sort is given, and by id desc on request', async () => {
        const byId = await store.collection('values').find();
        expect(idsOf(byId.items)).toEqual(sorted(idsOf(VALUE_DOCS)));
        const desc = await store
          .collection('values')
          .find({ sort: [{ field: 'id', direction: 'desc' }] });
        expect(idsOf(desc.items)).toEqual(sorted(idsOf(VALUE_DOCS)).reverse());
      });

      it('breaks ties on several keys, with id in the direction of the last key', async () => {
        // given
        await store.ensureCollection({ name: 'ties', indexes: ['g', 'n'] });
        await seed(store, 'ties', [
          { id: 'a', g: 'x', n: 1 },
          { id: 'b', g: 'x', n: 2 },
          { id: 'c', g: 'y', n: 1 },
          { id: 'd', g: 'x', n: 1 },
          { id: 'e', g: 'y', n: 1 },
        ]);
        const order = (sort: SortKey[]) =>
          store
            .collection('ties')
            .find({ sort })
            .then((p) => idsOf(p.items));
        // then
        expect(await order([{ field: 'g' }])).toEqual(['a', 'b', 'd', 'c', 'e']);
        expect(await order([{ field: 'g', direction: 'desc' }])).toEqual(['e', 'c', 'd', 'b', 'a']);
        expect(await order([{ field: 'g' }, { field: 'n', direction: 'desc' }])).toEqual([
          'b',
          'd',
          'a',
          'e',
          'c',
        ]);
        expect(await order([{ field: 'g', direction: 'desc' }, { field: 'n' }])).toEqual([
          'c',
          'e',
          'a',
          'd',
          'b',
        ]);
        expect(await order([{ field: 'n' }, { field: 'id', direction: 'desc' }])).toEqual([
          'e',
          'd',
          'c',
          'a',
          'b',
        ]);
      });
    });

    describe('find: fields must be declared', () => {
      beforeEach(() => store.ensureCollection(VALUES));

      it('refuses a where on an undeclared field', async () => {
        const error = await store
          .collection('values')
          .find({ where: { other: 1 } })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnknownField);
        expect(error).toMatchObject({ collection: 'values', field: 'other' });
      });

      it('refuses a sort or a count on an undeclared field', async () => {
        await expect(
          store.collection('values').find({ sort: [{ field: 'nested' }] }),
        ).rejects.toBeInstanceOf(UnknownField);
        await expect(store.collection('values').count({ w: 1 })).rejects.toBeInstanceOf(
          UnknownField,
        );
      });
    });

    describe('find: limits and cursors', () => {
      const GROUPS = { name: 'pages', indexes: ['g', 'n'] };
      /** 37 documents with ties, nulls and missing fields, ids not in insertion order. */
      const PAGE_DOCS: Doc[] = Array.from({ length: 37 }, (_, i) => {
        const doc: Doc = { id: `d${String((i * 7919) % 1009).padStart(4, '0')}` };
        if (i % 9 !== 0) doc.g = ['a', 'b', 'c', null][i % 4];
        if (i % 5 !== 0) doc.n = i % 11 === 0 ? null : i % 7;
        return doc;
      });

      beforeEach(async () => {
        await store.ensureCollection(GROUPS);
        await seed(store, 'pages', PAGE_DOCS);
      });

      const SORTS: [string, SortKey[], Where | undefined][] = [
        ['id', [], undefined],
        ['n asc', [{ field: 'n' }], undefined],
        ['n desc', [{ field: 'n', direction: 'desc' }], undefined],
        ['g asc, n desc', [{ field: 'g' }, { field: 'n', direction: 'desc' }], undefined],
        ['g desc, n asc', [{ field: 'g', direction: 'desc' }, { field: 'n' }], undefined],
        ['n asc, id desc', [{ field: 'n' }, { field: 'id', direction: 'desc' }], undefined],
        ['n desc where g = a', [{ field: 'n', direction: 'desc' }], { g: 'a' }],
        ['g asc where n >= 3', [{ field: 'g' }], { n: { gte: 3 } }],
      ];

      describe.each(SORTS)('sorted by %s', (_label, sort, where) => {
        it.each([1, 4, 10])('visits every document exactly once, %i per page', async (limit) => {
          // given
          const matching = PAGE_DOCS.filter((d) => {
            if (where === undefined) return true;
            if ('g' in where) return d.g === where.g;
            return typeof d.n === 'number' && d.n >= 3;
          });
          const expected = oracleOrder(matching, sort);
          // when
          const pages = await allPages(store.collection('pages'), { sort, where, limit });
          // then
          expect(idsOf(pages.flat())).toEqual(expected);
          expect(pages.length).toBe(Math.max(1, Math.ceil(expected.length / limit)));
          expect(pages.every((p) => p.length <= limit)).toBe(true);
        });
      });

      it('continues after the last row seen, not at an offset, when data changes between pages', async () => {
        // given the first page, highest n first
        const sort: SortKey[] = [{ field: 'n', direction: 'desc' }];
        const first = await store.collection('pages').find({ sort, limit: 5 });
        const lastSeen = first.items[4].id;
        // when a document is added before the cursor, one after it, and one on the next page goes
        const gone = oracleOrder(PAGE_DOCS, sort)[5];
        await store.collection('pages').upsert({ id: 'early', n: 99 });
        await store.collection('pages').upsert({ id: 'late', n: -5 });
        await store.collection('pages').delete(gone);
        const rest = await allPages(store.collection('pages'), {
          sort,
          limit: 5,
          cursor: first.nextCursor ?? undefined,
        });
        // then
        const now = [
          ...PAGE_DOCS.filter((d) => d.id !== gone),
          { id: 'early', n: 99 },
          { id: 'late', n: -5 },
        ];
        const order = oracleOrder(now, sort);
        expect(idsOf(rest.flat())).toEqual(order.slice(order.indexOf(lastSeen) + 1));
        expect(idsOf(rest.flat())).toContain('late');
        expect(idsOf(rest.flat())).not.toContain('early');
        expect(idsOf(rest.flat())).not.toContain(gone);
      });

      it('returns 50 by default and at most 1000', async () => {
        // given
        await seed(
          store,
          'pages',
          Array.from({ length: 1000 }, (_, i) => ({ id: `z${String(i).padStart(4, '0')}` })),
        );
        // when
        const byDefault = await store.collection('pages').find();
        const capped = await store.collection('pages').find({ limit: 5000 });
        // then
        expect(byDefault.items).toHaveLength(50);
        expect(byDefault.nextCursor).not.toBeNull();
        expect(capped.items).toHaveLength(1000);
        expect(capped.nextCursor).not.toBeNull();
        const after = await store
          .collection('pages')
          .find({ limit: 1000, cursor: capped.nextCursor ?? undefined });
        expect(after.items).toHaveLength(37);
        expect(after.nextCursor).toBeNull();
      });

      it('refuses a limit below 1', async () => {
        await expect(store.collection('pages').find({ limit: 0 })).rejects.toThrow(RangeError);
      });

      it('refuses a malformed or foreign cursor', async () => {
        // given a valid cursor of one query
        const sort: SortKey[] = [{ field: 'n' }];
        const page = await store.collection('pages').find({ sort, where: { g: 'a' }, limit: 2 });
        const cursor = page.nextCursor ?? '';
        expect(cursor).not.toBe('');
        await store.ensureCollection({ name: 'other', indexes: ['g', 'n'] });
        const forged = Buffer.from(JSON.stringify({ v: [1], id: 'x' })).toString('base64url');
        // when / then
        const pages = store.collection('pages');
        const attempts: [string, FindOptions, Collection?][] = [
          ['garbage', { sort, where: { g: 'a' }, cursor: 'not a cursor!' }],
          ['forged', { sort, where: { g: 'a' }, cursor: forged }],
          ['truncated', { sort, where: { g: 'a' }, cursor: cursor.slice(0, -4) }],
          ['other sort', { sort: [{ field: 'g' }], where: { g: 'a' }, cursor }],
          [
            'other direction',
            { sort: [{ field: 'n', direction: 'desc' }], where: { g: 'a' }, cursor },
          ],
          ['other where', { sort, where: { g: 'b' }, cursor }],
          ['other collection', { sort, where: { g: 'a' }, cursor }, store.collection('other')],
        ];
        for (const [label, options, collection = pages] of attempts) {
          const outcome = await collection.find(options).then(
            () => 'accepted',
            (e: unknown) => e,
          );
          expect([label, outcome]).toEqual([label, expect.any(InvalidCursor)]);
        }
        // and the genuine cursor still works
        await expect(
          store.collection('pages').find({ sort, where: { g: 'a' }, limit: 2, cursor }),
        ).resolves.toMatchObject({ items: expect.any(Array) });
      });
    });

    describe('count and scan', () => {
      it('counts with and without conditions', async () => {
        await store.ensureCollection(VALUES);
        await seed(store, 'values', VALUE_DOCS);
        expect(await store.collection('values').count()).toBe(14);
        expect(await store.collection('values').count({ v: { gte: 1 } })).toBe(4);
      });

      it('streams every document in id order, past its internal page size', async () => {
        // given 1,203 documents written in shuffled order
        await store.ensureCollection({ name: 'many', indexes: [] });
        const ids = Array.from(
          { length: 1203 },
          (_, i) => `m${String((i * 7919) % 1203).padStart(5, '0')}`,
        );
        await seed(
          store,
          'many',
          ids.map((id) => ({ id, body: id.repeat(3) })),
        );
        // when
        const seen: Document[] = [];
        for await (const doc of store.collection('many').scan()) seen.push(doc);
        // then
        expect(idsOf(seen)).toEqual(sorted(ids));
        expect(seen[0]).toEqual({ id: 'm00000', body: 'm00000m00000m00000' });
      });
    });

    describe('transactions', () => {
      beforeEach(async () => {
        await store.ensureCollection({ name: 'tabs', indexes: ['tab'] });
        await store.ensureCollection({ name: 'reports', indexes: [] });
      });

      it('commits writes to several collections together with the checkpoint', async () => {
        // given
        expect(await store.getCheckpoint('tabs-projection')).toBeNull();
        const before = Date.now();
        // when
        const result = await store.transaction(async (tx) => {
          await tx.collection('tabs').upsert({ id: 'm1', tab: 'unmatched' });
          await tx.collection('reports').upsert({ id: 'r1', members: ['m1'] });
          await tx.setCheckpoint('tabs-projection', '42');
          return 'done';
        });
        // then
        expect(result).toBe('done');
        expect(await store.collection('tabs').get('m1')).toEqual({ id: 'm1', tab: 'unmatched' });
        expect(await store.collection('reports').get('r1')).toEqual({ id: 'r1', members: ['m1'] });
        const checkpoint = await store.getCheckpoint('tabs-projection');
        expect(checkpoint).toMatchObject({ name: 'tabs-projection', position: '42' });
        const at = Date.parse(checkpoint?.updatedAt ?? '');
        expect(at).toBeGreaterThanOrEqual(before - 1000);
        expect(at).toBeLessThanOrEqual(Date.now() + 1000);
      });

      it('leaves neither the writes nor the checkpoint when work throws', async () => {
        // given a committed state
        await store.transaction(async (tx) => {
          await tx.collection('tabs').upsert({ id: 'kept', tab: 'onboarded' });
          await tx.setCheckpoint('tabs-projection', '5');
        });
        const boom = new Error('boom');
        // when a transaction changes everything, then throws
        const outcome = store.transaction(async (tx) => {
          await tx.collection('tabs').upsert({ id: 'new', tab: 'unmatched' });
          await tx.collection('tabs').patch('kept', { tab: 'exempted' });
          await tx.collection('reports').upsert({ id: 'r1' });
          await tx.setCheckpoint('tabs-projection', '7');
          await tx.collection('tabs').delete('kept');
          throw boom;
        });
        // then
        await expect(outcome).rejects.toBe(boom);
        expect(await store.collection('tabs').get('new')).toBeNull();
        expect(await store.collection('tabs').get('kept')).toEqual({
          id: 'kept',
          tab: 'onboarded',
        });
        expect(await store.collection('reports').count()).toBe(0);
        expect(await store.getCheckpoint('tabs-projection')).toMatchObject({ position: '5' });
      });

      it('sees its own writes inside, while readers outside see only committed data', async () => {
        // given
        await store.collection('tabs').upsert({ id: 'm1', tab: 'unmatched' });
        // when
        const inside = await store.transaction(async (tx) => {
          await tx.collection('tabs').upsert({ id: 'm2', tab: 'unmatched' });
          await tx.collection('tabs').patch('m1', { tab: 'onboarded' });
          return {
            get: await tx.collection('tabs').get('m2'),
            find: idsOf((await tx.collection('tabs').find({ where: { tab: 'unmatched' } })).items),
            count: await tx.collection('tabs').count({ tab: 'onboarded' }),
            outsideGet: await store.collection('tabs').get('m2'),
            outsideFind: idsOf(
              (await store.collection('tabs').find({ where: { tab: 'unmatched' } })).items,
            ),
          };
        });
        // then
        expect(inside).toEqual({
          get: { id: 'm2', tab: 'unmatched' },
          find: ['m2'],
          count: 1,
          outsideGet: null,
          outsideFind: ['m1'],
        });
        expect(await store.collection('tabs').count({ tab: 'unmatched' })).toBe(1);
      });

      it('keeps a checkpoint as the opaque text it was given, and refuses an empty one', async () => {
        // given an EventStoreDB position (commit:prepare), which is no number
        await store.transaction((tx) => tx.setCheckpoint('p', '1056:1040'));
        // then it comes back as it went in
        expect(await store.getCheckpoint('p')).toMatchObject({ position: '1056:1040' });
        // and an empty position is no checkpoint at all
        await expect(store.transaction((tx) => tx.setCheckpoint('p', ''))).rejects.toThrow(
          /position/,
        );
        expect(await store.getCheckpoint('p')).toMatchObject({ position: '1056:1040' });
      });

      it('deletes a checkpoint', async () => {
        await store.transaction((tx) => tx.setCheckpoint('p', '3'));
        await store.transaction((tx) => tx.deleteCheckpoint('p'));
        expect(await store.getCheckpoint('p')).toBeNull();
      });

      it('runs concurrent transactions one after another', async () => {
        // given a counter
        await store.collection('tabs').upsert({ id: 'counter', n: 0 });
        const log: string[] = [];
        // when eight transactions read, pause and write it at once
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            store.transaction(async (tx) => {
              log.push(`start ${i}`);
              const counter = await tx.collection<Doc>('tabs').get('counter');
              await tick();
              await tx.collection('tabs').upsert({ id: 'counter', n: Number(counter?.n) + 1 });
              log.push(`end ${i}`);
            }),
          ),
        );
        // then no update is lost and none started before the previous one ended
        expect(await store.collection('tabs').get('counter')).toEqual({ id: 'counter', n: 8 });
        expect(log).toEqual(Array.from({ length: 8 }, (_, i) => [`start ${i}`, `end ${i}`]).flat());
      });

      it('keeps a write made outside during a transaction out of it', async () => {
        // given a transaction that has written and waits
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let started!: () => void;
        const running = new Promise<void>((resolve) => (started = resolve));
        const failing = store.transaction(async (tx) => {
          await tx.collection('tabs').upsert({ id: 'inside', tab: 'x' });
          started();
          await gate;
          throw new Error('rolled back');
        });
        await running;
        // when a store-level write happens meanwhile, and the transaction then fails
        const outside = store.collection('tabs').upsert({ id: 'outside', tab: 'y' });
        await tick();
        release();
        await expect(failing).rejects.toThrow('rolled back');
        await outside;
        // then the outside write stays and the inside one is gone
        expect(await store.collection('tabs').get('outside')).toEqual({ id: 'outside', tab: 'y' });
        expect(await store.collection('tabs').get('inside')).toBeNull();
      });

      it('refuses store-level writes and nested transactions inside work, then commits', async () => {
        // when
        const refusals = await store.transaction(async (tx) => {
          const write = await store
            .collection('tabs')
            .upsert({ id: 'escaped' })
            .catch((e: unknown) => e);
          const nested = await store.transaction(async () => undefined).catch((e: unknown) => e);
          await tx.collection('tabs').upsert({ id: 'proper' });
          return [write, nested];
        });
        // then
        expect(refusals).toEqual([expect.any(Error), expect.any(Error)]);
        expect(await store.collection('tabs').get('escaped')).toBeNull();
        expect(await store.collection('tabs').get('proper')).toEqual({ id: 'proper' });
      });

      it('refuses its handles once it has ended', async () => {
        // given handles kept beyond the transaction
        let kept!: ReadModelTransaction;
        let keptTabs!: Collection;
        await store.transaction(async (tx) => {
          kept = tx;
          keptTabs = tx.collection('tabs');
        });
        // when / then
        expect(() => kept.collection('tabs')).toThrow(/ended/);
        await expect(keptTabs.upsert({ id: 'late' })).rejects.toThrow(/ended/);
        await expect(kept.setCheckpoint('p', '1')).rejects.toThrow(/ended/);
        expect(await store.collection('tabs').get('late')).toBeNull();
        expect(await store.getCheckpoint('p')).toBeNull();
      });
    });

    describe('collections', () => {
      it('lists collections sorted, without the checkpoints', async () => {
        // given
        await store.ensureCollection({ name: 'zeta', indexes: [] });
        await store.ensureCollection({ name: 'alpha.v2', indexes: ['x'] });
        await store.ensureCollection({ name: 'member-tabs', indexes: [] });
        await store.ensureCollection({ name: 'collections', indexes: [] });
        await store.collection('collections').upsert({ id: 'c' });
        await store.transaction((tx) => tx.setCheckpoint('p', '1'));
        // when / then
        expect(await store.listCollections()).toEqual([
          'alpha.v2',
          'collections',
          'member-tabs',
          'zeta',
        ]);
      });

      it('drops a collection: its documents go, reads are empty, writes are refused', async () => {
        // given
        await store.ensureCollection(VALUES);
        await seed(store, 'values', VALUE_DOCS);
        await store.ensureCollection({ name: 'kept', indexes: [] });
        await store.collection('kept').upsert({ id: 'k' });
        // when
        await store.dropCollection('values');
        // then
        expect(await store.listCollections()).toEqual(['kept']);
        const values = store.collection('values');
        expect(await values.get('num-1')).toBeNull();
        expect(await values.getMany(['num-1'])).toEqual([]);
        expect(await values.find({ where: { v: 1 } })).toEqual({ items: [], nextCursor: null });
        expect(await values.count()).toBe(0);
        await expect(values.upsert({ id: 'x' })).rejects.toBeInstanceOf(UnknownCollection);
        await expect(
          store.transaction((tx) => tx.collection('values').upsert({ id: 'x' })),
        ).rejects.toBeInstanceOf(UnknownCollection);
        expect(await store.collection('kept').get('k')).toEqual({ id: 'k' });
      });

      it('recreates a dropped collection empty, and drops a missing one quietly', async () => {
        await store.ensureCollection(VALUES);
        await seed(store, 'values', VALUE_DOCS);
        await store.dropCollection('values');
        await store.dropCollection('never-existed');
        await store.ensureCollection(VALUES);
        expect(await store.collection('values').count()).toBe(0);
        await store.collection('values').upsert({ id: 'again', v: 1 });
        expect(idsOf((await store.collection('values').find({ where: { v: 1 } })).items)).toEqual([
          'again',
        ]);
      });

      it('ensureCollection is idempotent and keeps the data', async () => {
        await store.ensureCollection(VALUES);
        await store.collection('values').upsert({ id: 'a', v: 1 });
        await store.ensureCollection(VALUES);
        await store.ensureCollection({ ...VALUES, indexes: [...VALUES.indexes, 'v'] });
        expect(await store.collection('values').find({ where: { v: 1 } })).toEqual({
          items: [{ id: 'a', v: 1 }],
          nextCursor: null,
        });
      });

      it('adds an index to a filled collection, which then answers over the old documents', async () => {
        // given documents written before the field was declared
        await store.ensureCollection({ name: 'grow', indexes: ['a'] });
        await seed(store, 'grow', [
          { id: 'x', a: 1, b: 'late' },
          { id: 'y', a: 2, b: 'early' },
          { id: 'z', a: 2 },
        ]);
        await expect(store.collection('grow').count({ b: 'late' })).rejects.toBeInstanceOf(
          UnknownField,
        );
        // when
        await store.ensureCollection({ name: 'grow', indexes: ['b'] });
        // then both the new and the old field work
        expect(await store.collection('grow').count({ b: 'late' })).toBe(1);
        expect(await store.collection('grow').count({ b: null })).toBe(1);
        expect(await store.collection('grow').count({ a: 2 })).toBe(2);
        const bySortedB = await store.collection('grow').find({ sort: [{ field: 'b' }] });
        expect(idsOf(bySortedB.items)).toEqual(['z', 'y', 'x']);
      });

      it('is known to a reopened store with its fields, documents and checkpoints', async () => {
        // given
        await store.ensureCollection({ name: 'kept', indexes: ['a', 'deep.b'] });
        await store.transaction(async (tx) => {
          await tx.collection('kept').upsert({ id: 'k', a: 1, deep: { b: true } });
          await tx.setCheckpoint('p', '9');
        });
        // when
        const other = await fixture.reopen();
        // then
        expect(await other.listCollections()).toEqual(['kept']);
        expect(
          idsOf((await other.collection('kept').find({ where: { 'deep.b': true } })).items),
        ).toEqual(['k']);
        expect(await other.collection('kept').count({ a: 1 })).toBe(1);
        expect(await other.getCheckpoint('p')).toMatchObject({ position: '9' });
      });

      it('learns fields that another store instance added', async () => {
        // given
        await store.ensureCollection({ name: 'shared', indexes: ['a'] });
        await store.collection('shared').upsert({ id: 's', a: 1, b: 2 });
        await expect(store.collection('shared').count({ b: 2 })).rejects.toBeInstanceOf(
          UnknownField,
        );
        // when a newer version, elsewhere, declares b
        const other = await fixture.reopen();
        await other.ensureCollection({ name: 'shared', indexes: ['a', 'b'] });
        // then
        expect(await store.collection('shared').count({ b: 2 })).toBe(1);
      });

      it('refuses reserved and malformed names', async () => {
        await expect(store.ensureCollection({ name: 'checkpoints', indexes: [] })).rejects.toThrow(
          TypeError,
        );
        await expect(store.ensureCollection({ name: 'has space', indexes: [] })).rejects.toThrow(
          TypeError,
        );
        await expect(store.ensureCollection({ name: 'ok', indexes: ['a..b'] })).rejects.toThrow(
          TypeError,
        );
        await expect(store.ensureCollection({ name: 'ok', indexes: ['$where'] })).rejects.toThrow(
          TypeError,
        );
        expect(await store.listCollections()).toEqual([]);
      });
    });
  });
}
