import {
  type GuestIdentityInvited,
  identityStream,
  type IdentityDeprovisioned,
  type MemberExempted,
  memberStream,
} from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import type { Projection } from '@app/projections';
import type { Document } from '@app/readmodels';

export const EXPIRIES = 'expiries';

/**
 * Something that ends by itself at `expiresAt`: an exemption given with an end, or a guest.
 * The document lives while the end is still to come, so the scheduler finds what is due after
 * any restart, and the guest-sponsor saga finds a sponsor's live guests.
 */
export interface ExpiryDoc extends Document {
  /** `exemption:<memberId>` or `guest:<identityId>`. */
  id: string;
  kind: 'exemption' | 'guest';
  workspaceId: string;
  /** The stream whose decider ends it. */
  stream: string;
  /** As the log keeps instants (UTC `toISOString`): compares as a string. */
  expiresAt: string;
  /** A guest's sponsor; null for an exemption. */
  sponsorIdentityId: string | null;
  /** The event that set the end and the request it came from: the end's causation. */
  causationId: string;
  correlationId: string;
}

export const exemptionExpiryId = (memberId: string): string => `exemption:${memberId}`;
export const guestExpiryId = (identityId: string): string => `guest:${identityId}`;

const TYPES = [
  'MemberExempted',
  'MemberUnexempted',
  'MemberExemptionExpired',
  'GuestIdentityInvited',
  'IdentityDeprovisioned',
] as const;

/** What ends by itself and when: the scheduler's agenda. */
export const expiriesProjection: Projection = {
  name: 'expiries',
  version: 1,
  collections: [
    {
      name: EXPIRIES,
      // The sweep: everything due, oldest first; a sponsor's guests.
      indexes: [['expiresAt'], ['workspaceId', 'sponsorIdentityId']],
    },
  ],
  filter: { eventTypes: TYPES },
  handle(recorded: RecordedEvent, ctx) {
    const cause = {
      workspaceId: recorded.metadata.workspaceId,
      causationId: recorded.id,
      correlationId: recorded.metadata.correlationId,
    };
    switch (recorded.type) {
      case 'MemberExempted': {
        const data = recorded.data as MemberExempted['data'];
        const id = exemptionExpiryId(data.memberId);
        if (data.expiresAt === undefined) ctx.delete(EXPIRIES, id);
        else {
          ctx.put<ExpiryDoc>(EXPIRIES, {
            id,
            kind: 'exemption',
            stream: memberStream(data.memberId),
            expiresAt: data.expiresAt,
            sponsorIdentityId: null,
            ...cause,
          });
        }
        return;
      }
      case 'MemberUnexempted':
      case 'MemberExemptionExpired':
        ctx.delete(EXPIRIES, exemptionExpiryId((recorded.data as { memberId: string }).memberId));
        return;
      case 'GuestIdentityInvited': {
        const data = recorded.data as GuestIdentityInvited['data'];
        ctx.put<ExpiryDoc>(EXPIRIES, {
          id: guestExpiryId(data.identityId),
          kind: 'guest',
          stream: identityStream(data.identityId),
          expiresAt: data.expiresAt,
          sponsorIdentityId: data.sponsorIdentityId,
          ...cause,
        });
        return;
      }
      case 'IdentityDeprovisioned':
        // A guest ends once, whatever ended it; other identities have no document.
        ctx.delete(
          EXPIRIES,
          guestExpiryId((recorded.data as IdentityDeprovisioned['data']).identityId),
        );
        return;
    }
  },
};
