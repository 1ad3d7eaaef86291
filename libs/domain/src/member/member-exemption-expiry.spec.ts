import { fold } from '../shared/decider';
import { InvalidCommand, WrongState } from '../shared/errors';
import type { ObservedMember } from '../pinterest/business';
import { type MemberCommand, memberDecider as d, type MemberState } from './member.decider';
import type { MemberEvent } from './member.events';

const observed: ObservedMember = {
  pinterestUserId: 'p1',
  name: 'Dan',
  email: 'dan@agency.example',
  businessRole: 'employee',
  assets: {},
};
const history: MemberEvent[] = d.decide(
  { type: 'ObserveMember', memberId: 'm1', integrationId: 'i1', observed },
  d.initialState,
);
const given = (...more: MemberEvent[]): MemberState => fold(d, [...history, ...more]);
const when = (state: MemberState, command: MemberCommand): MemberEvent[] =>
  d.decide(command, state);
const ref = { memberId: 'm1', integrationId: 'i1' };
const NOW = '2026-12-06T12:00:00.000Z';
const exempted = (expiresAt?: string): MemberEvent => ({
  type: 'MemberExempted',
  data: { ...ref, reason: 'agency', ...(expiresAt ? { expiresAt } : {}) },
});

function refusal(run: () => unknown): InvalidCommand {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidCommand) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('exemptions that end', () => {
  it('given an unmatched member, when exempted with an expiresAt, then MemberExempted keeps it in UTC', () => {
    const events = when(given(), {
      type: 'ExemptMember',
      reason: 'agency',
      expiresAt: '2026-12-06T14:30:00+02:00',
      now: NOW,
    });
    expect(events).toEqual([exempted('2026-12-06T12:30:00.000Z')]);
    expect(given(...events).exemptionExpiresAt).toBe('2026-12-06T12:30:00.000Z');
  });

  it.each([
    ['in the past', '2026-12-06T11:59:59Z', 'expiresAt must be in the future'],
    ['now itself', NOW, 'expiresAt must be in the future'],
    ['more than a year ahead', '2027-12-06T12:00:01Z', 'expiresAt must be at most one year ahead'],
    ['without a time zone', '2026-12-07T12:00:00', 'expiresAt must be an ISO 8601'],
    ['not a date', 'tomorrow', 'expiresAt must be an ISO 8601'],
    ['an impossible date', '2026-13-45T12:00:00Z', 'expiresAt must be an ISO 8601'],
  ])(
    'given an unmatched member, when exempted with an expiresAt %s, then refused naming expiresAt',
    (_, expiresAt, message) => {
      const error = refusal(() =>
        when(given(), { type: 'ExemptMember', reason: 'agency', expiresAt, now: NOW }),
      );
      expect(error.message).toContain(message);
      expect(error.details).toEqual({ field: 'expiresAt' });
    },
  );

  it('given an onboarded member, when exempted with a bad expiresAt, then the field is refused first', () => {
    const matched: MemberEvent = {
      type: 'MemberMatched',
      data: { ...ref, identityId: 'id1', how: 'auto', rule: 'email' },
    };
    expect(() =>
      when(given(matched), { type: 'ExemptMember', reason: 'x', expiresAt: 'soon', now: NOW }),
    ).toThrow(InvalidCommand);
    expect(() => when(given(matched), { type: 'ExemptMember', reason: 'x' })).toThrow(WrongState);
  });

  it('given an exemption that ends at T, when the sweep runs before T, then nothing', () => {
    expect(
      when(given(exempted('2026-12-06T12:00:05.000Z')), {
        type: 'ExpireExemption',
        now: '2026-12-06T12:00:04.999Z',
      }),
    ).toEqual([]);
  });

  it('given an exemption that ends at T, when the sweep runs at T, then MemberExemptionExpired, and the member is matchable again', () => {
    const state = given(exempted('2026-12-06T12:00:05.000Z'));
    const events = when(state, { type: 'ExpireExemption', now: '2026-12-06T12:00:05.000Z' });
    expect(events).toEqual([
      {
        type: 'MemberExemptionExpired',
        data: { ...ref, reason: 'exemption_expired', expiresAt: '2026-12-06T12:00:05.000Z' },
      },
    ]);
    const after = given(exempted('2026-12-06T12:00:05.000Z'), ...events);
    expect(after).toMatchObject({ exempted: false, exemptionExpiresAt: null });
    expect(when(after, { type: 'AutoMatch', candidates: ['id1'], rule: 'email' })).toEqual([
      { type: 'MemberMatched', data: { ...ref, identityId: 'id1', how: 'auto', rule: 'email' } },
    ]);
  });

  it('given an expired exemption, when the sweep fires again, then nothing (a double fire is a no-op)', () => {
    const expired: MemberEvent = {
      type: 'MemberExemptionExpired',
      data: { ...ref, reason: 'exemption_expired', expiresAt: '2026-12-06T12:00:05.000Z' },
    };
    expect(
      when(given(exempted('2026-12-06T12:00:05.000Z'), expired), {
        type: 'ExpireExemption',
        now: '2026-12-06T13:00:00.000Z',
      }),
    ).toEqual([]);
  });

  it('given an exemption without an end, or one an admin lifted, when the sweep runs, then nothing', () => {
    const later = { type: 'ExpireExemption', now: '2027-06-01T00:00:00.000Z' } as const;
    expect(when(given(exempted()), later)).toEqual([]);
    const lifted: MemberEvent = { type: 'MemberUnexempted', data: ref };
    expect(when(given(exempted('2026-12-06T12:00:05.000Z'), lifted), later)).toEqual([]);
  });

  it('given an ended exemption replaced by one without an end, when the old end comes, then nothing', () => {
    const lifted: MemberEvent = { type: 'MemberUnexempted', data: ref };
    const state = given(exempted('2026-12-06T12:00:05.000Z'), lifted, exempted());
    expect(when(state, { type: 'ExpireExemption', now: '2026-12-06T12:00:06.000Z' })).toEqual([]);
    expect(state.exempted).toBe(true);
  });
});
