import { fold } from '../shared/decider';
import { Conflict, InvalidCommand, NotFound, WrongState } from '../shared/errors';
import type { EndGuest, IdentityCommand, InviteGuest } from './identity.commands';
import { identityDecider as d } from './identity.decider';
import type { IdentityEvent } from './identity.events';

const ref = { identityId: 'g1', workspaceId: 'w1' };
const NOW = '2026-12-06T12:00:00.000Z';
const invite = (over: Partial<InviteGuest> = {}, guest: Partial<InviteGuest['guest']> = {}) =>
  ({
    type: 'InviteGuest',
    ...ref,
    guest: {
      name: 'Gina Guest',
      email: 'gina@partner.example',
      kind: 'local_partner',
      sponsorIdentityId: 's1',
      expiresAt: '2026-12-20T12:00:00Z',
      ...guest,
    },
    sponsor: { active: true },
    now: NOW,
    ...over,
  }) satisfies InviteGuest;
const invited: IdentityEvent = {
  type: 'GuestIdentityInvited',
  data: {
    ...ref,
    kind: 'local_partner',
    sponsorIdentityId: 's1',
    expiresAt: '2026-12-20T12:00:00.000Z',
    personal: {
      userName: 'gina@partner.example',
      name: { givenName: null, familyName: null, formatted: 'Gina Guest' },
      displayName: 'Gina Guest',
      emails: [{ value: 'gina@partner.example', type: null, primary: true }],
    },
  },
};
const end = (reason: EndGuest['reason'], over: Partial<EndGuest> = {}): EndGuest => ({
  type: 'EndGuest',
  ...ref,
  reason,
  now: NOW,
  ...over,
});
const ended = (reason: string): IdentityEvent =>
  ({ type: 'IdentityDeprovisioned', data: { ...ref, reason } }) as IdentityEvent;
const when = (given: IdentityEvent[], command: IdentityCommand) =>
  d.decide(command, fold(d, given));

function refusedField(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidCommand) return error.details?.field;
    throw error;
  }
  throw new Error('not refused');
}

describe('guest identities', () => {
  describe('invite', () => {
    it('given nothing, when a guest is invited, then GuestIdentityInvited with the personal data under `personal` and the end in UTC', () => {
      expect(when([], invite())).toEqual([invited]);
      expect(fold(d, [invited])).toMatchObject({
        attributes: { active: true, externalId: null },
        guest: { kind: 'local_partner', sponsorIdentityId: 's1' },
      });
    });

    it.each([
      ['a sponsor not in the workspace', { sponsor: null }, {}, 'sponsorIdentityId'],
      ['an inactive sponsor', { sponsor: { active: false } }, {}, 'sponsorIdentityId'],
      ['an end in the past', {}, { expiresAt: '2026-12-06T11:00:00Z' }, 'expiresAt'],
      ['an end without a time zone', {}, { expiresAt: '2026-12-20T12:00' }, 'expiresAt'],
      ['a bad email', {}, { email: 'gina@' }, 'email'],
      ['a name with a bidi override', {}, { name: 'Gina\u202eGuest' }, 'name'],
      ['an empty name', {}, { name: '  ' }, 'name'],
      ['an unknown kind', {}, { kind: 'vendor' as never }, 'kind'],
    ])(
      'given nothing, when invited with %s, then refused naming the field',
      (_, over, guest, field) => {
        expect(refusedField(() => when([], invite(over, guest)))).toBe(field);
      },
    );

    it('given an identity with that id, when invited, then Conflict', () => {
      expect(() => when([invited], invite())).toThrow(Conflict);
    });
  });

  describe('end', () => {
    it('given a guest, when an admin ends it, then IdentityDeprovisioned guest_ended; ending again is refused', () => {
      expect(when([invited], end('guest_ended'))).toEqual([ended('guest_ended')]);
      expect(fold(d, [invited, ended('guest_ended')])).toMatchObject({
        attributes: { active: false },
        deleted: false,
      });
      expect(() => when([invited, ended('guest_ended')], end('guest_ended'))).toThrow(WrongState);
    });

    it('given a guest, when its end has not come, then the sweep decides nothing', () => {
      expect(when([invited], end('guest_expired', { now: '2026-12-20T11:59:59.999Z' }))).toEqual(
        [],
      );
    });

    it('given a guest, when its end has come, then guest_expired; a second sweep decides nothing', () => {
      const at = { now: '2026-12-20T12:00:00.000Z' };
      expect(when([invited], end('guest_expired', at))).toEqual([ended('guest_expired')]);
      expect(when([invited, ended('guest_expired')], end('guest_expired', at))).toEqual([]);
    });

    it('given a guest, when its sponsor leaves, then sponsor_left; another identity leaving decides nothing', () => {
      expect(when([invited], end('sponsor_left', { sponsorIdentityId: 's1' }))).toEqual([
        ended('sponsor_left'),
      ]);
      expect(when([invited], end('sponsor_left', { sponsorIdentityId: 's2' }))).toEqual([]);
      expect(
        when([invited, ended('guest_ended')], end('sponsor_left', { sponsorIdentityId: 's1' })),
      ).toEqual([]);
    });

    it('given an IdP user or nothing, when ended as a guest, then an admin gets NotFound and the system nothing', () => {
      const provisioned: IdentityEvent = {
        type: 'IdentityProvisioned',
        data: { ...ref, externalId: null, active: true, personal: invited.data.personal },
      } as IdentityEvent;
      expect(() => when([provisioned], end('guest_ended'))).toThrow(NotFound);
      expect(() => when([], end('guest_ended'))).toThrow(NotFound);
      expect(() => when([invited], end('guest_ended', { workspaceId: 'w2' }))).toThrow(NotFound);
      expect(when([provisioned], end('guest_expired', { now: '2030-01-01T00:00:00Z' }))).toEqual(
        [],
      );
    });

    it('given a guest, when SCIM addresses it, then NotFound (a guest is not the IdP’s)', () => {
      expect(() => when([invited], { type: 'DeleteIdentity', ...ref })).toThrow(NotFound);
      expect(() => when([invited], { type: 'PatchIdentity', ...ref, operations: [] })).toThrow(
        NotFound,
      );
    });
  });
});
