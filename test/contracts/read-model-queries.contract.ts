import {
  NoTextIndex,
  UnindexedQuery,
  type Document,
  type FindOptions,
  type Json,
  type ReadModelStore,
  type Where,
} from '@app/readmodels';
import type { StoreFixture } from './read-model-store.contract';

/**
 * What every adapter must share beyond the base contract: planned collections refuse the
 * queries that none of their indexes serves, and text search has one meaning everywhere.
 */
type Doc = Document & Record<string, Json>;

const idsOf = (docs: readonly Document[]): string[] => docs.map((d) => d.id);

async function seed(store: ReadModelStore, collection: string, docs: readonly Doc[]) {
  await store.transaction(async (tx) => {
    for (const doc of docs) await tx.collection(collection).upsert(doc);
  });
}

const PLANNED = {
  name: 'planned',
  indexes: [['g', 't', 'n'], ['g', 't'], 'k'],
};

const PEOPLE = {
  name: 'people',
  indexes: [['team', 'name']],
  search: ['name', 'email'],
};

const PEOPLE_DOCS: Doc[] = [
  { id: 'p1', team: 'a', name: 'Zoë Ångström', email: 'zoe.angstrom@example.com' },
  { id: 'p2', team: 'a', name: 'Dan Outsider', email: 'dan@agency.test' },
  { id: 'p3', team: 'a', name: 'Ünal Danış', email: 'unal@example.com' },
  { id: 'p4', team: 'a', name: 'Lisa Mandan', email: 'lisa@x.test' },
  { id: 'p5', team: 'b', name: 'Dana Other', email: 'dana@other.test' },
  { id: 'p6', team: 'a', name: 'ＦＵＬＬ Width', email: 'full@example.com' },
];

export function describeIndexedQueriesContract(
  name: string,
  makeStore: () => Promise<StoreFixture>,
): void {
  describe(`read-model store, indexed queries: ${name}`, () => {
    let fixture: StoreFixture;
    let store: ReadModelStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.dispose();
    });

    describe('a planned collection serves only what its indexes serve', () => {
      beforeEach(async () => {
        await store.ensureCollection(PLANNED);
        await seed(store, 'planned', [
          { id: 'a', g: 'x', t: 'u', n: 2, k: 1 },
          { id: 'b', g: 'x', t: 'u', n: 1, k: 2 },
          { id: 'c', g: 'x', t: 'o', n: 3, k: 3 },
          { id: 'd', g: 'y', t: 'u', n: 1, k: 4 },
        ]);
      });

      const served: [string, FindOptions, string[]][] = [
        [
          'equalities then the sort',
          { where: { g: 'x', t: 'u' }, sort: [{ field: 'n' }] },
          ['b', 'a'],
        ],
        [
          'the same sort descending',
          { where: { g: 'x', t: 'u' }, sort: [{ field: 'n', direction: 'desc' }] },
          ['a', 'b'],
        ],
        ['equalities then id', { where: { g: 'x', t: 'u' } }, ['a', 'b']],
        [
          'an in among the equalities',
          { where: { g: 'x', t: { in: ['u', 'o'] } } },
          ['a', 'b', 'c'],
        ],
        [
          'a range on the sorted key',
          { where: { g: 'x', t: 'u', n: { gte: 2 } }, sort: [{ field: 'n' }] },
          ['a'],
        ],
        [
          'the leading keys of an index',
          { where: { g: 'y' }, sort: [{ field: 't' }, { field: 'n' }] },
          ['d'],
        ],
        ['a one-field index', { where: { k: 3 } }, ['c']],
        ['an id', { where: { id: 'c', t: 'o' } }, ['c']],
        ['ids only', { where: { id: { gte: 'c' } } }, ['c', 'd']],
      ];

      it.each(served)('finds with %s', async (_label, options, expected) => {
        const page = await store.collection('planned').find(options);
        expect(idsOf(page.items)).toEqual(expected);
      });

      const refused: [string, FindOptions][] = [
        ['a condition that is not a leading key', { where: { t: 'u' } }],
        [
          'a sort that does not follow the equalities',
          { where: { g: 'x' }, sort: [{ field: 'n' }] },
        ],
        [
          'a sort in two directions',
          { where: { g: 'x', t: 'u' }, sort: [{ field: 'n' }, { field: 'id', direction: 'desc' }] },
        ],
        [
          'a range then a sort on another key',
          { where: { g: 'x', t: { gt: 'a' } }, sort: [{ field: 'n' }] },
        ],
        ['a range on a key after a gap', { where: { g: 'x', n: { gte: 1 } } }],
        ['a sort alone on a key that leads no index', { sort: [{ field: 'n' }] }],
      ];

      it.each(refused)(
        'refuses to find with %s, naming the collection',
        async (_label, options) => {
          const outcome = await store
            .collection('planned')
            .find(options)
            .catch((e: unknown) => e);
          expect(outcome).toBeInstanceOf(UnindexedQuery);
          expect(outcome).toMatchObject({ collection: 'planned' });
        },
      );

      it('counts over leading equality keys and refuses a count on others', async () => {
        expect(await store.collection('planned').count({ g: 'x', t: 'u' })).toBe(2);
        expect(await store.collection('planned').count({ g: 'x' })).toBe(3);
        expect(await store.collection('planned').count()).toBe(4);
        await expect(store.collection('planned').count({ t: 'u' })).rejects.toBeInstanceOf(
          UnindexedQuery,
        );
        await expect(
          store.collection('planned').count({ g: 'x', n: 1 } as Where),
        ).rejects.toBeInstanceOf(UnindexedQuery);
      });

      it('refuses inside a transaction too', async () => {
        const outcome = await store
          .transaction((tx) => tx.collection('planned').find({ where: { t: 'u' } }))
          .catch((e: unknown) => e);
        expect(outcome).toBeInstanceOf(UnindexedQuery);
      });

      it('serves a refused query once an index for it is declared, here or by a reopened store', async () => {
        // given
        const query = { where: { t: 'u' }, sort: [{ field: 'n' }] };
        await expect(store.collection('planned').find(query)).rejects.toBeInstanceOf(
          UnindexedQuery,
        );
        // when another process declares the index
        const other = await fixture.reopen();
        await other.ensureCollection({ name: 'planned', indexes: [['t', 'n']] });
        // then both serve it, over the documents written before
        expect(idsOf((await other.collection('planned').find(query)).items)).toEqual([
          'b',
          'd',
          'a',
        ]);
        expect(idsOf((await store.collection('planned').find(query)).items)).toEqual([
          'b',
          'd',
          'a',
        ]);
        // and the earlier indexes still hold
        await expect(other.collection('planned').find({ where: { n: 1 } })).rejects.toBeInstanceOf(
          UnindexedQuery,
        );
      });

      it('keeps an unplanned collection answering any declared field', async () => {
        await store.ensureCollection({ name: 'loose', indexes: ['g', 'n'] });
        await seed(store, 'loose', [{ id: 'a', g: 'x', n: 1 }]);
        const page = await store
          .collection('loose')
          .find({ where: { n: 1 }, sort: [{ field: 'g' }] });
        expect(idsOf(page.items)).toEqual(['a']);
      });
    });

    describe('search', () => {
      beforeEach(async () => {
        await store.ensureCollection(PEOPLE);
        await seed(store, 'people', PEOPLE_DOCS);
      });

      const search = (terms: string[], where: Where = { team: 'a' }) =>
        store
          .collection('people')
          .find({ where, sort: [{ field: 'name' }], search: terms, limit: 100 })
          .then((page) => idsOf(page.items).sort());

      const cases: [string, string[], string[]][] = [
        ['3+ characters: contained in a name, case and accents aside', ['ANGSTR'], ['p1']],
        ['an accented term matches the plain text and the accented', ['ångström'], ['p1']],
        ['3+ characters: contained in an email', ['agency'], ['p2']],
        ['3+ characters anywhere in a word', ['dan'], ['p2', 'p3', 'p4']],
        ['2 characters: a word prefix of a name or an email', ['da'], ['p2', 'p3']],
        ['1 character: a word prefix', ['u'], ['p3']],
        ['2 characters inside a word do not match', ['ng'], []],
        ['a short term that no word can start with', ['x.'], []],
        ['compatibility forms fold too', ['full w'], ['p6']],
        ['every term must match', ['dan', 'agency'], ['p2']],
        ['a short and a long term together', ['o', 'dan'], ['p2']],
        ['a term spread over two fields matches neither', ['outsider dan'], []],
        ['no match', ['nobody'], []],
        ['empty terms are ignored', ['', 'agency'], ['p2']],
      ];

      it.each(cases)('%s', async (_label, terms, expected) => {
        expect(await search(terms)).toEqual(expected);
      });

      it('keeps the where: another team is not searched', async () => {
        expect(await search(['dan'], { team: 'b' })).toEqual(['p5']);
      });

      it('pages the matches by cursor in the query order, each once', async () => {
        // given 30 matching and 30 other documents
        await seed(
          store,
          'people',
          Array.from({ length: 60 }, (_, i) => ({
            id: `m${String(i).padStart(2, '0')}`,
            team: 'a',
            name: `${i % 2 === 0 ? 'Match' : 'Other'} ${String(59 - i).padStart(2, '0')}`,
            email: `m${i}@example.com`,
          })),
        );
        // when
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.collection('people').find({
            where: { team: 'a' },
            sort: [{ field: 'name' }],
            search: ['match'],
            limit: 7,
            cursor,
          });
          seen.push(...page.items.map((d) => String(d.name)));
          cursor = page.nextCursor ?? undefined;
          pages += 1;
        } while (cursor);
        // then
        const expected = Array.from(
          { length: 30 },
          (_, i) => `Match ${String(59 - 2 * i).padStart(2, '0')}`,
        ).sort();
        expect(seen).toEqual(expected);
        expect(pages).toBe(5);
      });

      it('answers alike for a term found in more than a thousand documents', async () => {
        // given 1,200 documents holding "often", 400 of them in team b, a third also "Ōften Zed"
        await seed(
          store,
          'people',
          Array.from({ length: 1200 }, (_, i) => ({
            id: `c${String(i).padStart(4, '0')}`,
            team: i % 3 === 0 ? 'b' : 'a',
            name: `${i % 3 === 1 ? 'Ōften Zed' : 'Often'} ${String(i).padStart(4, '0')}`,
            email: `c${i}@often.test`,
          })),
        );
        const walk = async (terms: string[]) => {
          const seen: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await store.collection('people').find({
              where: { team: 'a' },
              sort: [{ field: 'name' }],
              search: terms,
              limit: 50,
              cursor,
            });
            seen.push(...idsOf(page.items));
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          return seen;
        };
        const teamA = Array.from({ length: 1200 }, (_, i) => i).filter((i) => i % 3 !== 0);
        const id = (i: number) => `c${String(i).padStart(4, '0')}`;
        const byName = (ids: number[]) =>
          ids
            .map((i) => ({
              i,
              name: `${i % 3 === 1 ? 'Ōften Zed' : 'Often'} ${String(i).padStart(4, '0')}`,
            }))
            .sort((x, y) => Buffer.compare(Buffer.from(x.name), Buffer.from(y.name)) || x.i - y.i)
            .map((x) => id(x.i));
        // when / then
        expect(await walk(['often'])).toEqual(byName(teamA));
        expect(await walk(['often', 'zed'])).toEqual(byName(teamA.filter((i) => i % 3 === 1)));
        expect(await walk(['ofte', 'z'])).toEqual(byName(teamA.filter((i) => i % 3 === 1)));
        expect(await walk(['often', '0042'])).toEqual([]);
        expect(await walk(['often', '0043'])).toEqual([id(43)]);
      });

      it('follows writes: a patched name, a replaced email, a deleted document', async () => {
        // when
        await store.collection('people').patch('p2', { name: 'Dan Insider' });
        await store.collection('people').upsert({ ...PEOPLE_DOCS[0], email: 'zoe@moved.test' });
        await store.collection('people').delete('p4');
        // then
        expect(await search(['insider'])).toEqual(['p2']);
        expect(await search(['outsider'])).toEqual([]);
        expect(await search(['moved'])).toEqual(['p1']);
        expect(await search(['example'])).toEqual(['p3', 'p6']);
        expect(await search(['dan'])).toEqual(['p2', 'p3']);
      });

      it('rolls the text index back with the documents', async () => {
        await store
          .transaction(async (tx) => {
            await tx.collection('people').upsert({ id: 'p9', team: 'a', name: 'Ghost' });
            await tx.collection('people').delete('p2');
            throw new Error('rolled back');
          })
          .catch(() => undefined);
        expect(await search(['ghost'])).toEqual([]);
        expect(await search(['agency'])).toEqual(['p2']);
      });

      it('searches documents written before the search fields were declared', async () => {
        await store.ensureCollection({ name: 'late', indexes: [['team', 'name']] });
        await seed(store, 'late', [{ id: 'l1', team: 'a', name: 'Édith Late' }]);
        await store.ensureCollection({ name: 'late', indexes: [], search: ['name'] });
        const page = await store
          .collection('late')
          .find({ where: { team: 'a' }, sort: [{ field: 'name' }], search: ['edith'] });
        expect(idsOf(page.items)).toEqual(['l1']);
      });

      it('gives the same pages as JSON texts: findJson', async () => {
        // given 30 matching and 30 other documents
        await seed(
          store,
          'people',
          Array.from({ length: 60 }, (_, i) => ({
            id: `j${String(i).padStart(2, '0')}`,
            team: 'a',
            name: `${i % 2 === 0 ? 'Match' : 'Other'} ${String(59 - i).padStart(2, '0')}`,
            email: `j${i}@example.com`,
            tags: { n: i, odd: i % 2 === 1 },
          })),
        );
        const query = { where: { team: 'a' }, sort: [{ field: 'name' }], search: ['match'] };
        // when both are walked with each one's cursors
        const parsed: unknown[] = [];
        const texts: unknown[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.collection('people').find({ ...query, limit: 7, cursor });
          parsed.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        do {
          const page = await store.collection('people').findJson({ ...query, limit: 7, cursor });
          for (const item of page.items) {
            // then each text is the document as JSON, under its id
            expect(JSON.parse(item.json)).toMatchObject({ id: item.id });
            texts.push(JSON.parse(item.json));
          }
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        // then the same documents, in the same order
        expect(texts).toHaveLength(30);
        expect(texts).toEqual(parsed);
      });

      it('does not let a search cursor continue another search', async () => {
        const first = await store.collection('people').find({
          where: { team: 'a' },
          sort: [{ field: 'name' }],
          search: ['example'],
          limit: 1,
        });
        await expect(
          store.collection('people').find({
            where: { team: 'a' },
            sort: [{ field: 'name' }],
            search: ['other'],
            cursor: first.nextCursor ?? undefined,
          }),
        ).rejects.toThrow(/cursor/);
      });

      it('refuses a search on a collection without search fields', async () => {
        await store.ensureCollection({ name: 'plain', indexes: ['a'] });
        await expect(store.collection('plain').find({ search: ['abc'] })).rejects.toBeInstanceOf(
          NoTextIndex,
        );
      });

      it('never returns its index fields with the documents', async () => {
        expect(await store.collection('people').get('p1')).toEqual(PEOPLE_DOCS[0]);
        const page = await store
          .collection('people')
          .find({ where: { team: 'a' }, sort: [{ field: 'name' }], search: ['zoe'] });
        expect(page.items).toEqual([PEOPLE_DOCS[0]]);
      });
    });
  });
}
