import type { IdentityEvent, IdentityPersonalData } from '@app/domain';
import type { Position, RecordedEvent } from '@app/eventstore';
import type { ProjectionContext } from '@app/projections';
import type { Document } from '@app/readmodels';
import {
  IDENTITIES,
  IDENTITY_EMAILS,
  identitiesProjection,
  type IdentityDoc,
  type IdentityEmailDoc,
} from './identities.projection';

/** The projection's collections in memory: enough for handle(), which only gets and puts. */
class MemoryContext implements ProjectionContext {
  readonly collections = new Map<string, Map<string, Document>>();

  async get<T extends Document>(collection: string, id: string): Promise<T | null> {
    return (this.collections.get(collection)?.get(id) as T | undefined) ?? null;
  }
  put<T extends Document>(collection: string, doc: T): void {
    const docs = this.collections.get(collection) ?? new Map<string, Document>();
    docs.set(doc.id, structuredClone(doc));
    this.collections.set(collection, docs);
  }
  delete(collection: string, id: string): void {
    this.collections.get(collection)?.delete(id);
  }
  find(): never {
    throw new Error('not used by the projection');
  }
  count(): never {
    throw new Error('not used by the projection');
  }
  emails(): Record<string, Pick<IdentityEmailDoc, 'identityIds' | 'activeIdentityIds'>> {
    const docs = [...(this.collections.get(IDENTITY_EMAILS)?.values() ?? [])] as IdentityEmailDoc[];
    return Object.fromEntries(
      docs.map((d) => [
        d.id,
        { identityIds: d.identityIds, activeIdentityIds: d.activeIdentityIds },
      ]),
    );
  }
}

const revisions = new Map<string, number>();
let position = 0;
function recorded(event: IdentityEvent, occurredAt = '2026-01-01T00:00:00.000Z'): RecordedEvent {
  const stream = `identity-${event.data.identityId}`;
  const revision = (revisions.get(stream) ?? -1) + 1;
  revisions.set(stream, revision);
  position += 1;
  return {
    id: `e${position}`,
    type: event.type,
    data: event.data,
    metadata: {
      workspaceId: event.data.workspaceId,
      actor: 'scim',
      correlationId: 'c',
      causationId: null,
      occurredAt,
      schemaVersion: 1,
    },
    stream,
    revision,
    // A hand-made event that never meets a store: any opaque text will do.
    position: `fake-${position}` as Position,
    recordedAt: occurredAt,
  };
}

const personal = (userName: string, ...emails: string[]): IdentityPersonalData => ({
  userName,
  name: { givenName: 'Ada', familyName: 'Lovelace', formatted: null },
  displayName: null,
  emails: emails.map((value, i) => ({ value, type: i === 0 ? 'work' : 'home', primary: i === 0 })),
});
const provisioned = (id: string, p: IdentityPersonalData, active = true): IdentityEvent => ({
  type: 'IdentityProvisioned',
  data: { identityId: id, workspaceId: 'w1', externalId: `ext-${id}`, active, personal: p },
});

async function given(...events: (IdentityEvent | RecordedEvent)[]): Promise<MemoryContext> {
  const ctx = new MemoryContext();
  for (const e of events) await identitiesProjection.handle('stream' in e ? e : recorded(e), ctx);
  return ctx;
}

describe('identities projection', () => {
  beforeEach(() => revisions.clear());

  it('given a provisioned identity, then its document carries the derived fields', async () => {
    const ctx = await given(
      recorded(
        provisioned('i1', personal(' Ada@Acme.test', ' ADA@acme.test ', 'ada@home.test')),
        '2026-02-01T10:00:00Z',
      ),
    );
    const doc = await ctx.get<IdentityDoc>(IDENTITIES, 'i1');
    expect(doc).toMatchObject({
      workspaceId: 'w1',
      userName: ' Ada@Acme.test',
      userNameLower: 'ada@acme.test',
      externalId: 'ext-i1',
      normalizedEmails: ['ada@acme.test', 'ada@home.test'],
      active: true,
      deleted: false,
      createdAt: '2026-02-01T10:00:00Z',
      updatedAt: '2026-02-01T10:00:00Z',
      revision: 0,
      sortKey: 'ada lovelace\u0001i1',
    });
    expect(doc?.searchText.split('\n')).toEqual(
      expect.arrayContaining(['ada@acme.test', 'ada', 'lovelace', 'ada lovelace', 'ada@home.test']),
    );
    expect(ctx.emails()).toEqual({
      'w1:ada@acme.test': { identityIds: ['i1'], activeIdentityIds: ['i1'] },
      'w1:ada@home.test': { identityIds: ['i1'], activeIdentityIds: ['i1'] },
    });
  });

  it('given two active identities with one email, then both are candidates for it', async () => {
    const ctx = await given(
      provisioned('i1', personal('a', 'shared@acme.test')),
      provisioned('i2', personal('b', 'b@acme.test', 'SHARED@acme.test')),
    );
    expect(ctx.emails()['w1:shared@acme.test']).toEqual({
      identityIds: ['i1', 'i2'],
      activeIdentityIds: ['i1', 'i2'],
    });
  });

  it('given an identity provisioned inactive, then it holds its email but is no candidate', async () => {
    const ctx = await given(provisioned('i1', personal('a', 'a@acme.test'), false));
    expect(ctx.emails()).toEqual({
      'w1:a@acme.test': { identityIds: ['i1'], activeIdentityIds: [] },
    });
  });

  it('given a deactivation then a reactivation, then the candidacy goes and comes back', async () => {
    const ref = { identityId: 'i1', workspaceId: 'w1' };
    const ctx = await given(provisioned('i1', personal('a', 'a@acme.test')), {
      type: 'IdentityDeprovisioned',
      data: { ...ref, reason: 'deactivated' },
    });
    expect(ctx.emails()['w1:a@acme.test']).toEqual({ identityIds: ['i1'], activeIdentityIds: [] });
    expect(await ctx.get<IdentityDoc>(IDENTITIES, 'i1')).toMatchObject({
      active: false,
      deleted: false,
      revision: 1,
    });

    await identitiesProjection.handle(recorded({ type: 'IdentityReactivated', data: ref }), ctx);
    expect(ctx.emails()['w1:a@acme.test']).toEqual({
      identityIds: ['i1'],
      activeIdentityIds: ['i1'],
    });
    expect(await ctx.get<IdentityDoc>(IDENTITIES, 'i1')).toMatchObject({
      active: true,
      revision: 2,
    });
  });

  it('given new emails, then the old email document goes and the new one comes', async () => {
    const ctx = await given(provisioned('i1', personal('a', 'old@acme.test', 'kept@acme.test')), {
      type: 'IdentityUpdated',
      data: {
        identityId: 'i1',
        workspaceId: 'w1',
        changed: ['emails', 'displayName'],
        personal: {
          displayName: 'Augusta',
          emails: [
            { value: 'kept@acme.test', type: 'work', primary: true },
            { value: 'New@acme.test', type: null, primary: false },
          ],
        },
      },
    });
    expect(Object.keys(ctx.emails()).sort()).toEqual(['w1:kept@acme.test', 'w1:new@acme.test']);
    expect(await ctx.get<IdentityDoc>(IDENTITIES, 'i1')).toMatchObject({
      displayName: 'Augusta',
      normalizedEmails: ['kept@acme.test', 'new@acme.test'],
      sortKey: 'augusta\u0001i1',
      userName: 'a',
    });
  });

  it('given a deletion, then the identity is marked deleted and holds no email', async () => {
    const ctx = await given(
      provisioned('i1', personal('a', 'a@acme.test')),
      provisioned('i2', personal('b', 'a@acme.test')),
      {
        type: 'IdentityDeprovisioned',
        data: { identityId: 'i1', workspaceId: 'w1', reason: 'deleted' },
      },
    );
    expect(await ctx.get<IdentityDoc>(IDENTITIES, 'i1')).toMatchObject({
      active: false,
      deleted: true,
    });
    expect(ctx.emails()).toEqual({
      'w1:a@acme.test': { identityIds: ['i2'], activeIdentityIds: ['i2'] },
    });
  });

  it('given a deactivated identity that is deleted, then its email document disappears', async () => {
    const ref = { identityId: 'i1', workspaceId: 'w1' };
    const ctx = await given(
      provisioned('i1', personal('a', 'a@acme.test')),
      { type: 'IdentityDeprovisioned', data: { ...ref, reason: 'deactivated' } },
      { type: 'IdentityDeprovisioned', data: { ...ref, reason: 'deleted' } },
    );
    expect(ctx.emails()).toEqual({});
  });

  it('given an update of an identity it never saw, then it writes nothing', async () => {
    const ctx = await given({
      type: 'IdentityUpdated',
      data: {
        identityId: 'ghost',
        workspaceId: 'w1',
        changed: ['userName'],
        personal: { userName: 'x' },
      },
    });
    expect(ctx.collections.size).toBe(0);
  });

  it('given a guest, then it is listed with source guest, its terms, and a candidate for its email until it ends', async () => {
    const ref = { identityId: 'g1', workspaceId: 'w1' };
    const ctx = await given(provisioned('s1', personal('sam', 'sam@acme.test')), {
      type: 'GuestIdentityInvited',
      data: {
        ...ref,
        kind: 'local_partner',
        sponsorIdentityId: 's1',
        expiresAt: '2026-03-01T00:00:00.000Z',
        personal: { ...personal('gina@partner.test', 'gina@partner.test'), displayName: 'Gina' },
      },
    });
    expect(await ctx.get<IdentityDoc>(IDENTITIES, 's1')).toMatchObject({
      source: 'scim',
      guest: null,
    });
    expect(await ctx.get<IdentityDoc>(IDENTITIES, 'g1')).toMatchObject({
      source: 'guest',
      externalId: null,
      active: true,
      guest: {
        kind: 'local_partner',
        sponsorIdentityId: 's1',
        expiresAt: '2026-03-01T00:00:00.000Z',
      },
      deprovisionReason: null,
      sortKey: 'gina\u0001g1',
    });
    expect(ctx.emails()['w1:gina@partner.test']).toEqual({
      identityIds: ['g1'],
      activeIdentityIds: ['g1'],
    });

    await identitiesProjection.handle(
      recorded({ type: 'IdentityDeprovisioned', data: { ...ref, reason: 'sponsor_left' } }),
      ctx,
    );
    expect(await ctx.get<IdentityDoc>(IDENTITIES, 'g1')).toMatchObject({
      active: false,
      deleted: false,
      deprovisionReason: 'sponsor_left',
    });
    expect(ctx.emails()['w1:gina@partner.test']).toEqual({
      identityIds: ['g1'],
      activeIdentityIds: [],
    });
  });
});
