import {
  leaseIsLive,
  UnknownCollection,
  type Document,
  type LeaseHolder,
  type ReadModelStore,
} from '@app/readmodels';
import type { StoreFixture } from './read-model-store.contract';

/**
 * The parts of the read-model port that the projection runner and the worker lease rely on:
 * batched writes, the checkpoint read inside a transaction, and leases. Run by the same
 * adapter specs as the main contract (sqlite always, mongodb when MONGO_URL is set).
 */

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const ids = (docs: readonly Document[]): string[] => docs.map((d) => d.id).sort();

const holder = (id: string, pid = 1000): LeaseHolder => ({
  id,
  host: 'host-a',
  pid,
  role: 'worker',
});

export function describeBatchesAndLeasesContract(
  name: string,
  open: () => Promise<StoreFixture>,
): void {
  describe(`read-model store batches and leases: ${name}`, () => {
    let fixture: StoreFixture;
    let store: ReadModelStore;

    beforeEach(async () => {
      fixture = await open();
      store = fixture.store;
      await store.ensureCollection({ name: 'tabs', indexes: ['tab'] });
    });

    afterEach(async () => {
      await fixture.dispose();
    });

    describe('writeMany', () => {
      it('puts and deletes in one call, and the indexes answer over the result', async () => {
        // given
        await store.collection('tabs').upsert({ id: 'gone', tab: 'unmatched' });
        await store.collection('tabs').upsert({ id: 'kept', tab: 'unmatched' });
        await store.collection('tabs').upsert({ id: 'moved', tab: 'unmatched' });
        // when
        await store.collection('tabs').writeMany([
          { id: 'gone', doc: null },
          { id: 'moved', doc: { id: 'moved', tab: 'onboarded' } },
          { id: 'new', doc: { id: 'new', tab: 'onboarded', note: 'x' } },
          { id: 'never-existed', doc: null },
        ]);
        // then
        const tabs = store.collection('tabs');
        expect(await tabs.get('gone')).toBeNull();
        expect(await tabs.get('new')).toEqual({ id: 'new', tab: 'onboarded', note: 'x' });
        expect(ids((await tabs.find({ where: { tab: 'onboarded' } })).items)).toEqual([
          'moved',
          'new',
        ]);
        expect(ids((await tabs.find({ where: { tab: 'unmatched' } })).items)).toEqual(['kept']);
      });

      it('does nothing for no changes', async () => {
        await store.collection('tabs').writeMany([]);
        expect(await store.collection('tabs').count()).toBe(0);
      });

      it('refuses an id changed twice, a document whose id differs, or a bad document, writing none', async () => {
        const tabs = store.collection('tabs');
        await expect(
          tabs.writeMany([
            { id: 'a', doc: { id: 'a' } },
            { id: 'a', doc: null },
          ]),
        ).rejects.toThrow(/changes twice/);
        await expect(
          tabs.writeMany([
            { id: 'a', doc: { id: 'a' } },
            { id: 'b', doc: { id: 'c' } },
          ]),
        ).rejects.toThrow(TypeError);
        await expect(
          tabs.writeMany([
            { id: 'a', doc: { id: 'a' } },
            { id: 'b', doc: { id: 'b', _id: 'x' } },
          ]),
        ).rejects.toThrow(/reserved/);
        expect(await tabs.count()).toBe(0);
      });

      it('refuses a collection that does not exist', async () => {
        await expect(
          store.collection('nowhere').writeMany([{ id: 'a', doc: { id: 'a' } }]),
        ).rejects.toBeInstanceOf(UnknownCollection);
      });

      it('inside a transaction: seen there, and gone with it when it fails', async () => {
        // given
        await store.collection('tabs').upsert({ id: 'kept', tab: 'unmatched' });
        // when
        const seen = store.transaction(async (tx) => {
          await tx.collection('tabs').writeMany([
            { id: 'kept', doc: null },
            { id: 'new', doc: { id: 'new', tab: 'onboarded' } },
          ]);
          const inside = ids((await tx.collection('tabs').find({})).items);
          throw new Error(`rolled back after seeing ${inside.join(',')}`);
        });
        // then
        await expect(seen).rejects.toThrow('rolled back after seeing new');
        expect(ids((await store.collection('tabs').find({})).items)).toEqual(['kept']);
      });

      it('inside a transaction: committed with the checkpoint', async () => {
        await store.transaction(async (tx) => {
          await tx.collection('tabs').writeMany([{ id: 'n', doc: { id: 'n', tab: 'x' } }]);
          await tx.setCheckpoint('p', '4');
        });
        expect(await store.collection('tabs').get('n')).toEqual({ id: 'n', tab: 'x' });
        expect(await store.getCheckpoint('p')).toMatchObject({ position: '4' });
      });
    });

    describe('checkpoint read inside a transaction', () => {
      it('sees the committed checkpoint, its own move, and null for none', async () => {
        // given
        await store.transaction((tx) => tx.setCheckpoint('p', '3'));
        // when
        const seen = await store.transaction(async (tx) => {
          const before = (await tx.getCheckpoint('p'))?.position;
          await tx.setCheckpoint('p', '8');
          const after = (await tx.getCheckpoint('p'))?.position;
          const outside = (await store.getCheckpoint('p'))?.position;
          return { before, after, outside, missing: await tx.getCheckpoint('none') };
        });
        // then
        expect(seen).toEqual({ before: '3', after: '8', outside: '3', missing: null });
        expect(await store.getCheckpoint('p')).toMatchObject({ position: '8' });
      });

      it('refuses once the transaction has ended', async () => {
        let kept!: Parameters<Parameters<ReadModelStore['transaction']>[0]>[0];
        await store.transaction(async (tx) => {
          kept = tx;
        });
        await expect(kept.getCheckpoint('p')).rejects.toThrow(/ended/);
      });
    });

    describe('leases', () => {
      const TTL = 60_000;

      it('goes to the first holder; a second is refused and told who holds it', async () => {
        // when
        const first = await store.leases.acquire('workers', holder('one', 11), TTL);
        const second = await store.leases.acquire('workers', holder('two', 22), TTL);
        // then
        expect(first.held).toBe(true);
        expect(second.held).toBe(false);
        expect(second.lease.holder).toEqual(holder('one', 11));
        expect(await store.leases.get('workers')).toEqual(first.lease);
        expect(leaseIsLive(first.lease)).toBe(true);
        expect(await store.leases.get('other')).toBeNull();
      });

      it('lets only one of many contenders win at once, across store instances', async () => {
        // given a second store over the same storage (another process)
        const other = await fixture.reopen();
        // when twelve contenders try together
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            (i % 2 === 0 ? store : other).leases.acquire('workers', holder(`h${i}`), TTL),
          ),
        );
        // then exactly one holds it, and everyone agrees on who
        const winners = results.filter((r) => r.held);
        expect(winners).toHaveLength(1);
        const winner = winners[0].lease.holder.id;
        expect((await store.leases.get('workers'))?.holder.id).toBe(winner);
        expect((await other.leases.get('workers'))?.holder.id).toBe(winner);
      });

      it('is kept by renewing: a later beat and expiry, the same start, still refused to others', async () => {
        // given
        const taken = await store.leases.acquire('workers', holder('one'), 2_000);
        await sleep(20);
        // when
        const renewed = await store.leases.acquire('workers', holder('one'), 2_000);
        // then
        expect(renewed.held).toBe(true);
        expect(renewed.lease.acquiredAt).toBe(taken.lease.acquiredAt);
        expect(Date.parse(renewed.lease.renewedAt)).toBeGreaterThan(
          Date.parse(taken.lease.renewedAt),
        );
        expect(Date.parse(renewed.lease.expiresAt)).toBeGreaterThan(
          Date.parse(taken.lease.expiresAt),
        );
        expect((await store.leases.acquire('workers', holder('two'), 2_000)).held).toBe(false);
      });

      it('goes to another holder once it has expired, not before', async () => {
        // given a lease that its holder stops renewing
        await store.leases.acquire('workers', holder('one'), 300);
        expect((await store.leases.acquire('workers', holder('two'), TTL)).held).toBe(false);
        // when it expires
        await sleep(400);
        const lease = await store.leases.get('workers');
        expect(leaseIsLive(lease)).toBe(false);
        const taken = await store.leases.acquire('workers', holder('two'), TTL);
        // then
        expect(taken.held).toBe(true);
        expect(taken.lease.holder.id).toBe('two');
        expect((await store.leases.acquire('workers', holder('one'), TTL)).held).toBe(false);
      });

      it('is free at once after its holder releases it; a non-holder cannot release it', async () => {
        // given
        await store.leases.acquire('workers', holder('one'), TTL);
        // when
        expect(await store.leases.release('workers', 'two')).toBe(false);
        expect(await store.leases.release('workers', 'one')).toBe(true);
        // then
        const released = await store.leases.get('workers');
        expect(released?.holder.id).toBe('one');
        expect(leaseIsLive(released)).toBe(false);
        expect((await store.leases.acquire('workers', holder('two'), TTL)).held).toBe(true);
        expect(await store.leases.release('workers', 'one')).toBe(false);
      });

      it('is taken at once from a holder named as replaced, and only from that one', async () => {
        // given
        await store.leases.acquire('workers', holder('dead'), TTL);
        // when / then
        const wrong = await store.leases.acquire('workers', holder('new'), TTL, {
          replacing: 'someone-else',
        });
        expect(wrong.held).toBe(false);
        const right = await store.leases.acquire('workers', holder('new'), TTL, {
          replacing: 'dead',
        });
        expect(right.held).toBe(true);
        expect(right.lease.holder.id).toBe('new');
      });

      it('refuses a bad request', async () => {
        await expect(store.leases.acquire('', holder('one'), TTL)).rejects.toThrow(TypeError);
        await expect(store.leases.acquire('workers', holder(''), TTL)).rejects.toThrow(TypeError);
        await expect(store.leases.acquire('workers', holder('one'), 0)).rejects.toThrow(RangeError);
      });
    });
  });
}
