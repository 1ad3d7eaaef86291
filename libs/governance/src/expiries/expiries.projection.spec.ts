import type { Position, RecordedEvent } from '@app/eventstore';
import type { ProjectionContext } from '@app/projections';
import type { Document } from '@app/readmodels';
import { EXPIRIES, expiriesProjection, type ExpiryDoc } from './expiries.projection';

/** The agenda in memory: handle() only puts and deletes. */
class MemoryContext implements ProjectionContext {
  readonly docs = new Map<string, Document>();
  async get<T extends Document>(_collection: string, id: string): Promise<T | null> {
    return (this.docs.get(id) as T | undefined) ?? null;
  }
  put<T extends Document>(_collection: string, doc: T): void {
    this.docs.set(doc.id, structuredClone(doc));
  }
  delete(_collection: string, id: string): void {
    this.docs.delete(id);
  }
  find(): never {
    throw new Error('not used by the projection');
  }
  count(): never {
    throw new Error('not used by the projection');
  }
}

let position = 0;
function recorded(stream: string, type: string, data: object): RecordedEvent {
  position += 1;
  return {
    id: `e${position}`,
    type,
    data,
    metadata: {
      workspaceId: 'w1',
      actor: 'admin',
      correlationId: `c${position}`,
      causationId: null,
      occurredAt: '2026-12-06T12:00:00.000Z',
      schemaVersion: 1,
    },
    stream,
    revision: 0,
    position: `fake-${position}` as Position,
    recordedAt: '2026-12-06T12:00:00.000Z',
  };
}

async function given(...events: RecordedEvent[]): Promise<MemoryContext> {
  const ctx = new MemoryContext();
  for (const e of events) await expiriesProjection.handle(e, ctx);
  return ctx;
}

const ref = { memberId: 'm1', integrationId: 'i1' };
const exempted = (expiresAt?: string) =>
  recorded('member-m1', 'MemberExempted', {
    ...ref,
    reason: 'r',
    ...(expiresAt ? { expiresAt } : {}),
  });
const guest = recorded('identity-g1', 'GuestIdentityInvited', {
  identityId: 'g1',
  workspaceId: 'w1',
  kind: 'guest',
  sponsorIdentityId: 's1',
  expiresAt: '2026-12-20T00:00:00.000Z',
  personal: {},
});

describe('expiries projection', () => {
  it('given an exemption with an end, then it is on the agenda with the event that set it as cause', async () => {
    const event = exempted('2026-12-07T00:00:00.000Z');
    const ctx = await given(event);
    expect(await ctx.get<ExpiryDoc>(EXPIRIES, 'exemption:m1')).toEqual({
      id: 'exemption:m1',
      kind: 'exemption',
      workspaceId: 'w1',
      stream: 'member-m1',
      expiresAt: '2026-12-07T00:00:00.000Z',
      sponsorIdentityId: null,
      causationId: event.id,
      correlationId: event.metadata.correlationId,
    });
  });

  it.each([
    ['lifted', recorded('member-m1', 'MemberUnexempted', ref)],
    [
      'expired',
      recorded('member-m1', 'MemberExemptionExpired', {
        ...ref,
        reason: 'exemption_expired',
        expiresAt: '2026-12-07T00:00:00.000Z',
      }),
    ],
    ['replaced by one without an end', exempted()],
  ])('given an exemption with an end, when %s, then it leaves the agenda', async (_, event) => {
    const ctx = await given(exempted('2026-12-07T00:00:00.000Z'), event);
    expect(ctx.docs.size).toBe(0);
  });

  it('given a guest, then it is on the agenda with its sponsor until it ends, whatever ended it', async () => {
    const ctx = await given(guest);
    expect(await ctx.get<ExpiryDoc>(EXPIRIES, 'guest:g1')).toMatchObject({
      kind: 'guest',
      stream: 'identity-g1',
      sponsorIdentityId: 's1',
      causationId: guest.id,
    });
    await expiriesProjection.handle(
      recorded('identity-g1', 'IdentityDeprovisioned', {
        identityId: 'g1',
        workspaceId: 'w1',
        reason: 'sponsor_left',
      }),
      ctx,
    );
    expect(ctx.docs.size).toBe(0);
  });
});
