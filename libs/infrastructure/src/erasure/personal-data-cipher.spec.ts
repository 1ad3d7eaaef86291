import { mkdtempSync, readFileSync, rmSync, statSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, type NewEvent, type RecordedEvent } from '@app/eventstore';
import { SqliteEventStoreAdapter } from '@app/eventstore/sqlite';
import { PERSON_KEYS_FILE, PersonKeyStore } from './person-keys';
import { PersonalDataEncryption } from './personal-data-cipher';

const meta = {
  workspaceId: 'w1',
  actor: 'test',
  correlationId: 'c1',
  causationId: null,
  occurredAt: '2026-12-06T10:00:00.000Z',
  schemaVersion: 1,
};
const event = (type: string, data: unknown): NewEvent => ({ type, data, metadata: meta });

describe('personal data encryption at the event store boundary', () => {
  let dir: string;
  let keys: PersonKeyStore;
  let store: EventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pd-'));
    keys = PersonKeyStore.open(dir);
    store = new EventStore(new SqliteEventStoreAdapter({ file: join(dir, 'events.sqlite') }), {
      personalData: new PersonalDataEncryption(keys),
    });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rawFile = (): string =>
    ['events.sqlite', 'events.sqlite-wal']
      .map((f) => {
        try {
          return readFileSync(join(dir, f)).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('');

  it('given a discovered member, then the log holds no plaintext and readers see plaintext', async () => {
    await store.appendToStream('member-m1', [
      event('MemberDiscovered', {
        memberId: 'm1',
        integrationId: 'i1',
        pinterestUserId: 'u1',
        personal: { name: 'Zelda Quux', email: 'zelda.quux@corp.test' },
        businessRole: 'EMPLOYEE',
        assets: {},
      }),
    ]);
    expect(rawFile()).not.toContain('zelda.quux');
    expect(rawFile()).not.toContain('Zelda Quux');
    const [read] = await store.readStream('member-m1');
    expect(read.data).toMatchObject({
      pinterestUserId: 'u1',
      personal: { name: 'Zelda Quux', email: 'zelda.quux@corp.test' },
    });
  });

  it('given an erased person, then every field of theirs reads erased-<id>, facts stay, and a new event about them is written erased', async () => {
    await store.appendToStream('member-m1', [
      event('MemberDiscovered', {
        memberId: 'm1',
        integrationId: 'i1',
        pinterestUserId: 'u1',
        personal: { name: 'Zelda Quux', email: 'zelda.quux@corp.test' },
        businessRole: 'EMPLOYEE',
        assets: { a1: ['ADMIN'] },
      }),
    ]);
    // a rename without an email: the stream's person
    await store.appendToStream('member-m1', [
      event('MemberProfileChanged', {
        memberId: 'm1',
        integrationId: 'i1',
        personal: { name: 'Zelda Q.', email: '' },
      }),
    ]);
    const id = keys.personIdOf('w1', ' Zelda.Quux@CORP.test ');
    expect(keys.reach(id)).toEqual([id]);
    expect(keys.erase([id])).toBe(1);

    const read = await store.readStream('member-m1');
    expect(read.map((e) => e.data)).toEqual([
      expect.objectContaining({
        personal: { name: `erased-${id}`, email: `erased-${id}` },
        assets: { a1: ['ADMIN'] },
      }),
      expect.objectContaining({ personal: { name: `erased-${id}`, email: `erased-${id}` } }),
    ]);
    await store.appendToStream('member-m1', [
      event('MemberProfileChanged', {
        memberId: 'm1',
        integrationId: 'i1',
        personal: { name: 'Zelda Back', email: 'zelda.quux@corp.test' },
      }),
    ]);
    expect(keys.hasKey(id)).toBe(false);
    expect(rawFile()).not.toContain('Zelda Back');
    const last = (await store.readStream('member-m1')).at(-1) as RecordedEvent;
    expect(last.data).toMatchObject({ personal: { name: `erased-${id}` } });
  });

  it('given the same email in two workspaces, then they are two persons, and erasing the one of w2 leaves every field of w1 readable', async () => {
    const discovered = (workspaceId: string, memberId: string, name: string): NewEvent => ({
      type: 'MemberDiscovered',
      data: {
        memberId,
        integrationId: `i-${workspaceId}`,
        pinterestUserId: 'u1',
        personal: { name, email: 'Sam.Same@corp.test' },
        businessRole: 'EMPLOYEE',
        assets: {},
      },
      metadata: { ...meta, workspaceId },
    });
    await store.appendToStream('member-a1', [discovered('w1', 'a1', 'Sam of A')]);
    await store.appendToStream('member-b1', [discovered('w2', 'b1', 'Sam of B')]);
    // a rename without an email on B's member: B's stream person, not A's
    await store.appendToStream('member-b1', [
      {
        ...event('MemberProfileChanged', {
          memberId: 'b1',
          integrationId: 'i-w2',
          personal: { name: 'Sam B. renamed', email: '' },
        }),
        metadata: { ...meta, workspaceId: 'w2' },
      },
    ]);
    const inA = keys.personIdOf('w1', 'sam.same@corp.test');
    const inB = keys.personIdOf('w2', 'sam.same@corp.test');
    expect(inA).not.toBe(inB);
    expect(keys.reach(inB)).not.toContain(inA);
    expect(keys.streamsOf(inB)).toEqual([{ workspaceId: 'w2', stream: 'member-b1' }]);

    keys.erase(keys.reach(inB));

    const [a] = await store.readStream('member-a1');
    expect(a.data).toMatchObject({ personal: { name: 'Sam of A', email: 'Sam.Same@corp.test' } });
    expect(keys.hasKey(inA)).toBe(true);
    expect((await store.readStream('member-b1')).map((e) => e.data)).toEqual([
      expect.objectContaining({ personal: { name: `erased-${inB}`, email: `erased-${inB}` } }),
      expect.objectContaining({ personal: { name: `erased-${inB}`, email: `erased-${inB}` } }),
    ]);
  });

  it('given an identity whose second email is erased, then the identity (its stream person) is erased', async () => {
    await store.appendToStream('identity-i1', [
      event('IdentityProvisioned', {
        identityId: 'i1',
        workspaceId: 'w1',
        externalId: 'x1',
        active: true,
        personal: {
          userName: 'ada',
          name: { givenName: 'Ada', familyName: 'Byron', formatted: null },
          displayName: 'Ada B',
          emails: [
            { value: 'ada@corp.test', type: 'work', primary: true },
            { value: 'ada@home.test', type: 'home', primary: false },
          ],
        },
      }),
    ]);
    const reach = keys.reach(keys.personIdOf('w1', 'ada@home.test'));
    expect(reach).toContain(keys.personIdOf('w1', 'ada@corp.test'));
    keys.erase(reach);
    const [read] = await store.readStream('identity-i1');
    const personal = (read.data as { personal: Record<string, unknown> }).personal;
    expect(JSON.stringify(personal)).not.toMatch(/Ada|ada@/);
    expect(personal.emails).toEqual([
      expect.objectContaining({ type: 'work', primary: true }),
      expect.objectContaining({ type: 'home', primary: false }),
    ]);
  });

  it('given partner people and a text about two members, then each belongs to its own person(s)', async () => {
    for (const [m, email] of [
      ['m1', 'one@corp.test'],
      ['m2', 'two@corp.test'],
    ]) {
      await store.appendToStream(`member-${m}`, [
        event('MemberDiscovered', {
          memberId: m,
          integrationId: 'i1',
          pinterestUserId: m,
          personal: { name: m, email },
          businessRole: 'EMPLOYEE',
          assets: {},
        }),
      ]);
    }
    await store.appendToStream('business-i1', [
      event('PartnerDiscovered', {
        integrationId: 'i1',
        partnerId: 'p1',
        name: 'Partner Inc',
        assets: {},
        people: [
          { id: 'x', name: 'Pat One', email: 'pat@partner.test' },
          { id: 'y', name: 'Sam Two', email: 'sam@partner.test' },
        ],
      }),
    ]);
    await store.appendToStream('notification-n1', [
      event('NotificationQueued', {
        notificationId: 'n1',
        workspaceId: 'w1',
        kind: 'deprovision_report',
        integrationId: 'i1',
        memberIds: ['m1', 'm2'],
        personal: { to: ['boss@corp.test'], subject: 'Leavers', text: 'm1 and m2 left' },
      }),
    ]);
    expect(rawFile()).not.toContain('Pat One');
    expect(rawFile()).not.toContain('m1 and m2 left');
    keys.erase([keys.personIdOf('w1', 'pat@partner.test')]);
    keys.erase(keys.reach(keys.personIdOf('w1', 'two@corp.test')));
    const [partner] = await store.readStream('business-i1');
    expect(partner.data).toMatchObject({
      name: 'Partner Inc',
      people: [
        { id: 'x', name: `erased-${keys.personIdOf('w1', 'pat@partner.test')}` },
        { id: 'y', name: 'Sam Two', email: 'sam@partner.test' },
      ],
    });
    const [note] = await store.readStream('notification-n1');
    expect(note.data).toMatchObject({
      memberIds: ['m1', 'm2'],
      personal: {
        to: ['boss@corp.test'],
        subject: `erased-${keys.personIdOf('w1', 'two@corp.test')}`,
      },
    });
  });

  it('the key files are owner-only, and an erased key stays erased after a checkpoint', async () => {
    await store.appendToStream('business-i1', [
      event('InvitationObserved', {
        integrationId: 'i1',
        email: 'inv@corp.test',
        role: 'EMPLOYEE',
        status: 'PENDING',
        previousStatus: null,
      }),
    ]);
    const file = join(dir, PERSON_KEYS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'person.key')).mode & 0o777).toBe(0o600);
    keys.checkpoint();
    copyFileSync(file, join(dir, 'backup.sqlite'));
    keys.erase([keys.personIdOf('w1', 'inv@corp.test')]);
    keys.checkpoint();
    const [read] = await store.readStream('business-i1');
    expect(read.data).toMatchObject({ email: `erased-${keys.personIdOf('w1', 'inv@corp.test')}` });
  });
});
