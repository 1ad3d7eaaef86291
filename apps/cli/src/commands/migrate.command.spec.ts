import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, type NewEvent, type RecordedEvent } from '@app/eventstore';
import { SqliteEventStoreAdapter } from '@app/eventstore/sqlite';
import { openPersonalData } from '@app/infrastructure';
import { migrateEncryptPersonalData } from './migrate.command';

const meta = {
  workspaceId: 'w1',
  actor: 'test',
  correlationId: 'c1',
  causationId: null,
  occurredAt: '2026-12-01T10:00:00.000Z',
  schemaVersion: 1,
};
const discovered = (m: string, name: string, email: string): NewEvent => ({
  type: 'MemberDiscovered',
  data: {
    memberId: m,
    integrationId: 'i1',
    pinterestUserId: m,
    personal: { name, email },
    businessRole: 'EMPLOYEE',
    assets: { a1: ['ADMIN'] },
  },
  metadata: meta,
});

async function all(store: EventStore): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of store.readAll()) out.push(e);
  return out;
}

const raw = (dir: string): string =>
  readdirSync(dir)
    .filter((f) => f.startsWith('events.sqlite'))
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('');

describe('migrate encrypt-personal-data', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'migrate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('given a log written with encryption off, then the copy that replaces it holds the same events, sealed, and the old plaintext is gone', async () => {
    // given: events appended before encryption existed
    const plain = new EventStore(new SqliteEventStoreAdapter({ file: join(dir, 'events.sqlite') }));
    await plain.appendToStream('member-m1', [discovered('m1', 'Olga Plaintext', 'olga@corp.test')]);
    await plain.appendToStream('business-i1', [
      {
        type: 'AssetDiscovered',
        data: { integrationId: 'i1', assetId: 'a1', assetType: 'AD_ACCOUNT', name: 'Acme US' },
        metadata: meta,
      },
    ]);
    await plain.appendToStream('member-m1', [
      {
        type: 'MemberProfileChanged',
        data: { memberId: 'm1', integrationId: 'i1', personal: { name: 'Olga P.', email: '' } },
        metadata: meta,
      },
    ]);
    const before = await all(plain);
    await plain.close();
    expect(raw(dir)).toContain('olga@corp.test');

    // when
    const lines: string[] = [];
    const encryption = openPersonalData({ DATA_DIR: dir });
    try {
      expect(await migrateEncryptPersonalData(dir, encryption, (l) => lines.push(l))).toBe(0);
    } finally {
      encryption.close();
    }

    // then: the report, no plaintext in any events file, no copy left behind, owner-only
    expect(JSON.parse(lines[0])).toMatchObject({ events: 3, sealed: 2, verified: true });
    expect(raw(dir)).not.toContain('olga@corp.test');
    expect(raw(dir)).not.toContain('Olga');
    expect(existsSync(join(dir, 'events.sqlite.migrating'))).toBe(false);
    expect(statSync(join(dir, 'events.sqlite')).mode & 0o777).toBe(0o600);

    // and readers see exactly the events they saw, at the same positions
    const store = new EventStore(
      new SqliteEventStoreAdapter({ file: join(dir, 'events.sqlite') }),
      {
        personalData: openPersonalData({ DATA_DIR: dir }),
      },
    );
    try {
      expect(await all(store)).toEqual(before);
      // erasing now reaches the migrated events
      const keys = openPersonalData({ DATA_DIR: dir }).keys;
      const id = keys.personIdOf('w1', 'olga@corp.test');
      keys.erase(keys.reach(id));
      keys.close();
      // another connection's erasure reaches this store's cached keys within 250 ms
      await new Promise((r) => setTimeout(r, 300));
      const [first, , third] = await all(store);
      expect(first.data).toMatchObject({
        personal: { name: `erased-${id}` },
        assets: { a1: ['ADMIN'] },
      });
      expect(third.data).toMatchObject({ personal: { name: `erased-${id}` } });
    } finally {
      await store.close();
    }
  });

  it('given an encrypted log, then running it again seals nothing and changes no event', async () => {
    const store = new EventStore(
      new SqliteEventStoreAdapter({ file: join(dir, 'events.sqlite') }),
      {
        personalData: openPersonalData({ DATA_DIR: dir }),
      },
    );
    await store.appendToStream('member-m1', [discovered('m1', 'Ada', 'ada@corp.test')]);
    const before = await all(store);
    await store.close();
    const lines: string[] = [];
    const encryption = openPersonalData({ DATA_DIR: dir });
    await migrateEncryptPersonalData(dir, encryption, (l) => lines.push(l));
    expect(JSON.parse(lines[0])).toMatchObject({ events: 1, sealed: 0 });
    const again = new EventStore(
      new SqliteEventStoreAdapter({ file: join(dir, 'events.sqlite') }),
      {
        personalData: encryption,
      },
    );
    try {
      expect(await all(again)).toEqual(before);
    } finally {
      await again.close();
    }
  });
});
